"""Merging accounts moves the duplicate's documents to the survivor, in the same unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.accounts.terms import NetDays
from wholesale_crm.activities.model import Channel, Interaction, InteractionDetails
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import PolicyViolation
from wholesale_crm.money import Money
from wholesale_crm.orders.model import Order, OrderLine
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.activities import ACCOUNT_ACTIVITY, INTERACTIONS
from wholesale_crm.repositories.orders import INVOICES, ORDERS
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import accounts as accounts_svc
from wholesale_crm.services import activities as activities_svc
from wholesale_crm.services import orders as orders_svc

D = date(2026, 3, 2)


def world(duplicate_currency: str = "GBP") -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork()
    with uow:
        for id, name, currency in (
            ("ACC-1", "Harbour Gifts Ltd", "GBP"),
            ("ACC-2", "Harbour Gifts Limited", duplicate_currency),
        ):
            uow.repository(ACCOUNTS).add(
                Account(id, name, currency=currency, payment_terms=NetDays(30))
            )
        uow.commit()
    order = Order("O1", "ACC-2", D, duplicate_currency, [OrderLine("MUG", 10, Decimal("2.50"))])
    orders_svc.place_order(uow, order)
    orders_svc.invoice_order(uow, "O1", on=D)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    details = InteractionDetails(Channel("call"), at, "Asked about the spring range")
    activities_svc.log_interaction(
        uow,
        Interaction.log("I1", account_id="ACC-2", rep_id="rep-ann", logged_at=at, details=details),
    )
    return uow


def test_documents_follow_the_survivor_and_count_in_its_exposure() -> None:
    uow = world()
    assert orders_svc.account_exposure(uow, "ACC-1", D) == Money("0.00", "GBP")
    accounts_svc.merge_accounts(uow, "ACC-1", "ACC-2", on=D)
    with uow:
        for collection in (ORDERS, INVOICES, INTERACTIONS):
            repo = uow.repository(collection)
            assert repo.find("account", "ACC-2") == []
            assert [d.account_id for d in repo.find("account", "ACC-1")] == ["ACC-1"]
    # The duplicate's open invoice of 10 x 2.50 now weighs on the survivor's credit.
    assert orders_svc.account_exposure(uow, "ACC-1", D) == Money("25.00", "GBP")
    with uow:
        summaries = uow.repository(ACCOUNT_ACTIVITY)
        assert "ACC-2" not in summaries
        assert summaries.get("ACC-1").last_interaction_id == "I1"
        assert summaries.get("ACC-1").interactions == 1


def test_documents_in_another_currency_refuse_the_merge_and_change_nothing() -> None:
    uow = world(duplicate_currency="EUR")
    with uow:
        before = [to_dict(a) for a in uow.repository(ACCOUNTS).list()]
    with pytest.raises(PolicyViolation, match="not in GBP") as caught:
        accounts_svc.merge_accounts(uow, "ACC-1", "ACC-2", on=D)
    assert caught.value.details["currency"] == "GBP"  # type: ignore[index]
    assert "O1" in caught.value.details["documents"]  # type: ignore[index]
    with uow:
        assert [to_dict(a) for a in uow.repository(ACCOUNTS).list()] == before
        assert [o.account_id for o in uow.repository(ORDERS).list()] == ["ACC-2"]
