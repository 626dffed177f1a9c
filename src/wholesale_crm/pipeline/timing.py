"""Dates as the deal owner sees them: "today", "this month", "overdue" in the owner's time zone.

Instants are stored in UTC, but a rep in Los Angeles whose deal is due today is not late at
23:30 local time although UTC has already moved on to tomorrow. Callers pass the owners' IANA
zones as a mapping `user id -> zone name`; owners not in it use `default` (UTC unless told).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from wholesale_crm.clock import require_aware, zone
from wholesale_crm.periods import Granularity, period_of
from wholesale_crm.pipeline.model import Opportunity

__all__ = ["OwnerZones", "closing_this_period", "local_date", "overdue", "owner_today"]

OwnerZones = Mapping[str, str]
"""The IANA time zone of each owner (user id -> `"America/Los_Angeles"`)."""


def local_date(at: datetime, tz: str) -> date:
    """The calendar date of the instant `at` in the IANA zone `tz`."""
    return require_aware(at, "at").astimezone(zone(tz)).date()


def owner_today(
    owner_id: str, at: datetime, zones: OwnerZones | None = None, *, default: str = "UTC"
) -> date:
    """The owner's calendar date at the instant `at`."""
    return local_date(at, (zones or {}).get(owner_id, default))


def overdue(
    opportunities: Iterable[Opportunity],
    at: datetime,
    zones: OwnerZones | None = None,
    *,
    default: str = "UTC",
) -> list[Opportunity]:
    """Open deals whose expected close date is before their owner's today."""
    require_aware(at, "at")
    return [
        o
        for o in opportunities
        if o.is_open
        and o.expected_close is not None
        and o.expected_close < owner_today(o.owner_id, at, zones, default=default)
    ]


def closing_this_period(
    opportunities: Iterable[Opportunity],
    at: datetime,
    zones: OwnerZones | None = None,
    *,
    granularity: Granularity = "month",
    default: str = "UTC",
) -> list[Opportunity]:
    """Open deals expected to close in their owner's current month (or quarter, year)."""
    at = require_aware(at, "at").astimezone(UTC)
    found = []
    for o in opportunities:
        if o.is_open and o.expected_close is not None:
            today = owner_today(o.owner_id, at, zones, default=default)
            if period_of(today, granularity).contains(o.expected_close):
                found.append(o)
    return found
