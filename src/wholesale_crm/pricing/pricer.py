"""The `Pricer`: prices lines for accounts, one at a time with an explanation or many at once.

    pricer = Pricer(price_lists, categories=tree, rates=rates, accounts=accounts)
    result = pricer.price(account, product, 12, on=date(2026, 3, 2))
    result.unit_price, result.line_total, result.price_list_id, result.rule_id
    print(result.explain())

Building a pricer validates every list (`pricing.validation`) and compiles an index of the
rules (`pricing.engine`); `price_many` reuses the account's chain and the compiled candidates
for every line, so its cost does not grow with rules that cannot apply.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.errors import RuleError
from wholesale_crm.ids import TerritoryId
from wholesale_crm.money import Money
from wholesale_crm.pricing.chain import ChainLink, ListDirectory
from wholesale_crm.pricing.engine import Engine, Outcome, Route
from wholesale_crm.pricing.exchange import ExchangeRate, ExchangeRates
from wholesale_crm.pricing.explain import Explanation, Trace
from wholesale_crm.pricing.model import PriceList
from wholesale_crm.pricing.tiers import base_quantity
from wholesale_crm.pricing.validation import validate_price_lists
from wholesale_crm.quantities import Quantity

__all__ = ["PriceResult", "Pricer"]

QuantityLike = Quantity | Decimal | int | str


@attrs.frozen
class PriceResult:
    """A priced line: unit price, line total, and the list and rule that set them.

    `quantity` is in the product's base unit. `explain()` returns the full `Explanation`,
    worked out when it is asked for.
    """

    account_id: str
    product_id: str
    quantity: Decimal
    on: date
    currency: str
    unit_amount: Decimal
    total_amount: Decimal
    price_list_id: str
    rule_id: str
    _product: Product = attrs.field(eq=False, repr=False)
    _walk: _ChainWalk = attrs.field(eq=False, repr=False)

    @property
    def unit_price(self) -> Money:
        """The unit price (per base unit), rounded to the currency's minor unit."""
        return Money(self.unit_amount, self.currency)

    @property
    def line_total(self) -> Money:
        """The line total, rounded once."""
        return Money(self.total_amount, self.currency)

    def explain(self) -> Explanation:
        """Why the price is what it is (chain, base, steps, rejections, next tier)."""
        return self._walk.explain(self, self._product)


class Pricer:
    """Prices products for accounts from a set of price lists.

    Args:
        lists: Every price list (including those others chain to).
        categories: The category tree (or its categories), for category targets.
        rates: Exchange rates, for lists and products in other currencies.
        accounts: Accounts by id (or an iterable of them), to find parent accounts.
        territories: The territory of each account, when territory lists apply.
        product_ids: Known product ids, to refuse rules for unknown products (optional).

    Raises:
        RuleError: ties, overlapping tiers or cycles between lists.
        ValidationError: unknown products, categories or base lists; currency mismatches.
    """

    def __init__(
        self,
        lists: Iterable[PriceList],
        *,
        categories: CategoryTree | Iterable[Category] = (),
        rates: ExchangeRates | Iterable[ExchangeRate] = (),
        accounts: Mapping[str, Account] | Iterable[Account] = (),
        territories: Mapping[str, str] | None = None,
        product_ids: Container[str] | None = None,
    ) -> None:
        by_id: dict[str, PriceList] = {plist.id: plist for plist in lists}
        self.tree = categories if isinstance(categories, CategoryTree) else CategoryTree(categories)
        validate_price_lists(by_id.values(), product_ids=product_ids, category_ids=self.tree)
        self.rates = rates if isinstance(rates, ExchangeRates) else ExchangeRates(rates)
        self.accounts: Mapping[str, Account] = (
            accounts if isinstance(accounts, Mapping) else {a.id: a for a in accounts}
        )
        self.territories: Mapping[str, str] = territories or {}
        self.directory = ListDirectory(by_id.values())
        self.engine = Engine(by_id, self.tree, self.rates)

    def chain(self, account: Account, on: date) -> list[ChainLink]:
        """The lists consulted for `account` on `on`, first first (see `pricing.chain`)."""
        territory = self.territories.get(account.id)
        return self.directory.chain(
            account,
            on,
            accounts=self.accounts.get,
            territory=TerritoryId(territory) if territory else None,
        )

    def price(
        self, account: Account, product: Product, quantity: QuantityLike, *, on: date
    ) -> PriceResult:
        """Price `quantity` of `product` for `account` on `on`; `explain()` says why.

        `quantity` is a `Quantity` in any of the product's units, or a number of base units.
        Prices are in the account's currency.

        Raises:
            RuleError: no list in the chain prices the product, or an exchange rate is
                missing.
            ValidationError: a negative quantity or a unit the product is not sold in.
        """
        return self.price_many(account, [(product, quantity)], on=on)[0]

    def price_many(
        self,
        account: Account,
        items: Iterable[tuple[Product, QuantityLike]],
        *,
        on: date,
    ) -> list[PriceResult]:
        """Price a whole order or catalogue for one account in one call.

        The chain is built and paired with the compiled rule index once for the call; each
        line then reads its candidate rules from the index. Explanations are worked out only
        when asked for, from the same walk along the chain.

        Raises:
            RuleError: a product no list prices, or a missing exchange rate.
            ValidationError: a negative quantity or a unit a product is not sold in.
        """
        walk = _ChainWalk(self.engine, account, on, self.chain(account, on))
        route = self.engine.route(walk.links)
        price_chain = self.engine.price_chain
        currency = walk.currency
        results = []
        for product, quantity in items:
            amount = base_quantity(product, quantity)
            outcome = price_chain(route, product, amount, on, currency)
            if outcome is None:
                raise walk.no_price(product, amount)
            results.append(
                PriceResult(
                    account.id,
                    product.id,
                    amount,
                    on,
                    currency,
                    outcome.unit,
                    outcome.line,
                    outcome.price_list.id,
                    outcome.rule.id,
                    product,
                    walk,
                )
            )
        return results


class _ChainWalk:
    """An account's chain on a date, to price lines along and to explain them.

    Results keep this object to explain themselves later: it keeps the chain and the currency
    the lines were priced with (so an explanation describes the same decision even if the
    account changes meanwhile), and pairs the chain with the compiled lists again only when a
    line is explained. Few objects stay alive per call that way, which keeps the garbage
    collector's full passes rare when a call returns thousands of results.
    """

    def __init__(self, engine: Engine, account: Account, on: date, links: list[ChainLink]) -> None:
        self.engine = engine
        self.account_id = account.id
        self.currency = account.currency
        self.on = on
        self.links = links

    @functools.cached_property
    def route(self) -> Route:
        """The chain paired with the compiled lists."""
        return self.engine.route(self.links)

    def _traced(self, product: Product, quantity: Decimal) -> tuple[Outcome | None, Trace]:
        trace = Trace()
        outcome = self.engine.price_chain(
            self.route, product, quantity, self.on, self.currency, trace
        )
        return outcome, trace

    def no_price(self, product: Product, quantity: Decimal) -> RuleError:
        """The error for a line no list prices, with every list's and rule's reason."""
        _, trace = self._traced(product, quantity)
        reasons = "; ".join(str(r) for r in trace.rejected) or "the chain is empty"
        return RuleError(
            f"no price for {product.id} for account {self.account_id} on {self.on.isoformat()} "
            f"({quantity} {product.base_unit.code}): {reasons}",
            (self.account_id, product.id),
        )

    def explain(self, result: PriceResult, product: Product) -> Explanation:
        """The explanation of `result`: the same walk again, this time recording each step.

        The walk is deterministic, so it reaches the same list, rule and figures; the final
        figures are taken from `result` itself, so they are the price returned.
        """
        outcome, trace = self._traced(product, result.quantity)
        assert outcome is not None  # the same walk priced the line before
        currency = self.currency
        steps = outcome.steps
        base = next(
            (f"{s.label.split('base: ', 1)[1]}: {s.value}" for s in steps if "base: " in s.label),
            None,
        )
        return Explanation(
            account_id=self.account_id,
            product_id=product.id,
            quantity=result.quantity,
            unit=product.base_unit.code,
            on=self.on,
            currency=currency,
            chain=tuple(str(link) for link, _, _ in self.route),
            price_list_id=result.price_list_id,
            rule_id=result.rule_id,
            rule=str(outcome.rule),
            base=base or f"fixed price of rule {outcome.rule.id}",
            steps=steps,
            rejected=tuple(trace.rejected),
            unit_price=result.unit_price,
            line_total=result.line_total,
            next_tier=self.engine.next_tier(
                self.route, outcome, product, result.quantity, self.on, currency
            ),
        )
