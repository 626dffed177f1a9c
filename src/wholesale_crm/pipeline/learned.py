"""Win probabilities learned from closed deals, and how honest the probabilities in use are.

`learn_probabilities` estimates, for each open stage, the share of closed deals that were won
after reaching it: `won / (won + lost)`, shrunk towards the stage's default probability when
few deals back it (`prior_weight` pseudo-deals at the default). `calibration` scores the
probabilities in use against what happened: the Brier score (0 is perfect; always saying
50 % scores 0.25) and a reliability table of predicted against observed win rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import to_decimal
from wholesale_crm.pipeline.analytics import percent
from wholesale_crm.pipeline.history import HistoryStats
from wholesale_crm.pipeline.model import Opportunity, Pipeline

__all__ = [
    "Calibration",
    "LearnedProbability",
    "ReliabilityBin",
    "calibration",
    "learn_probabilities",
]

_TENTH = Decimal("0.1")
_HUNDRED = Decimal(100)


@attrs.frozen
class LearnedProbability:
    """The win probability of one stage as closed history shows it.

    Attributes:
        stage_id: The open stage.
        default: The stage's configured probability (percent).
        won: Won deals that reached the stage.
        lost: Lost deals that reached the stage.
        observed: `won / (won + lost)` in percent; `None` without closed deals.
        learned: The smoothed estimate in percent (0.1), `default` when nothing closed.
    """

    stage_id: str
    default: Decimal
    won: int
    lost: int
    observed: Decimal | None
    learned: Decimal


def learn_probabilities(
    opportunities: Iterable[Opportunity],
    pipeline: Pipeline,
    *,
    prior_weight: int = 10,
    history: HistoryStats | None = None,
) -> list[LearnedProbability]:
    """Estimate each open stage's win probability from the closed deals of `pipeline`.

    `learned = (won + k x default / 100) / (won + lost + k) x 100` with `k = prior_weight`:
    with no history it is the default; with many closed deals it approaches the observed rate.
    Pass `history` (from `HistoryStats.build`) to reuse one walk over the histories.

    Raises:
        ValidationError: a negative `prior_weight`.
    """
    if prior_weight < 0:
        raise ValidationError.field("prior_weight", prior_weight, "must not be negative")
    stats = (history or HistoryStats.build(opportunities, pipeline)).of(pipeline)
    won, k = stats.won, Decimal(prior_weight)
    rows = []
    for i, stage in enumerate(pipeline.open_stages):
        lost = stats.lost_reached[i]  # lost deals that got at least as far as stage i
        learned = stage.probability
        if won + lost + prior_weight:
            learned = (won + k * stage.probability / _HUNDRED) / (won + lost + k) * _HUNDRED
        rows.append(
            LearnedProbability(
                stage.id,
                stage.probability,
                won,
                lost,
                percent(won, won + lost),
                learned.quantize(_TENTH, ROUND_HALF_UP),
            )
        )
    return rows


@attrs.frozen
class ReliabilityBin:
    """Forecasts whose probability fell in `[low, high)` (the last bin includes 100).

    Attributes:
        low: Lower bound, percent.
        high: Upper bound, percent.
        forecasts: How many (deal, stage) forecasts fell in the bin.
        mean_probability: Their average predicted probability, percent.
        observed: The share of them that were won, percent.
    """

    low: Decimal
    high: Decimal
    forecasts: int
    mean_probability: Decimal | None
    observed: Decimal | None


@attrs.frozen
class Calibration:
    """How well the probabilities in use matched outcomes.

    Attributes:
        forecasts: Number of (closed deal, open stage it was in) pairs scored.
        brier: Mean of `(p - outcome)^2` with `p` in 0..1 and outcome 1 if won, 0 if lost
            (4 decimals); `None` with nothing to score.
        bins: The reliability table.
    """

    forecasts: int
    brier: Decimal | None
    bins: tuple[ReliabilityBin, ...]


def calibration(
    opportunities: Iterable[Opportunity],
    pipeline: Pipeline,
    *,
    probabilities: Mapping[str, Decimal | int | str] | None = None,
    bins: int = 10,
    history: HistoryStats | None = None,
) -> Calibration:
    """Score stage probabilities against the outcomes of closed deals of `pipeline`.

    Each closed deal contributes one forecast per distinct open stage it was in (skipped
    stages never had their probability applied to it). The probability scored is the one in
    `probabilities` (e.g. learned ones) or else the stage's default.

    Raises:
        ValidationError: `bins` below 1, or a probability outside 0..100.
    """
    if bins < 1:
        raise ValidationError.field("bins", bins, "must be at least 1")
    chosen: dict[str, Decimal] = {s.id: s.probability for s in pipeline.open_stages}
    for stage_id, value in (probabilities or {}).items():
        pipeline.stage(stage_id)
        p = to_decimal(value, f"probabilities[{stage_id}]")
        if not Decimal(0) <= p <= _HUNDRED:
            raise ValidationError.field(
                f"probabilities[{stage_id}]", value, "must be between 0 and 100"
            )
        chosen[stage_id] = p
    stats = (history or HistoryStats.build(opportunities, pipeline)).of(pipeline)
    outcomes = {(s, True): n for s, n in stats.won_visits.items() if s in chosen}
    outcomes.update({(s, False): n for s, n in stats.lost_visits.items() if s in chosen})
    width = _HUNDRED / bins
    table: list[list[Decimal]] = [[Decimal(0)] * 3 for _ in range(bins)]  # n, sum p, wins
    squared = Decimal(0)
    total = 0
    for (stage_id, won), n in outcomes.items():
        p = chosen[stage_id]
        error = (1 - p / _HUNDRED) if won else p / _HUNDRED
        squared += n * error * error
        total += n
        cell = table[min(int(p / width), bins - 1)]
        cell[0] += n
        cell[1] += n * p
        cell[2] += n if won else 0
    brier = (squared / total).quantize(Decimal("0.0001"), ROUND_HALF_UP) if total else None
    return Calibration(
        total,
        brier,
        tuple(
            ReliabilityBin(
                (width * i).quantize(_TENTH),
                (width * (i + 1)).quantize(_TENTH),
                int(n),
                (sum_p / n).quantize(_TENTH, ROUND_HALF_UP) if n else None,
                percent(int(wins), int(n)),
            )
            for i, (n, sum_p, wins) in enumerate(table)
        ),
    )
