"""Key-account call plans: how often each tier must hear from its rep, and who has not.

A `CallPlan` covers the accounts of one tier (A every 14 days, B every 30, C every 90). For
each account on it the plan keeps one open follow-up: when that follow-up is completed, the
next is due `every_days` after the completion date (moved to the next business day when the
plan says so).

Whether an account is *out of plan* depends only on its last interaction, so each account has
an `AccountActivity` summary, updated whenever an interaction is logged: the last interaction,
the plan, the owner and the first date on which the account is out of plan. An account with
no interaction for more than `every_days` days (counted in the account's own time zone), or
with none ever, is out of plan.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import attrs

from wholesale_crm.accounts.model import Account, AccountStatus, Tier
from wholesale_crm.activities.cadences import CountFrom, Schedule, to_holidays
from wholesale_crm.activities.model import Interaction, Rep, as_utc, aware, utc, valid_timezone
from wholesale_crm.activities.tasks import FollowUp, Priority, to_priority
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import zone
from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.ids import AccountId, InteractionId, UserId
from wholesale_crm.validation import enum_value, non_blank, optional, positive

__all__ = [
    "NEVER",
    "AccountActivity",
    "CallPlan",
    "PlanGap",
    "out_of_plan",
    "plan_for",
    "summarise",
]

NEVER = date.min
"""`AccountActivity.out_of_plan_from` of an account never contacted: out of plan from the start."""


def _to_tier(value: object) -> Tier:
    return enum_value(Tier, value, "tier")


@functools.lru_cache(maxsize=64)
def _schedule(every_days: int, business_days_only: bool, holidays: tuple[date, ...]) -> Schedule:
    # Counted from completion, so the start only anchors the rule; any Monday will do.
    return Schedule(
        f"FREQ=DAILY;INTERVAL={every_days}",
        date(2000, 1, 3),
        count_from=CountFrom.COMPLETION,
        business_days_only=business_days_only,
        holidays=holidays,
        roll_forward=True,
    )


@attrs.define(eq=False)
class CallPlan(Aggregate):
    """How often the accounts of a tier must be contacted, and the follow-ups that ensure it.

    Attributes:
        id: The plan's id (its follow-ups carry it as `call_plan_id`).
        name: A name to show (`"Key accounts"`).
        tier: The accounts it covers.
        every_days: The longest an account may go without an interaction, and the interval
            between its follow-ups.
        title: The title of each follow-up.
        priority: The priority of each follow-up.
        business_days_only: Move follow-ups off weekends.
        holidays: Move follow-ups off these dates.
        active: An inactive plan covers no account.
    """

    kind = "call plan"

    id: str = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    tier: Tier = attrs.field(converter=_to_tier)
    every_days: int = attrs.field(validator=positive)
    title: str = "Call-plan contact"
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=to_priority)
    business_days_only: bool = False
    holidays: tuple[date, ...] = attrs.field(default=(), converter=to_holidays)
    active: bool = True

    @property
    def schedule(self) -> Schedule:
        """The follow-up schedule: every `every_days` days, counted from completion."""
        return _schedule(self.every_days, self.business_days_only, self.holidays)

    def covers(self, account: Account) -> bool:
        """True when the account is of the plan's tier and not closed (and the plan active)."""
        return self.active and account.tier is self.tier and account.status != AccountStatus.CLOSED

    def first_task(
        self,
        task_id: str,
        *,
        account_id: str,
        owner: Rep,
        last_contact: datetime | None,
        at: datetime,
    ) -> FollowUp:
        """The follow-up for an account without one: `every_days` after its last contact.

        Never before the owner's date at `at`: an account already out of plan gets a
        follow-up due today (one, not one per missed interval).
        """
        today = utc(at, "at").astimezone(zone(owner.timezone)).date()
        due = today
        if last_contact is not None:
            contacted_on = utc(last_contact, "last_contact").astimezone(zone(owner.timezone))
            due = max(today, self._due_after(contacted_on.date()))
        return self._task(task_id, account_id, owner, due, at)

    def next_task(self, done: FollowUp, task_id: str) -> FollowUp | None:
        """The follow-up after `done` (completed or cancelled), or `None` if the plan is off.

        It is due `every_days` after the date `done` was closed, for the same rep.
        """
        closed_at = done.closed_at
        if closed_at is None or done.call_plan_id != self.id or done.account_id is None:
            raise ValidationError.field(
                "done", done.id, f"must be a closed account follow-up of call plan {self.id}"
            )
        if not self.active:
            return None
        closed_on = closed_at.astimezone(zone(done.timezone)).date()
        owner = Rep(done.assignee_id, done.assignee_id, done.timezone)
        return self._task(task_id, done.account_id, owner, self._due_after(closed_on), closed_at)

    def _due_after(self, day: date) -> date:
        due = self.schedule.next_due(day, day)
        assert due is not None  # an endless daily rule always has a next date
        return due

    def _task(self, task_id: str, account_id: str, owner: Rep, due: date, at: datetime) -> FollowUp:
        return FollowUp.create(
            task_id,
            title=self.title,
            assignee_id=owner.id,
            timezone=owner.timezone,
            created_at=at,
            due_on=due,
            priority=self.priority,
            account_id=AccountId(account_id),
            call_plan_id=self.id,
        )


def plan_for(account: Account, plans: Iterable[CallPlan]) -> CallPlan | None:
    """The plan covering `account`, if any; `RuleError` naming them if two active plans do."""
    covering = [p for p in plans if p.covers(account)]
    if len(covering) > 1:
        raise RuleError(
            f"account {account.id} (tier {account.tier}) is covered by several call plans",
            sorted(p.id for p in covering),
        )
    return covering[0] if covering else None


@attrs.frozen
class PlanGap:
    """An account out of plan at an instant: how long since its last interaction.

    `days_since` is `None` when the account was never contacted.
    """

    account_id: AccountId
    call_plan_id: str
    owner_id: UserId | None
    last_interaction_at: datetime | None
    days_since: int | None
    allowed_days: int


@attrs.define(eq=False)
class AccountActivity(Aggregate):
    """An account's contact summary, kept up to date as interactions are logged.

    Its id is the account's id. `out_of_plan_from` is what a worklist's index is keyed on,
    so finding a rep's accounts out of plan never reads their interactions.

    Attributes:
        id: The account's id.
        timezone: The account's IANA time zone: days without contact are counted in it.
        last_interaction_at: When the latest interaction happened (UTC), if any.
        last_interaction_id: Which interaction that was.
        interactions: How many interactions the account has.
        owner_id: The rep whose worklist reports the account.
        call_plan_id: The plan covering the account, if any.
        allowed_days: That plan's `every_days`.
    """

    kind = "account activity"

    id: AccountId = attrs.field(validator=non_blank)
    timezone: str = attrs.field(default="UTC", validator=valid_timezone)
    last_interaction_at: datetime | None = attrs.field(
        default=None, converter=as_utc, validator=optional(aware)
    )
    last_interaction_id: InteractionId | None = None
    interactions: int = 0
    owner_id: UserId | None = None
    call_plan_id: str | None = None
    allowed_days: int | None = None

    def note(self, interaction: Interaction) -> None:
        """Count a newly logged interaction, keeping the latest one."""
        self._require_own(interaction)
        self.interactions += 1
        if self.last_interaction_at is None or self.last_interaction_at < interaction.occurred_at:
            self.last_interaction_at = interaction.occurred_at
            self.last_interaction_id = interaction.id

    def recount(self, interactions: Iterable[Interaction]) -> None:
        """Start again from the account's full list (after a correction moved a date)."""
        self.interactions, self.last_interaction_at, self.last_interaction_id = 0, None, None
        for interaction in interactions:
            self.note(interaction)

    def assign(self, plan: CallPlan | None, owner_id: str | None) -> None:
        """Put the account on `plan` (or none), reported to `owner_id`."""
        self.call_plan_id = None if plan is None else plan.id
        self.allowed_days = None if plan is None else plan.every_days
        self.owner_id = None if owner_id is None else UserId(owner_id)

    @property
    def out_of_plan_from(self) -> date | None:
        """The first date (account's calendar) it is out of plan; `None` when on no plan."""
        if self.allowed_days is None:
            return None
        if self.last_interaction_at is None:
            return NEVER
        last = self.last_interaction_at.astimezone(zone(self.timezone)).date()
        return last + timedelta(days=self.allowed_days + 1)

    def gap(self, at: datetime) -> PlanGap | None:
        """The account's `PlanGap` if it is out of plan at `at`, else `None`."""
        start = self.out_of_plan_from
        today = utc(at, "at").astimezone(zone(self.timezone)).date()
        if start is None or today < start:
            return None
        assert self.call_plan_id is not None  # set together with allowed_days by `assign`
        assert self.allowed_days is not None
        days = None
        if self.last_interaction_at is not None:
            days = (today - self.last_interaction_at.astimezone(zone(self.timezone)).date()).days
        return PlanGap(
            self.id,
            self.call_plan_id,
            self.owner_id,
            self.last_interaction_at,
            days,
            self.allowed_days,
        )

    def _require_own(self, interaction: Interaction) -> None:
        if interaction.account_id != self.id:
            raise ValidationError.field(
                "interaction", interaction.id, f"belongs to {interaction.account_id}, not {self.id}"
            )


def out_of_plan(summaries: Iterable[AccountActivity], at: datetime) -> list[PlanGap]:
    """The accounts out of plan at `at`: never contacted first, then longest without contact."""
    gaps = [g for s in summaries if (g := s.gap(at)) is not None]
    return sorted(
        gaps, key=lambda g: (g.days_since is not None, -(g.days_since or 0), g.account_id)
    )


def summarise(
    accounts: Iterable[Account],
    plans: Iterable[CallPlan],
    interactions: Iterable[Interaction],
    owners: Mapping[str, str] | None = None,
) -> dict[AccountId, AccountActivity]:
    """Build every account's summary from scratch, reading all the interactions once.

    This is the full scan that the maintained summaries avoid; use it to seed or rebuild them.

    Args:
        accounts: The accounts to summarise.
        plans: The call plans in force.
        interactions: Interactions of any accounts (others are ignored).
        owners: The owning rep per account id, if known.
    """
    plans = list(plans)
    owners = owners or {}
    summaries: dict[AccountId, AccountActivity] = {}
    for account in accounts:
        summary = AccountActivity(account.id, account.timezone)
        summary.assign(plan_for(account, plans), owners.get(account.id))
        summaries[account.id] = summary
    for interaction in interactions:
        found = summaries.get(interaction.account_id)
        if found is not None:
            found.note(interaction)
    return summaries
