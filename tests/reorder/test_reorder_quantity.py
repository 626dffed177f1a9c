from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.quantity import (
    consumption_rate,
    expected_quantity,
    run_out_date,
    suggested,
)


def test_expected_is_median_of_recent_orders() -> None:
    qs = [Decimal(v) for v in (100, 1, 10, 12, 11, 500, 12)]
    assert expected_quantity(qs) == Decimal(12)  # last five: 10 12 11 500 12
    with pytest.raises(ValidationError):
        expected_quantity([])


def test_suggested_rounds_up_to_packs() -> None:
    assert suggested(Decimal("13"), Decimal(12)) == Decimal(24)
    assert suggested(Decimal("12"), Decimal(12)) == Decimal(12)
    assert suggested(Decimal("0.5"), Decimal(6)) == Decimal(6)
    assert suggested(Decimal("2.5")) == Decimal(3)
    with pytest.raises(ValidationError, match="pack_size"):
        suggested(Decimal(1), Decimal(0))


def test_consumption_and_run_out() -> None:
    days = [date(2024, 1, 1), date(2024, 1, 11), date(2024, 1, 21)]
    qty = [Decimal(10), Decimal(10), Decimal(30)]
    rate = consumption_rate(days, qty)
    assert rate == Decimal("1.0000")  # 20 units used over 20 days
    assert run_out_date(days[-1], qty[-1], rate) == date(2024, 2, 20)
    assert consumption_rate(days[:1], qty[:1]) is None
    assert run_out_date(days[-1], qty[-1], None) is None
    assert run_out_date(days[-1], Decimal(10**9), Decimal("0.0001")) is None
