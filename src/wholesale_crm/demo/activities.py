"""Demo section: one rep's overdue and today's follow-ups, and one account's timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol, TextIO

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.model import Interaction
from wholesale_crm.activities.tasks import FollowUp
from wholesale_crm.activities.timeline import Dated
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.clock import zone
from wholesale_crm.samples.activities import ActivitiesSample
from wholesale_crm.services import activities as svc

__all__ = ["show"]


class HasActivities(Protocol):
    """The sample data this section reads: its accounts and their activities."""

    @property
    def accounts(self) -> Sequence[Account]:
        """The sample accounts."""
        ...

    @property
    def activities(self) -> ActivitiesSample:
        """The sample activities."""
        ...


def _store(sample: ActivitiesSample, accounts: Sequence[Account]) -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork()
    for plan in sample.call_plans:
        svc.add_call_plan(uow, plan)
    svc.log_interactions(uow, sample.interactions)
    for task in sample.follow_ups:
        svc.create_follow_up(uow, task)
    for cadence in sample.cadences:
        svc.start_cadence(uow, cadence, at=sample.at, task_id=f"task-{cadence.id}")
    # Puts every account's summary on its plan and owner; the sample's plan follow-ups
    # are already there, so it creates none.
    svc.apply_call_plans(uow, accounts, sample.owners, at=sample.at)
    return uow


def _task_line(task: FollowUp) -> str:
    about = f" ({task.account_id})" if task.account_id else ""
    return f"  {task.due_date}  {task.priority.value:<7} {task.title}{about}\n"


def _timeline_line(record: Dated) -> str:
    when = record.occurred_at.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(record, Interaction):
        d = record.details
        outcome = f" -> {d.outcome}" if d.outcome else ""
        return f"  {when}  {d.channel.value:<7} {d.summary}{outcome}\n"
    return f"  {when}  {record.id}\n"


def show(data: HasActivities, out: TextIO) -> None:
    """Store the sample activities, then print a rep's day view and an account's timeline."""
    sample = data.activities
    uow = _store(sample, data.accounts)
    busiest = Counter(t.assignee_id for t in sample.follow_ups).most_common(1)[0][0]
    rep = next(r for r in sample.reps if r.id == busiest)
    view = svc.rep_day_view(uow, rep, at=sample.at)
    local = sample.at.astimezone(zone(rep.timezone))
    out.write(f"{rep.name}'s day on {view.today}, at {local:%H:%M} in {rep.timezone}:\n")
    out.write(f"overdue ({len(view.overdue)}):\n")
    out.writelines(_task_line(t) for t in view.overdue)
    out.write(f"due today ({len(view.due_today)}):\n")
    out.writelines(_task_line(t) for t in view.due_today)
    out.write(f"coming up in the next week: {len(view.upcoming)}\n")
    out.write(f"accounts out of plan ({len(view.out_of_plan)}):\n")
    for gap in view.out_of_plan[:5]:
        since = "never contacted" if gap.days_since is None else f"{gap.days_since} days"
        out.write(f"  {gap.account_id}  {since} (plan allows {gap.allowed_days})\n")

    account_id = Counter(i.account_id for i in sample.interactions).most_common(1)[0][0]
    page = svc.account_timeline(uow, account_id, limit=5)
    out.write(f"\nTimeline of {account_id}, newest first (first page of 5):\n")
    out.writelines(_timeline_line(r) for r in page.items)
    if page.next_cursor is not None:
        rest = svc.account_timeline(uow, account_id, limit=100, cursor=page.next_cursor)
        out.write(f"  ... {len(rest.items)} older\n")
