"""A rep's day: overdue follow-ups, today's, the next few days', and accounts out of plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import attrs

from wholesale_crm.activities.callplans import AccountActivity, PlanGap, out_of_plan
from wholesale_crm.activities.model import Rep, utc
from wholesale_crm.activities.tasks import FollowUp, partition
from wholesale_crm.clock import zone
from wholesale_crm.errors import ValidationError

__all__ = ["DEFAULT_HORIZON_DAYS", "DayView", "day_view", "upcoming_until"]

DEFAULT_HORIZON_DAYS = 7
"""How many days after today the day view's `upcoming` list reaches."""


@attrs.frozen
class DayView:
    """What a rep should look at on their day, at one instant.

    Attributes:
        rep: Whose day it is.
        at: The instant (UTC) it was computed for.
        today: The rep's date at `at`.
        overdue: Open follow-ups past due, earliest first.
        due_today: Open follow-ups due later today.
        upcoming: Open follow-ups due in the next days, up to `upcoming_until` (exclusive).
        out_of_plan: The rep's accounts without an interaction for longer than their plan
            allows, never contacted first, then the longest gaps.
    """

    rep: Rep
    at: datetime
    today: date
    overdue: tuple[FollowUp, ...]
    due_today: tuple[FollowUp, ...]
    upcoming: tuple[FollowUp, ...]
    out_of_plan: tuple[PlanGap, ...]


def upcoming_until(today: date, horizon_days: int) -> date:
    """The first date past the day view's window: `horizon_days` days after `today`."""
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 0:
        raise ValidationError.field("horizon_days", horizon_days, "must be a whole number >= 0")
    return today + timedelta(days=horizon_days + 1)


def day_view(
    rep: Rep,
    tasks: Iterable[FollowUp],
    summaries: Iterable[AccountActivity],
    at: datetime,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> DayView:
    """The rep's day view at `at` from their tasks and their accounts' summaries.

    Tasks of other assignees and accounts of other owners are left out, so the arguments may
    be a pre-selection (from indexes) or everything (a full scan): the result is the same.
    """
    at = utc(at, "at")
    today = at.astimezone(zone(rep.timezone)).date()
    end = upcoming_until(today, horizon_days)
    buckets = partition((t for t in tasks if t.assignee_id == rep.id), at)
    return DayView(
        rep,
        at,
        today,
        buckets.overdue,
        buckets.today,
        tuple(t for t in buckets.upcoming if t.due_date < end),
        tuple(out_of_plan((s for s in summaries if s.owner_id == rep.id), at)),
    )
