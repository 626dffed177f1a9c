"""Reorder prediction: who will reorder what and when, measured by backtest on real data.

Start with `build_history` (order events to series), then `ReorderPredictor().predict(...)`
for per-pair (or per-account) forecasts with a status and a reason, `due_list` for a rep's
ranked calls as `ReorderDue` events, and `backtest` to measure any model against the
baselines. `fit_bgnbd` and `BGNBDModel` are the BG/NBD repeat-buying model on their own.
"""

from wholesale_crm.reorder.backtest import BacktestResult, BacktestRow, Scores, backtest
from wholesale_crm.reorder.baselines import BGNBDBaseline, LastIntervalBaseline
from wholesale_crm.reorder.bgnbd import BGNBDModel, CustomerSummary, fit_bgnbd, summarise
from wholesale_crm.reorder.duelist import ReorderDue, due_list
from wholesale_crm.reorder.forecast import Forecast, ForecastModel
from wholesale_crm.reorder.predictor import (
    FittedPredictor,
    ReorderPrediction,
    ReorderPredictor,
    ReorderStatus,
    StatusPolicy,
)
from wholesale_crm.reorder.series import (
    Level,
    OrderEvent,
    OrderHistory,
    OrderSeries,
    SeriesKey,
    build_history,
)

__all__ = [
    "BGNBDBaseline",
    "BGNBDModel",
    "BacktestResult",
    "BacktestRow",
    "CustomerSummary",
    "FittedPredictor",
    "Forecast",
    "ForecastModel",
    "LastIntervalBaseline",
    "Level",
    "OrderEvent",
    "OrderHistory",
    "OrderSeries",
    "ReorderDue",
    "ReorderPrediction",
    "ReorderPredictor",
    "ReorderStatus",
    "Scores",
    "SeriesKey",
    "StatusPolicy",
    "backtest",
    "build_history",
    "due_list",
    "fit_bgnbd",
    "summarise",
]
