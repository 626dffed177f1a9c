"""Recurring follow-ups: rrule schedules, counting from due or completion, no pile-up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wholesale_crm.activities.cadences import Cadence, CountFrom, Schedule
from wholesale_crm.activities.tasks import TaskStatus
from wholesale_crm.errors import ValidationError
from wholesale_crm.serialization import from_dict, to_dict

EVERY_14_DAYS = "FREQ=DAILY;INTERVAL=14"
MON_5_JAN = date(2026, 1, 5)


def test_every_14_days_counted_from_the_due_date_keeps_its_rhythm() -> None:
    schedule = Schedule(EVERY_14_DAYS, MON_5_JAN)
    assert schedule.first_on_or_after(date(2026, 1, 1)) == MON_5_JAN
    assert schedule.next_due(MON_5_JAN, MON_5_JAN) == date(2026, 1, 19)
    # Done early (14 Jan for 19 Jan): the next is still two weeks after the due date.
    assert schedule.next_due(date(2026, 1, 19), date(2026, 1, 14)) == date(2026, 2, 2)


def test_missed_occurrences_do_not_pile_up() -> None:
    schedule = Schedule(EVERY_14_DAYS, MON_5_JAN)
    # Due 19 Jan, done 10 Feb: 2 Feb was missed; the next is 16 Feb, on the original rhythm.
    assert schedule.next_due(date(2026, 1, 19), date(2026, 2, 10)) == date(2026, 2, 16)
    # Done months late: still one next occurrence, the first after the completion.
    assert schedule.next_due(date(2026, 1, 19), date(2026, 6, 1)) == date(2026, 6, 8)


def test_counted_from_completion_the_interval_starts_when_the_work_was_done() -> None:
    schedule = Schedule(EVERY_14_DAYS, MON_5_JAN, count_from=CountFrom.COMPLETION)
    assert schedule.next_due(date(2026, 1, 19), date(2026, 2, 10)) == date(2026, 2, 24)
    assert schedule.next_due(date(2026, 1, 19), date(2026, 1, 14)) == date(2026, 1, 28)


def test_first_monday_of_the_month() -> None:
    schedule = Schedule("FREQ=MONTHLY;BYDAY=1MO", date(2026, 1, 1))
    assert schedule.first_on_or_after(date(2026, 1, 1)) == MON_5_JAN
    assert schedule.next_due(date(2026, 2, 2), date(2026, 2, 3)) == date(2026, 3, 2)
    assert schedule.next_due(date(2026, 3, 2), date(2026, 3, 20)) == date(2026, 4, 6)


def test_business_days_only_skips_weekends_or_rolls_forward() -> None:
    # Every 10 days from Monday 5 Jan: 15 Jan (Thu), 25 Jan (Sun), 4 Feb (Wed).
    skipping = Schedule("FREQ=DAILY;INTERVAL=10", MON_5_JAN, business_days_only=True)
    assert skipping.next_due(date(2026, 1, 15), date(2026, 1, 15)) == date(2026, 2, 4)
    rolling = Schedule(
        "FREQ=DAILY;INTERVAL=10", MON_5_JAN, business_days_only=True, roll_forward=True
    )
    assert rolling.next_due(date(2026, 1, 15), date(2026, 1, 15)) == date(2026, 1, 26)


def test_listed_holidays_are_skipped_or_rolled_over() -> None:
    holiday = date(2026, 5, 25)  # a Monday bank holiday
    weekly = Schedule("FREQ=WEEKLY;BYDAY=MO", MON_5_JAN, holidays=[holiday])
    assert weekly.next_due(date(2026, 5, 18), date(2026, 5, 18)) == date(2026, 6, 1)
    rolled = Schedule("FREQ=WEEKLY;BYDAY=MO", MON_5_JAN, holidays=[holiday], roll_forward=True)
    assert rolled.next_due(date(2026, 5, 18), date(2026, 5, 18)) == date(2026, 5, 26)
    assert not rolled.is_usable(holiday)


def test_a_finished_rule_has_no_next_date() -> None:
    three = Schedule("RRULE:FREQ=WEEKLY;COUNT=3", MON_5_JAN)
    assert three.next_due(date(2026, 1, 12), date(2026, 1, 12)) == date(2026, 1, 19)
    assert three.next_due(date(2026, 1, 19), date(2026, 1, 19)) is None


@pytest.mark.parametrize(
    ("rule", "extra", "message"),
    [
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", {}, "never produces"),
        ("FREQ=DAILY;UNTIL=20251231", {}, "never produces"),
        ("FREQ=DAILY;COUNT=2", {"business_days_only": True}, "weekends and holidays"),
        ("FREQ=WEEKLY;COUNT=1", {"holidays": [date(2026, 1, 3)]}, "never produces"),
        ("FREQ=HOURLY", {}, "FREQ=DAILY, WEEKLY"),
        ("every other week", {}, "not a valid RRULE"),
        ("", {}, "must be an RRULE"),
        ("DTSTART:20260101\nRRULE:FREQ=DAILY", {}, "one RRULE only"),
    ],
)
def test_rules_without_usable_occurrences_are_refused(
    rule: str, extra: dict[str, object], message: str
) -> None:
    saturday = date(2026, 1, 3)
    with pytest.raises(ValidationError, match=message) as caught:
        Schedule(rule, saturday, **extra)  # type: ignore[arg-type]
    assert caught.value.paths == ("rule",)


def test_bad_holidays_and_count_from_are_refused() -> None:
    with pytest.raises(ValidationError, match="must hold dates"):
        Schedule(EVERY_14_DAYS, MON_5_JAN, holidays=[datetime(2026, 1, 1, tzinfo=UTC)])
    with pytest.raises(ValidationError) as caught:
        Schedule(EVERY_14_DAYS, MON_5_JAN, count_from="whenever")  # type: ignore[arg-type]
    assert caught.value.paths == ("count_from",)


def cadence(schedule: Schedule | None = None) -> Cadence:
    return Cadence(
        "CAD-1",
        "ACC-1",
        "rep-ann",
        "America/Los_Angeles",
        "Fortnightly visit",
        schedule or Schedule(EVERY_14_DAYS, MON_5_JAN),
        datetime(2026, 1, 2, tzinfo=UTC),
    )


def test_cadence_creates_its_first_and_next_follow_ups_in_the_assignees_zone() -> None:
    visits = cadence(Schedule(EVERY_14_DAYS, MON_5_JAN, count_from=CountFrom.COMPLETION))
    # 22:00 on Sunday 4 January in Los Angeles, already Monday in UTC.
    first = visits.first_task("T1", at=datetime(2026, 1, 5, 6, 0, tzinfo=UTC))
    assert (first.due_on, first.cadence_id, first.account_id) == (MON_5_JAN, "CAD-1", "ACC-1")
    # Done at 22:00 on 19 January local time (06:00 UTC on the 20th): counts as the 19th,
    # so the next is due 14 days later on 2 February (UTC's date would give 3 February).
    first.complete(by="rep-ann", at=datetime(2026, 1, 20, 6, 0, tzinfo=UTC))
    following = visits.next_task(first, "T2")
    assert following is not None
    assert following.due_on == date(2026, 2, 2)
    assert following.status is TaskStatus.OPEN
    visits.stop()
    assert visits.next_task(first, "T3") is None


def test_next_task_needs_a_closed_task_of_the_cadence() -> None:
    visits = cadence()
    first = visits.first_task("T1", at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    with pytest.raises(ValidationError, match="closed follow-up of cadence CAD-1"):
        visits.next_task(first, "T2")


def test_cadence_round_trips() -> None:
    visits = cadence(Schedule("FREQ=MONTHLY;BYDAY=1MO", MON_5_JAN, holidays=[date(2026, 6, 1)]))
    assert to_dict(from_dict(Cadence, to_dict(visits))) == to_dict(visits)
