"""Backtest harness: train strictly before each cutoff, score what happened in the horizon after.

For each cutoff and level, every model sees only the orders before the cutoff and forecasts
every series with at least two order days there. The label is whether the series ordered in
`[cutoff, cutoff + horizon)`. Metrics, per model, per cutoff and per segment (number of past
order days), plus the mean over cutoffs (cutoff `None`):

- AUC, precision at the top 10%, Brier score and ECE (10 bins) of the probability;
- MAE in days between the predicted median and the actual days to the next order, both capped
  at the horizon (no order counts as the horizon);
- quantity MAE and WAPE of the expected quantity against the first order's quantity in the
  horizon, over the series that did order.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder import metrics
from wholesale_crm.reorder.forecast import Forecast, ForecastModel
from wholesale_crm.reorder.series import Level, OrderEvent, SeriesKey, build_history

__all__ = ["SEGMENTS", "BacktestResult", "BacktestRow", "Scores", "backtest", "score"]

SEGMENTS: tuple[tuple[str, int, int], ...] = (
    ("2", 2, 2),
    ("3-4", 3, 4),
    ("5-9", 5, 9),
    ("10+", 10, 1 << 30),
)
"""Segments by past order days: (label, lowest, highest)."""


@attrs.frozen
class Scores:
    """Metrics of one model on one set of series; `None` where undefined (one class only)."""

    count: int
    positives: int
    auc: float | None
    precision_at_10: float
    brier: float
    ece: float
    mae_days: float
    quantity_mae: float | None
    wape: float | None


@attrs.frozen
class BacktestRow:
    """One line of the result: a model on a level, cutoff (`None` = mean) and segment."""

    model: str
    level: Level
    cutoff: date | None
    segment: str
    scores: Scores


def score(
    forecasts: Sequence[Forecast], outcomes: Sequence[tuple[int, float, float]], horizon: int
) -> Scores:
    """Score aligned forecasts against outcomes `(label, days_to_next, first_quantity)`.

    Raises:
        ValidationError: no forecasts, or a different number of outcomes.
    """
    if not forecasts:
        raise ValidationError.field("forecasts", [], "needs at least one forecast")
    if len(outcomes) != len(forecasts):
        raise ValidationError.field("outcomes", len(outcomes), f"must be {len(forecasts)}")
    labels = [o[0] for o in outcomes]
    probs = [f.probability for f in forecasts]
    bought = [(o[2], f.quantity) for o, f in zip(outcomes, forecasts, strict=True) if o[0]]
    return Scores(
        count=len(labels),
        positives=sum(labels),
        auc=metrics.auc(labels, probs),
        precision_at_10=metrics.precision_at(labels, probs, 0.1),
        brier=metrics.brier(labels, probs),
        ece=metrics.ece(labels, probs, 10),
        mae_days=metrics.mae(
            [min(o[1], horizon) for o in outcomes], [min(f.days, horizon) for f in forecasts]
        ),
        quantity_mae=metrics.mae(*zip(*bought, strict=True)) if bought else None,
        wape=metrics.wape(*zip(*bought, strict=True)) if bought else None,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _mean_scores(scores: Sequence[Scores]) -> Scores:
    return Scores(
        count=round(sum(s.count for s in scores) / len(scores)),
        positives=round(sum(s.positives for s in scores) / len(scores)),
        auc=_mean(s.auc for s in scores),
        precision_at_10=sum(s.precision_at_10 for s in scores) / len(scores),
        brier=sum(s.brier for s in scores) / len(scores),
        ece=sum(s.ece for s in scores) / len(scores),
        mae_days=sum(s.mae_days for s in scores) / len(scores),
        quantity_mae=_mean(s.quantity_mae for s in scores),
        wape=_mean(s.wape for s in scores),
    )


def _fmt(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


@attrs.frozen
class BacktestResult:
    """All rows of a backtest, with lookups and a Markdown table."""

    horizon: int
    cutoffs: tuple[date, ...]
    rows: tuple[BacktestRow, ...]

    def get(
        self, model: str, level: Level, cutoff: date | None = None, segment: str = "all"
    ) -> Scores:
        """The scores of one row (cutoff `None` = mean over cutoffs).

        Raises:
            ValidationError: no such row.
        """
        for row in self.rows:
            if (row.model, row.level, row.cutoff, row.segment) == (model, level, cutoff, segment):
                return row.scores
        raise ValidationError.field("model", model, f"no result for {level}/{cutoff}/{segment}")

    def table(self, cutoff: date | None = None, segment: str = "all") -> str:
        """A Markdown table of every model and level for one cutoff and segment."""
        lines = [
            "| model | level | series | AUC | P@10% | Brier | ECE | MAE days | qty MAE | WAPE |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in self.rows:
            if row.cutoff != cutoff or row.segment != segment:
                continue
            s = row.scores
            lines.append(
                f"| {row.model} | {row.level} | {s.count} | {_fmt(s.auc)} | "
                f"{_fmt(s.precision_at_10)} | {_fmt(s.brier)} | {_fmt(s.ece)} | "
                f"{_fmt(s.mae_days, 1)} | {_fmt(s.quantity_mae, 1)} | {_fmt(s.wape)} |"
            )
        return "\n".join(lines)


def _outcomes(
    events: Sequence[OrderEvent],
    cutoff: date,
    horizon: int,
    level: Level,
    active_products: Collection[str] | None,
) -> dict[SeriesKey, tuple[float, float]]:
    """First order (days after the cutoff, quantity) in the horizon, per series that ordered."""
    future = build_history(
        events, cutoff + timedelta(days=horizon), active_products=active_products
    )
    out: dict[SeriesKey, tuple[float, float]] = {}
    for key, s in future.series(level).items():
        i = bisect.bisect_left(s.days, cutoff)
        if i < len(s.days):
            out[key] = (float((s.days[i] - cutoff).days), float(s.quantities[i]))
    return out


def backtest(
    events: Iterable[OrderEvent],
    models: Sequence[ForecastModel],
    cutoffs: Sequence[date],
    *,
    horizon: int = 30,
    levels: Sequence[Level] = ("pair", "account"),
    active_products: Collection[str] | None = None,
) -> BacktestResult:
    """Run every model at every cutoff and level and score it.

    Args:
        events: The whole order history (lines after the last cutoff's horizon are unused).
        models: The models to compare.
        cutoffs: Cutoff dates; each model is trained on orders strictly before each one.
        horizon: Days after the cutoff that count as a reorder.
        levels: Which levels to score.
        active_products: Restrict to these products (see `build_history`).

    Returns:
        Rows per model, level, cutoff and segment, plus the mean over cutoffs.

    Raises:
        ValidationError: no models, no cutoffs, a horizon below one day, or a cutoff with no
            series to score.
    """
    if not models:
        raise ValidationError.field("models", [], "needs at least one model")
    if not cutoffs:
        raise ValidationError.field("cutoffs", [], "needs at least one cutoff")
    if horizon < 1:
        raise ValidationError.field("horizon", horizon, "must be at least 1 day")
    events = list(events)
    per: dict[tuple[str, Level, str], list[Scores]] = {}
    rows: list[BacktestRow] = []
    for cutoff in sorted(cutoffs):
        history = build_history(events, cutoff, active_products=active_products)
        for level in levels:
            eligible = {k: len(s) for k, s in history.series(level).items() if len(s) >= 2}
            if not eligible:
                raise ValidationError.field("cutoffs", cutoff, f"no {level} series to score")
            future = _outcomes(events, cutoff, horizon, level, active_products)
            keys = sorted(eligible, key=lambda k: (k[0], k[1] or ""))
            for model in models:
                forecasts = model.forecast(history, level, horizon)
                for segment, lo, hi in (("all", 2, 1 << 30), *SEGMENTS):
                    chosen = [k for k in keys if lo <= eligible[k] <= hi]
                    if not chosen:
                        continue
                    outs = [
                        (1, *future[k]) if k in future else (0, float(horizon), 0.0) for k in chosen
                    ]
                    s = score([forecasts[k] for k in chosen], outs, horizon)
                    rows.append(BacktestRow(model.name, level, cutoff, segment, s))
                    per.setdefault((model.name, level, segment), []).append(s)
    for (name, level, segment), scores in per.items():
        rows.append(BacktestRow(name, level, None, segment, _mean_scores(scores)))
    return BacktestResult(horizon, tuple(sorted(cutoffs)), tuple(rows))
