"""A small catalogue, accounts and builders shared by the pricing tests (not a test module)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.money import Money
from wholesale_crm.pricing.model import (
    Computation,
    FixedPrice,
    ListKind,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
)
from wholesale_crm.quantities import STANDARD_UNITS

ON = date(2026, 3, 2)
EACH = STANDARD_UNITS["EA"]
BOX12 = EACH.pack("BOX12", 12)

CATEGORIES = [
    Category("FOOD", "Food"),
    Category("DRINKS", "Drinks", "FOOD"),
    Category("SODA", "Soda", "DRINKS"),
    Category("SNACKS", "Snacks", "FOOD"),
]


def eur(amount: str) -> Money:
    """An amount in euros."""
    return Money(amount, "EUR")


def products() -> dict[str, Product]:
    """COLA (soda, 4.00/2.00, boxes of 12), CHIPS (snacks), WATER (drinks), GUM (no category)."""
    return {
        p.id: p
        for p in (
            Product(
                "COLA", "Cola", "SODA", packs=[BOX12], list_price=eur("4.00"), cost=eur("2.00")
            ),
            Product("CHIPS", "Chips", "SNACKS", list_price=eur("2.50"), cost=eur("1.00")),
            Product("WATER", "Water", "DRINKS", list_price=eur("1.00"), cost=eur("0.40")),
            Product("GUM", "Gum", None, list_price=eur("0.80")),
        )
    }


def account(id: str = "ACC1", **kw: Any) -> Account:
    """An account in the horeca group, paying in EUR, unless told otherwise."""
    kw.setdefault("customer_group", "horeca")
    return Account(id, f"Account {id}", **kw)


def rule(id: str, target: Target, computation: Computation, **kw: Any) -> PriceRule:
    """A price rule."""
    return PriceRule(id, target, computation, **kw)


def fixed(id: str, product: str, amount: str, **kw: Any) -> PriceRule:
    """A fixed EUR price for one product."""
    return PriceRule(id, Target.product(product), FixedPrice(eur(amount)), **kw)


def plist(id: str, kind: str, *rules: PriceRule, **kw: Any) -> PriceList:
    """A EUR price list of `kind` holding `rules`."""
    kw.setdefault("currency", "EUR")
    return PriceList(id, id.title(), ListKind(kind), rules=list(rules), **kw)


def base_list(*extra: PriceRule) -> PriceList:
    """The base list: list price for everything, plus `extra` rules."""
    return plist("BASE", "base", rule("LIST", Target.everything(), PercentOff(0)), *extra)
