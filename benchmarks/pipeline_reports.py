"""Benchmark: the full set of pipeline reports over 200,000 deals and ~1,000,000 stage moves.

Prints the time of each report, their sum, and beside it the floor: one pass over the deals
that only sums their amounts. Run with `.venv/bin/python benchmarks/pipeline_reports.py`
(an optional argument sets the number of deals).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from wholesale_crm.periods import period_of
from wholesale_crm.pipeline.analytics import (
    cycle_length,
    funnel,
    stale_deals,
    time_in_stage,
    velocity,
    win_rate,
)
from wholesale_crm.pipeline.forecast import RateTable, forecast
from wholesale_crm.pipeline.history import HistoryStats
from wholesale_crm.pipeline.learned import calibration, learn_probabilities
from wholesale_crm.samples.pipeline import (
    OWNER_ZONES,
    new_business_pipeline,
    synthetic_opportunities,
)

AS_OF = date(2026, 6, 30)


def timed(label: str, run: Callable[[], Any], results: list[tuple[str, float]]) -> Any:
    start = time.perf_counter()
    value = run()
    results.append((label, time.perf_counter() - start))
    return value


def main(count: int = 200_000) -> None:
    pipeline = new_business_pipeline()
    start = time.perf_counter()
    deals = synthetic_opportunities(
        random.Random(42),
        count,
        as_of=AS_OF,
        account_ids=[f"ACC-{n:05d}" for n in range(5_000)],
        currencies=("EUR", "GBP"),
        owners=[f"rep-{n:03d}" for n in range(120)],
        max_age_days=500,
        loss_rate=0.06,
    )
    built = time.perf_counter() - start
    moves = sum(len(d.history) for d in deals)
    zones = {f"rep-{n:03d}": list(OWNER_ZONES.values())[n % 4] for n in range(120)}
    territories = {f"rep-{n:03d}": f"T{n % 12:02d}" for n in range(120)}
    rates = RateTable("EUR", {"GBP": Decimal("1.17")})
    quarter = period_of(AS_OF, "quarter")
    at = datetime(2026, 6, 30, 17, tzinfo=UTC)
    print(f"{count:,} deals, {moves:,} stage-history entries (built in {built:.1f} s)")

    start = time.perf_counter()
    floor = {"EUR": Decimal(0), "GBP": Decimal(0)}
    for d in deals:
        if d.amount is not None:
            floor[d.amount.currency] += d.amount.amount
    floor_time = time.perf_counter() - start

    results: list[tuple[str, float]] = []
    detailed = timed(
        "forecast by quarter x owner x territory x category, converted",
        lambda: forecast(
            deals,
            pipeline,
            by=("owner", "territory", "category"),
            rates=rates,
            territories=territories,
        ),
        results,
    )
    for view in (("owner",), ("territory",), ("category",), ()):
        timed(f"  rolled up to {view or 'totals'}", lambda v=view: detailed.rollup(*v), results)
    timed(
        "forecast by month x owner, each currency apart",
        lambda: forecast(deals, pipeline, granularity="month", by=("owner",)),
        results,
    )
    history = timed(
        "stage history walk (shared by the reports below)",
        lambda: HistoryStats.build(deals, pipeline),
        results,
    )
    timed(
        "funnel (with stage conversion)",
        lambda: funnel(deals, pipeline, rates=rates, history=history),
        results,
    )
    timed("time in stage", lambda: time_in_stage(deals, pipeline, history=history), results)
    timed("win rate (this quarter)", lambda: win_rate(deals, within=quarter), results)
    timed("cycle length", lambda: cycle_length(deals), results)
    timed("velocity", lambda: velocity(deals, pipeline, rates=rates), results)
    timed(
        "stale deals (30 days or the stage's p90)",
        lambda: stale_deals(
            deals, pipeline, at=at, zones=zones, threshold_days=30, history=history
        ),
        results,
    )
    timed(
        "learned probabilities",
        lambda: learn_probabilities(deals, pipeline, history=history),
        results,
    )
    timed("calibration", lambda: calibration(deals, pipeline, history=history), results)

    width = max(len(label) for label, _ in results)
    for label, seconds in results:
        print(f"  {label:<{width}}  {seconds:6.3f} s")
    total = sum(seconds for _, seconds in results)
    print(f"  {'full set of reports':<{width}}  {total:6.3f} s   (target < 3 s)")
    print(f"  {'floor: one pass summing amounts':<{width}}  {floor_time:6.3f} s")
    print(f"  ratio to the floor: {total / floor_time:.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
