"""The pricing engine: precedence inside a list, computations, tiers, and walking a chain.

**Precedence inside a list** (total): the candidate rules for a product are ordered by

1. target specificity: the product itself, then its category, then each ancestor category
   from the deepest up, then "all products";
2. the highest quantity threshold reached (a rule applies when `min_quantity <= quantity <
   max_quantity` and the date is in its validity);
3. priority, higher first.

The first candidate that applies and can be computed wins. Rules that would tie are refused
when the list is validated (`pricing.validation`), so the order never depends on the order in
which rules were added. A rule that cannot be computed (a fixed price in another currency than
the order's, a product without list price or cost, a base list without a price) is skipped
with its reason, and the next candidate is tried.

**Walking the chain**: the first active list of the chain (`pricing.chain`) with a rule that
applies prices the line. Unless that list says `overrides_tiers_below`, the lists below it
are then consulted for volume tiers (rules with a threshold above zero) that the quantity
reaches; when one gives a lower line total, it applies. The scan stops after the first list
below that itself says `overrides_tiers_below`.

**Compiled index**: each list is compiled once (`CompiledList`): its rules are filed by
product, category and "all", each product's candidates are kept in precedence order with their
lowest volume tier, and each rule's percentages are turned into multipliers (`CompiledRule`).
An account's chain is paired with the compiled lists once per call (`Engine.route`), with, for
each list, the lists below it whose tiers may undercut it. A line is then a few dictionary
lookups and the computation of the rule that wins. The same walk, with a `Trace`, records the
steps and rejections of an explanation; without one it builds none.

**Computation and rounding**: a base (list price, cost or the base list's price) is converted
into the order's currency first, exactly; the steps run on the unrounded value; the unit price
is floored at zero and rounded once to the currency's minor unit at the end. A base list's own
price is rounded in its own currency before being converted, like any published price.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import attrs

from wholesale_crm.catalog.model import Product
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.errors import RuleError
from wholesale_crm.ids import CategoryId
from wholesale_crm.money import Money, currency_precision
from wholesale_crm.pricing.chain import ChainLink
from wholesale_crm.pricing.exchange import ExchangeRates
from wholesale_crm.pricing.explain import NextTier, Step, Trace
from wholesale_crm.pricing.model import (
    BaseSource,
    FixedPrice,
    Formula,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceRule,
    TargetScope,
    TierMode,
)
from wholesale_crm.pricing.tiers import slab_segments, thresholds_above

__all__ = ["Candidates", "CompiledList", "CompiledRule", "Engine", "Outcome", "Route"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_NEXT_TIER_TRIES = 12  # thresholds above the quantity tried when looking for a cheaper tier


@functools.cache
def _quantum(currency: str) -> Decimal:
    """The currency's minor unit as a `Decimal` exponent (`0.01` for EUR, `1` for JPY)."""
    return _ONE.scaleb(-currency_precision(currency))


class CompiledRule:
    """A rule made ready for the pricing loop.

    Its tier bounds are read once, and the multipliers its computation uses (`1 - 15%`, the
    margin bounds `1 + 10%`) are worked out once, with the same `Decimal` operations the
    computation would do per line, so the figures are identical and a line does no
    percentage arithmetic.
    """

    __slots__ = ("dated", "factor", "high", "high_margin", "low", "low_margin", "rule")

    def __init__(self, rule: PriceRule) -> None:
        self.rule = rule
        self.low = rule.min_quantity
        self.high = rule.max_quantity
        # Most rules are open-ended: they need no date check per line.
        self.dated = rule.valid.start is not None or rule.valid.end is not None
        self.factor = _ONE
        self.low_margin: Decimal | None = None
        self.high_margin: Decimal | None = None
        comp = rule.computation
        if isinstance(comp, MarkupOnCost):
            self.factor = _ONE + comp.percent / _HUNDRED
        elif isinstance(comp, PercentOff):
            self.factor = _ONE - comp.percent / _HUNDRED
        elif isinstance(comp, Formula):
            self.factor = _ONE - comp.discount / _HUNDRED
            if comp.needs_cost:
                self.low_margin = _ONE + (comp.min_margin or _ZERO) / _HUNDRED
                if comp.max_margin is not None:
                    self.high_margin = _ONE + comp.max_margin / _HUNDRED

    def live(self, on: date) -> bool:
        """True when the rule is valid on `on`."""
        return not self.dated or self.rule.valid.contains(on)


Candidates = tuple[tuple[CompiledRule, ...], Decimal | None]
"""A product's candidate rules in one list, in precedence order, and their lowest positive
threshold (`None` when no candidate is a volume tier)."""

_NO_CANDIDATES: Candidates = ((), None)


def _candidates(rules: tuple[CompiledRule, ...]) -> Candidates:
    return rules, min((r.low for r in rules if r.low > 0), default=None)


def _by_threshold(rules: list[CompiledRule]) -> tuple[CompiledRule, ...]:
    """Rules of one target in precedence order: highest threshold, then priority, then id."""
    return tuple(sorted(rules, key=lambda r: (-r.low, -r.rule.priority, r.rule.id)))


class CompiledList:
    """A price list indexed for pricing: each product's candidate rules, in precedence order.

    The index files rules by product, by category and "all"; a product's candidates are its
    own rules, its category's and its ancestors' (deepest first), then the "all" rules, so the
    cost of pricing never grows with rules aimed at other products. A list with product rules
    only (contracts, most promotions) has every product's candidates ready when it is built;
    other lists compute them once per category (or per product with rules of its own) and
    keep them.
    """

    def __init__(self, plist: PriceList, lineage: Callable[[str | None], tuple[str, ...]]) -> None:
        self.plist = plist
        self.id = plist.id
        self.currency = plist.currency
        self.slab = plist.tiers is TierMode.SLAB
        self.rules = tuple(CompiledRule(rule) for rule in plist.rules)
        """Every rule of the list, compiled, in the list's order."""
        self._lineage = lineage
        products: dict[str, list[CompiledRule]] = {}
        categories: dict[str, list[CompiledRule]] = {}
        everything: list[CompiledRule] = []
        for compiled in self.rules:
            target = compiled.rule.target
            if target.scope is TargetScope.PRODUCT:
                products.setdefault(str(target.id), []).append(compiled)
            elif target.scope is TargetScope.CATEGORY:
                categories.setdefault(str(target.id), []).append(compiled)
            else:
                everything.append(compiled)
        self._products = {k: _by_threshold(v) for k, v in products.items()}
        self._categories = {k: _by_threshold(v) for k, v in categories.items()}
        self._everything = _by_threshold(everything)
        self._general = bool(categories or everything)
        self.has_tiers = any(rule.is_tier for rule in plist.rules)
        self.own: dict[str, Candidates] | None = (
            None if self._general else {k: _candidates(v) for k, v in self._products.items()}
        )
        """For a list with product rules only: every product's candidates, else `None`.

        `lookup`'s first case, which the engine reads inline for every list of every line; a
        subclass that overrides `lookup` sets it to `None`."""
        self._by_category: dict[str | None, Candidates] = {}
        self._by_product: dict[tuple[str, str | None], Candidates] = {}

    def lookup(self, product: Product) -> Candidates:
        """`product`'s candidate rules in precedence order, with their lowest volume tier."""
        if self.own is not None:
            return self.own.get(product.id, _NO_CANDIDATES)
        own = self._products.get(product.id)
        category = product.category_id
        if own is None:
            found = self._by_category.get(category)
            if found is None:
                found = self._by_category[category] = self._compile((), category)
            return found
        key = (product.id, category)
        found = self._by_product.get(key)
        if found is None:
            found = self._by_product[key] = self._compile(own, category)
        return found

    def candidates(self, product: Product) -> tuple[CompiledRule, ...]:
        """The rules that may price `product`, most specific first (precedence order)."""
        return self.lookup(product)[0]

    def _compile(self, own: tuple[CompiledRule, ...], category: str | None) -> Candidates:
        rules = own
        for ancestor in self._lineage(category):
            rules += self._categories.get(ancestor, ())
        return _candidates(rules + self._everything)


Route = tuple[tuple[ChainLink, CompiledList, tuple[CompiledList, ...]], ...]
"""An account's chain made ready for pricing (`Engine.route`): each link with its compiled list
and the lists below it whose volume tiers may undercut it (empty when it overrides them)."""


@attrs.define
class Outcome:
    """A line priced by one list (before or after the chain walk); never changed once made.

    `unit` and `line` are rounded to the currency's minor unit; `marginal` is the unrounded
    price of the last slab segment (or the unrounded unit price in a range list).
    """

    price_list: PriceList
    rule: PriceRule
    unit: Decimal
    line: Decimal
    marginal: Decimal
    slab: bool
    steps: tuple[Step, ...] = ()


class Engine:
    """Prices lines against compiled price lists; the `Pricer` is its public face."""

    def __init__(
        self, lists: Mapping[str, PriceList], tree: CategoryTree, rates: ExchangeRates
    ) -> None:
        self.tree = tree
        self.rates = rates
        self._lineages: dict[str | None, tuple[str, ...]] = {}
        self.lists = {id: CompiledList(plist, self.lineage) for id, plist in lists.items()}

    def lineage(self, category_id: str | None) -> tuple[str, ...]:
        """A category and its ancestors, deepest first (empty for none or an unknown one)."""
        found = self._lineages.get(category_id)
        if found is None:
            found = ()
            if category_id is not None and category_id in self.tree:
                found = tuple(reversed(self.tree.path(CategoryId(category_id))))
            self._lineages[category_id] = found
        return found

    # -- one chain ----------------------------------------------------------------------

    def route(self, links: Sequence[ChainLink]) -> Route:
        """Pair each link of a chain with its compiled list and the tier lists below it.

        Done once per chain, so that a line walks only the lists that can matter: the active
        lists below a link that hold volume tiers, down to (and including) the first active
        one that overrides the tiers below it.
        """
        route: list[tuple[ChainLink, CompiledList, tuple[CompiledList, ...]]] = []
        tiers_from_here: tuple[CompiledList, ...] = ()  # the scan a list above this one makes
        for link in reversed(links):
            clist = self.lists[link.price_list.id]
            overrides = clist.plist.overrides_tiers_below
            below = tiers_from_here if link.active and not overrides else ()
            route.append((link, clist, below))
            if link.active:
                own = (clist,) if clist.has_tiers else ()
                tiers_from_here = own if overrides else own + tiers_from_here
        return tuple(reversed(route))

    def price_chain(
        self,
        route: Route,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        trace: Trace | None = None,
    ) -> Outcome | None:
        """Price a line along a chain: first list that prices it, then lower volume tiers."""
        for link, clist, below in route:
            if not link.active:
                if trace is not None:
                    trace.reject(clist.id, None, f"list not valid on {on.isoformat()}")
                continue
            own = clist.own  # `lookup`'s first case, inline: this runs for every list of every line
            rules = (
                own.get(product.id, _NO_CANDIDATES) if own is not None else clist.lookup(product)
            )[0]
            outcome = (
                self.price_in_list(clist, product, quantity, on, currency, trace, False, rules)
                if rules
                else None
            )
            if outcome is None:
                if trace is not None:
                    trace.reject(clist.id, None, "no rule applies: fall through to the next list")
                continue
            if below:
                outcome = self._lower_tiers(below, outcome, product, quantity, on, currency, trace)
            return outcome
        return None

    def _lower_tiers(
        self,
        below: tuple[CompiledList, ...],
        outcome: Outcome,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        trace: Trace | None,
    ) -> Outcome:
        for clist in below:
            own = clist.own
            lowest_tier = (
                own.get(product.id, _NO_CANDIDATES) if own is not None else clist.lookup(product)
            )[1]
            if lowest_tier is None or lowest_tier > quantity:
                continue
            tier = self.price_in_list(
                clist, product, quantity, on, currency, None, trace is not None
            )
            if (
                tier is not None
                and tier.rule.is_tier
                and (tier.line, tier.unit) < (outcome.line, outcome.unit)
            ):
                if trace is not None:
                    trace.reject(
                        outcome.price_list.id,
                        outcome.rule.id,
                        f"volume tier {tier.rule.id} of list {clist.id} below it "
                        f"(from {tier.rule.min_quantity}) gives {tier.unit} < {outcome.unit}",
                    )
                note = Step(
                    f"volume tier of list {clist.id} below {outcome.price_list.id} applies: "
                    f"{tier.unit} is lower than {outcome.unit}"
                )
                outcome = attrs.evolve(tier, steps=(note, *tier.steps))
        return outcome

    def next_tier(
        self,
        route: Route,
        outcome: Outcome,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
    ) -> NextTier | None:
        """The smallest larger quantity that would lower the unit price, if any."""
        unit = product.base_unit.code
        if outcome.slab:
            clist = self.lists[outcome.price_list.id]
            rules = [r for r in clist.candidates(product) if r.live(on)]
            for threshold in thresholds_above((r.low for r in rules), quantity)[:_NEXT_TIER_TRIES]:
                found = self.resolve(clist, product, threshold, on, currency, None, None)
                if found is not None:
                    price = _round(found[1], currency)
                    if price < _round(outcome.marginal, currency):
                        return NextTier(threshold, unit, Money(price, currency), slab=True)
            return None
        thresholds = [
            r.low
            for link, clist, _ in route
            if link.active
            for r in clist.candidates(product)
            if r.live(on)
        ]
        for threshold in thresholds_above(thresholds, quantity)[:_NEXT_TIER_TRIES]:
            try:
                other = self.price_chain(route, product, threshold, on, currency)
            except RuleError:
                # A tier that cannot be priced (a missing exchange rate) is reported when a
                # line reaches it; it must not stop the explanation of this one.
                continue
            if other is not None and other.unit < outcome.unit:
                return NextTier(threshold, unit, Money(other.unit, currency))
        return None

    # -- one list -----------------------------------------------------------------------

    def price_in_list(
        self,
        clist: CompiledList,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        trace: Trace | None,
        with_steps: bool = False,
        rules: tuple[CompiledRule, ...] | None = None,
    ) -> Outcome | None:
        """Price a line with one list alone, in its tier mode; `None` if no rule applies.

        `rules` are the product's candidates in the list, when the caller has them already.
        """
        steps: list[Step] | None = [] if (trace is not None or with_steps) else None
        if not clist.slab:
            found = self.resolve(clist, product, quantity, on, currency, trace, steps, rules)
            if found is None:
                return None
            rule, exact = found
            quantum = _quantum(currency)
            floored = exact if exact >= 0 else _ZERO
            if steps is not None and floored is not exact:
                steps.append(Step("floor at zero: a price is never negative", floored))
            unit = floored.quantize(quantum, ROUND_HALF_UP)
            line = (unit * quantity).quantize(quantum, ROUND_HALF_UP)
            if steps is None:
                return Outcome(clist.plist, rule, unit, line, exact, False)
            steps.append(Step(f"round to the {currency} minor unit ({quantum})", unit))
            if quantity != 1:
                steps.append(Step(f"line total {quantity} x {unit}", line))
            return Outcome(clist.plist, rule, unit, line, exact, False, tuple(steps))
        return self._price_slabs(clist, product, quantity, on, currency, trace, steps)

    def _price_slabs(
        self,
        clist: CompiledList,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        trace: Trace | None,
        steps: list[Step] | None,
    ) -> Outcome | None:
        if self.resolve(clist, product, quantity, on, currency, None, None) is None:
            return None
        rules = [r for r in clist.candidates(product) if r.live(on)]
        # A tier's price changes where a rule starts and where a bounded one ends.
        cuts = [r.low for r in rules] + [r.high for r in rules if r.high]
        segments = slab_segments(cuts, quantity) or [(quantity, quantity)]
        total = _ZERO
        found: tuple[PriceRule, Decimal] | None = None
        for start, end in segments:
            seg_steps: list[Step] | None = [] if steps is not None else None
            found = self.resolve(clist, product, start, on, currency, None, seg_steps)
            if found is None:
                if trace is not None:
                    trace.reject(clist.id, None, f"slab [{start}, {end}) has no rule in the list")
                return None
            rule, exact = found
            price = max(exact, _ZERO)
            total += (end - start) * price
            if steps is not None and seg_steps is not None:
                steps.extend(Step(f"[{start}, {end}) {s.label}", s.value) for s in seg_steps)
                steps.append(
                    Step(f"slab [{start}, {end}): {end - start} x {price} (rule {rule.id})", total)
                )
        assert found is not None  # there is at least one segment
        line = _round(total, currency)
        unit = (
            _round(total / quantity, currency)
            if quantity
            else _round(max(found[1], _ZERO), currency)
        )
        if steps is not None:
            steps.append(Step("line total rounded once", line))
            steps.append(Step(f"average unit price {line} / {quantity}", unit))
        return Outcome(clist.plist, found[0], unit, line, found[1], True, tuple(steps or ()))

    def resolve(
        self,
        clist: CompiledList,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        trace: Trace | None,
        steps: list[Step] | None,
        rules: tuple[CompiledRule, ...] | None = None,
    ) -> tuple[PriceRule, Decimal] | None:
        """The winning rule of `clist` and its unrounded unit price (precedence: module docs)."""
        winner: PriceRule | None = None
        value = _ZERO
        for compiled in clist.candidates(product) if rules is None else rules:
            rule = compiled.rule
            if compiled.dated and not rule.valid.contains(on):
                if trace is not None:
                    trace.reject(
                        clist.id, rule.id, f"not valid on {on.isoformat()} (valid {rule.valid})"
                    )
                continue
            high = compiled.high
            if quantity < compiled.low or (high is not None and quantity >= high):
                if trace is not None:
                    trace.reject(clist.id, rule.id, _quantity_reason(rule, quantity))
                continue
            if winner is not None:
                if trace is None:
                    break
                trace.reject(
                    clist.id, rule.id, f"outranked by rule {winner.id} ({_why(winner, rule)})"
                )
                continue
            attempt: list[Step] | None = [] if steps is not None else None
            result = self.evaluate(clist, compiled, product, quantity, on, currency, attempt)
            if isinstance(result, str):
                if trace is not None:
                    trace.reject(clist.id, rule.id, result)
                continue
            winner, value = rule, result
            if steps is not None and attempt is not None:
                steps.extend(attempt)
        return None if winner is None else (winner, value)

    def evaluate(
        self,
        clist: CompiledList,
        compiled: CompiledRule,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        steps: list[Step] | None,
    ) -> Decimal | str:
        """The unrounded unit price a rule gives in `currency`, or why it cannot compute."""
        comp = compiled.rule.computation
        if isinstance(comp, FixedPrice):
            price = comp.price
            if price.currency != currency:
                return f"fixed price in {price.currency}, the order is in {currency}: skipped"
            if steps is not None:
                steps.append(Step(f"fixed price of rule {compiled.rule.id}", price.amount))
            return price.amount
        source = BaseSource.COST if isinstance(comp, MarkupOnCost) else comp.base
        if source is BaseSource.BASE_LIST:
            base = self._base_list_price(clist, product, quantity, on, currency, steps)
            if isinstance(base, str):
                return base
        else:
            money = product.list_price if source is BaseSource.LIST_PRICE else product.cost
            if money is None:
                return f"product {product.id} has no {source.replace('_', ' ')}"
            base = money.amount
            if steps is not None:
                label = f"base: {source.replace('_', ' ')} of {product.id}"
                steps.append(Step(f"{label} in {money.currency}", base, money.currency))
            if money.currency != currency:
                base = self._convert(base, money.currency, currency, on, steps)
        value = base * compiled.factor
        if steps is not None:
            if isinstance(comp, MarkupOnCost):
                steps.append(Step(f"x (1 + {comp.percent}%)", value))
            else:
                percent = comp.percent if isinstance(comp, PercentOff) else comp.discount
                if percent:
                    steps.append(Step(f"x (1 - {percent}%)", value))
        if isinstance(comp, Formula):
            return self._formula_tail(comp, compiled, value, product, on, currency, steps)
        return value

    def _formula_tail(
        self,
        comp: Formula,
        compiled: CompiledRule,
        value: Decimal,
        product: Product,
        on: date,
        currency: str,
        steps: list[Step] | None,
    ) -> Decimal | str:
        if comp.round_to is not None:
            value = (value / comp.round_to).quantize(_ONE, ROUND_HALF_UP) * comp.round_to
            if steps is not None:
                steps.append(Step(f"round to a multiple of {comp.round_to}", value))
        if comp.surcharge:
            value += comp.surcharge
            if steps is not None:
                steps.append(Step(f"+ surcharge {comp.surcharge}", value))
        if compiled.low_margin is not None:
            if product.cost is None:
                return (
                    f"the formula clamps the margin over cost, and product {product.id} has no cost"
                )
            cost = product.cost.amount
            if product.cost.currency != currency:
                cost = self.rates.convert(cost, product.cost.currency, currency, on)
            low = cost * compiled.low_margin
            high = None if compiled.high_margin is None else cost * compiled.high_margin
            clamped = max(value, low) if high is None else min(max(value, low), high)
            if steps is not None:
                bounds = f"[{low}, {'no maximum' if high is None else high}]"
                steps.append(Step(f"clamp to margin over cost {cost}: {bounds}", clamped))
            value = clamped
        return value

    def _base_list_price(
        self,
        clist: CompiledList,
        product: Product,
        quantity: Decimal,
        on: date,
        currency: str,
        steps: list[Step] | None,
    ) -> Decimal | str:
        """The price of the line in `clist`'s base list, converted into `currency`."""
        base_list = self.lists[str(clist.plist.base_list_id)]
        priced = self.price_in_list(base_list, product, quantity, on, base_list.currency, None)
        if priced is None:
            return f"base list {base_list.id} has no price for {product.id}"
        if steps is not None:
            label = f"base: price in list {base_list.id} (rule {priced.rule.id})"
            steps.append(Step(f"{label} in {base_list.currency}", priced.unit, base_list.currency))
        if base_list.currency == currency:
            return priced.unit
        return self._convert(priced.unit, base_list.currency, currency, on, steps)

    def _convert(
        self, amount: Decimal, source: str, target: str, on: date, steps: list[Step] | None
    ) -> Decimal:
        conversion = self.rates.conversion(amount, source, target, on)
        if steps is not None:
            steps.append(
                Step(
                    f"convert {amount} {source} {conversion.describe(source, target)}",
                    conversion.amount,
                )
            )
        return conversion.amount


def _round(value: Decimal, currency: str) -> Decimal:
    # Money.round's rule (HALF_UP to the minor unit) without building Money in the hot loop.
    return value.quantize(_quantum(currency), ROUND_HALF_UP)


def _quantity_reason(rule: PriceRule, quantity: Decimal) -> str:
    if quantity < rule.min_quantity:
        return f"needs {rule.min_quantity} or more (line has {quantity})"
    return f"only below {rule.max_quantity} (line has {quantity})"


def _why(winner: PriceRule, loser: PriceRule) -> str:
    if winner.target != loser.target:
        return f"{winner.target} is more specific than {loser.target}"
    if winner.min_quantity != loser.min_quantity:
        return f"higher threshold {winner.min_quantity} reached"
    return f"higher priority {winner.priority}"
