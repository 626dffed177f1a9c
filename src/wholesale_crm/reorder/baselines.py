"""Baseline reorder models the backtest compares the predictor with."""

from __future__ import annotations

import math
import statistics
from datetime import date

import attrs

from wholesale_crm.reorder.bgnbd import BGNBDModel, fit_bgnbd, summarise
from wholesale_crm.reorder.forecast import Forecast
from wholesale_crm.reorder.series import Level, OrderHistory, OrderSeries, SeriesKey

__all__ = ["BGNBDBaseline", "LastIntervalBaseline", "bgnbd_median_days"]


def _eligible(history: OrderHistory, level: Level) -> dict[SeriesKey, OrderSeries]:
    return {k: s for k, s in history.series(level).items() if len(s) >= 2}


@attrs.frozen
class LastIntervalBaseline:
    """The obvious rule: due on the last order day plus the median interval.

    Its "probability" is 1 when that due day falls before the end of the horizon (due or
    already overdue) and 0 otherwise: a flag, which is what the rule gives a rep.
    """

    @property
    def name(self) -> str:
        """Label for backtest tables."""
        return "last order + median interval"

    def forecast(
        self, history: OrderHistory, level: Level, horizon: int
    ) -> dict[SeriesKey, Forecast]:
        """Forecasts for every series with at least two order days."""
        cutoff = history.as_of.toordinal()
        out: dict[SeriesKey, Forecast] = {}
        for key, s in _eligible(history, level).items():
            gaps = [(b - a).days for a, b in zip(s.days, s.days[1:], strict=False)]
            due = s.days[-1].toordinal() + statistics.median(gaps)
            days = max(0.0, due - cutoff)
            out[key] = Forecast(
                probability=1.0 if days < horizon else 0.0,
                days=days,
                quantity=float(statistics.median(s.quantities)),
            )
        return out


def bgnbd_median_days(model: BGNBDModel, p_alive: float, frequency: int, t_age: float) -> float:
    """Days until the BG/NBD chance of a next purchase reaches one half (inf if never)."""
    if p_alive <= 0.5:
        return math.inf
    u = 1.0 - 0.5 / p_alive
    return float((model.alpha + t_age) * (u ** (-1.0 / (model.r + frequency)) - 1.0))


@attrs.frozen
class BGNBDBaseline:
    """BG/NBD fitted on every series of the level (days as the time unit).

    Probability: at least one order within the horizon. Quantity: the mean past quantity.
    """

    use_numpy: bool | None = None

    @property
    def name(self) -> str:
        """Label for backtest tables."""
        return "BG/NBD"

    def fit(self, history: OrderHistory, level: Level) -> BGNBDModel:
        """Fit on every series of the level with at least one order."""
        return fit_bgnbd(
            (summarise(s, history.as_of) for s in history.series(level).values()),
            use_numpy=self.use_numpy,
        )

    def forecast(
        self, history: OrderHistory, level: Level, horizon: int
    ) -> dict[SeriesKey, Forecast]:
        """Forecasts for every series with at least two order days."""
        model = self.fit(history, level)
        as_of: date = history.as_of
        out: dict[SeriesKey, Forecast] = {}
        for key, s in _eligible(history, level).items():
            c = summarise(s, as_of)
            alive = model.probability_alive(c)
            out[key] = Forecast(
                probability=model.probability_of_purchase(horizon, c),
                days=bgnbd_median_days(model, alive, c.frequency, c.T),
                quantity=float(sum(s.quantities) / len(s.quantities)),
            )
        return out
