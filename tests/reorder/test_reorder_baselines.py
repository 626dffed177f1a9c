from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from wholesale_crm.reorder.baselines import BGNBDBaseline, LastIntervalBaseline
from wholesale_crm.reorder.series import OrderEvent, build_history

START = date(2024, 1, 1)


def test_last_interval_flags_due_and_overdue() -> None:
    events = [
        OrderEvent("A", p, START + timedelta(days=d), Decimal(q))
        for p, days in (("DUE", (0, 10, 20)), ("LATER", (0, 50, 100)))
        for d, q in zip(days, (1, 2, 3), strict=True)
    ]
    history = build_history(events, START + timedelta(days=101))
    f = LastIntervalBaseline().forecast(history, "pair", 30)
    assert f[("A", "DUE")].probability == 1.0 and f[("A", "DUE")].days == 0.0
    assert f[("A", "LATER")].probability == 0.0 and f[("A", "LATER")].days == 49.0
    assert f[("A", "DUE")].quantity == 2.0


def test_bgnbd_baseline(events: list[OrderEvent]) -> None:
    history = build_history(events, START + timedelta(days=300))
    forecasts = BGNBDBaseline(use_numpy=False).forecast(history, "pair", 30)
    assert set(forecasts) == {k for k, s in history.pairs.items() if len(s) >= 2}
    for f in forecasts.values():
        assert 0.0 <= f.probability <= 1.0
        assert f.days >= 0 and (math.isinf(f.days) or math.isfinite(f.days))
