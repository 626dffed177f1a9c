"""Pricing services on the in-memory adapter: validation on save, nothing half-saved, quotes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import NotFound, RuleError, ValidationError
from wholesale_crm.events import MessageBus
from wholesale_crm.pricing.model import PercentOff, PriceList, PriceRule, Target
from wholesale_crm.pricing.quotes import QuoteIssued
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.catalog import CATEGORIES as CATEGORY_COLLECTION
from wholesale_crm.repositories.catalog import PRODUCTS
from wholesale_crm.repositories.pricing import PRICE_LISTS, QUOTES
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import pricing as svc

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def uow(
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> MemoryUnitOfWork:
    """The test catalogue, two accounts (a branch of an HQ), and the base list."""
    uow = MemoryUnitOfWork(bus=MessageBus())
    with uow:
        for category in categories:
            uow.repository(CATEGORY_COLLECTION).add(category)
        for product in products.values():
            uow.repository(PRODUCTS).add(product)
        uow.repository(ACCOUNTS).add(account("HQ"))
        uow.repository(ACCOUNTS).add(account("BR", parent_id="HQ"))
        uow.commit()
    svc.save_price_list(uow, base_list())
    return uow


def stored(uow: MemoryUnitOfWork) -> list[object]:
    with uow:
        return [to_dict(p) for p in uow.repository(PRICE_LISTS)]


def test_save_validates_against_the_catalogue_and_other_lists(
    uow: MemoryUnitOfWork, fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    before = stored(uow)
    with pytest.raises(ValidationError, match="unknown product"):
        svc.save_price_list(
            uow, plist("GRP", "group", fixed("G1", "NOPE", "1"), customer_group="horeca")
        )
    with pytest.raises(RuleError, match="tie"):
        svc.save_price_list(
            uow,
            plist(
                "GRP",
                "group",
                fixed("G1", "COLA", "1"),
                fixed("G2", "COLA", "2"),
                customer_group="horeca",
            ),
        )
    with pytest.raises(ValidationError, match="unknown base list"):
        svc.save_price_list(
            uow, plist("GRP", "group", customer_group="horeca", base_list_id="NOPE")
        )
    assert stored(uow) == before


def test_a_cycle_through_stored_lists_is_refused_on_save(
    uow: MemoryUnitOfWork, plist: Callable[..., PriceList]
) -> None:
    svc.save_price_list(uow, plist("A", "group", customer_group="g1", base_list_id="BASE"))
    with uow:
        base = uow.repository(PRICE_LISTS).get("BASE")
    base.base_list_id = "A"
    with pytest.raises(RuleError, match="cycle: BASE -> A -> BASE"):
        svc.save_price_list(uow, base)


def test_saving_a_loaded_list_bumps_its_version(
    uow: MemoryUnitOfWork, fixed: Callable[..., PriceRule]
) -> None:
    with uow:
        base = uow.repository(PRICE_LISTS).get("BASE")
    base.add_rule(fixed("B1", "COLA", "3.80"))
    svc.save_price_list(uow, base)
    assert base.version == 2


def test_delete_refuses_a_list_others_chain_to(
    uow: MemoryUnitOfWork, plist: Callable[..., PriceList]
) -> None:
    svc.save_price_list(uow, plist("A", "group", customer_group="g1", base_list_id="BASE"))
    with pytest.raises(RuleError, match="base list of A"):
        svc.delete_price_list(uow, "BASE")
    svc.delete_price_list(uow, "A")
    with pytest.raises(NotFound):
        svc.delete_price_list(uow, "A")


def test_issue_and_reprice_a_quote(
    uow: MemoryUnitOfWork,
    on: date,
    rule: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    hq_list = plist(
        "HQ-LIST", "account", rule("H1", Target.everything(), PercentOff(10)), account_id="HQ"
    )
    svc.save_price_list(uow, hq_list)
    pricer = svc.load_pricer(uow)
    quote = svc.issue_quote(
        uow, pricer, "BR", [("COLA", 12), ("GUM", 5)], on=on, at=AT, quote_id="Q-1"
    )
    assert [str(line.unit_price) for line in quote.lines] == ["3.60 EUR", "0.72 EUR"]  # HQ's list
    assert str(quote.total) == "46.80 EUR"
    assert uow.bus.published[-1] == QuoteIssued("Q-1", "BR", quote.total, AT, None)
    with uow:
        assert uow.repository(QUOTES).get("Q-1").lines == quote.lines
    svc.delete_price_list(uow, "HQ-LIST")
    changes = svc.reprice_quote(uow, svc.load_pricer(uow), "Q-1", on=date(2026, 3, 3))
    assert [str(c) for c in changes] == [
        "line 1 COLA: 3.60 EUR -> 4.00 EUR (HQ-LIST/H1 -> BASE/LIST)",
        "line 2 GUM: 0.72 EUR -> 0.80 EUR (HQ-LIST/H1 -> BASE/LIST)",
    ]


def test_a_quote_that_cannot_be_priced_saves_nothing(uow: MemoryUnitOfWork, on: date) -> None:
    pricer = svc.load_pricer(uow)
    with pytest.raises(NotFound):
        svc.issue_quote(uow, pricer, "BR", [("COLA", 1), ("NOPE", 1)], on=on, at=AT, quote_id="Q-1")
    with uow:
        assert len(uow.repository(QUOTES)) == 0
