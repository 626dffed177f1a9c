"""Clocks and time-zone helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from wholesale_crm.clock import FixedClock, SystemClock, require_aware, zone
from wholesale_crm.errors import ValidationError


def test_fixed_clock_today_depends_on_the_zone() -> None:
    clock = FixedClock(datetime(2026, 3, 1, 7, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 3, 1)
    assert clock.today("America/Los_Angeles") == date(2026, 2, 28)
    assert clock.today("Asia/Tokyo") == date(2026, 3, 1)
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    clock.set(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC


def test_naive_datetimes_and_unknown_zones_are_refused() -> None:
    with pytest.raises(ValidationError, match="naive") as caught:
        FixedClock(datetime(2026, 1, 1))
    assert caught.value.paths == ("at",)
    with pytest.raises(ValidationError) as caught:
        zone("Europe/Atlantis")
    assert caught.value.errors[0].value == "Europe/Atlantis"
    with pytest.raises(ValidationError):
        require_aware("2026-01-01", "when")
