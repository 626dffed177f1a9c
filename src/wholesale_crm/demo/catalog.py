"""Demo section: the catalogue tree with product counts, packs, and payment schedules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Protocol, TextIO

from wholesale_crm.accounts.terms import (
    EarlyPaymentDiscount,
    FixedDayNextMonth,
    InstallmentPart,
    Installments,
    NetDays,
    PaymentTerms,
)
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.money import Money

__all__ = ["CatalogData", "show"]

LOCALE = "en_GB"


class CatalogData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today"; the demo invoice is dated on it."""
        ...

    @property
    def currency(self) -> str:
        """The wholesaler's currency."""
        ...

    @property
    def categories(self) -> Sequence[Category]:
        """The category tree's records."""
        ...

    @property
    def products(self) -> Sequence[Product]:
        """Every product, active or not."""
        ...


def show(data: CatalogData, out: TextIO) -> None:
    """The category tree with its product counts, one product's packs, and three schedules."""
    tree = CategoryTree(data.categories)
    direct = Counter(p.category_id for p in data.products if p.active)
    active = sum(direct.values())
    out.write(f"{len(tree)} categories, {active} active products (inactive: ")
    out.write(", ".join(p.id for p in data.products if not p.active) + ")\n")
    for category, depth in tree.walk():
        total = sum(direct[id] for id in (category.id, *tree.descendants(category.id)))
        out.write(f"  {'  ' * depth}{category.name}: {total}\n")

    product = next(p for p in data.products if p.active)
    out.write(f"\n{product.id} {product.name}, sold as:\n")
    for unit in product.units.values():
        price = product.list_price_per(unit.code)
        shown = price.format(LOCALE) if price is not None else "no list price"
        out.write(f"  {unit.code:<5} {unit.factor:>3} each  {shown}\n")
    order = product.quantity(100)
    out.write(f"  {order} fill {product.packs_for(order, 'CASE')} cases\n")

    invoice = Money("1234.56", data.currency)
    terms: list[PaymentTerms] = [
        NetDays(30, EarlyPaymentDiscount(2, 10)),
        FixedDayNextMonth(15),
        Installments([InstallmentPart(40, months=1), InstallmentPart(60, months=2)]),
    ]
    out.write(f"\nInvoice of {invoice.format(LOCALE)} dated {data.as_of}:\n")
    for kind in terms:
        out.write(f"  {kind.describe()}\n")
        for part in kind.schedule(data.as_of, invoice):
            line = f"    {part.due}  {part.amount.format(LOCALE):>10}"
            if part.discount is not None:
                line += (
                    f"  or {part.amount_if_paid_early.format(LOCALE)} by {part.discount_deadline}"
                )
            out.write(line + "\n")
