"""Follow-up tasks: who must do what by when, seen from the assignee's own calendar.

A `FollowUp` is due on a date (`due_on`) or at an instant (`due_at`), and "today" is always
the assignee's today, in the IANA time zone stored on the task. So a task due on 10 March is
still *due today* at 23:30 in Los Angeles on 10 March, although UTC has already reached
11 March; it becomes *overdue* at local midnight.

For any instant, `partition` splits the tasks that are open then into `overdue`, `today` and
`upcoming`: each open task lands in exactly one. A task counts as open when its status is
`open`, or `snoozed` and the snooze has run out; done and cancelled tasks are never open.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from wholesale_crm.activities.model import as_utc, aware, utc, valid_timezone
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import require_aware, zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, TaskId, UserId
from wholesale_crm.validation import enum_value, non_blank, non_negative, optional

__all__ = [
    "Bucket",
    "FollowUp",
    "Link",
    "LinkKind",
    "Priority",
    "Reminder",
    "TaskBuckets",
    "TaskCancelled",
    "TaskCompleted",
    "TaskCompletionUndone",
    "TaskCreated",
    "TaskSnoozed",
    "TaskStatus",
    "due_today",
    "overdue",
    "partition",
    "reminders_between",
    "sort_key",
    "to_priority",
    "upcoming",
]


class Priority(enum.StrEnum):
    """How urgent a follow-up is; `rank` orders them (higher first in a worklist)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for urgent."""
        return list(Priority).index(self)


class TaskStatus(enum.StrEnum):
    """Where a follow-up stands."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    SNOOZED = "snoozed"


class LinkKind(enum.StrEnum):
    """What a follow-up can be about, besides its account."""

    CONTACT = "contact"
    OPPORTUNITY = "opportunity"
    ORDER = "order"
    INVOICE = "invoice"
    INTERACTION = "interaction"
    QUOTE = "quote"


class Bucket(enum.StrEnum):
    """Where an open task falls on the assignee's calendar at a given instant."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


def _to_link_kind(value: object) -> LinkKind:
    return enum_value(LinkKind, value, "kind")


@attrs.frozen
class Link:
    """A record the follow-up is about, by kind and id (`order` `SO-1001`)."""

    kind: LinkKind = attrs.field(converter=_to_link_kind)
    id: str = attrs.field(validator=non_blank)


@attrs.frozen
class Reminder:
    """Remind the assignee this many minutes before the task is due (0: when it falls due)."""

    minutes_before: int = attrs.field(validator=non_negative)


@attrs.frozen
class TaskCreated(Event):
    """A follow-up was created."""

    task_id: TaskId
    assignee_id: UserId
    account_id: AccountId | None
    due_on: date


@attrs.frozen
class TaskCompleted(Event):
    """A follow-up was done."""

    task_id: TaskId
    by: UserId
    at: datetime


@attrs.frozen
class TaskCompletionUndone(Event):
    """A completion was taken back; the task is as it was before."""

    task_id: TaskId


@attrs.frozen
class TaskSnoozed(Event):
    """A follow-up was hidden from the worklist until an instant."""

    task_id: TaskId
    until: datetime


@attrs.frozen
class TaskCancelled(Event):
    """A follow-up will not be done."""

    task_id: TaskId
    by: UserId
    at: datetime
    reason: str


def to_priority(value: object) -> Priority:
    """An attrs converter: a `Priority` or its value; `ValidationError` otherwise."""
    return enum_value(Priority, value, "priority")


def _to_status(value: object) -> TaskStatus:
    return enum_value(TaskStatus, value, "status")


@attrs.define(eq=False)
class FollowUp(Aggregate):
    """A task for one assignee, due on a date or at an instant in their time zone.

    Create new ones with `FollowUp.create`, which checks the due date against the creation
    instant and records `TaskCreated`. Change the status only through `complete`,
    `undo_completion`, `snooze`, `wake` and `cancel`.

    Attributes:
        id: The task's id.
        title: What to do.
        assignee_id: Who must do it.
        timezone: The assignee's IANA time zone: it decides what "today" means.
        created_at: When the task was created (UTC).
        due_on: The due date, for a task due some time that day.
        due_at: The due instant (UTC), for a task due at a time; exactly one of the two is set.
        priority: Low, normal, high or urgent.
        status: Open, done, cancelled or snoozed.
        snoozed_until: While snoozed, when the task comes back.
        account_id: The account it is about, if any.
        links: Other records it is about.
        reminders: When to remind the assignee before it is due.
        cadence_id: The cadence that generated it, if any.
        call_plan_id: The call plan that generated it, if any.
        next_task_id: The task its completion generated (cadence or plan), if any.
        completed_at: When it was done.
        completed_by: Who did it.
        cancelled_at: When it was cancelled.
        cancel_reason: Why it was cancelled.
    """

    kind = "follow-up"

    id: TaskId = attrs.field(validator=non_blank)
    title: str = attrs.field(validator=non_blank)
    assignee_id: UserId = attrs.field(validator=non_blank)
    timezone: str = attrs.field(validator=valid_timezone)
    created_at: datetime = attrs.field(converter=as_utc, validator=aware)
    due_on: date | None = None
    due_at: datetime | None = attrs.field(default=None, converter=as_utc, validator=optional(aware))
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=to_priority)
    status: TaskStatus = attrs.field(default=TaskStatus.OPEN, converter=_to_status)
    snoozed_until: datetime | None = attrs.field(
        default=None, converter=as_utc, validator=optional(aware)
    )
    account_id: AccountId | None = None
    links: list[Link] = attrs.Factory(list)
    reminders: list[Reminder] = attrs.Factory(list)
    cadence_id: str | None = None
    call_plan_id: str | None = None
    next_task_id: TaskId | None = None
    completed_at: datetime | None = attrs.field(
        default=None, converter=as_utc, validator=optional(aware)
    )
    completed_by: UserId | None = None
    cancelled_at: datetime | None = attrs.field(
        default=None, converter=as_utc, validator=optional(aware)
    )
    cancel_reason: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.due_on is None) == (self.due_at is None):
            raise ValidationError.field(
                "due_on", self.due_on, "give exactly one of due_on (a date) or due_at (an instant)"
            )
        if self.due_on is not None and (
            isinstance(self.due_on, datetime) or not isinstance(self.due_on, date)
        ):
            raise ValidationError.field("due_on", self.due_on, "must be a date (not a datetime)")
        if self.cadence_id is not None and self.call_plan_id is not None:
            raise ValidationError.field(
                "cadence_id", self.cadence_id, "a task comes from one cadence or call plan"
            )
        # Done and cancelled tasks keep `snoozed_until` so that undoing a completion
        # restores a snoozed task exactly; an open task has none.
        if (self.status is TaskStatus.OPEN and self.snoozed_until is not None) or (
            self.status is TaskStatus.SNOOZED and self.snoozed_until is None
        ):
            raise ValidationError.field(
                "snoozed_until", self.snoozed_until, "is set exactly when the task is snoozed"
            )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        title: str,
        assignee_id: str,
        timezone: str,
        created_at: datetime,
        due_on: date | None = None,
        due_at: datetime | None = None,
        allow_past_due: bool = False,
        **fields: Any,
    ) -> FollowUp:
        """A new open task, checked and with `TaskCreated` recorded.

        Args:
            id: The task's id.
            title: What to do.
            assignee_id: Who must do it.
            timezone: The assignee's IANA time zone.
            created_at: When it is created (aware).
            due_on: The due date (in the assignee's calendar), or
            due_at: the due instant (aware).
            allow_past_due: Accept a due date or instant before `created_at` (a task entered
                late); refused by default.
            **fields: Any other field of `FollowUp` (`priority`, `account_id`, `links`, ...).

        Raises:
            ValidationError: bad fields, or a due date before creation when not allowed.
        """
        task = cls(
            TaskId(id),
            title,
            UserId(assignee_id),
            timezone,
            created_at,
            due_on,
            due_at,
            **fields,
        )
        if task.status is not TaskStatus.OPEN:
            raise ValidationError.field("status", task.status.value, "a new task must be open")
        if not allow_past_due:
            created_day = task.created_at.astimezone(zone(task.timezone)).date()
            if task.due_at is not None and task.due_at < task.created_at:
                raise ValidationError.field(
                    "due_at", due_at, f"is before the task was created ({task.created_at})"
                )
            if task.due_on is not None and task.due_on < created_day:
                raise ValidationError.field(
                    "due_on", due_on, f"is before the task was created (on {created_day})"
                )
        task.record(TaskCreated(task.id, task.assignee_id, task.account_id, task.due_date))
        return task

    # -- the assignee's calendar ------------------------------------------------------------

    @property
    def due_date(self) -> date:
        """The due date on the assignee's calendar (for `due_at`, its local date)."""
        if self.due_on is not None:
            return self.due_on
        assert self.due_at is not None  # one of the two is set, checked at construction
        return self.due_at.astimezone(zone(self.timezone)).date()

    @property
    def due_instant(self) -> datetime:
        """When the task falls due: `due_at`, or local midnight starting `due_on`."""
        if self.due_at is not None:
            return self.due_at
        return datetime.combine(self.due_date, time(0), tzinfo=zone(self.timezone))

    @property
    def closed_at(self) -> datetime | None:
        """When the task was completed or cancelled; `None` while pending."""
        return self.completed_at or self.cancelled_at

    def is_open(self, at: datetime) -> bool:
        """True when the task waits to be done at `at` (open, or snoozed until before `at`)."""
        if self.status is TaskStatus.OPEN:
            return True
        return (
            self.status is TaskStatus.SNOOZED
            and self.snoozed_until is not None
            and self.snoozed_until <= require_aware(at, "at")
        )

    @property
    def is_pending(self) -> bool:
        """True unless done or cancelled: the task is open or will be when its snooze ends."""
        return self.status in (TaskStatus.OPEN, TaskStatus.SNOOZED)

    def bucket(self, at: datetime) -> Bucket:
        """Overdue, today or upcoming at instant `at`, on the assignee's calendar.

        A dated task is overdue once the assignee's date is past `due_on`; a timed task once
        `at` is past `due_at`. Otherwise it is due today if its due date is the assignee's
        date at `at`, and upcoming after that.
        """
        at = require_aware(at, "at")
        today = at.astimezone(zone(self.timezone)).date()
        due = self.due_date
        if (due < today) if self.due_at is None else (self.due_at < at):
            return Bucket.OVERDUE
        return Bucket.TODAY if due == today else Bucket.UPCOMING

    def reminder_times(self) -> list[datetime]:
        """The instants (UTC) the reminders fire, earliest first."""
        due = self.due_instant
        return sorted(
            (due - timedelta(minutes=r.minutes_before)).astimezone(UTC) for r in self.reminders
        )

    # -- status changes ---------------------------------------------------------------------

    def complete(self, *, by: str, at: datetime) -> None:
        """Mark done (also from snoozed); `ValidationError` if done or cancelled already."""
        self._require_pending("completed")
        self.completed_at = utc(at, "at")
        self.completed_by = UserId(by)
        self.status = TaskStatus.DONE
        self.record(TaskCompleted(self.id, self.completed_by, self.completed_at))

    def undo_completion(self) -> None:
        """Take back a completion: the task is exactly as it was before `complete`."""
        if self.status is not TaskStatus.DONE:
            raise ValidationError.field(
                "status", self.status.value, f"follow-up {self.id} is not done; nothing to undo"
            )
        self.status = TaskStatus.OPEN if self.snoozed_until is None else TaskStatus.SNOOZED
        self.completed_at = None
        self.completed_by = None
        self.next_task_id = None
        self.record(TaskCompletionUndone(self.id))

    def snooze(self, *, until: datetime, at: datetime) -> None:
        """Hide the task until instant `until` (after `at`); its due date does not move."""
        self._require_pending("snoozed")
        until = utc(until, "until")
        if until <= utc(at, "at"):
            raise ValidationError.field("until", until, f"must be after now ({at})")
        self.snoozed_until = until
        self.status = TaskStatus.SNOOZED
        self.record(TaskSnoozed(self.id, until))

    def wake(self) -> None:
        """End a snooze now: the task is plainly open again."""
        if self.status is not TaskStatus.SNOOZED:
            raise ValidationError.field("status", self.status.value, "the task is not snoozed")
        self.snoozed_until = None
        self.status = TaskStatus.OPEN

    def cancel(self, *, by: str, at: datetime, reason: str) -> None:
        """Drop the task; `ValidationError` if it is done or cancelled already."""
        self._require_pending("cancelled")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError.field("reason", reason, "must say why the task is cancelled")
        self.cancelled_at = utc(at, "at")
        self.cancel_reason = reason
        self.status = TaskStatus.CANCELLED
        self.record(TaskCancelled(self.id, UserId(by), self.cancelled_at, reason))

    def follow_with(self, task_id: str) -> None:
        """Remember the task that this one's completion generated (so undo can remove it)."""
        if self.status is not TaskStatus.DONE:
            raise ValidationError.field("status", self.status.value, "only a done task is followed")
        self.next_task_id = TaskId(task_id)

    def _require_pending(self, action: str) -> None:
        if not self.is_pending:
            raise ValidationError.field(
                "status", self.status.value, f"a {self.status} follow-up cannot be {action}"
            )


@attrs.frozen
class TaskBuckets:
    """The open tasks at an instant, split by where they fall; each sorted by `sort_key`."""

    overdue: tuple[FollowUp, ...]
    today: tuple[FollowUp, ...]
    upcoming: tuple[FollowUp, ...]


def sort_key(task: FollowUp) -> tuple[datetime, int, str]:
    """Worklist order: earliest due first, then higher priority, then id."""
    return (task.due_instant, -task.priority.rank, task.id)


def partition(tasks: Iterable[FollowUp], at: datetime) -> TaskBuckets:
    """Split the tasks open at `at` into overdue, due today and upcoming.

    Every open task lands in exactly one bucket; tasks not open at `at` in none.
    """
    at = require_aware(at, "at")
    found: dict[Bucket, list[FollowUp]] = {b: [] for b in Bucket}
    for task in tasks:
        if task.is_open(at):
            found[task.bucket(at)].append(task)
    overdue_, today_, upcoming_ = (tuple(sorted(found[b], key=sort_key)) for b in Bucket)
    return TaskBuckets(overdue_, today_, upcoming_)


def overdue(tasks: Iterable[FollowUp], at: datetime) -> list[FollowUp]:
    """The tasks open at `at` whose due date (or instant) has passed for their assignee."""
    return list(partition(tasks, at).overdue)


def due_today(tasks: Iterable[FollowUp], at: datetime) -> list[FollowUp]:
    """The tasks open at `at`, due later on the assignee's current day."""
    return list(partition(tasks, at).today)


def upcoming(tasks: Iterable[FollowUp], at: datetime) -> list[FollowUp]:
    """The tasks open at `at` due after the assignee's current day."""
    return list(partition(tasks, at).upcoming)


def reminders_between(
    tasks: Iterable[FollowUp], start: datetime, end: datetime
) -> list[tuple[datetime, FollowUp]]:
    """Reminders firing in `[start, end)` for tasks open when they fire, earliest first."""
    start, end = require_aware(start, "start"), require_aware(end, "end")
    due = [
        (when, task)
        for task in tasks
        for when in task.reminder_times()
        if start <= when < end and task.is_open(when)
    ]
    return sorted(due, key=lambda pair: (pair[0], pair[1].id))
