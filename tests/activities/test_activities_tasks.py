"""Follow-ups on the assignee's calendar: overdue, today, upcoming; status changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.activities.tasks import (
    Bucket,
    FollowUp,
    Link,
    Priority,
    Reminder,
    TaskCompleted,
    TaskCreated,
    TaskStatus,
    due_today,
    overdue,
    partition,
    reminders_between,
    upcoming,
)
from wholesale_crm.clock import zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.serialization import from_dict, to_dict

LA = "America/Los_Angeles"
CREATED = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 09:00 on 2 March in Los Angeles


def task(id: str = "T1", **fields: Any) -> FollowUp:
    fields.setdefault("due_on", date(2026, 3, 10))
    return FollowUp.create(
        id,
        title="Call back the buyer",
        assignee_id="rep-ann",
        timezone=fields.pop("timezone", LA),
        created_at=fields.pop("created_at", CREATED),
        **fields,
    )


def test_due_today_is_not_overdue_at_2330_in_utc_minus_8() -> None:
    due = task()
    # Los Angeles is on PDT (UTC-7) from 8 March 2026; winter time (UTC-8) is tested below.
    at = datetime(2026, 3, 11, 6, 30, tzinfo=UTC)  # 23:30 PDT on 10 March; UTC says the 11th
    assert at.date() == date(2026, 3, 11)
    assert due.bucket(at) is Bucket.TODAY
    assert due_today([due], at) == [due]
    assert overdue([due], at) == []
    # Half an hour later it is midnight in Los Angeles, and the task is overdue.
    assert due.bucket(at + timedelta(minutes=30)) is Bucket.OVERDUE
    assert due.bucket(datetime(2026, 3, 10, 6, 59, tzinfo=UTC)) is Bucket.UPCOMING


def test_the_same_instant_in_winter_time_uses_utc_minus_8() -> None:
    due = task(due_on=date(2026, 1, 20), created_at=datetime(2026, 1, 5, tzinfo=UTC))
    at = datetime(2026, 1, 21, 7, 30, tzinfo=UTC)  # 23:30 PST (UTC-8) on 20 January
    assert due.bucket(at) is Bucket.TODAY
    assert due.bucket(at + timedelta(minutes=30)) is Bucket.OVERDUE


def test_a_timed_task_is_overdue_once_its_instant_passes() -> None:
    due = task(due_on=None, due_at=datetime(2026, 3, 10, 17, 0, tzinfo=UTC))  # 10:00 PDT
    assert due.due_date == date(2026, 3, 10)
    assert due.bucket(datetime(2026, 3, 10, 16, 59, tzinfo=UTC)) is Bucket.TODAY
    assert due.bucket(datetime(2026, 3, 10, 17, 0, tzinfo=UTC)) is Bucket.TODAY
    assert due.bucket(datetime(2026, 3, 10, 17, 1, tzinfo=UTC)) is Bucket.OVERDUE
    assert due.bucket(datetime(2026, 3, 9, 17, 1, tzinfo=UTC)) is Bucket.UPCOMING


def test_partition_sorts_each_bucket_by_due_then_priority() -> None:
    at = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 13:00 PDT on 10 March
    tasks = [
        task("T1", due_on=date(2026, 3, 10)),
        task("T2", due_on=date(2026, 3, 10), priority="urgent"),
        task("T3", due_on=date(2026, 3, 9)),
        task("T4", due_on=None, due_at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC)),
        task("T5", due_on=date(2026, 3, 12)),
        task("T6", due_on=date(2026, 3, 11)),
    ]
    tasks[0].complete(by="rep-ann", at=at)
    buckets = partition(tasks, at)
    assert [t.id for t in buckets.overdue] == ["T3", "T4"]
    assert [t.id for t in buckets.today] == ["T2"]
    assert [t.id for t in buckets.upcoming] == ["T6", "T5"]
    assert [t.id for t in upcoming(tasks, at)] == ["T6", "T5"]


def test_snoozed_task_is_hidden_until_the_snooze_ends() -> None:
    due = task(due_on=date(2026, 3, 3))
    due.snooze(until=datetime(2026, 3, 5, 16, 0, tzinfo=UTC), at=CREATED)
    assert due.status is TaskStatus.SNOOZED
    assert partition([due], datetime(2026, 3, 5, 15, 59, tzinfo=UTC)).overdue == ()
    assert overdue([due], datetime(2026, 3, 5, 16, 0, tzinfo=UTC)) == [due]
    due.wake()
    assert due.status is TaskStatus.OPEN
    assert due.snoozed_until is None


def test_creation_records_an_event_and_checks_the_due_date() -> None:
    created = task()
    assert created.pending_events == (TaskCreated("T1", "rep-ann", None, date(2026, 3, 10)),)
    # Due the day it is created is fine; the day before is refused unless allowed.
    assert task(due_on=date(2026, 3, 2)).due_date == date(2026, 3, 2)
    with pytest.raises(ValidationError, match="before the task was created") as caught:
        task(due_on=date(2026, 3, 1))
    assert caught.value.paths == ("due_on",)
    assert task(due_on=date(2026, 3, 1), allow_past_due=True).due_on == date(2026, 3, 1)
    with pytest.raises(ValidationError) as caught:
        task(due_on=None, due_at=CREATED - timedelta(minutes=1))
    assert caught.value.paths == ("due_at",)


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"due_on": None}, "due_on"),
        ({"due_at": datetime(2026, 3, 10, 9, 0, tzinfo=UTC)}, "due_on"),
        ({"due_on": None, "due_at": datetime(2026, 3, 10, 9, 0)}, "due_at"),
        ({"due_on": datetime(2026, 3, 10, tzinfo=UTC)}, "due_on"),
        ({"timezone": "Pacific/Nowhere"}, "timezone"),
        ({"created_at": datetime(2026, 3, 2, 9, 0)}, "created_at"),
        ({"priority": "asap"}, "priority"),
        ({"status": "done"}, "status"),
        ({"cadence_id": "CAD-1", "call_plan_id": "PLAN-A"}, "cadence_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field(fields: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        task(**fields)
    assert caught.value.paths == (path,)


def test_completing_a_cancelled_task_is_refused_and_changes_nothing() -> None:
    cancelled = task()
    cancelled.cancel(by="rep-ann", at=CREATED, reason="buyer left")
    before = to_dict(cancelled)
    with pytest.raises(ValidationError, match="cancelled follow-up cannot be completed"):
        cancelled.complete(by="rep-ann", at=CREATED)
    with pytest.raises(ValidationError, match="must say why"):
        task().cancel(by="rep-ann", at=CREATED, reason=" ")
    assert to_dict(cancelled) == before


def test_complete_then_undo_restores_the_task_exactly() -> None:
    snoozed = task()
    snoozed.snooze(until=datetime(2026, 3, 9, tzinfo=UTC), at=CREATED)
    before = to_dict(snoozed)
    snoozed.complete(by="rep-ann", at=datetime(2026, 3, 4, tzinfo=UTC))
    assert snoozed.status is TaskStatus.DONE
    assert TaskCompleted("T1", "rep-ann", datetime(2026, 3, 4, tzinfo=UTC)) in snoozed.pull_events()
    snoozed.undo_completion()
    assert to_dict(snoozed) == before
    with pytest.raises(ValidationError, match="nothing to undo"):
        snoozed.undo_completion()


def test_reminders_fire_before_the_due_instant_in_the_assignees_zone() -> None:
    dated = task(reminders=[Reminder(24 * 60), Reminder(0)])
    # A dated task falls due at local midnight starting 10 March (07:00 UTC, PDT).
    assert dated.reminder_times() == [
        datetime(2026, 3, 9, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 10, 7, 0, tzinfo=UTC),
    ]
    timed = task(
        "T2", due_on=None, due_at=datetime(2026, 3, 10, 17, 0, tzinfo=UTC), reminders=[Reminder(30)]
    )
    window = reminders_between(
        [dated, timed], datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC)
    )
    assert [(when.hour, t.id) for when, t in window] == [(7, "T1"), (16, "T2")]


def test_negative_reminders_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Reminder(-5)
    assert caught.value.paths == ("minutes_before",)


def test_follow_up_round_trips_with_links() -> None:
    linked = task(account_id="ACC-1", links=[Link("order", "SO-1001")], priority=Priority.HIGH)
    again = from_dict(FollowUp, to_dict(linked))
    assert to_dict(again) == to_dict(linked)
    assert again.links == [Link("order", "SO-1001")]
    with pytest.raises(ValidationError):
        Link("fax", "x")


ZONES = ["America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "UTC"]
BASE = datetime(2026, 3, 1, tzinfo=UTC)


@st.composite
def follow_ups(draw: st.DrawFn) -> FollowUp:
    n = draw(st.integers(0, 10_000))
    tz = draw(st.sampled_from(ZONES))
    offset = timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
    timed = draw(st.booleans())
    made = FollowUp.create(
        f"T{n}",
        title="t",
        assignee_id="rep",
        timezone=tz,
        created_at=BASE,
        due_on=None if timed else (BASE + offset).date(),
        due_at=BASE + offset if timed else None,
        allow_past_due=True,
    )
    state = draw(st.sampled_from(["open", "snoozed", "done", "cancelled"]))
    if state == "snoozed":
        made.snooze(until=BASE + timedelta(hours=draw(st.integers(1, 24 * 20))), at=BASE)
    elif state == "done":
        made.complete(by="rep", at=BASE)
    elif state == "cancelled":
        made.cancel(by="rep", at=BASE, reason="no")
    return made


@given(st.lists(follow_ups(), max_size=12), st.integers(0, 60 * 24 * 25))
def test_overdue_today_upcoming_partition_the_open_tasks(
    tasks: list[FollowUp], minute: int
) -> None:
    at = BASE + timedelta(minutes=minute)
    buckets = partition(tasks, at)
    placed = [*buckets.overdue, *buckets.today, *buckets.upcoming]
    open_ = [t for t in tasks if t.is_open(at)]
    assert sorted(map(id, placed)) == sorted(map(id, open_))
    for t in buckets.today:
        assert t.due_date == at.astimezone(zone(t.timezone)).date()
