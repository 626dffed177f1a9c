"""The activities collections on the in-memory adapter, against the conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from wholesale_crm.activities.cadences import Cadence, Schedule
from wholesale_crm.activities.callplans import AccountActivity, CallPlan
from wholesale_crm.activities.model import Interaction, InteractionDetails
from wholesale_crm.activities.tasks import FollowUp
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.activities import (
    ACCOUNT_ACTIVITY,
    CADENCES,
    CALL_PLANS,
    FOLLOW_UPS,
    INTERACTIONS,
)
from wholesale_crm.testing.conformance import RepositoryContract

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def make_interaction(n: int) -> Interaction:
    return Interaction.log(
        f"int-{n:03d}",
        account_id=f"ACC-{n % 3}",
        rep_id="rep-ann",
        logged_at=AT,
        details=InteractionDetails(
            "call", AT - timedelta(hours=n), f"call {n}", order_id=f"SO-{n % 2}" if n % 3 else None
        ),
    )


def make_follow_up(n: int) -> FollowUp:
    return FollowUp.create(
        f"task-{n:03d}",
        title=f"task {n}",
        assignee_id=f"rep-{n % 2}",
        timezone="Europe/Berlin",
        created_at=AT,
        due_on=date(2026, 6, 1 + n % 4),
        account_id=f"ACC-{n}",
        call_plan_id="PLAN-A" if n % 2 else None,
    )


def make_cadence(n: int) -> Cadence:
    return Cadence(
        f"CAD-{n:03d}",
        f"ACC-{n % 2}",
        "rep-ann",
        "UTC",
        "visit",
        Schedule("FREQ=WEEKLY", date(2026, 6, 1)),
        AT,
    )


def make_plan(n: int) -> CallPlan:
    return CallPlan(f"PLAN-{n:03d}", f"plan {n}", "ABC"[n % 3], 14 + n)


def make_summary(n: int) -> AccountActivity:
    summary = AccountActivity(f"ACC-{n:03d}", "Europe/Berlin")
    summary.assign(make_plan(n), f"rep-{n % 2}")
    if n % 2:
        summary.note(
            Interaction.log(
                f"int-{n}",
                account_id=summary.id,
                rep_id="rep-0",
                logged_at=AT,
                details=InteractionDetails("visit", AT - timedelta(days=n), "visit"),
            )
        )
    return summary


def change_interaction(i: Interaction) -> None:
    i.correct(by="mgr", at=AT + timedelta(days=1), reason="typo", outcome=i.details.outcome + "!")


def change_follow_up(t: FollowUp) -> None:
    if t.is_pending:
        t.complete(by="rep", at=AT)
    else:
        t.undo_completion()


def change_cadence(c: Cadence) -> None:
    c.stop()


def change_plan(p: CallPlan) -> None:
    p.every_days += 1


def change_summary(s: AccountActivity) -> None:
    s.note(
        Interaction.log(
            f"int-new-{s.interactions}",
            account_id=s.id,
            rep_id="rep-0",
            logged_at=AT,
            details=InteractionDetails("email", AT + timedelta(days=s.interactions), "mail"),
        )
    )


CASES: dict[str, tuple[Collection[Any], Callable[[int], Any], Callable[[Any], None]]] = {
    "interactions": (INTERACTIONS, make_interaction, change_interaction),
    "follow_ups": (FOLLOW_UPS, make_follow_up, change_follow_up),
    "cadences": (CADENCES, make_cadence, change_cadence),
    "call_plans": (CALL_PLANS, make_plan, change_plan),
    "account_activity": (ACCOUNT_ACTIVITY, make_summary, change_summary),
}


class TestActivitiesCollections(RepositoryContract):
    @pytest.fixture(params=sorted(CASES))
    def case(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def collection(self, case: str) -> Collection[Any]:
        return CASES[case][0]

    @pytest.fixture
    def make(self, case: str) -> Callable[[int], Any]:
        return CASES[case][1]

    @pytest.fixture
    def change(self, case: str) -> Callable[[Any], None]:
        return CASES[case][2]


def test_follow_up_indexes_hold_pending_tasks_only() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        for n in range(4):
            repo.add(make_follow_up(n))
        uow.commit()
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        done = repo.get("task-001")
        done.complete(by="rep-1", at=AT)
        repo.save(done)
        uow.commit()
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        due = repo.find_range("assignee_due", ("rep-1", date.min), ("rep-1", date.max))
        assert [t.id for t in due] == ["task-003"]
        assert repo.find("open_series", ("PLAN-A", "ACC-1")) == []
        assert [t.id for t in repo.find("open_series", ("PLAN-A", "ACC-3"))] == ["task-003"]
        assert [t.id for t in repo.find("account", "ACC-1")] == ["task-001"]
