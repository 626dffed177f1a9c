"""pandas views of behaviour and statements (skipped without pandas)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.frames import behaviour_frame, statement_frame
from wholesale_crm.money import Money
from wholesale_crm.orders.behaviour import buying_behaviour
from wholesale_crm.orders.history import LineFact
from wholesale_crm.orders.model import Invoice, PaymentDue
from wholesale_crm.orders.statement import statement

pytest.importorskip("pandas")


def test_behaviour_frames_have_a_row_per_account_and_per_pair() -> None:
    facts = [
        LineFact("O1", "A", "P1", date(2026, 1, 5), Decimal(2), Decimal("10.00"), "GBP"),
        LineFact("O1", "A", "P2", date(2026, 1, 5), Decimal(1), Decimal("5.00"), "GBP"),
        LineFact("O2", "B", "P1", date(2026, 2, 5), Decimal(1), Decimal("5.00"), "GBP"),
    ]
    report = buying_behaviour(facts, date(2026, 3, 1))
    accounts = behaviour_frame(report)
    assert list(accounts.index) == ["A", "B"]
    assert accounts.loc["A", "revenue"] == Decimal("15.00")
    assert accounts.loc["A", "revenue_90d"] == Decimal("15.00")
    pairs = behaviour_frame(report, "pair")
    assert len(pairs) == 3
    assert pairs.loc[("A", "P2"), "quantity"] == Decimal(1)


def test_statement_frame_lists_open_documents_with_their_bucket() -> None:
    gbp = Money("100.00", "GBP")
    invoice = Invoice("I1", "A", date(2026, 1, 1), "GBP", gbp, [PaymentDue(date(2026, 1, 31), gbp)])
    frame = statement_frame(statement("A", "GBP", [invoice], [], date(2026, 3, 15)))
    assert frame.loc["I1", "bucket"] == "31-60"
    assert frame.loc["I1", "days_overdue"] == 43
