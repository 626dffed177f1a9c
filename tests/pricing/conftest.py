"""Fixtures for the pricing tests: a small catalogue, accounts and builders for lists and rules.

    FOOD
    +-- DRINKS
    |    +-- SODA      COLA  (list price 4.00, cost 2.00 EUR; sold by the box of 12 too)
    |    WATER         (1.00 / 0.40)
    +-- SNACKS         CHIPS (2.50 / 1.00)
    (no category)      GUM   (0.80, no cost)

Accounts are in the horeca group and pay in EUR unless a test says otherwise; the builders
make EUR price lists and rules. Builders are handed out by fixtures (`fixed`, `plist`, ...), and
every call returns fresh objects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

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
from wholesale_crm.quantities import STANDARD_UNITS, Unit

ON = date(2026, 3, 2)
BOX12 = STANDARD_UNITS["EA"].pack("BOX12", 12)


def _eur(amount: str) -> Money:
    return Money(amount, "EUR")


def _categories() -> tuple[Category, ...]:
    return (
        Category("FOOD", "Food"),
        Category("DRINKS", "Drinks", "FOOD"),
        Category("SODA", "Soda", "DRINKS"),
        Category("SNACKS", "Snacks", "FOOD"),
    )


def _products() -> dict[str, Product]:
    return {
        p.id: p
        for p in (
            Product(
                "COLA", "Cola", "SODA", packs=[BOX12], list_price=_eur("4.00"), cost=_eur("2.00")
            ),
            Product("CHIPS", "Chips", "SNACKS", list_price=_eur("2.50"), cost=_eur("1.00")),
            Product("WATER", "Water", "DRINKS", list_price=_eur("1.00"), cost=_eur("0.40")),
            Product("GUM", "Gum", None, list_price=_eur("0.80")),
        )
    }


def _account(id: str = "ACC1", **kw: Any) -> Account:
    kw.setdefault("customer_group", "horeca")
    return Account(id, f"Account {id}", **kw)


def _rule(id: str, target: Target, computation: Computation, **kw: Any) -> PriceRule:
    return PriceRule(id, target, computation, **kw)


def _fixed(id: str, product: str, amount: str, **kw: Any) -> PriceRule:
    return PriceRule(id, Target.product(product), FixedPrice(_eur(amount)), **kw)


def _plist(id: str, kind: str, *rules: PriceRule, **kw: Any) -> PriceList:
    kw.setdefault("currency", "EUR")
    return PriceList(id, id.title(), ListKind(kind), rules=list(rules), **kw)


def _base_list(*extra: PriceRule) -> PriceList:
    return _plist("BASE", "base", _rule("LIST", Target.everything(), PercentOff(0)), *extra)


@pytest.fixture(scope="session")
def on() -> date:
    """The pricing date of the tests: Monday 2 March 2026."""
    return ON


@pytest.fixture(scope="session")
def box12() -> Unit:
    """A box of 12 each, the pack COLA is also sold in."""
    return BOX12


@pytest.fixture(scope="session")
def categories() -> tuple[Category, ...]:
    """FOOD > DRINKS > SODA and FOOD > SNACKS (module docs)."""
    return _categories()


@pytest.fixture(scope="session")
def make_products() -> Callable[[], dict[str, Product]]:
    """Builds COLA, CHIPS, WATER and GUM by id, fresh on every call (module docs)."""
    return _products


@pytest.fixture
def products() -> dict[str, Product]:
    """COLA, CHIPS, WATER and GUM by id (module docs)."""
    return _products()


@pytest.fixture(scope="session")
def eur() -> Callable[[str], Money]:
    """An amount in euros: `eur("3.10")`."""
    return _eur


@pytest.fixture(scope="session")
def account() -> Callable[..., Account]:
    """`account(id="ACC1", **fields)`: an account in the horeca group, paying in EUR unless
    told otherwise."""
    return _account


@pytest.fixture(scope="session")
def rule() -> Callable[..., PriceRule]:
    """`rule(id, target, computation, **fields)`: a price rule."""
    return _rule


@pytest.fixture(scope="session")
def fixed() -> Callable[..., PriceRule]:
    """`fixed(id, product, amount, **fields)`: a fixed EUR price for one product."""
    return _fixed


@pytest.fixture(scope="session")
def plist() -> Callable[..., PriceList]:
    """`plist(id, kind, *rules, **fields)`: a EUR price list of `kind` holding `rules`."""
    return _plist


@pytest.fixture(scope="session")
def base_list() -> Callable[..., PriceList]:
    """`base_list(*extra)`: the base list, list price for everything, plus `extra` rules."""
    return _base_list
