"""Use cases of the activities area: log and correct interactions, run follow-ups and plans.

Each function takes the unit of work first and runs in one transaction: on any error nothing
is stored, and the events the aggregates recorded are published only after the commit.

Every interaction logged here also updates its account's `AccountActivity` summary, which
is what lets `rep_day_view` find a rep's accounts out of plan from an index, without reading
interactions. `apply_call_plans` puts accounts on their plans, owners and time zones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.cadences import Cadence
from wholesale_crm.activities.callplans import AccountActivity, CallPlan, plan_for
from wholesale_crm.activities.model import Interaction, Rep, utc
from wholesale_crm.activities.tasks import FollowUp, TaskStatus
from wholesale_crm.activities.timeline import Dated, TimelinePage, timeline
from wholesale_crm.activities.worklist import (
    DEFAULT_HORIZON_DAYS,
    DayView,
    day_view,
    upcoming_until,
)
from wholesale_crm.clock import zone
from wholesale_crm.errors import PolicyViolation, RuleError
from wholesale_crm.ids import AccountId, new_id
from wholesale_crm.repositories import Repository, UnitOfWork
from wholesale_crm.repositories.activities import (
    ACCOUNT_ACTIVITY,
    CADENCES,
    CALL_PLANS,
    FOLLOW_UPS,
    INTERACTIONS,
    series_of,
)

__all__ = [
    "account_timeline",
    "add_call_plan",
    "apply_call_plans",
    "cancel_follow_up",
    "complete_follow_up",
    "correct_interaction",
    "create_follow_up",
    "log_interaction",
    "log_interactions",
    "rep_day_view",
    "snooze_follow_up",
    "start_cadence",
    "stop_cadence",
    "undo_completion",
]


# -- interactions ---------------------------------------------------------------------------


def log_interaction(uow: UnitOfWork, interaction: Interaction) -> Interaction:
    """Store a new interaction and update its account's summary."""
    log_interactions(uow, [interaction])
    return interaction


def log_interactions(uow: UnitOfWork, interactions: Iterable[Interaction]) -> int:
    """Store many new interactions in one transaction (an import, a synced mailbox).

    Each account's summary is read and written once, however many of its interactions come.
    Returns how many were stored.
    """
    with uow:
        repo = uow.repository(INTERACTIONS)
        touched: dict[AccountId, AccountActivity] = {}
        count = 0
        for interaction in interactions:
            repo.add(interaction)
            summary = touched.get(interaction.account_id)
            if summary is None:
                summary = touched[interaction.account_id] = _summary(uow, interaction.account_id)
            summary.note(interaction)
            count += 1
        _save_summaries(uow, touched.values())
        uow.commit()
    return count


def correct_interaction(
    uow: UnitOfWork, interaction_id: str, *, by: str, at: datetime, reason: str, **changes: Any
) -> Interaction:
    """Correct an interaction, keeping its earlier versions (see `Interaction.correct`)."""
    with uow:
        repo = uow.repository(INTERACTIONS)
        interaction = repo.get(interaction_id)
        interaction.correct(by=by, at=at, reason=reason, **changes)
        repo.save(interaction)
        if "occurred_at" in changes:
            # The moved one may have been, or may now be, the latest: count again.
            summary = _summary(uow, interaction.account_id)
            summary.recount(repo.find("account", interaction.account_id))
            _save_summaries(uow, [summary])
        uow.commit()
    return interaction


def account_timeline(
    uow: UnitOfWork,
    account_id: str,
    *others: Iterable[Dated],
    limit: int = 20,
    cursor: str | None = None,
) -> TimelinePage:
    """One page of the account's timeline: its interactions merged with `others`, newest first.

    `others` are the caller's dated records of the same account (orders, stage changes);
    pass the page's `next_cursor` back to read on.
    """
    with uow:
        interactions = uow.repository(INTERACTIONS).find("account", account_id)
    return timeline(interactions, *others, limit=limit, cursor=cursor)


def _summary(uow: UnitOfWork, account_id: str) -> AccountActivity:
    repo = uow.repository(ACCOUNT_ACTIVITY)
    return repo.get(account_id) if account_id in repo else AccountActivity(AccountId(account_id))


def _save_summaries(uow: UnitOfWork, summaries: Iterable[AccountActivity]) -> None:
    repo = uow.repository(ACCOUNT_ACTIVITY)
    for summary in summaries:
        if summary.version == 0:
            repo.add(summary)
        else:
            repo.save(summary)


# -- follow-ups -----------------------------------------------------------------------------


def create_follow_up(uow: UnitOfWork, task: FollowUp) -> FollowUp:
    """Store a new follow-up (build it with `FollowUp.create`).

    Raises:
        PolicyViolation: it belongs to a cadence or call plan whose account already has an
            open follow-up in that series.
    """
    with uow:
        _add_task(uow.repository(FOLLOW_UPS), task)
        uow.commit()
    return task


def complete_follow_up(
    uow: UnitOfWork, task_id: str, *, by: str, at: datetime, next_id: str | None = None
) -> tuple[FollowUp, FollowUp | None]:
    """Mark a follow-up done; for a cadence or call plan, create the next one.

    Args:
        uow: The unit of work.
        task_id: The follow-up.
        by: Who did it.
        at: When (aware).
        next_id: The id for the next follow-up of its series (generated if not given).

    Returns:
        The completed follow-up and the next one of its series, if any.

    Raises:
        ValidationError: the follow-up is done or cancelled already, or `at` is naive.
    """
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        task = repo.get(task_id)
        task.complete(by=by, at=at)
        following = _next_in_series(uow, task, next_id)
        if following is not None:
            task.follow_with(following.id)
        repo.save(task)
        uow.commit()
    return task, following


def undo_completion(uow: UnitOfWork, task_id: str) -> FollowUp:
    """Take back a completion: the task is open (or snoozed) again as before, and the next
    follow-up its completion created is removed.

    Raises:
        ValidationError: the task is not done.
        PolicyViolation: that next follow-up was changed since (done, snoozed, ...).
    """
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        task = repo.get(task_id)
        if task.next_task_id is not None and task.next_task_id in repo:
            following = repo.get(task.next_task_id)
            if following.version != 1 or following.status is not TaskStatus.OPEN:
                raise PolicyViolation(
                    f"cannot undo {task.id}: the follow-up it created, {following.id}, "
                    "has changed since",
                    {"next_task_id": following.id, "status": following.status.value},
                )
            repo.delete(following)
        task.undo_completion()
        repo.save(task)
        uow.commit()
    return task


def snooze_follow_up(uow: UnitOfWork, task_id: str, *, until: datetime, at: datetime) -> FollowUp:
    """Hide a follow-up from the worklist until `until`; its due date stays."""
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        task = repo.get(task_id)
        task.snooze(until=until, at=at)
        repo.save(task)
        uow.commit()
    return task


def cancel_follow_up(
    uow: UnitOfWork,
    task_id: str,
    *,
    by: str,
    at: datetime,
    reason: str,
    next_id: str | None = None,
) -> tuple[FollowUp, FollowUp | None]:
    """Cancel a follow-up; a cadence or call plan goes on with its next occurrence.

    Returns:
        The cancelled follow-up and the next one of its series, if any.
    """
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        task = repo.get(task_id)
        task.cancel(by=by, at=at, reason=reason)
        repo.save(task)
        following = _next_in_series(uow, task, next_id)
        uow.commit()
    return task, following


def _add_task(repo: Repository[FollowUp], task: FollowUp, *, replacing: str | None = None) -> None:
    series = series_of(task)
    if series is not None and task.is_pending:
        # `replacing` is the task being closed in the same transaction, not yet saved.
        clash = [
            t for t in repo.find("open_series", (series, task.account_id)) if t.id != replacing
        ]
        if clash:
            raise PolicyViolation(
                f"account {task.account_id} already has an open follow-up of {series}",
                {"series": series, "account_id": task.account_id, "open": clash[0].id},
            )
    repo.add(task)


def _next_in_series(uow: UnitOfWork, task: FollowUp, next_id: str | None) -> FollowUp | None:
    task_id = next_id or new_id("task")
    following: FollowUp | None = None
    if task.cadence_id is not None:
        following = uow.repository(CADENCES).get(task.cadence_id).next_task(task, task_id)
    elif task.call_plan_id is not None:
        following = uow.repository(CALL_PLANS).get(task.call_plan_id).next_task(task, task_id)
    if following is not None:
        _add_task(uow.repository(FOLLOW_UPS), following, replacing=task.id)
    return following


# -- cadences and call plans ----------------------------------------------------------------


def start_cadence(
    uow: UnitOfWork, cadence: Cadence, *, at: datetime, task_id: str | None = None
) -> FollowUp:
    """Store a new cadence and its first follow-up (the first occurrence from today on)."""
    with uow:
        uow.repository(CADENCES).add(cadence)
        task = cadence.first_task(task_id or new_id("task"), at=at)
        _add_task(uow.repository(FOLLOW_UPS), task)
        uow.commit()
    return task


def stop_cadence(uow: UnitOfWork, cadence_id: str, *, by: str, at: datetime) -> Cadence:
    """Stop a cadence and cancel its open follow-up."""
    with uow:
        cadences = uow.repository(CADENCES)
        cadence = cadences.get(cadence_id)
        cadence.stop()
        cadences.save(cadence)
        tasks = uow.repository(FOLLOW_UPS)
        for task in tasks.find("open_series", (cadence.id, cadence.account_id)):
            task.cancel(by=by, at=at, reason=f"cadence {cadence.id} stopped")
            tasks.save(task)
        uow.commit()
    return cadence


def add_call_plan(uow: UnitOfWork, plan: CallPlan) -> CallPlan:
    """Store a call plan.

    Raises:
        RuleError: another active plan covers the same tier (names both).
    """
    with uow:
        repo = uow.repository(CALL_PLANS)
        if plan.active:
            rivals = [p.id for p in repo.find("tier", plan.tier.value) if p.active]
            if rivals:
                raise RuleError(
                    f"tier {plan.tier} already has an active call plan", [*rivals, plan.id]
                )
        repo.add(plan)
        uow.commit()
    return plan


def apply_call_plans(
    uow: UnitOfWork, accounts: Iterable[Account], owners: Mapping[str, Rep], *, at: datetime
) -> list[FollowUp]:
    """Put each account on its tier's plan and make sure it has one open plan follow-up.

    Updates each account's summary (plan, owner, time zone). An account that left a plan
    has that plan's open follow-up cancelled; an account on a plan with an owner and no open
    follow-up of it gets one, due `every_days` after its last interaction (today at the
    earliest). Returns the follow-ups created.

    Args:
        uow: The unit of work.
        accounts: The accounts to check.
        owners: The rep owning each account, by account id; accounts without one get no
            follow-ups.
        at: The instant (aware).
    """
    at = utc(at, "at")
    created: list[FollowUp] = []
    with uow:
        plans = uow.repository(CALL_PLANS).list()
        tasks = uow.repository(FOLLOW_UPS)
        # Read everything before staging any write: an index query inside a transaction
        # also looks through the writes staged so far, which would make a large batch slow.
        reads = []
        for account in accounts:
            plan = plan_for(account, plans)
            summary = _summary(uow, account.id)
            left = summary.call_plan_id
            stale = []
            if left is not None and left != (plan.id if plan else None):
                stale = tasks.find("open_series", (left, account.id))
            covered = plan is not None and bool(tasks.find("open_series", (plan.id, account.id)))
            reads.append((account, plan, summary, stale, covered))
        for account, plan, summary, stale, covered in reads:
            for task in stale:
                task.cancel(by="system", at=at, reason="the account left the call plan")
                tasks.save(task)
            owner = owners.get(account.id)
            summary.timezone = account.timezone
            summary.assign(plan, None if owner is None else owner.id)
            if plan is not None and owner is not None and not covered:
                task = plan.first_task(
                    new_id("task"),
                    account_id=account.id,
                    owner=owner,
                    last_contact=summary.last_interaction_at,
                    at=at,
                )
                tasks.add(task)
                created.append(task)
        _save_summaries(uow, (summary for _, _, summary, _, _ in reads))
        uow.commit()
    return created


# -- the rep's day --------------------------------------------------------------------------


def rep_day_view(
    uow: UnitOfWork, rep: Rep, *, at: datetime, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> DayView:
    """The rep's day view at `at`, read from indexes only (see `worklist.day_view`).

    Reads the rep's pending follow-ups due before the end of the window and the rep's
    accounts whose out-of-plan date has come; never their interactions.
    """
    at = utc(at, "at")
    today = at.astimezone(zone(rep.timezone)).date()
    # An account's or task's calendar may run a day ahead of the rep's: read one day more,
    # and let `day_view` judge each on its own calendar.
    margin = timedelta(days=1)
    end = upcoming_until(today, horizon_days) + margin
    with uow:
        tasks = uow.repository(FOLLOW_UPS).find_range(
            "assignee_due", (rep.id, date.min), (rep.id, end)
        )
        summaries = uow.repository(ACCOUNT_ACTIVITY).find_range(
            "out_of_plan", (rep.id, date.min), (rep.id, today + margin + margin)
        )
    return day_view(rep, tasks, summaries, at, horizon_days=horizon_days)
