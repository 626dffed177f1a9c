"""What the stage history says: conversion, win rate, time in stage, cycle, velocity, staleness.

Every report reads opportunities' append-only stage histories; none needs stored aggregates.
"Reached" a stage means the deal was in it or went past it (a skip passes the stages
skipped; a won deal has passed every open stage; a lost deal reached as far as it got).
Percentages are `Decimal`s rounded to 0.01, with the counts behind them alongside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from wholesale_crm.clock import require_aware
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pipeline.forecast import RateTable, conversion_for, convert_amount
from wholesale_crm.pipeline.history import HistoryStats, PipelineHistory, pipelines_by_id
from wholesale_crm.pipeline.model import (
    ForecastCategory,
    Opportunity,
    OpportunityStatus,
    Pipeline,
)
from wholesale_crm.pipeline.timing import OwnerZones, local_date

__all__ = [
    "CycleLength",
    "FunnelRow",
    "StageConversion",
    "StageTime",
    "StaleDeal",
    "Velocity",
    "WinRate",
    "cycle_length",
    "funnel",
    "percent",
    "stage_conversion",
    "stale_deals",
    "time_in_stage",
    "velocity",
    "win_rate",
]

_CENT = Decimal("0.01")
_DAY = timedelta(days=1)


def percent(part: int, whole: int) -> Decimal | None:
    """`part / whole` in percent, rounded to 0.01; `None` when `whole` is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(_CENT, ROUND_HALF_UP)


def _days(span: timedelta) -> Decimal:
    return Decimal(span // timedelta(microseconds=1)) / Decimal(86_400_000_000)


def _mean(spans: Sequence[timedelta]) -> timedelta | None:
    return sum(spans, timedelta()) / len(spans) if spans else None


def _median(ordered: Sequence[timedelta]) -> timedelta | None:
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _percentile(ordered: Sequence[timedelta], p: int) -> timedelta | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)  # ceil without floats
    return ordered[max(rank, 1) - 1]


def _stats(
    opportunities: Iterable[Opportunity], pipeline: Pipeline, history: HistoryStats | None
) -> PipelineHistory:
    return (history or HistoryStats.build(opportunities, pipeline)).of(pipeline)


# -- conversion and win rate -------------------------------------------------------------------


@attrs.frozen
class StageConversion:
    """How many deals reached an open stage and how many of them got to the next one.

    Attributes:
        stage_id: The stage.
        reached: Deals that were in the stage or went past it.
        advanced: Of those, deals that reached the next open stage (or won, after the last).
        rate: `advanced / reached` in percent.
    """

    stage_id: str
    reached: int
    advanced: int
    rate: Decimal | None


def stage_conversion(
    opportunities: Iterable[Opportunity],
    pipeline: Pipeline,
    *,
    history: HistoryStats | None = None,
) -> list[StageConversion]:
    """Stage-to-stage conversion over the deals of `pipeline`, in stage order.

    Pass `history` (from `HistoryStats.build`) to reuse one walk over the histories.
    """
    counts = _stats(opportunities, pipeline, history).reached
    return [
        StageConversion(stage.id, counts[i], counts[i + 1], percent(counts[i + 1], counts[i]))
        for i, stage in enumerate(pipeline.open_stages)
    ]


@attrs.frozen
class WinRate:
    """Won deals out of closed deals."""

    won: int
    lost: int
    rate: Decimal | None


def _closed_in(o: Opportunity, within: DateRange | None) -> bool:
    return o.closed_on is not None and (within is None or within.contains(o.closed_on))


def win_rate(opportunities: Iterable[Opportunity], *, within: DateRange | None = None) -> WinRate:
    """`won / (won + lost)` of deals closed `within` (all closed deals by default)."""
    won = lost = 0
    for o in opportunities:
        if _closed_in(o, within):
            if o.status is OpportunityStatus.WON:
                won += 1
            else:
                lost += 1
    return WinRate(won, lost, percent(won, won + lost))


# -- time ------------------------------------------------------------------------------------------


@attrs.frozen
class StageTime:
    """Time deals spent in a stage, over finished stays (a deal may stay several times)."""

    stage_id: str
    stays: int
    mean: timedelta | None
    median: timedelta | None
    p90: timedelta | None


def time_in_stage(
    opportunities: Iterable[Opportunity],
    pipeline: Pipeline,
    *,
    history: HistoryStats | None = None,
) -> list[StageTime]:
    """Average, median and 90th percentile of the time spent in each open stage."""
    spans = _stats(opportunities, pipeline, history).durations
    rows = []
    for stage in pipeline.open_stages:
        values = spans.get(stage.id, [])
        rows.append(
            StageTime(
                stage.id, len(values), _mean(values), _median(values), _percentile(values, 90)
            )
        )
    return rows


@attrs.frozen
class CycleLength:
    """From a deal's first stage entry to its close, over closed deals."""

    deals: int
    mean: timedelta | None
    median: timedelta | None


def cycle_length(
    opportunities: Iterable[Opportunity],
    *,
    within: DateRange | None = None,
    include_lost: bool = False,
) -> CycleLength:
    """Sales cycle of deals won (and lost, with `include_lost`) `within` a date range."""
    won = OpportunityStatus.WON
    spans = sorted(
        [
            o.history[-1].at - o.history[0].at
            for o in opportunities
            if o.closed_on is not None
            and (include_lost or o.status is won)
            and (within is None or within.contains(o.closed_on))
        ]
    )
    return CycleLength(len(spans), _mean(spans), _median(spans))


# -- velocity -------------------------------------------------------------------------------------


@attrs.frozen
class Velocity:
    """Pipeline velocity: expected won value per day, for one currency.

    `per_day = open_deals x win_rate x average_won / cycle_days`; `None` when a factor is
    unknown (no closed deals, no won amounts).
    """

    currency: str
    open_deals: int
    win_rate: Decimal | None
    average_won: Money | None
    cycle_days: Decimal | None
    per_day: Money | None


@attrs.define
class _Tally:
    open: int = 0
    won: int = 0
    lost: int = 0
    amount: Decimal = Decimal(0)
    cycle: timedelta = timedelta()


def velocity(
    opportunities: Iterable[Opportunity],
    pipelines: Pipeline | Iterable[Pipeline],
    *,
    within: DateRange | None = None,
    rates: RateTable | None = None,
) -> list[Velocity]:
    """Pipeline velocity per currency (one row when `rates` convert everything).

    Open deals are those in open stages not in the `omitted` category; win rate, average
    won amount and cycle length come from the deals of that currency closed `within`.
    """
    index = pipelines_by_id(pipelines)
    omitted = {
        (p.id, s.id)
        for p in index.values()
        for s in p.stages
        if s.category is ForecastCategory.OMITTED
    }
    tallies: dict[str, _Tally] = {}
    conversions: dict[str, tuple[Decimal, str, Decimal]] = {}
    open_, won = OpportunityStatus.OPEN, OpportunityStatus.WON
    for o in opportunities:
        money = o.amount
        if money is None:
            continue
        conversion = conversions.get(money.currency)
        if conversion is None:
            conversion = conversions[money.currency] = conversion_for(money.currency, rates)
        rate, currency, quantum = conversion
        tally = tallies.get(currency)
        if tally is None:
            tally = tallies[currency] = _Tally()
        if o.status is open_:
            if (o.pipeline_id, o.stage_id) not in omitted:
                tally.open += 1
        elif _closed_in(o, within):
            if o.status is won:
                tally.won += 1
                tally.amount += (money.amount * rate).quantize(quantum, ROUND_HALF_UP)
                tally.cycle += o.history[-1].at - o.history[0].at
            else:
                tally.lost += 1
    rows = []
    for currency, t in sorted(tallies.items()):
        win = percent(t.won, t.won + t.lost)
        average = Money(t.amount / t.won, currency).round() if t.won else None
        days = _days(t.cycle / t.won) if t.won else None
        per_day = None
        if win is not None and average is not None and days:
            per_day = (average * t.open * win / 100 / days).round()
        shown = None if days is None else days.quantize(_CENT)
        rows.append(Velocity(currency, t.open, win, average, shown, per_day))
    return rows


# -- staleness ------------------------------------------------------------------------------------


@attrs.frozen
class StaleDeal:
    """An open deal nobody has moved or worked on for too long.

    Attributes:
        opportunity_id: The deal.
        owner_id: Its owner, in whose time zone the days are counted.
        stage_id: Its current stage.
        last_touch: The last stage move or activity (UTC instant).
        idle_days: Calendar days from the last touch to the owner's today.
        limit_days: The allowed idle days that were exceeded.
        rule: `"threshold"` or `"p90"` (the stage's history), whichever limit is lower.
        stale_since: The owner's first calendar day on which the deal counted as stale.
    """

    opportunity_id: str
    owner_id: str
    stage_id: str
    last_touch: datetime
    idle_days: int
    limit_days: int
    rule: str
    stale_since: date


def stale_deals(
    opportunities: Iterable[Opportunity],
    pipelines: Pipeline | Iterable[Pipeline],
    *,
    at: datetime,
    zones: OwnerZones | None = None,
    threshold_days: int | None = None,
    percentile: int | None = 90,
    min_stays: int = 5,
    history: HistoryStats | None = None,
    activities: Mapping[str, datetime] | None = None,
    default_zone: str = "UTC",
) -> list[StaleDeal]:
    """Open deals idle for more days than a threshold or than their stage usually takes.

    Days are counted in each owner's calendar: a deal last touched on the owner's 1 March
    with a 7-day limit is stale from the owner's 9 March, whatever the UTC offset or a
    daylight-saving change in between.

    Args:
        opportunities: Deals to check (closed ones are ignored).
        pipelines: Their pipelines.
        at: The instant to judge at.
        zones: Owners' IANA time zones.
        threshold_days: A fixed idle limit in days, for every stage.
        percentile: Also use this percentile of the stage's finished stays (rounded up to
            whole days); `None` turns the history rule off.
        min_stays: Stages with fewer finished stays have no history limit.
        history: The stage history to learn the usual stays from (by default, that of
            `opportunities` themselves).
        activities: The last activity per opportunity id from elsewhere (calls, visits
            logged by the activities module), on top of `Opportunity.last_activity_at`.
        default_zone: Zone of owners missing from `zones`.

    Returns:
        Stale deals, most idle first.
    """
    require_aware(at, "at")
    deals = list(opportunities)
    limits: dict[tuple[str, str], int] = {}
    if percentile is not None:
        stats = history or HistoryStats.build(deals, pipelines)
        for pipeline in pipelines_by_id(pipelines).values():
            for stage_id, values in stats.of(pipeline).durations.items():
                p = _percentile(values, percentile)
                if len(values) >= min_stays and p is not None:
                    limits[(pipeline.id, stage_id)] = -(-p // _DAY)  # whole days, rounded up
    zones = zones or {}
    today: dict[str, date] = {}
    found = []
    open_ = OpportunityStatus.OPEN
    for o in deals:
        if o.status is not open_:
            continue
        candidates = []
        if threshold_days is not None:
            candidates.append((threshold_days, "threshold"))
        history_limit = limits.get((o.pipeline_id, o.stage_id))
        if history_limit is not None:
            candidates.append((history_limit, f"p{percentile}"))
        if not candidates:
            continue
        limit, rule = min(candidates)
        tz = zones.get(o.owner_id, default_zone)
        if tz not in today:
            today[tz] = local_date(at, tz)
        last_touch = o.last_touch
        logged = activities.get(o.id) if activities else None
        if logged is not None and require_aware(logged, f"activities[{o.id}]") > last_touch:
            last_touch = logged
        touched = local_date(last_touch, tz)
        idle = (today[tz] - touched).days
        if idle > limit:
            found.append(
                StaleDeal(
                    o.id,
                    o.owner_id,
                    o.stage_id,
                    last_touch,
                    idle,
                    limit,
                    rule,
                    touched + timedelta(days=limit + 1),
                )
            )
    found.sort(key=lambda s: (-s.idle_days, s.opportunity_id))
    return found


# -- funnel ---------------------------------------------------------------------------------------


@attrs.frozen
class FunnelRow:
    """One stage of the funnel table.

    Attributes:
        stage_id: The stage (the last row is the won stage).
        name: Its current name.
        reached: Deals that were in the stage or went past it.
        conversion: Percent of them that reached the next row's stage.
        open_deals: Deals in the stage now.
        open_amounts: Their amounts, one `Money` per currency (one with `rates`).
        median_days: Median finished stay in the stage, in days (0.1).
    """

    stage_id: str
    name: str
    reached: int
    conversion: Decimal | None
    open_deals: int
    open_amounts: tuple[Money, ...]
    median_days: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        """Plain values (strings for amounts and decimals), e.g. for a CSV or a DataFrame."""
        return {
            "stage_id": self.stage_id,
            "name": self.name,
            "reached": self.reached,
            "conversion": None if self.conversion is None else str(self.conversion),
            "open_deals": self.open_deals,
            "open_amounts": {m.currency: str(m.amount) for m in self.open_amounts},
            "median_days": None if self.median_days is None else str(self.median_days),
        }


def funnel(
    opportunities: Iterable[Opportunity],
    pipeline: Pipeline,
    *,
    rates: RateTable | None = None,
    history: HistoryStats | None = None,
) -> list[FunnelRow]:
    """The funnel of `pipeline`: per open stage, then won, how many got there and what is in it."""
    deals = [o for o in opportunities if o.pipeline_id == pipeline.id]
    stats = _stats(deals, pipeline, history)
    in_stage: dict[str, int] = {}
    amounts: dict[str, dict[str, Decimal]] = {}
    for o in deals:
        if o.status is OpportunityStatus.OPEN:
            in_stage[o.stage_id] = in_stage.get(o.stage_id, 0) + 1
            if o.amount is not None:
                amount, currency = convert_amount(o.amount.amount, o.amount.currency, rates)
                sums = amounts.setdefault(o.stage_id, {})
                sums[currency] = sums.get(currency, Decimal(0)) + amount
    counts = stats.reached
    rows = []
    for i, stage in enumerate(pipeline.open_stages):
        median = _median(stats.durations.get(stage.id, []))
        rows.append(
            FunnelRow(
                stage.id,
                stage.name,
                counts[i],
                percent(counts[i + 1], counts[i]),
                in_stage.get(stage.id, 0),
                tuple(Money(a, c) for c, a in sorted(amounts.get(stage.id, {}).items())),
                None if median is None else _days(median).quantize(Decimal("0.1")),
            )
        )
    won_stage = pipeline.won_stage
    rows.append(FunnelRow(won_stage.id, won_stage.name, counts[-1], None, 0, (), None))
    return rows
