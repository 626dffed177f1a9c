"""Sample activities: reps, call plans, a cadence, interactions and follow-ups, from a seed.

Four reps (the sample owners of `samples.pipeline`, in London, Dublin, Berlin and Madrid)
share the accounts round robin. Three call plans cover the tiers (A every 14 days on business
days, B every 30, C every 90). Each account has up to eight interactions over the 120 days
before `as_of`; the plan follow-ups are due `every_days` after each account's last contact
(today at the earliest), and a few ad-hoc follow-ups are overdue, due today or coming up. The
first strategic (else first) account has a "first Monday of the month" visit cadence: store
it with `services.activities.start_cadence`, which creates its first follow-up.

"Now" in the sample is `at`: 16:00 UTC on `as_of`. Everything recorded happened before it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.cadences import Cadence, Schedule
from wholesale_crm.activities.callplans import CallPlan, summarise
from wholesale_crm.activities.model import Channel, Interaction, InteractionDetails, Rep
from wholesale_crm.activities.tasks import FollowUp, Link, LinkKind, Priority
from wholesale_crm.clock import zone
from wholesale_crm.ids import UserId
from wholesale_crm.samples.pipeline import OWNER_ZONES

__all__ = ["ActivitiesSample", "build"]

_NOTES: dict[Channel, tuple[tuple[str, str], ...]] = {
    Channel.CALL: (
        ("Called the buyer about the autumn range", "wants samples"),
        ("Chased the overdue invoice", "payment promised for Friday"),
        ("Called to confirm the delivery slot", "confirmed"),
    ),
    Channel.EMAIL: (
        ("Sent the new price list", "no reply yet"),
        ("Emailed the promotion calendar", "buyer interested"),
    ),
    Channel.VISIT: (
        ("Store visit with the category manager", "order promised"),
        ("Checked shelf placement", "two lines missing"),
    ),
    Channel.MEETING: (("Quarterly business review", "volume target agreed"),),
    Channel.NOTE: (("Buyer on holiday until the 15th", ""),),
}
_TASKS = (
    ("Send samples of the autumn range", Priority.HIGH),
    ("Chase the overdue invoice", Priority.URGENT),
    ("Call back the buyer", Priority.NORMAL),
    ("Prepare the quarterly review", Priority.LOW),
)


@attrs.frozen
class ActivitiesSample:
    """The sample's activities, as domain objects ready to store.

    Attributes:
        at: The sample's "now" (16:00 UTC on `as_of`).
        reps: The reps, with their time zones.
        owners: The owning rep of each account.
        call_plans: One plan per tier.
        cadences: Recurring visits; start them with `start_cadence`.
        interactions: Oldest first.
        follow_ups: The plan follow-ups (one per owned account on a plan) and ad-hoc tasks.
    """

    at: datetime
    reps: tuple[Rep, ...]
    owners: dict[str, Rep]
    call_plans: tuple[CallPlan, ...]
    cadences: tuple[Cadence, ...]
    interactions: tuple[Interaction, ...]
    follow_ups: tuple[FollowUp, ...]


def _interactions(
    rng: random.Random, accounts: Sequence[Account], owners: dict[str, Rep], at: datetime
) -> list[Interaction]:
    made: list[Interaction] = []
    for account in accounts:
        rep = owners[account.id]
        for _ in range(rng.randint(0, 8)):
            day = at.date() - timedelta(days=rng.randint(1, 120))
            local = datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
            occurred = local.replace(tzinfo=zone(rep.timezone))
            channel = rng.choice(list(Channel))
            summary, outcome = rng.choice(_NOTES[channel])
            made.append(
                Interaction.log(
                    f"int-{len(made) + 1:05d}",
                    account_id=account.id,
                    rep_id=rep.id,
                    logged_at=occurred + timedelta(minutes=rng.randint(5, 90)),
                    details=InteractionDetails(
                        channel,
                        occurred,
                        summary,
                        outcome=outcome,
                        duration_minutes=0 if channel is Channel.NOTE else rng.randint(5, 60),
                        contact_id=account.contacts[0].id if account.contacts else None,
                    ),
                )
            )
    return sorted(made, key=lambda i: (i.occurred_at, i.id))


def _ad_hoc(
    rng: random.Random, accounts: Sequence[Account], owners: dict[str, Rep], at: datetime
) -> list[FollowUp]:
    made = []
    for n, account in enumerate(rng.sample(list(accounts), min(12, len(accounts)))):
        rep = owners[account.id]
        title, priority = _TASKS[n % len(_TASKS)]
        created = at - timedelta(days=rng.randint(3, 20))
        made.append(
            FollowUp.create(
                f"task-{n + 1:03d}",
                title=title,
                assignee_id=rep.id,
                timezone=rep.timezone,
                created_at=created,
                due_on=at.date() + timedelta(days=(n % 4) * 3 - 3),  # -3, 0, 3, 6 days
                priority=priority,
                account_id=account.id,
                links=[Link(LinkKind.INVOICE, f"INV-{rng.randint(1000, 9999)}")]
                if "invoice" in title
                else [],
                allow_past_due=True,
            )
        )
    return made


def build(rng: random.Random, accounts: Sequence[Account], as_of: date) -> ActivitiesSample:
    """Build the sample activities of `accounts`; the same `rng` state gives the same ones."""
    at = datetime.combine(as_of, time(16, 0), tzinfo=UTC)
    reps = tuple(Rep(UserId(id), id.title(), tz) for id, tz in OWNER_ZONES.items())
    owners: dict[str, Rep] = {a.id: reps[n % len(reps)] for n, a in enumerate(accounts)}
    plans = (
        CallPlan(
            "PLAN-A", "Key accounts", "A", 14, business_days_only=True, priority=Priority.HIGH
        ),
        CallPlan("PLAN-B", "Mid-sized accounts", "B", 30),
        CallPlan("PLAN-C", "Small accounts", "C", 90, priority=Priority.LOW),
    )
    interactions = _interactions(rng, accounts, owners, at)
    summaries = summarise(accounts, plans, interactions, {a: r.id for a, r in owners.items()})
    follow_ups = _ad_hoc(rng, accounts, owners, at)
    for account in accounts:
        summary = summaries[account.id]
        plan = next((p for p in plans if p.id == summary.call_plan_id), None)
        if plan is not None:
            follow_ups.append(
                plan.first_task(
                    f"task-plan-{account.id}",
                    account_id=account.id,
                    owner=owners[account.id],
                    last_contact=summary.last_interaction_at,
                    at=at,
                )
            )
    cadences: tuple[Cadence, ...] = ()
    if accounts:
        key = next((a for a in accounts if a.strategic), accounts[0])
        rep = owners[key.id]
        cadences = (
            Cadence(
                f"CAD-{key.id}",
                key.id,
                rep.id,
                rep.timezone,
                f"Monthly visit to {key.name}",
                Schedule("FREQ=MONTHLY;BYDAY=1MO", as_of - timedelta(days=90)),
                at - timedelta(days=90),
                priority=Priority.HIGH,
            ),
        )
    for aggregate in (*interactions, *follow_ups):
        aggregate.pull_events()  # sample records are history, not news
    return ActivitiesSample(
        at, reps, owners, plans, cadences, tuple(interactions), tuple(follow_ups)
    )
