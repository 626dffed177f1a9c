from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.reorder.duelist import ReorderDue, due_list
from wholesale_crm.reorder.predictor import ReorderPrediction, ReorderPredictor, ReorderStatus
from wholesale_crm.reorder.series import OrderEvent, build_history

START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def predictions(events: list[OrderEvent]) -> list[ReorderPrediction]:
    return ReorderPredictor().predict(build_history(events, START + timedelta(days=300)))


def test_top_k_ranked_by_probability(predictions: list[ReorderPrediction]) -> None:
    due = due_list(predictions, 5)
    assert [d.rank for d in due] == [1, 2, 3, 4, 5]
    assert all(isinstance(d, ReorderDue) and isinstance(d, Event) for d in due)
    probs = [d.probability for d in due]
    assert probs == sorted(probs, reverse=True)
    assert probs[0] == max(p.p_30d for p in predictions)
    assert all(d.reason and d.horizon_days == 30 for d in due)


def test_rep_mapping_and_territory(predictions: list[ReorderPrediction]) -> None:
    owners = {a: ("ann" if a < "A12" else "bob") for a in {p.account_id for p in predictions}}
    ann = due_list(predictions, 100, accounts=owners, rep="ann")
    assert ann and all(d.account_id < "A12" and d.rep_id == "ann" for d in ann)
    everyone = due_list(predictions, 1000, accounts=owners)
    assert {d.rep_id for d in everyone} == {"ann", "bob"}
    territory = due_list(predictions, 100, accounts=["A01", "A02"], rep="zoe")
    assert {d.account_id for d in territory} <= {"A01", "A02"}
    assert all(d.rep_id == "zoe" for d in territory)


def test_status_filter_and_order_independence(predictions: list[ReorderPrediction]) -> None:
    keep = {ReorderStatus.DUE, ReorderStatus.OVERDUE}
    due = due_list(predictions, 100, statuses=keep)
    assert all(d.status in {"due", "overdue"} for d in due)
    shuffled = predictions[:]
    random.Random(2).shuffle(shuffled)
    assert due_list(shuffled, 10, horizon=7) == due_list(predictions, 10, horizon=7)


def test_bad_input(predictions: list[ReorderPrediction]) -> None:
    with pytest.raises(ValidationError):
        due_list(predictions, 0)
    with pytest.raises(ValidationError):
        due_list(predictions, 3, horizon=0)
    assert due_list([], 3) == []
