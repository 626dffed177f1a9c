"""Analytics and learned probabilities on a five-deal history worked out by hand.

Deals (EUR, days after T0; the pipeline allows skips):
  A: qualify 0 -> discover 2 -> propose 5 -> negotiate 9 -> won 10      1000
  B: qualify 0 -> discover 4 -> lost 6                                   2000
  C: qualify 0 -> discover 1 -> propose 7 (still open)                   3000
  D: qualify 0 -> propose 3 (skip) -> won 13                             4000
  E: qualify 0 -> lost 1                                                  500
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pipeline.analytics import (
    CycleLength,
    FunnelRow,
    StageConversion,
    StageTime,
    Velocity,
    WinRate,
    cycle_length,
    funnel,
    stage_conversion,
    stale_deals,
    time_in_stage,
    velocity,
    win_rate,
)
from wholesale_crm.pipeline.history import HistoryStats
from wholesale_crm.pipeline.learned import (
    LearnedProbability,
    ReliabilityBin,
    calibration,
    learn_probabilities,
)
from wholesale_crm.pipeline.model import Opportunity, StageEntry
from wholesale_crm.samples.pipeline import new_business_pipeline, synthetic_opportunities

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
PIPELINE = attrs.evolve(new_business_pipeline(), allow_skip=True)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def d(n: float) -> timedelta:
    return timedelta(days=n)


def walk(id: str, amount: str, *moves: tuple[str, float]) -> Opportunity:
    o = Opportunity.open(
        PIPELINE,
        id=id,
        name=id,
        account_id="ACC-1",
        owner_id="ann",
        at=T0,
        by="ann",
        amount=Money(amount, "EUR"),
        expected_close=date(2026, 3, 31),
        next_step="call",
    )
    for stage, when in moves:
        o.move_to(PIPELINE, stage, at=day(when), by="ann", lost_reason="price")
    return o


DEALS = [
    walk("A", "1000", ("discover", 2), ("propose", 5), ("negotiate", 9), ("won", 10)),
    walk("B", "2000", ("discover", 4), ("lost", 6)),
    walk("C", "3000", ("discover", 1), ("propose", 7)),
    walk("D", "4000", ("propose", 3), ("won", 13)),
    walk("E", "500", ("lost", 1)),
]


def test_stage_conversion_counts_skips_as_passing() -> None:
    assert stage_conversion(DEALS, PIPELINE) == [
        StageConversion("qualify", 5, 4, Decimal("80.00")),
        StageConversion("discover", 4, 3, Decimal("75.00")),
        StageConversion("propose", 3, 2, Decimal("66.67")),
        StageConversion("negotiate", 2, 2, Decimal("100.00")),
    ]


def test_win_rate_overall_and_within_a_period() -> None:
    assert win_rate(DEALS) == WinRate(2, 2, Decimal("50.00"))
    january_to_11th = DateRange(date(2026, 1, 1), date(2026, 1, 12))  # A won on the 15th
    assert win_rate(DEALS, within=january_to_11th) == WinRate(0, 2, Decimal("0.00"))
    assert win_rate([]) == WinRate(0, 0, None)


def test_time_in_stage_over_finished_stays() -> None:
    assert time_in_stage(DEALS, PIPELINE) == [
        StageTime("qualify", 5, d(2.2), d(2), d(4)),
        StageTime("discover", 3, d(11) / 3, d(3), d(6)),
        StageTime("propose", 2, d(7), d(7), d(10)),
        StageTime("negotiate", 1, d(1), d(1), d(1)),
    ]


def test_cycle_length_of_won_deals() -> None:
    assert cycle_length(DEALS) == CycleLength(2, d(11.5), d(11.5))
    assert cycle_length(DEALS, include_lost=True) == CycleLength(4, d(7.5), d(8))


def test_velocity() -> None:
    # 1 open deal x 50 % x 2500 EUR average won / 11.5 days = 108.70 EUR a day
    assert velocity(DEALS, PIPELINE) == [
        Velocity(
            "EUR",
            1,
            Decimal("50.00"),
            Money("2500.00", "EUR"),
            Decimal("11.50"),
            Money("108.70", "EUR"),
        )
    ]


def test_funnel_table() -> None:
    rows = funnel(DEALS, PIPELINE)
    assert rows == [
        FunnelRow("qualify", "Qualification", 5, Decimal("80.00"), 0, (), Decimal("2.0")),
        FunnelRow("discover", "Needs analysis", 4, Decimal("75.00"), 0, (), Decimal("3.0")),
        FunnelRow(
            "propose", "Proposal", 3, Decimal("66.67"), 1, (Money("3000", "EUR"),), Decimal("7.0")
        ),
        FunnelRow("negotiate", "Negotiation", 2, Decimal("100.00"), 0, (), Decimal("1.0")),
        FunnelRow("won", "Won", 2, None, 0, (), None),
    ]
    assert rows[2].as_dict() == {
        "stage_id": "propose",
        "name": "Proposal",
        "reached": 3,
        "conversion": "66.67",
        "open_deals": 1,
        "open_amounts": {"EUR": "3000.00"},
        "median_days": "7.0",
    }


def test_reports_share_one_walk_over_the_history() -> None:
    history = HistoryStats.build(DEALS, PIPELINE)
    assert history.of(PIPELINE).reached == (5, 4, 3, 2, 2)
    assert history.of(PIPELINE).lost_reached == (2, 1, 0, 0, 0)
    assert stage_conversion([], PIPELINE, history=history) == stage_conversion(DEALS, PIPELINE)
    assert funnel(DEALS, PIPELINE, history=history) == funnel(DEALS, PIPELINE)
    assert time_in_stage([], PIPELINE, history=history) == time_in_stage(DEALS, PIPELINE)
    assert learn_probabilities([], PIPELINE, history=history) == learn_probabilities(
        DEALS, PIPELINE
    )
    assert calibration([], PIPELINE, history=history) == calibration(DEALS, PIPELINE)
    other = attrs.evolve(new_business_pipeline(), id="renewal")
    with pytest.raises(ValidationError, match="no figures for pipeline renewal"):
        history.of(other)


def test_a_history_naming_an_unknown_stage_is_refused() -> None:
    stray = attrs.evolve(
        DEALS[0], history=[*DEALS[0].history[:-1], StageEntry("won", T0, "a", "x")]
    )
    stray.history.insert(1, StageEntry("closing", T0, "a", "qualify"))
    with pytest.raises(ValidationError, match="pipeline new-business does not have") as caught:
        HistoryStats.build([stray], PIPELINE)
    assert caught.value.errors[0].value == "closing"


# -- staleness ------------------------------------------------------------------------------------


def test_stale_by_threshold_and_by_stage_history() -> None:
    at = day(20)  # C last moved on day 7 (12 January)
    [by_threshold] = stale_deals(DEALS, PIPELINE, at=at, threshold_days=7)
    assert (by_threshold.opportunity_id, by_threshold.idle_days, by_threshold.rule) == (
        "C",
        13,
        "threshold",
    )
    assert by_threshold.stale_since == date(2026, 1, 20)
    assert stale_deals(DEALS, PIPELINE, at=at) == []  # 2 finished proposal stays: too few for a p90
    [by_history] = stale_deals(DEALS, PIPELINE, at=at, min_stays=2)
    assert (by_history.limit_days, by_history.rule, by_history.stale_since) == (
        10,
        "p90",
        date(2026, 1, 23),
    )


def test_an_activity_keeps_a_deal_fresh() -> None:
    c = attrs.evolve(DEALS[2])
    c.record_activity(day(18))
    assert stale_deals([c], PIPELINE, at=day(20), threshold_days=7) == []
    logged = {"C": day(15)}  # a visit logged by the activities module
    assert stale_deals(DEALS, PIPELINE, at=day(20), threshold_days=7, activities=logged) == []


def test_stale_days_are_the_owners_calendar_days_across_daylight_saving() -> None:
    # Last touch 00:30 on 1 March in Los Angeles (UTC-8); clocks go forward on 8 March.
    o = Opportunity.open(
        PIPELINE,
        id="X",
        name="X",
        account_id="A",
        owner_id="ann",
        at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        by="ann",
    )
    zones = {"ann": "America/Los_Angeles"}
    before_midnight = datetime(2026, 3, 9, 6, 45, tzinfo=UTC)  # 23:45 on 8 March (UTC-7)
    after_midnight = datetime(2026, 3, 9, 7, 15, tzinfo=UTC)  # 00:15 on 9 March
    assert stale_deals([o], PIPELINE, at=before_midnight, zones=zones, threshold_days=7) == []
    [late] = stale_deals([o], PIPELINE, at=after_midnight, zones=zones, threshold_days=7)
    assert (late.idle_days, late.stale_since) == (8, date(2026, 3, 9))
    # only 7 days 22:45 hours have passed: counting elapsed time would not call it stale
    assert after_midnight - o.last_touch < timedelta(days=8)
    # judged in UTC the deal would already be stale before the owner's midnight
    assert len(stale_deals([o], PIPELINE, at=before_midnight, threshold_days=7)) == 1


# -- learned probabilities and calibration --------------------------------------------------------


def test_learned_probabilities_are_smoothed_towards_the_defaults() -> None:
    assert learn_probabilities(DEALS, PIPELINE) == [
        LearnedProbability("qualify", Decimal(10), 2, 2, Decimal("50.00"), Decimal("21.4")),
        LearnedProbability("discover", Decimal(25), 2, 1, Decimal("66.67"), Decimal("34.6")),
        LearnedProbability("propose", Decimal(50), 2, 0, Decimal("100.00"), Decimal("58.3")),
        LearnedProbability("negotiate", Decimal(75), 2, 0, Decimal("100.00"), Decimal("79.2")),
    ]
    raw = [p.learned for p in learn_probabilities(DEALS, PIPELINE, prior_weight=0)]
    assert raw == [Decimal("50.0"), Decimal("66.7"), Decimal("100.0"), Decimal("100.0")]
    assert [p.learned for p in learn_probabilities([], PIPELINE, prior_weight=0)] == [
        Decimal(10),
        Decimal(25),
        Decimal(50),
        Decimal(75),
    ]
    with pytest.raises(ValidationError):
        learn_probabilities(DEALS, PIPELINE, prior_weight=-1)


def test_calibration_of_the_stage_defaults() -> None:
    report = calibration(DEALS, PIPELINE)
    # 9 forecasts; squared errors A 1.685 + D 1.06 + B 0.0725 + E 0.01 = 2.8275; / 9
    assert (report.forecasts, report.brier) == (9, Decimal("0.3142"))
    filled = [b for b in report.bins if b.forecasts]
    assert filled == [
        ReliabilityBin(Decimal(10), Decimal(20), 4, Decimal("10.0"), Decimal("50.00")),
        ReliabilityBin(Decimal(20), Decimal(30), 2, Decimal("25.0"), Decimal("50.00")),
        ReliabilityBin(Decimal(50), Decimal(60), 2, Decimal("50.0"), Decimal("100.00")),
        ReliabilityBin(Decimal(70), Decimal(80), 1, Decimal("75.0"), Decimal("100.00")),
    ]
    assert len(report.bins) == 10


def test_learned_probabilities_score_better_on_their_own_history() -> None:
    learned = {p.stage_id: p.learned for p in learn_probabilities(DEALS, PIPELINE, prior_weight=0)}
    assert calibration(DEALS, PIPELINE, probabilities=learned).brier < Decimal("0.3142")  # type: ignore[operator]
    with pytest.raises(ValidationError, match="between 0 and 100"):
        calibration(DEALS, PIPELINE, probabilities={"qualify": 120})
    with pytest.raises(ValidationError):
        calibration(DEALS, PIPELINE, probabilities={"nowhere": 10})
    assert calibration([], PIPELINE).brier is None


# -- properties -----------------------------------------------------------------------------------


@settings(max_examples=25)
@given(st.integers(0, 10_000), st.integers(0, 40), st.booleans())
def test_history_figures_stay_consistent(seed: int, count: int, skips: bool) -> None:
    pipeline = attrs.evolve(new_business_pipeline(), allow_skip=skips)
    deals = synthetic_opportunities(
        random.Random(seed), count, as_of=date(2026, 6, 30), pipelines=[pipeline]
    )
    stats = HistoryStats.build(deals, pipeline).of(pipeline)
    assert stats.reached[0] == count
    assert list(stats.reached) == sorted(stats.reached, reverse=True)
    assert stats.reached[-1] == stats.won == win_rate(deals).won
    for learned in learn_probabilities(deals, pipeline):
        assert Decimal(0) <= learned.learned <= Decimal(100)
    brier = calibration(deals, pipeline).brier
    assert brier is None or Decimal(0) <= brier <= Decimal(1)
