"""Recurring follow-ups: a `dateutil.rrule` schedule and the cadence that walks it.

A `Schedule` turns an RFC 5545 rule (`FREQ=DAILY;INTERVAL=14`, `FREQ=MONTHLY;BYDAY=1MO`) into
due dates, leaving out weekends (when `business_days_only`) and listed holidays, or moving
those occurrences to the next business day (`roll_forward`). A `Cadence` keeps exactly one
open follow-up for its account: completing it creates the next one, counted from

- the previous due date (`CountFrom.DUE`): the series keeps its rhythm (every other Monday
  stays on Mondays), or
- the completion date (`CountFrom.COMPLETION`): the next one is due an interval after the
  work was actually done.

Missed occurrences never pile up: a follow-up completed late is followed by the first
occurrence after the completion date, not by one task per missed occurrence.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import attrs
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from wholesale_crm.activities.model import as_utc, aware, valid_timezone
from wholesale_crm.activities.tasks import FollowUp, Priority, to_priority
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import require_aware, zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId, UserId
from wholesale_crm.validation import enum_value, non_blank

__all__ = ["HORIZON_YEARS", "Cadence", "CountFrom", "Schedule", "to_holidays"]

HORIZON_YEARS = 10
"""How far ahead a schedule looks for its next occurrence; a rule with none is refused."""

_FREQ = re.compile(r"FREQ=(\w+)")
_DATED = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})


class CountFrom(enum.StrEnum):
    """What the next occurrence of a cadence is counted from."""

    DUE = "due"
    COMPLETION = "completion"


def _to_count_from(value: object) -> CountFrom:
    return enum_value(CountFrom, value, "count_from")


def to_holidays(value: object) -> tuple[date, ...]:
    """An attrs converter: a collection of dates to a sorted tuple without repeats."""
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError.field("holidays", value, "must be a collection of dates")
    for day in value:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValidationError.field("holidays", day, "must hold dates")
    return tuple(sorted(set(value)))


def _parse(text: str, start: date) -> rrule.rrule:
    """The rule of `text` starting at `start`; only the rule itself, dated, is accepted."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError.field("rule", text, "must be an RRULE string")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if "\n" in body or "DTSTART" in body.upper():
        raise ValidationError.field(
            "rule", text, "give one RRULE only; the schedule's `start` is its DTSTART"
        )
    try:
        parsed = rrule.rrulestr(body, dtstart=datetime.combine(start, time(0)))
    except (ValueError, TypeError) as exc:
        raise ValidationError.field("rule", text, f"is not a valid RRULE ({exc})") from None
    frequency = _FREQ.search(body.upper())
    if not isinstance(parsed, rrule.rrule) or frequency is None or frequency[1] not in _DATED:
        raise ValidationError.field(
            "rule", text, "follow-ups fall on dates: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"
        )
    return parsed


@attrs.frozen
class Schedule:
    """When a recurring follow-up falls due.

    Attributes:
        rule: An RFC 5545 RRULE without DTSTART (`FREQ=WEEKLY;INTERVAL=2;BYDAY=MO`).
        start: The first date the rule may produce (its DTSTART).
        count_from: Count the next occurrence from the previous due date or the completion.
        business_days_only: Leave out Saturdays and Sundays.
        holidays: Dates to leave out.
        roll_forward: Move an occurrence that falls on a left-out day to the next business day
            (not a weekend when `business_days_only`, not a holiday) instead of skipping it.

    Raises:
        ValidationError: an unparsable rule, a sub-daily frequency, or a rule that produces no
            usable date within `HORIZON_YEARS` of `start`.
    """

    rule: str
    start: date
    count_from: CountFrom = attrs.field(default=CountFrom.DUE, converter=_to_count_from)
    business_days_only: bool = False
    holidays: tuple[date, ...] = attrs.field(default=(), converter=to_holidays)
    roll_forward: bool = False

    def __attrs_post_init__(self) -> None:
        _parse(self.rule, self.start)
        if self._first_after(self.start - timedelta(days=1), self.start) is None:
            raise ValidationError.field(
                "rule",
                self.rule,
                f"never produces a usable date within {HORIZON_YEARS} years of {self.start}"
                + (" (weekends and holidays left out)" if self._excludes_days else ""),
            )

    @property
    def _excludes_days(self) -> bool:
        return self.business_days_only or bool(self.holidays)

    def is_usable(self, day: date) -> bool:
        """True when a follow-up may fall on `day` (a business day when required, no holiday)."""
        if self.business_days_only and day.weekday() >= 5:
            return False
        return day not in self.holidays

    def _candidates(self, dtstart: date, after: date) -> Iterator[date]:
        """Dates the rule produces from `dtstart` that are after `after`, within the horizon."""
        horizon = datetime.combine(after + relativedelta(years=HORIZON_YEARS), time(0))
        rule = _parse(self.rule, dtstart)
        for occurrence in rule.xafter(datetime.combine(after, time(0))):
            if occurrence > horizon:
                return
            yield occurrence.date()

    def _first_after(self, after: date, dtstart: date) -> date | None:
        for day in self._candidates(dtstart, after):
            if self.is_usable(day):
                return day
            if self.roll_forward:
                while not self.is_usable(day):
                    day += timedelta(days=1)
                return day
        return None

    def first_on_or_after(self, day: date) -> date | None:
        """The first due date on or after `day` in the series started at `start`."""
        return self._first_after(max(day, self.start) - timedelta(days=1), self.start)

    def next_due(self, previous_due: date, completed_on: date) -> date | None:
        """The due date following an occurrence due on `previous_due`, done on `completed_on`.

        Counting from completion starts the rule afresh at `completed_on`. Counting from the
        due date keeps the series' own rhythm, and skips every occurrence missed by a late
        completion (the next one is after both dates). `None` once the rule has ended.
        """
        if self.count_from is CountFrom.COMPLETION:
            return self._first_after(completed_on, completed_on)
        return self._first_after(max(previous_due, completed_on), self.start)


@attrs.define(eq=False)
class Cadence(Aggregate):
    """A recurring follow-up for one account: one open task at a time, the next on completion.

    Attributes:
        id: The cadence's id (tasks it generates carry it as `cadence_id`).
        account_id: The account the follow-ups are about.
        assignee_id: Who does them.
        timezone: The assignee's IANA time zone.
        title: The title of each follow-up.
        schedule: When they fall due.
        priority: The priority of each follow-up.
        created_at: When the cadence was set up.
        active: A stopped cadence creates no further follow-ups.
    """

    kind = "cadence"

    id: str = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    assignee_id: UserId = attrs.field(validator=non_blank)
    timezone: str = attrs.field(validator=valid_timezone)
    title: str = attrs.field(validator=non_blank)
    schedule: Schedule
    created_at: datetime = attrs.field(converter=as_utc, validator=aware)
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=to_priority)
    active: bool = True

    def first_task(self, task_id: str, *, at: datetime) -> FollowUp:
        """The first follow-up: the first occurrence on or after the assignee's date at `at`."""
        today = require_aware(at, "at").astimezone(zone(self.timezone)).date()
        due = self.schedule.first_on_or_after(today)
        if due is None:
            raise ValidationError.field(
                "schedule", self.schedule.rule, f"has no occurrence left after {today}"
            )
        return self._task(task_id, due, at)

    def next_task(self, done: FollowUp, task_id: str) -> FollowUp | None:
        """The follow-up after `done`, or `None` when the cadence stopped or its rule ended.

        `done` is completed, or cancelled (a skipped occurrence): the next one is counted
        from the instant it was closed.
        """
        closed_at = done.closed_at
        if closed_at is None or done.cadence_id != self.id:
            raise ValidationError.field(
                "done", done.id, f"must be a closed follow-up of cadence {self.id}"
            )
        if not self.active:
            return None
        closed_on = closed_at.astimezone(zone(self.timezone)).date()
        due = self.schedule.next_due(done.due_date, closed_on)
        return None if due is None else self._task(task_id, due, closed_at)

    def stop(self) -> None:
        """Create no further follow-ups."""
        self.active = False

    def _task(self, task_id: str, due: date, at: datetime) -> FollowUp:
        return FollowUp.create(
            task_id,
            title=self.title,
            assignee_id=self.assignee_id,
            timezone=self.timezone,
            created_at=at,
            due_on=due,
            priority=self.priority,
            account_id=self.account_id,
            cadence_id=self.id,
        )
