"""Demo section: next quarter's forecast per owner, the new-business funnel, learned odds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, TextIO

from wholesale_crm.money import Money
from wholesale_crm.periods import period_of
from wholesale_crm.pipeline.analytics import funnel, stale_deals, velocity, win_rate
from wholesale_crm.pipeline.forecast import RateTable, forecast
from wholesale_crm.pipeline.history import HistoryStats
from wholesale_crm.pipeline.learned import calibration, learn_probabilities
from wholesale_crm.samples.pipeline import PipelineSample

__all__ = ["PipelineData", "show"]

LOCALE = "en_GB"
SAMPLE_RATES = {"EUR": "0.85"}
"""Illustrative rates into the wholesaler's currency (1 EUR = 0.85 GBP)."""


class PipelineData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today"."""
        ...

    @property
    def currency(self) -> str:
        """The wholesaler's reporting currency."""
        ...

    @property
    def pipeline(self) -> PipelineSample:
        """Pipelines, leads and opportunities."""
        ...


def _money(amount: Money) -> str:
    return amount.round().format(LOCALE)


def show(data: PipelineData, out: TextIO) -> None:
    """Print next quarter's forecast by owner and category, then the new-business funnel."""
    sample = data.pipeline
    if not sample.pipelines:
        out.write("No pipeline sample.\n")
        return
    deals = sample.opportunities
    rates = RateTable(data.currency, SAMPLE_RATES)
    quarter = period_of(data.as_of + timedelta(days=1), "quarter")
    result = forecast(
        deals, sample.pipelines, by=("owner", "category"), within=quarter, rates=rates
    )
    out.write(f"Forecast {quarter} in {data.currency} (EUR at {SAMPLE_RATES['EUR']}):\n")
    out.write(f"  {'owner':<6} {'deals':>5} {'unweighted':>14} {'weighted':>14}\n")
    for row in result.rollup("owner").rows:
        out.write(
            f"  {row.key[0]:<6} {row.deals:>5} {_money(row.unweighted):>14} "
            f"{_money(row.weighted):>14}\n"
        )
    total = result.total(data.currency, quarter)
    out.write(
        f"  {'total':<6} {total.deals:>5} {_money(total.unweighted):>14} "
        f"{_money(total.weighted):>14}\n"
    )
    by_category = ", ".join(
        f"{row.key[0]} {_money(row.weighted)}" for row in result.rollup("category").rows
    )
    out.write(f"  weighted by category: {by_category}\n")

    pipeline = sample.pipelines[0]
    history = HistoryStats.build(deals, sample.pipelines)
    out.write(f"\nFunnel of {pipeline.name} (reached, on to next, open now, median days):\n")
    for line in funnel(deals, pipeline, rates=rates, history=history):
        conversion = f"{line.conversion}%" if line.conversion is not None else "-"
        days = line.median_days if line.median_days is not None else "-"
        out.write(
            f"  {line.name:<15} {line.reached:>4} {conversion:>8} {line.open_deals:>4} {days:>6}\n"
        )
    own = [d for d in deals if d.pipeline_id == pipeline.id]
    rate = win_rate(own)
    per_day = [_money(v.per_day) for v in velocity(own, pipeline, rates=rates) if v.per_day]
    out.write(
        f"  win rate {rate.rate}% ({rate.won} won, {rate.lost} lost); "
        f"velocity {', '.join(per_day) or '-'} a day\n"
    )
    at = datetime.combine(data.as_of, time(17), UTC)
    stale = stale_deals(
        deals, sample.pipelines, at=at, zones=sample.zones, threshold_days=30, history=history
    )
    out.write(f"  stale open deals (30 days, or longer than their stage's p90): {len(stale)}\n")

    learned = learn_probabilities(deals, pipeline, history=history)
    out.write("\nStage probabilities, default -> learned from closed deals:\n")
    out.write(
        "  " + ", ".join(f"{p.stage_id} {p.default}% -> {p.learned}%" for p in learned) + "\n"
    )
    as_set = calibration(deals, pipeline, history=history)
    relearned = calibration(
        deals,
        pipeline,
        probabilities={p.stage_id: p.learned for p in learned},
        history=history,
    )
    out.write(
        f"  Brier score of the defaults {as_set.brier}, of the learned ones {relearned.brier} "
        f"({as_set.forecasts} stage forecasts scored; lower is better)\n"
    )
