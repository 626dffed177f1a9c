"""What every reorder model hands the backtest: a probability, a day estimate and a quantity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import attrs

from wholesale_crm.reorder.series import Level, OrderHistory, SeriesKey

__all__ = ["Forecast", "ForecastModel"]


@attrs.frozen
class Forecast:
    """One series' forecast for a horizon.

    Attributes:
        probability: Chance of at least one order within the horizon, in [0, 1].
        days: Median days from the cutoff to the next order (`math.inf` if beyond any horizon).
        quantity: Expected quantity of the next order.
    """

    probability: float
    days: float
    quantity: float


class ForecastModel(Protocol):
    """A model the backtest can train and score as of any cutoff."""

    @property
    def name(self) -> str:
        """Short label for tables."""
        ...

    def forecast(
        self, history: OrderHistory, level: Level, horizon: int
    ) -> Mapping[SeriesKey, Forecast]:
        """Forecasts for the series of `level` with at least two order days.

        Args:
            history: Orders strictly before `history.as_of`, the cutoff.
            level: Pairs or accounts.
            horizon: Days after the cutoff the probability covers.
        """
        ...
