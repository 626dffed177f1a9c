from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from wholesale_crm.reorder.features import FEATURE_NAMES, features_at, prepare
from wholesale_crm.reorder.series import OrderEvent, build_history

START = date(2024, 1, 1)


def _events(account: str, product: str, days: list[int]) -> list[OrderEvent]:
    return [OrderEvent(account, product, START + timedelta(days=d), Decimal(1)) for d in days]


def test_rows_match_feature_names_and_are_finite(events: list[OrderEvent]) -> None:
    history = build_history(events, START + timedelta(days=300))
    for level in ("pair", "account"):
        prep = prepare(history, level)
        rows = features_at(prep, history.as_of.toordinal(), 30, 2)
        assert rows
        for row in rows:
            assert len(row.values) == len(FEATURE_NAMES[level])
            assert all(math.isfinite(v) for v in row.values)


def test_short_series_borrow_cadence_from_their_product() -> None:
    # Ten accounts buy P every 10 days; one account bought it twice, 60 days apart.
    events = [e for a in range(10) for e in _events(f"A{a}", "P", list(range(0, 200, 10)))]
    events += _events("NEW", "P", [100, 160])
    events += _events("LONG", "Q", list(range(0, 200, 60)))
    history = build_history(events, START + timedelta(days=200))
    prep = prepare(history, "pair")
    rows = {prep.keys[r.index]: r for r in features_at(prep, history.as_of.toordinal(), 30, 2)}
    short = rows[("NEW", "P")].cadence
    assert 10 < short < 60  # pulled from its own 60 toward the product's 10
    assert rows[("A0", "P")].cadence < 12  # a long series mostly speaks for itself


def test_cutoff_uses_only_earlier_days() -> None:
    history = build_history(_events("A", "P", [0, 10, 20, 30]), START + timedelta(days=40))
    prep = prepare(history, "pair")
    (row,) = features_at(prep, (START + timedelta(days=25)).toordinal(), 30, 2)
    assert row.count == 3 and row.recency == 5
    assert features_at(prep, (START + timedelta(days=5)).toordinal(), 30, 2) == []
