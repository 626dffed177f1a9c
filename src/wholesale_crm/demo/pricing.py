"""Demo section: one order priced for two accounts, and why one line costs what it does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol, TextIO

import babel.numbers

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.money import Money
from wholesale_crm.pricing.model import ListKind, PriceList, TargetScope
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.samples.pricing import EXCHANGE_RATES

__all__ = ["PricingData", "show"]

CUSTOMERS = ("ACC-011", "ACC-021")
"""A Harbour Kitchen branch (GBP, its head office's contract) and a Rheinland Gastro one (EUR)."""


class PricingData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today": the pricing date."""
        ...

    @property
    def accounts(self) -> Sequence[Account]:
        """Every account (parents included, for inherited lists)."""
        ...

    @property
    def categories(self) -> Sequence[Category]:
        """The category tree's records."""
        ...

    @property
    def products(self) -> Sequence[Product]:
        """Every product."""
        ...

    @property
    def price_lists(self) -> Sequence[PriceList]:
        """The sample price lists (`samples.pricing.build`)."""
        ...


def _order(lists: Sequence[PriceList], products: dict[str, Product]) -> list[tuple[Product, int]]:
    """12 of each contract product, 48 of a product with a volume tier, 120 of a shopper bag."""
    wanted: dict[str, int] = {}
    for plist in sorted(lists, key=lambda p: p.id):
        for rule in plist.rules:
            product = products.get(str(rule.target.id))
            if rule.target.scope is not TargetScope.PRODUCT or product is None:
                continue
            if plist.list_kind is ListKind.CONTRACT:
                wanted.setdefault(product.id, 12)
            elif rule.is_tier and product.category_id != "SHOPPERS" and 48 not in wanted.values():
                wanted.setdefault(product.id, 48)
    shoppers = next((p for p in products.values() if p.category_id == "SHOPPERS"), None)
    if shoppers is not None:
        wanted.setdefault(shoppers.id, 120)
    return [(products[id], quantity) for id, quantity in wanted.items()]


def show(data: PricingData, out: TextIO) -> None:
    """Price the same order for two accounts in their currencies; explain one line."""
    accounts: dict[str, Account] = {a.id: a for a in data.accounts}
    products: dict[str, Product] = {p.id: p for p in data.products}
    pricer = Pricer(
        data.price_lists,
        categories=data.categories,
        rates=EXCHANGE_RATES,
        accounts=accounts,
        product_ids=products,
    )
    order = _order(data.price_lists, products)
    on = data.as_of
    explained = None
    for account_id in CUSTOMERS:
        account = accounts[account_id]
        results = pricer.price_many(account, order, on=on)
        out.write(f"{account.name} ({account.id}, {account.currency}, {account.locale}) on {on}:\n")
        for result in results:
            quantity = babel.numbers.format_decimal(result.quantity, locale=account.locale)
            unit_price = result.unit_price.format(account.locale)
            line_total = result.line_total.format(account.locale)
            out.write(
                f"  {result.product_id:<8} {quantity:>5} x {unit_price:>10} = {line_total:>11}"
                f"  {result.price_list_id}/{result.rule_id}\n"
            )
            if explained is None and result.quantity == Decimal(48):
                explained = result
        total = sum((r.line_total for r in results), Money.zero(account.currency))
        out.write(f"  {'total':<8} {total.format(account.locale):>33}\n")
    if explained is not None:
        out.write("\nWhy:\n")
        out.write(str(explained.explain()) + "\n")
