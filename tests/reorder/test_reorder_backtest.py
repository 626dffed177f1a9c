from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.backtest import backtest, score
from wholesale_crm.reorder.baselines import BGNBDBaseline, LastIntervalBaseline
from wholesale_crm.reorder.forecast import Forecast
from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import Level, OrderEvent, OrderHistory, SeriesKey

START = date(2024, 1, 1)


class Spy:
    """Records what it was trained on and answers 0.5 for every eligible series."""

    name = "spy"

    def __init__(self) -> None:
        self.seen: list[date] = []

    def forecast(
        self, history: OrderHistory, level: Level, horizon: int
    ) -> Mapping[SeriesKey, Forecast]:
        latest = max((s.days[-1] for s in history.pairs.values()), default=None)
        assert latest is None or latest < history.as_of
        self.seen.append(history.as_of)
        return {k: Forecast(0.5, 3.0, 2.0) for k, s in history.series(level).items() if len(s) >= 2}


def _e(acc: str, prod: str, day: int, qty: int = 1) -> OrderEvent:
    return OrderEvent(acc, prod, START + timedelta(days=day), Decimal(qty))


def test_labels_and_scores_by_hand() -> None:
    events = [
        *(_e("A", "P", d) for d in (0, 10)),
        _e("A", "P", 25, 7),  # inside [20, 30): label 1, 5 days, quantity 7
        *(_e("B", "P", d) for d in (0, 5)),
        _e("B", "P", 30),  # on cutoff + H: outside the horizon, label 0
        _e("C", "P", 3),  # a single order: not scored
    ]
    spy = Spy()
    result = backtest(events, [spy], [START + timedelta(days=20)], horizon=10, levels=["pair"])
    s = result.get("spy", "pair", START + timedelta(days=20))
    assert (s.count, s.positives) == (2, 1)
    assert s.auc == 0.5  # constant scores: all ties
    assert s.brier == pytest.approx(0.25)
    assert s.mae_days == pytest.approx((abs(5 - 3) + abs(10 - 3)) / 2)
    assert s.quantity_mae == pytest.approx(5.0) and s.wape == pytest.approx(5 / 7)
    assert spy.seen == [START + timedelta(days=20)]
    assert result.get("spy", "pair") == s  # the mean over one cutoff
    assert result.get("spy", "pair", segment="2").count == 2
    with pytest.raises(ValidationError):
        result.get("spy", "account")


def test_runs_all_models_and_levels(events: list[OrderEvent]) -> None:
    cutoffs = [START + timedelta(days=200), START + timedelta(days=240)]
    models = [LastIntervalBaseline(), BGNBDBaseline(), ReorderPredictor()]
    result = backtest(events, models, cutoffs, horizon=30)
    table = result.table()
    for m in models:
        for level in ("pair", "account"):
            s = result.get(m.name, level)
            assert s.auc is None or 0.0 <= s.auc <= 1.0
            assert 0.0 <= s.brier <= 1.0 and 0.0 <= s.ece <= 1.0
            assert math.isfinite(s.mae_days)
        assert m.name in table
    assert "nan" not in table.lower()
    assert result.get("reorder predictor", "pair").auc > 0.7  # type: ignore[operator]


def test_bad_arguments(events: list[OrderEvent]) -> None:
    with pytest.raises(ValidationError):
        backtest(events, [], [START])
    with pytest.raises(ValidationError):
        backtest(events, [Spy()], [])
    with pytest.raises(ValidationError):
        backtest(events, [Spy()], [START], horizon=0)
    with pytest.raises(ValidationError, match="no pair series"):
        backtest(events, [Spy()], [START], levels=["pair"])
    with pytest.raises(ValidationError):
        score([], [], 30)
