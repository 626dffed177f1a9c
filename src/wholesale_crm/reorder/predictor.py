"""The reorder predictor: when each pair (or account) will order next, and how much.

How it works, in plain words:

1. Describe every series at a cutoff (`features.py`): how often it orders (its cadence, pooled
   with its product's, account's and everyone's when it is short), how long it has been silent,
   how that silence compares with its own past intervals (a long silence means lapse), how
   active the account and how popular the product are lately, and what the same weeks looked
   like a year earlier.
2. Learn from the history itself: step back one horizon (`horizon` days before `as_of`),
   compute the same description there and record who did order in the following `horizon`
   days; do the same at `pseudo_cutoffs - 1` earlier points, `pseudo_step` days apart, and
   stack the rows (more examples, and a base rate averaged over more than one month). A
   complementary log-log regression on these rows is calibrated by construction.
3. Read the fitted hazard as a Weibull curve over time (`glm.fit_shape`) so any horizon gets a
   probability, non-decreasing in the horizon, and the median and 10-90% interval of the next
   order follow in closed form.
"""

from __future__ import annotations

import bisect
import enum
import math
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.features import FeatureRow, Prepared, features_at, prepare
from wholesale_crm.reorder.forecast import Forecast
from wholesale_crm.reorder.glm import CloglogModel, fit_cloglog, fit_shape
from wholesale_crm.reorder.glm import hazard as clipped_hazard
from wholesale_crm.reorder.quantity import (
    consumption_rate,
    expected_quantity,
    run_out_date,
    suggested,
)
from wholesale_crm.reorder.series import Level, OrderHistory, SeriesKey

__all__ = [
    "FittedPredictor",
    "ReorderPrediction",
    "ReorderPredictor",
    "ReorderStatus",
    "StatusPolicy",
]

_SHAPE_HORIZONS = (7, 14)


class ReorderStatus(enum.Enum):
    """Where a series stands in its ordering rhythm."""

    NOT_DUE = "not due"
    DUE_SOON = "due soon"
    DUE = "due"
    OVERDUE = "overdue"
    AT_RISK = "at risk"
    LAPSED = "lapsed"


def _unit_interval(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValidationError.field(attribute.name, value, "must be within [0, 1]")


def _positive_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not value > 0:
        raise ValidationError.field(attribute.name, value, "must be greater than zero")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ValidationError.field(attribute.name, value, "must be greater than zero")


@attrs.frozen
class StatusPolicy:
    """Thresholds that turn a prediction into a status.

    `ratio` is days since the last order divided by the pooled cadence. First match wins:
    lapsed if the chance of an order within 90 days is below `lapsed_below`; at risk past
    `at_risk_ratio`; overdue past `overdue_ratio`; due from `due_ratio`; due soon from
    `due_soon_ratio`; otherwise not due.
    """

    lapsed_below: float = attrs.field(default=0.15, validator=_unit_interval)
    at_risk_ratio: float = attrs.field(default=2.0, validator=_positive)
    overdue_ratio: float = attrs.field(default=1.25, validator=_positive)
    due_ratio: float = attrs.field(default=0.9, validator=_positive)
    due_soon_ratio: float = attrs.field(default=0.7, validator=_positive)

    def status(self, ratio: float, p_90d: float) -> ReorderStatus:
        """The status for a recency ratio and a 90-day probability."""
        if p_90d < self.lapsed_below:
            return ReorderStatus.LAPSED
        if ratio > self.at_risk_ratio:
            return ReorderStatus.AT_RISK
        if ratio > self.overdue_ratio:
            return ReorderStatus.OVERDUE
        if ratio >= self.due_ratio:
            return ReorderStatus.DUE
        if ratio >= self.due_soon_ratio:
            return ReorderStatus.DUE_SOON
        return ReorderStatus.NOT_DUE


@attrs.frozen
class ReorderPrediction:
    """The forecast for one series as of a date.

    Attributes:
        account_id: The account.
        product_id: The product, `None` for an account-level prediction.
        as_of: The first day not observed.
        last_order: Day of the latest order.
        order_count: Order days observed.
        days_since_last: Days from the last order to `as_of`.
        cadence_days: Typical interval between orders (pooled for short series).
        p_7d: Chance of at least one order in `[as_of, as_of + 7)`.
        p_30d: Same within 30 days.
        p_90d: Same within 90 days.
        next_order: Median day of the next order; `None` if beyond the model's reach (a year).
        earliest: 10th percentile day of the next order (`None` likewise).
        latest: 90th percentile day of the next order (`None` likewise).
        expected_quantity: Usual order quantity.
        suggested_quantity: Expected quantity rounded up to whole packs (or units).
        consumption_per_day: Units used per day, when two orders allow a rate.
        run_out: When the last order runs out at that rate, when known.
        status: Where the series stands.
        reason: One sentence a rep can read.
        hazard: `exp(eta)` of the fitted curve, for `probability_within`.
        shape: Weibull shape of the fitted curve.
        reference_horizon: Horizon the curve was calibrated at.
    """

    account_id: str
    product_id: str | None
    as_of: date
    last_order: date
    order_count: int
    days_since_last: int
    cadence_days: float
    p_7d: float
    p_30d: float
    p_90d: float
    next_order: date | None
    earliest: date | None
    latest: date | None
    expected_quantity: Decimal
    suggested_quantity: Decimal
    consumption_per_day: Decimal | None
    run_out: date | None
    status: ReorderStatus
    reason: str
    hazard: float
    shape: float
    reference_horizon: int

    @property
    def key(self) -> SeriesKey:
        """`(account_id, product_id)`."""
        return (self.account_id, self.product_id)

    def probability_within(self, days: float) -> float:
        """Chance of at least one order within `days` of `as_of` (non-decreasing in `days`).

        Raises:
            ValidationError: `days` negative or not finite.
        """
        if not (math.isfinite(days) and days >= 0):
            raise ValidationError.field("days", days, "must be a finite number >= 0")
        if days == 0:
            return 0.0
        return _curve(self.hazard, self.shape, self.reference_horizon, days)


def _curve(hazard: float, shape: float, reference: int, days: float) -> float:
    return min(1.0, max(0.0, -math.expm1(-hazard * (days / reference) ** shape)))


def _quantile_days(hazard: float, shape: float, reference: int, q: float) -> float:
    """Days until the cumulative probability reaches `q`; inf when hazard is zero."""
    if hazard <= 0:
        return math.inf
    return float(reference * (-math.log1p(-q) / hazard) ** (1.0 / shape))


def _percent(p: float) -> int:
    # Never print 100% or 0% for something that is merely very likely or unlikely.
    pct = round(100 * p)
    if 0.0 < p < 1.0:
        return min(max(pct, 1), 99)
    return pct


def _format_quantity(q: Decimal) -> str:
    return format(q.normalize(), "f")


def reason(cadence: float, since_last: int, p: float, horizon: int, quantity: Decimal) -> str:
    """The one-sentence explanation of a prediction."""
    return (
        f"orders about every {round(cadence)} days; {since_last} days since the last; "
        f"{_percent(p)}% chance within {horizon} days; "
        f"usually {_format_quantity(quantity)} units"
    )


def _check_level(level: str) -> None:
    if level not in ("pair", "account"):
        raise ValidationError.field("level", level, "must be 'pair' or 'account'")


@attrs.frozen
class FittedPredictor:
    """A predictor trained on one history for one level; scores any later history."""

    config: ReorderPredictor
    level: Level
    model: CloglogModel
    shape: float
    trained_as_of: date

    def _scored(self, prep: Prepared) -> list[tuple[FeatureRow, float]]:
        history = prep.history
        rows = features_at(
            prep, history.as_of.toordinal(), self.config.horizon, self.config.min_orders
        )
        return [(row, clipped_hazard(self.model.linear(row.values))) for row in rows]

    def probability(self, hazard: float, days: float) -> float:
        """The fitted curve's chance of an order within `days`, for a series' hazard."""
        return _curve(hazard, self.shape, self.config.horizon, days)

    def forecasts(self, history: OrderHistory, horizon: int) -> dict[SeriesKey, Forecast]:
        """Probability within `horizon`, median days and expected quantity per series."""
        return self._forecasts(prepare(history, self.level), horizon)

    def _forecasts(self, prep: Prepared, horizon: int) -> dict[SeriesKey, Forecast]:
        scored = self._scored(prep)
        series = prep.history.series(self.level)
        out: dict[SeriesKey, Forecast] = {}
        for row, series_hazard in scored:
            key = prep.keys[row.index]
            out[key] = Forecast(
                probability=self.probability(series_hazard, horizon),
                days=_quantile_days(series_hazard, self.shape, self.config.horizon, 0.5),
                quantity=float(expected_quantity(series[key].quantities[: row.count])),
            )
        return out

    def predict(
        self,
        history: OrderHistory,
        *,
        pack_sizes: Mapping[str, Decimal] | None = None,
    ) -> list[ReorderPrediction]:
        """Predictions for every series with at least `min_orders` order days.

        Args:
            history: The orders to predict from, as of `history.as_of`.
            pack_sizes: Product id to pack size, for rounding suggested quantities.

        Returns:
            Predictions sorted by `(account_id, product_id)`; empty for an empty history.
        """
        return self._predict(prepare(history, self.level), pack_sizes)

    def _predict(
        self, prep: Prepared, pack_sizes: Mapping[str, Decimal] | None
    ) -> list[ReorderPrediction]:
        scored = self._scored(prep)
        history = prep.history
        series = history.series(self.level)
        as_of = history.as_of
        ref = self.config.horizon
        limit = self.config.max_days
        out: list[ReorderPrediction] = []
        for row, series_hazard in scored:
            key = prep.keys[row.index]
            s = series[key]
            quantities = s.quantities[: row.count]
            days = s.days[: row.count]
            qty = expected_quantity(quantities)
            pack = pack_sizes.get(key[1]) if pack_sizes and key[1] is not None else None
            dates = []
            for q in (0.5, 0.1, 0.9):
                t = _quantile_days(series_hazard, self.shape, ref, q)
                dates.append(as_of + timedelta(days=int(t)) if t <= limit else None)
            p7, p30, p90 = (self.probability(series_hazard, h) for h in (7, 30, 90))
            rate = consumption_rate(days, quantities)
            out.append(
                ReorderPrediction(
                    account_id=key[0],
                    product_id=key[1],
                    as_of=as_of,
                    last_order=days[-1],
                    order_count=row.count,
                    days_since_last=row.recency,
                    cadence_days=row.cadence,
                    p_7d=p7,
                    p_30d=p30,
                    p_90d=p90,
                    next_order=dates[0],
                    earliest=dates[1],
                    latest=dates[2],
                    expected_quantity=qty,
                    suggested_quantity=suggested(qty, pack),
                    consumption_per_day=rate,
                    run_out=run_out_date(days[-1], quantities[-1], rate),
                    status=self.config.policy.status(row.recency / row.cadence, p90),
                    reason=reason(row.cadence, row.recency, p30, 30, qty),
                    hazard=series_hazard,
                    shape=self.shape,
                    reference_horizon=ref,
                )
            )
        return out


@attrs.frozen
class ReorderPredictor:
    """Settings of the reorder predictor; `fit` trains it on a history.

    Args:
        horizon: Days ahead the model is calibrated for (and the training step back).
        pseudo_cutoffs: How many points inside the history the model learns from: the
            first a horizon before `as_of`, each further one `pseudo_step` days earlier.
        pseudo_step: Days between those points.
        min_orders: Series need this many order days to be trained on and predicted.
        l2: Ridge penalty of the regression.
        max_days: Dates further than this from `as_of` are reported as `None`.
        policy: Status thresholds.
        use_numpy: `None` uses numpy when importable, `False` forces pure Python.
    """

    horizon: int = attrs.field(default=30, validator=_positive_int)
    pseudo_cutoffs: int = attrs.field(default=2, validator=_positive_int)
    pseudo_step: int = attrs.field(default=21, validator=_positive_int)
    min_orders: int = attrs.field(default=2, validator=_positive_int)
    l2: float = attrs.field(default=1.0, validator=_positive)
    max_days: int = attrs.field(default=365, validator=_positive_int)
    policy: StatusPolicy = attrs.field(factory=StatusPolicy)
    use_numpy: bool | None = None

    @property
    def name(self) -> str:
        """Label for backtest tables."""
        return "reorder predictor"

    def fit(self, history: OrderHistory, level: Level = "pair") -> FittedPredictor:
        """Train on the history: features at pseudo-cutoffs inside it, labels after each.

        The pseudo-cutoffs are `as_of - horizon`, then every `pseudo_step` days earlier
        (`pseudo_cutoffs` of them); each gives one row per series with `min_orders` order
        days before it, labelled by whether the series ordered in the `horizon` days after.

        Raises:
            ValidationError: those rows are empty, or they all did (or all did not) order:
                the model has nothing to learn from.
        """
        _check_level(level)
        return self._fit(prepare(history, level))

    def _fit(self, prep: Prepared) -> FittedPredictor:
        history = prep.history
        last = history.as_of.toordinal() - self.horizon
        rows: list[FeatureRow] = []
        labels: list[int] = []
        first_days: list[float | None] = []
        for k in range(self.pseudo_cutoffs):
            pseudo = last - k * self.pseudo_step
            end = pseudo + self.horizon
            for row in features_at(prep, pseudo, self.horizon, self.min_orders):
                days = prep.days[row.index]
                j = bisect.bisect_left(days, pseudo)
                first = days[j] - pseudo if j < len(days) and days[j] < end else None
                rows.append(row)
                labels.append(0 if first is None else 1)
                first_days.append(first)
        positives = sum(labels)
        if positives == 0 or positives == len(labels):
            raise ValidationError.field(
                "history",
                f"{len(labels)} series, {positives} reordered",
                f"too little to learn from: needs series with {self.min_orders}+ order days "
                f"before {history.as_of - timedelta(days=self.horizon)}, some of which "
                f"ordered in the {self.horizon} days after and some not",
            )
        model = fit_cloglog([r.values for r in rows], labels, l2=self.l2, use_numpy=self.use_numpy)
        etas = [model.linear(r.values) for r in rows]
        shape = fit_shape(etas, first_days, self.horizon, _SHAPE_HORIZONS)
        return FittedPredictor(self, prep.level, model, shape, history.as_of)

    def predict(
        self,
        history: OrderHistory,
        level: Level = "pair",
        *,
        pack_sizes: Mapping[str, Decimal] | None = None,
    ) -> list[ReorderPrediction]:
        """Fit on `history` and predict its series as of `history.as_of` (see `fit`)."""
        _check_level(level)
        prep = prepare(history, level)
        return self._fit(prep)._predict(prep, pack_sizes)

    def forecast(
        self, history: OrderHistory, level: Level, horizon: int
    ) -> dict[SeriesKey, Forecast]:
        """The backtest interface: fit on the history, forecast `horizon` days ahead."""
        _check_level(level)
        prep = prepare(history, level)
        return self._fit(prep)._forecasts(prep, horizon)
