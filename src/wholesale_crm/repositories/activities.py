"""Collections of the activities area, with the indexes its queries use.

- `INTERACTIONS`: by `account` (timelines, summaries), `opportunity` and `order`.
- `FOLLOW_UPS`: by `account`; `assignee_due`, ordered on `(assignee_id, due_date)`, holding
  only pending (open or snoozed) tasks, so a day view reads a rep's open tasks up to a date
  and nothing else; `open_series`, `(cadence or call plan id, account_id)` of pending tasks,
  which keeps one open follow-up per account and series.
- `CADENCES`: by `account`.
- `CALL_PLANS`: by `tier`.
- `ACCOUNT_ACTIVITY`: `out_of_plan`, ordered on `(owner_id, out_of_plan_from)`, so a rep's
  accounts out of plan at a date are one range; `call_plan`.
"""

from __future__ import annotations

from wholesale_crm.activities.cadences import Cadence
from wholesale_crm.activities.callplans import AccountActivity, CallPlan
from wholesale_crm.activities.model import Interaction
from wholesale_crm.activities.tasks import FollowUp
from wholesale_crm.repositories import Collection, Index

__all__ = [
    "ACCOUNT_ACTIVITY",
    "CADENCES",
    "CALL_PLANS",
    "FOLLOW_UPS",
    "INTERACTIONS",
    "series_of",
]

INTERACTIONS = Collection(
    "interactions",
    Interaction,
    (
        Index("account", lambda i: [i.account_id]),
        Index("opportunity", lambda i: [o] if (o := i.details.opportunity_id) else []),
        Index("order", lambda i: [o] if (o := i.details.order_id) else []),
    ),
)


def series_of(task: FollowUp) -> str | None:
    """The cadence or call plan a task belongs to, if any."""
    return task.cadence_id or task.call_plan_id


FOLLOW_UPS = Collection(
    "follow_ups",
    FollowUp,
    (
        Index("account", lambda t: [t.account_id] if t.account_id else []),
        Index(
            "assignee_due",
            lambda t: [(t.assignee_id, t.due_date)] if t.is_pending else [],
            ordered=True,
        ),
        Index(
            "open_series",
            lambda t: [(s, t.account_id)] if t.is_pending and (s := series_of(t)) else [],
        ),
    ),
)

CADENCES = Collection("cadences", Cadence, (Index("account", lambda c: [c.account_id]),))

CALL_PLANS = Collection("call_plans", CallPlan, (Index("tier", lambda p: [p.tier.value]),))

ACCOUNT_ACTIVITY = Collection(
    "account_activity",
    AccountActivity,
    (
        Index(
            "out_of_plan",
            lambda a: (
                [(a.owner_id, start)]
                if a.owner_id is not None and (start := a.out_of_plan_from) is not None
                else []
            ),
            ordered=True,
        ),
        Index("call_plan", lambda a: [a.call_plan_id] if a.call_plan_id else []),
    ),
)
