"""Call plans: one plan per tier, follow-up due dates, accounts out of plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.callplans import (
    NEVER,
    AccountActivity,
    CallPlan,
    PlanGap,
    out_of_plan,
    plan_for,
    summarise,
)
from wholesale_crm.activities.model import Interaction, InteractionDetails, Rep
from wholesale_crm.errors import RuleError, ValidationError

PLAN_A = CallPlan("PLAN-A", "Key accounts", "A", 14)
ANN = Rep("rep-ann", "Ann", "America/Los_Angeles")
# 21:30 UTC on 1 June: 23:30 in Berlin, 14:30 in Los Angeles, both still 1 June.
LAST = datetime(2026, 6, 1, 21, 30, tzinfo=UTC)


def account(id: str = "ACC-1", tier: str | None = "A", **fields: object) -> Account:
    return Account(id, f"Account {id}", tier=tier, timezone="Europe/Berlin", **fields)  # type: ignore[arg-type]


def interaction(n: int, at: datetime, account_id: str = "ACC-1") -> Interaction:
    return Interaction.log(
        f"int-{n}",
        account_id=account_id,
        rep_id="rep-ann",
        logged_at=at,
        details=InteractionDetails("call", at, "call"),
    )


def test_an_account_is_out_of_plan_after_more_than_every_days_in_its_own_zone() -> None:
    summary = AccountActivity("ACC-1", "Europe/Berlin")
    summary.assign(PLAN_A, "rep-ann")
    summary.note(interaction(1, LAST))
    assert summary.out_of_plan_from == date(2026, 6, 16)
    # 23:59 on 15 June in Berlin: 14 days without contact, still in plan.
    assert summary.gap(datetime(2026, 6, 15, 21, 59, tzinfo=UTC)) is None
    # 00:30 on 16 June in Berlin (UTC is still on the 15th): 15 days, out of plan.
    assert summary.gap(datetime(2026, 6, 15, 22, 30, tzinfo=UTC)) == PlanGap(
        "ACC-1", "PLAN-A", "rep-ann", LAST, 15, 14
    )


def test_an_account_never_contacted_is_out_of_plan_at_once() -> None:
    summary = AccountActivity("ACC-1")
    assert summary.out_of_plan_from is None  # on no plan: never out of it
    summary.assign(PLAN_A, "rep-ann")
    assert summary.out_of_plan_from == NEVER
    gap = summary.gap(LAST)
    assert gap is not None
    assert gap.days_since is None


def test_the_latest_interaction_counts_whatever_the_logging_order() -> None:
    summary = AccountActivity("ACC-1")
    summary.note(interaction(1, LAST))
    summary.note(interaction(2, LAST - timedelta(days=3)))
    assert (summary.interactions, summary.last_interaction_id) == (2, "int-1")
    with pytest.raises(ValidationError, match="belongs to ACC-2"):
        summary.note(interaction(3, LAST, account_id="ACC-2"))


def test_out_of_plan_lists_never_contacted_first_then_longest_gaps() -> None:
    at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    summaries = summarise(
        [account("ACC-1"), account("ACC-2"), account("ACC-3"), account("ACC-4", tier="B")],
        [PLAN_A],
        [
            interaction(1, LAST, "ACC-1"),
            interaction(2, LAST + timedelta(days=10), "ACC-2"),
            interaction(3, at - timedelta(days=2), "ACC-3"),
        ],
        {"ACC-1": "rep-ann", "ACC-2": "rep-ann"},
    )
    gaps = out_of_plan(summaries.values(), at)
    assert [(g.account_id, g.days_since) for g in gaps] == [("ACC-1", 30), ("ACC-2", 20)]
    assert summaries["ACC-4"].call_plan_id is None
    assert summaries["ACC-2"].owner_id == "rep-ann"
    assert summaries["ACC-3"].owner_id is None


def test_one_active_plan_per_tier() -> None:
    assert plan_for(account(), [PLAN_A]) is PLAN_A
    assert plan_for(account(tier="B"), [PLAN_A]) is None
    assert plan_for(account(tier=None), [PLAN_A]) is None
    closed = account(status="closed")
    assert plan_for(closed, [PLAN_A]) is None
    rival = CallPlan("PLAN-A2", "Also A", "A", 7)
    with pytest.raises(RuleError) as caught:
        plan_for(account(), [PLAN_A, rival])
    assert caught.value.ids == ("PLAN-A", "PLAN-A2")
    assert plan_for(account(), [PLAN_A, CallPlan("OFF", "off", "A", 7, active=False)]) is PLAN_A


def test_plan_follow_ups_fall_every_days_after_the_last_contact_or_completion() -> None:
    first = PLAN_A.first_task(
        "T1", account_id="ACC-1", owner=ANN, last_contact=LAST, at=LAST + timedelta(days=3)
    )
    assert (first.due_on, first.timezone, first.call_plan_id) == (
        date(2026, 6, 15),
        "America/Los_Angeles",
        "PLAN-A",
    )
    # Already 40 days without contact: one follow-up, due today (not one per missed interval).
    late = PLAN_A.first_task(
        "T2", account_id="ACC-1", owner=ANN, last_contact=LAST, at=LAST + timedelta(days=40)
    )
    assert late.due_on == date(2026, 7, 11)
    never = PLAN_A.first_task("T3", account_id="ACC-1", owner=ANN, last_contact=None, at=LAST)
    assert never.due_on == date(2026, 6, 1)
    first.complete(by="rep-ann", at=datetime(2026, 6, 15, 18, 0, tzinfo=UTC))
    following = PLAN_A.next_task(first, "T4")
    assert following is not None
    assert following.due_on == date(2026, 6, 29)


def test_a_business_day_plan_moves_a_sunday_follow_up_to_monday() -> None:
    plan = CallPlan("PLAN-B", "Mid-sized", "B", 13, business_days_only=True)
    task = plan.first_task("T1", account_id="ACC-1", owner=ANN, last_contact=LAST, at=LAST)
    assert task.due_on == date(2026, 6, 15)  # 14 June is a Sunday


def test_bad_plans_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        CallPlan("P", "P", "D", 14)
    assert caught.value.paths == ("tier",)
    with pytest.raises(ValidationError) as caught:
        CallPlan("P", "P", "A", 0)
    assert caught.value.paths == ("every_days",)
