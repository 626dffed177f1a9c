"""Behaviour on the first 20,000 lines of the real Online Retail II file (skipped without it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.imports.invoice_lines import import_invoice_lines
from wholesale_crm.imports.online_retail import ONLINE_RETAIL_CHARGES, ONLINE_RETAIL_II
from wholesale_crm.orders.behaviour import buying_behaviour
from wholesale_crm.orders.history import order_events
from wholesale_crm.services.orders import iter_lines

REAL = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / ("online_retail_II_2009-2010.csv.gz")
)


@pytest.mark.skipif(not REAL.exists(), reason="the Online Retail II file is not available")
def test_behaviour_of_the_first_20000_lines() -> None:
    uow = MemoryUnitOfWork()
    import_invoice_lines(
        uow, REAL, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES, limit=20_000
    )
    facts = list(iter_lines(uow, date(2009, 12, 1), date(2010, 1, 1)))
    assert len(facts) == 15_107
    report = buying_behaviour(facts, date(2009, 12, 15), windows=(7,))
    assert (len(report.accounts), len(report.pairs)) == (555, 13_588)
    best = max(report.accounts.values(), key=lambda b: b.revenue)
    assert (best.account_id, best.order_count, best.revenue) == ("18102", 3, Decimal("20761.24"))
    assert best.window(7).change == Decimal("-1.0000")  # nothing in the last week
    assert str(best.rfm) == "255"
    returns = [e for e in order_events(facts) if e.quantity < 0]
    assert returns and all(e.account_id for e in returns)
