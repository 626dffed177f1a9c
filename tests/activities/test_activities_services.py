"""The activities services on the in-memory adapter: flows, events, rollbacks, properties."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.cadences import Cadence, Schedule
from wholesale_crm.activities.callplans import CallPlan
from wholesale_crm.activities.model import (
    Interaction,
    InteractionDetails,
    InteractionLogged,
    Rep,
)
from wholesale_crm.activities.tasks import FollowUp, TaskCompleted, TaskCreated, TaskStatus
from wholesale_crm.activities.timeline import DatedRecord
from wholesale_crm.activities.worklist import day_view
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import PolicyViolation, RuleError, ValidationError
from wholesale_crm.events import Event
from wholesale_crm.repositories.activities import (
    ACCOUNT_ACTIVITY,
    FOLLOW_UPS,
    INTERACTIONS,
    series_of,
)
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import activities as svc

ANN = Rep("rep-ann", "Ann", "America/Los_Angeles")
AT = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # 09:00 on Monday 1 June in Los Angeles
PLAN_A = CallPlan("PLAN-A", "Key accounts", "A", 14)


def call(n: int, at: datetime, account_id: str = "ACC-1") -> Interaction:
    return Interaction.log(
        f"int-{n}",
        account_id=account_id,
        rep_id=ANN.id,
        logged_at=at,
        details=InteractionDetails("call", at, f"call {n}"),
    )


def visits(account_id: str = "ACC-1") -> Cadence:
    return Cadence(
        f"CAD-{account_id}",
        account_id,
        ANN.id,
        ANN.timezone,
        "Fortnightly visit",
        Schedule("FREQ=DAILY;INTERVAL=14", date(2026, 6, 1)),
        AT,
    )


def snapshot(uow: MemoryUnitOfWork) -> dict[str, Any]:
    """Every stored document of the area, versions left out."""
    with uow:
        return {
            f"{c.name}/{a.id}": {k: v for k, v in to_dict(a).items() if k != "version"}
            for c in (INTERACTIONS, FOLLOW_UPS, ACCOUNT_ACTIVITY)
            for a in uow.repository(c)
        }


def published(uow: MemoryUnitOfWork) -> list[Event]:
    return list(uow.bus.published)


def test_logging_updates_the_summary_and_publishes_after_commit() -> None:
    uow = MemoryUnitOfWork()
    svc.log_interaction(uow, call(1, AT - timedelta(days=3)))
    svc.log_interactions(uow, [call(2, AT - timedelta(days=1)), call(3, AT - timedelta(days=9))])
    with uow:
        summary = uow.repository(ACCOUNT_ACTIVITY).get("ACC-1")
    assert (summary.interactions, summary.last_interaction_id) == (3, "int-2")
    assert [type(e) for e in published(uow)] == [InteractionLogged] * 3


def test_a_bad_batch_stores_nothing() -> None:
    uow = MemoryUnitOfWork()
    svc.log_interaction(uow, call(1, AT))
    before = snapshot(uow)
    with pytest.raises(Exception, match="already exists"):
        svc.log_interactions(uow, [call(2, AT), call(1, AT)])
    assert snapshot(uow) == before
    assert len(published(uow)) == 1


def test_correcting_the_date_of_the_latest_interaction_recounts_the_summary() -> None:
    uow = MemoryUnitOfWork()
    svc.log_interactions(uow, [call(1, AT - timedelta(days=5)), call(2, AT - timedelta(days=1))])
    corrected = svc.correct_interaction(
        uow, "int-2", by="mgr", at=AT, reason="was last week", occurred_at=AT - timedelta(days=8)
    )
    assert corrected.original.occurred_at == AT - timedelta(days=1)
    with uow:
        summary = uow.repository(ACCOUNT_ACTIVITY).get("ACC-1")
    assert summary.last_interaction_id == "int-1"
    assert summary.interactions == 2


def test_account_timeline_merges_the_callers_records() -> None:
    uow = MemoryUnitOfWork()
    svc.log_interactions(uow, [call(n, AT - timedelta(days=n)) for n in range(1, 4)])
    svc.log_interaction(uow, call(9, AT, account_id="ACC-2"))
    orders = [DatedRecord("SO-1", AT - timedelta(days=2, hours=1), "order")]
    page = svc.account_timeline(uow, "ACC-1", orders, limit=3)
    assert [r.id for r in page.items] == ["int-1", "int-2", "SO-1"]
    rest = svc.account_timeline(uow, "ACC-1", orders, limit=3, cursor=page.next_cursor)
    assert [r.id for r in rest.items] == ["int-3"]


def test_cadence_completion_creates_the_next_and_undo_removes_it() -> None:
    uow = MemoryUnitOfWork()
    first = svc.start_cadence(uow, visits(), at=AT, task_id="T1")
    assert first.due_on == date(2026, 6, 1)
    before = snapshot(uow)
    done, following = svc.complete_follow_up(
        uow, "T1", by=ANN.id, at=AT + timedelta(hours=2), next_id="T2"
    )
    assert following is not None
    assert (done.next_task_id, following.due_on) == ("T2", date(2026, 6, 15))
    assert TaskCompleted("T1", ANN.id, AT + timedelta(hours=2)) in published(uow)
    svc.undo_completion(uow, "T1")
    assert snapshot(uow) == before


def test_undo_is_refused_once_the_next_follow_up_moved_on() -> None:
    uow = MemoryUnitOfWork()
    svc.start_cadence(uow, visits(), at=AT, task_id="T1")
    svc.complete_follow_up(uow, "T1", by=ANN.id, at=AT, next_id="T2")
    svc.snooze_follow_up(uow, "T2", until=AT + timedelta(days=20), at=AT)
    before = snapshot(uow)
    with pytest.raises(PolicyViolation, match="T2") as caught:
        svc.undo_completion(uow, "T1")
    assert caught.value.details == {"next_task_id": "T2", "status": "snoozed"}
    assert snapshot(uow) == before


def test_completing_a_cancelled_task_is_refused_and_changes_nothing() -> None:
    uow = MemoryUnitOfWork()
    task = FollowUp.create(
        "T1",
        title="Chase invoice",
        assignee_id=ANN.id,
        timezone=ANN.timezone,
        created_at=AT,
        due_on=date(2026, 6, 3),
    )
    svc.create_follow_up(uow, task)
    cancelled, following = svc.cancel_follow_up(uow, "T1", by=ANN.id, at=AT, reason="paid")
    assert (cancelled.status, following) == (TaskStatus.CANCELLED, None)
    before = snapshot(uow)
    with pytest.raises(ValidationError, match="cancelled follow-up cannot be completed"):
        svc.complete_follow_up(uow, "T1", by=ANN.id, at=AT)
    with pytest.raises(ValidationError) as caught:
        svc.snooze_follow_up(uow, "T1", until=datetime(2026, 6, 9), at=AT)
    assert caught.value.paths in (("status",), ("until",))
    assert snapshot(uow) == before


def test_cancelling_a_cadence_task_skips_to_the_next_occurrence() -> None:
    uow = MemoryUnitOfWork()
    svc.start_cadence(uow, visits(), at=AT, task_id="T1")
    _, following = svc.cancel_follow_up(
        uow, "T1", by=ANN.id, at=AT, reason="buyer on holiday", next_id="T2"
    )
    assert following is not None
    assert following.due_on == date(2026, 6, 15)
    cadence = svc.stop_cadence(uow, "CAD-ACC-1", by=ANN.id, at=AT)
    assert not cadence.active
    with uow:
        assert uow.repository(FOLLOW_UPS).get("T2").status is TaskStatus.CANCELLED


def test_a_second_open_follow_up_in_a_series_is_refused() -> None:
    uow = MemoryUnitOfWork()
    svc.start_cadence(uow, visits(), at=AT, task_id="T1")
    before = snapshot(uow)
    extra = FollowUp.create(
        "T9",
        title="x",
        assignee_id=ANN.id,
        timezone=ANN.timezone,
        created_at=AT,
        due_on=date(2026, 6, 9),
        account_id="ACC-1",
        cadence_id="CAD-ACC-1",
    )
    with pytest.raises(PolicyViolation, match="already has an open follow-up"):
        svc.create_follow_up(uow, extra)
    assert snapshot(uow) == before


def test_one_active_call_plan_per_tier() -> None:
    uow = MemoryUnitOfWork()
    svc.add_call_plan(uow, PLAN_A)
    with pytest.raises(RuleError) as caught:
        svc.add_call_plan(uow, CallPlan("PLAN-A2", "More A", "A", 7))
    assert caught.value.ids == ("PLAN-A", "PLAN-A2")


def accounts() -> list[Account]:
    return [
        Account("ACC-1", "Alpha", tier="A", timezone="America/Los_Angeles"),  # type: ignore[arg-type]
        Account("ACC-2", "Beta", tier="A", timezone="America/Los_Angeles"),  # type: ignore[arg-type]
        Account("ACC-3", "Gamma", tier="B", timezone="America/Los_Angeles"),  # type: ignore[arg-type]
    ]


def test_call_plans_keep_one_open_follow_up_per_account() -> None:
    uow = MemoryUnitOfWork()
    svc.add_call_plan(uow, PLAN_A)
    svc.add_call_plan(uow, CallPlan("PLAN-B", "Mid-sized", "B", 30))
    svc.log_interaction(uow, call(1, AT - timedelta(days=4)))
    owners = {"ACC-1": ANN, "ACC-2": ANN}
    created = svc.apply_call_plans(uow, accounts(), owners, at=AT)
    # ACC-1 was called 4 days ago: due in 10 days; ACC-2 never: due today; ACC-3 has no owner.
    assert sorted((t.account_id, t.due_on) for t in created) == [
        ("ACC-1", date(2026, 6, 11)),
        ("ACC-2", date(2026, 6, 1)),
    ]
    assert svc.apply_call_plans(uow, accounts(), owners, at=AT) == []
    # ACC-2 drops to tier B: its plan-A follow-up is cancelled, a plan-B one created.
    moved = [*accounts()[:1], Account("ACC-2", "Beta", tier="B", timezone="UTC")]  # type: ignore[arg-type]
    again = svc.apply_call_plans(uow, moved, owners, at=AT)
    assert [(t.account_id, t.call_plan_id) for t in again] == [("ACC-2", "PLAN-B")]
    with uow:
        tasks = uow.repository(FOLLOW_UPS).find("account", "ACC-2")
        summary = uow.repository(ACCOUNT_ACTIVITY).get("ACC-2")
    assert sorted((t.call_plan_id, t.status.value) for t in tasks) == [
        ("PLAN-A", "cancelled"),
        ("PLAN-B", "open"),
    ]
    assert (summary.call_plan_id, summary.allowed_days, summary.timezone) == ("PLAN-B", 30, "UTC")
    assert any(isinstance(e, TaskCreated) for e in published(uow))


def test_the_day_view_from_indexes_equals_a_full_scan() -> None:
    uow = MemoryUnitOfWork()
    svc.add_call_plan(uow, PLAN_A)
    svc.log_interaction(uow, call(1, AT - timedelta(days=20)))
    svc.apply_call_plans(uow, accounts(), {"ACC-1": ANN, "ACC-2": ANN}, at=AT)
    bob = Rep("rep-bob", "Bob", "Europe/Berlin")
    for n, due in enumerate(
        [date(2026, 5, 28), date(2026, 6, 1), date(2026, 6, 5), date(2026, 7, 1)]
    ):
        for rep in (ANN, bob):
            svc.create_follow_up(
                uow,
                FollowUp.create(
                    f"T{n}-{rep.id}",
                    title="call",
                    assignee_id=rep.id,
                    timezone=rep.timezone,
                    created_at=AT - timedelta(days=10),
                    due_on=due,
                ),
            )
    at = datetime(2026, 6, 2, 6, 30, tzinfo=UTC)  # 23:30 on 1 June in Los Angeles
    view = svc.rep_day_view(uow, ANN, at=at)
    assert view.today == date(2026, 6, 1)
    assert [t.id for t in view.overdue] == ["T0-rep-ann"]
    # Same date and priority: by id, and "T..." sorts before the generated "task-..." ids.
    assert [t.account_id or t.id for t in view.due_today] in (
        ["T1-rep-ann", "ACC-1", "ACC-2"],
        ["T1-rep-ann", "ACC-2", "ACC-1"],
    )
    assert [t.id for t in view.upcoming] == ["T2-rep-ann"]  # 1 July is beyond seven days
    assert [(g.account_id, g.days_since) for g in view.out_of_plan] == [
        ("ACC-2", None),
        ("ACC-1", 20),
    ]
    with uow:
        everything = uow.repository(FOLLOW_UPS).list()
        summaries = uow.repository(ACCOUNT_ACTIVITY).list()
    scanned = day_view(ANN, everything, summaries, at)
    for bucket in ("overdue", "due_today", "upcoming"):
        assert [t.id for t in getattr(scanned, bucket)] == [t.id for t in getattr(view, bucket)]
    assert scanned.out_of_plan == view.out_of_plan


# -- properties -----------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["complete", "undo", "cancel", "snooze", "apply", "log", "create"]),
        st.sampled_from(["ACC-1", "ACC-2"]),
        st.integers(0, 40),
    ),
    max_size=14,
)


def _attempt(uow: MemoryUnitOfWork, op: str, account_id: str, day: int) -> None:
    at = AT + timedelta(days=day)
    with uow:
        pending = uow.repository(FOLLOW_UPS).find("account", account_id)
        logged = len(uow.repository(INTERACTIONS))
    pending.sort(key=lambda t: t.id)
    try:
        if op == "apply":
            svc.apply_call_plans(uow, accounts(), {"ACC-1": ANN, "ACC-2": ANN}, at=at)
        elif op == "log":
            svc.log_interaction(uow, call(logged, at, account_id))
        elif op == "create":
            svc.create_follow_up(
                uow,
                FollowUp.create(
                    f"X{day}-{len(pending)}",
                    title="x",
                    assignee_id=ANN.id,
                    timezone=ANN.timezone,
                    created_at=at,
                    due_on=at.date(),
                    account_id=account_id,
                    call_plan_id="PLAN-A",
                ),
            )
        elif pending:
            task = pending[day % len(pending)]
            if op == "complete":
                svc.complete_follow_up(uow, task.id, by=ANN.id, at=at)
            elif op == "undo":
                svc.undo_completion(uow, task.id)
            elif op == "cancel":
                svc.cancel_follow_up(uow, task.id, by=ANN.id, at=at, reason="skip")
            else:
                svc.snooze_follow_up(uow, task.id, until=at + timedelta(days=2), at=at)
    except (ValidationError, PolicyViolation):
        pass  # refused operations must leave the store as it was; the invariant still holds


@settings(max_examples=40)
@given(OPERATIONS)
def test_a_series_never_has_more_than_one_open_follow_up_per_account(
    operations: list[tuple[str, str, int]],
) -> None:
    uow = MemoryUnitOfWork()
    svc.add_call_plan(uow, PLAN_A)
    svc.start_cadence(uow, visits("ACC-1"), at=AT)
    for op, account_id, day in operations:
        _attempt(uow, op, account_id, day)
        with uow:
            open_per_series = Counter(
                (series_of(t), t.account_id)
                for t in uow.repository(FOLLOW_UPS)
                if t.is_pending and series_of(t)
            )
        assert max(open_per_series.values(), default=0) <= 1


@settings(max_examples=30)
@given(OPERATIONS, st.integers(0, 40), st.sampled_from(["ACC-1", "ACC-2"]))
def test_completing_then_undoing_leaves_the_state_as_it_was(
    operations: list[tuple[str, str, int]], day: int, account_id: str
) -> None:
    uow = MemoryUnitOfWork()
    svc.add_call_plan(uow, PLAN_A)
    svc.start_cadence(uow, visits("ACC-1"), at=AT)
    for op, acc, d in operations:
        _attempt(uow, op, acc, d)
    with uow:
        pending = [
            t.id for t in uow.repository(FOLLOW_UPS).find("account", account_id) if t.is_pending
        ]
    if not pending:
        return
    before = snapshot(uow)
    svc.complete_follow_up(uow, pending[0], by=ANN.id, at=AT + timedelta(days=day))
    svc.undo_completion(uow, pending[0])
    assert snapshot(uow) == before


def test_day_view_refuses_a_naive_instant_or_a_negative_horizon() -> None:
    uow = MemoryUnitOfWork()
    with pytest.raises(ValidationError) as caught:
        svc.rep_day_view(uow, ANN, at=datetime(2026, 6, 1, 9, 0))
    assert caught.value.paths == ("at",)
    with pytest.raises(ValidationError) as caught:
        svc.rep_day_view(uow, ANN, at=AT, horizon_days=-1)
    assert caught.value.paths == ("horizon_days",)
