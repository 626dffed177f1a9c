from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.features import FEATURE_NAMES
from wholesale_crm.reorder.predictor import (
    FittedPredictor,
    ReorderPrediction,
    ReorderPredictor,
    ReorderStatus,
    StatusPolicy,
)
from wholesale_crm.reorder.series import OrderEvent, OrderHistory, build_history

START = date(2024, 1, 1)
AS_OF = START + timedelta(days=300)


@pytest.fixture(scope="module")
def history(events: list[OrderEvent]) -> OrderHistory:
    return build_history(events, AS_OF)


@pytest.fixture(scope="module")
def fitted(history: OrderHistory) -> FittedPredictor:
    return ReorderPredictor().fit(history)


@pytest.fixture(scope="module")
def predictions(fitted: FittedPredictor, history: OrderHistory) -> list[ReorderPrediction]:
    return fitted.predict(history, pack_sizes={"P1": Decimal(12)})


def test_predicts_every_pair_with_two_orders(
    history: OrderHistory, predictions: list[ReorderPrediction]
) -> None:
    expected = sorted(k for k, s in history.pairs.items() if len(s) >= 2)
    assert [p.key for p in predictions] == expected


def test_outputs_are_well_formed(predictions: list[ReorderPrediction]) -> None:
    for p in predictions:
        assert 0.0 <= p.p_7d <= p.p_30d <= p.p_90d <= 1.0
        assert p.probability_within(30) == pytest.approx(p.p_30d)
        assert math.isfinite(p.cadence_days) and p.cadence_days > 0
        if p.next_order is not None:
            assert p.as_of <= p.next_order
            assert p.earliest is not None and p.earliest <= p.next_order
            assert p.latest is None or p.next_order <= p.latest
        assert p.suggested_quantity >= p.expected_quantity > 0
        assert p.days_since_last == (p.as_of - p.last_order).days
        assert p.reason.startswith(f"orders about every {round(p.cadence_days)} days; ")
        assert "% chance within 30 days; usually " in p.reason


def test_pack_sizes_round_suggestions(predictions: list[ReorderPrediction]) -> None:
    p1 = [p for p in predictions if p.product_id == "P1"]
    assert p1 and all(p.suggested_quantity % 12 == 0 for p in p1)


def test_lapsed_pairs_are_flagged(predictions: list[ReorderPrediction]) -> None:
    statuses = {p.status for p in predictions}
    assert ReorderStatus.LAPSED in statuses
    assert statuses & {ReorderStatus.NOT_DUE, ReorderStatus.DUE_SOON, ReorderStatus.DUE}
    for p in predictions:
        if p.status is ReorderStatus.LAPSED:
            assert p.p_90d < 0.15


def test_recent_regular_pairs_rank_above_lapsed(predictions: list[ReorderPrediction]) -> None:
    lapsed = [p.p_30d for p in predictions if p.status is ReorderStatus.LAPSED]
    active = [p.p_30d for p in predictions if p.days_since_last < p.cadence_days]
    assert sum(active) / len(active) > 3 * sum(lapsed) / len(lapsed)


def test_account_level(history: OrderHistory) -> None:
    preds = ReorderPredictor().predict(history, "account")
    assert {p.product_id for p in preds} == {None}
    assert len(preds) == sum(1 for s in history.accounts.values() if len(s) >= 2)


def test_pure_python_matches_numpy(history: OrderHistory) -> None:
    pytest.importorskip("numpy")
    a = ReorderPredictor(use_numpy=False).predict(history)
    b = ReorderPredictor(use_numpy=True).predict(history)
    assert [p.p_30d for p in a] == pytest.approx([p.p_30d for p in b], abs=1e-6)


def test_predicting_a_later_history_with_a_fitted_model(
    fitted: FittedPredictor, events: list[OrderEvent]
) -> None:
    later = build_history(events, AS_OF + timedelta(days=10))
    preds = fitted.predict(later)
    assert preds and all(p.as_of == later.as_of for p in preds)


def test_empty_history_predicts_nothing(fitted: FittedPredictor) -> None:
    assert fitted.predict(build_history([], AS_OF)) == []


def test_too_little_history_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="too little to learn from"):
        ReorderPredictor().fit(build_history([], AS_OF))
    one = [OrderEvent("A", "P", date(2024, 1, d), Decimal(1)) for d in (1, 5, 9)]
    with pytest.raises(ValidationError) as err:
        ReorderPredictor().fit(build_history(one, date(2024, 3, 1)))
    assert err.value.paths == ("history",)


def test_learns_from_every_pseudo_cutoff() -> None:
    # As of day 100: pseudo-cutoffs on day 70 (default and single) and day 49 (default only).
    # X orders every 10 days: it reorders after both. Y (days 0, 20, 85) reorders after day 70
    # but not in [49, 79). From day 70 alone every series reordered: nothing to learn.
    x = [OrderEvent("A", "X", START + timedelta(days=d), Decimal(1)) for d in range(0, 100, 10)]
    y = [OrderEvent("A", "Y", START + timedelta(days=d), Decimal(1)) for d in (0, 20, 85)]
    history = build_history(x + y, START + timedelta(days=100))
    with pytest.raises(ValidationError, match="too little to learn from"):
        ReorderPredictor(pseudo_cutoffs=1).fit(history)
    fitted = ReorderPredictor(pseudo_cutoffs=2, pseudo_step=21).fit(history)
    assert math.isfinite(fitted.model.intercept)
    assert len(fitted.model.coefficients) == len(FEATURE_NAMES["pair"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"horizon": 0},
        {"pseudo_cutoffs": 0},
        {"pseudo_step": 0},
        {"min_orders": 0},
        {"l2": 0.0},
        {"max_days": -1},
    ],
    ids=["horizon", "pseudo_cutoffs", "pseudo_step", "min_orders", "l2", "max_days"],
)
def test_config_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValidationError) as err:
        ReorderPredictor(**kwargs)  # type: ignore[arg-type]
    assert err.value.paths == tuple(kwargs)


def test_bad_level_and_days(history: OrderHistory, predictions: list[ReorderPrediction]) -> None:
    with pytest.raises(ValidationError):
        ReorderPredictor().fit(history, "region")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        predictions[0].probability_within(-1)
    assert predictions[0].probability_within(0) == 0.0


def test_status_policy() -> None:
    policy = StatusPolicy()
    assert policy.status(0.5, 0.9) is ReorderStatus.NOT_DUE
    assert policy.status(0.8, 0.9) is ReorderStatus.DUE_SOON
    assert policy.status(1.0, 0.9) is ReorderStatus.DUE
    assert policy.status(1.5, 0.9) is ReorderStatus.OVERDUE
    assert policy.status(3.0, 0.9) is ReorderStatus.AT_RISK
    assert policy.status(3.0, 0.1) is ReorderStatus.LAPSED
    with pytest.raises(ValidationError):
        StatusPolicy(lapsed_below=2.0)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), h1=st.floats(0, 400), h2=st.floats(0, 400))
def test_order_independent_and_monotone_in_horizon(
    make_events: Callable[..., list[OrderEvent]], seed: int, h1: float, h2: float
) -> None:
    events = make_events(seed=3, accounts=8, products=4, days=200)
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)
    as_of = START + timedelta(days=200)
    a = ReorderPredictor(use_numpy=False).predict(build_history(events, as_of))
    b = ReorderPredictor(use_numpy=False).predict(build_history(shuffled, as_of))
    assert a == b
    lo, hi = sorted((h1, h2))
    for p in a:
        assert 0.0 <= p.probability_within(lo) <= p.probability_within(hi) <= 1.0
