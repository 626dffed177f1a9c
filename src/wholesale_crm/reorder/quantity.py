"""Order quantities: the usual quantity, the suggested (pack-rounded) one, consumption, run-out."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from wholesale_crm.errors import ValidationError

__all__ = ["RECENT_ORDERS", "consumption_rate", "expected_quantity", "run_out_date", "suggested"]

RECENT_ORDERS = 5
"""How many of the latest orders the usual quantity looks at (habits drift)."""

_RATE_PLACES = Decimal("0.0001")
_MAX_RUN_OUT_DAYS = 3660


def expected_quantity(quantities: Sequence[Decimal]) -> Decimal:
    """The usual order quantity: the median of the latest `RECENT_ORDERS` orders.

    The median, because it minimises the absolute error and ignores the odd bulk order.

    Raises:
        ValidationError: no quantities.
    """
    if not quantities:
        raise ValidationError.field("quantities", (), "needs at least one order")
    return Decimal(statistics.median(quantities[-RECENT_ORDERS:]))


def suggested(quantity: Decimal, pack_size: Decimal | None = None) -> Decimal:
    """Round a quantity up to whole packs (whole units without a pack size).

    Raises:
        ValidationError: a pack size that is not positive.
    """
    if pack_size is None:
        return quantity.to_integral_value(rounding=ROUND_CEILING)
    if not (isinstance(pack_size, Decimal) and pack_size.is_finite() and pack_size > 0):
        raise ValidationError.field("pack_size", pack_size, "must be a positive Decimal")
    packs = (quantity / pack_size).to_integral_value(rounding=ROUND_CEILING)
    return max(packs, Decimal(1)) * pack_size


def consumption_rate(days: Sequence[date], quantities: Sequence[Decimal]) -> Decimal | None:
    """Units used per day, from what was ordered before the last order and the time it lasted.

    `None` with fewer than two order days (nothing to measure a rate over).
    """
    if len(days) < 2:
        return None
    span = (days[-1] - days[0]).days
    used = sum(quantities[:-1], Decimal(0))
    return (used / span).quantize(_RATE_PLACES)


def run_out_date(last_day: date, last_quantity: Decimal, rate: Decimal | None) -> date | None:
    """When the last order runs out at `rate`; `None` without a positive rate or far away."""
    if rate is None or rate <= 0:
        return None
    days = int(last_quantity / rate)
    if days > _MAX_RUN_OUT_DAYS:
        return None
    return last_day + timedelta(days=days)
