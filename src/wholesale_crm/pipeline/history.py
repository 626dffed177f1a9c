"""One pass over the stage histories, shared by every report that reads them.

Conversion, the funnel, time in stage, staleness, learned probabilities and calibration all
read the same entries. `HistoryStats.build` walks a million entries once; pass the result to
each report (`history=`) instead of letting every report walk them again.

"Reached" a stage means the deal was in it or went past it: a skip passes the stages skipped,
a won deal has passed every open stage, a lost deal reached as far as it got.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.pipeline.model import Opportunity, OpportunityStatus, Pipeline

__all__ = ["HistoryStats", "PipelineHistory", "pipelines_by_id", "unknown_stage"]


def pipelines_by_id(pipelines: Pipeline | Iterable[Pipeline]) -> dict[str, Pipeline]:
    """Index pipelines by id (a single pipeline is accepted too)."""
    if isinstance(pipelines, Pipeline):
        return {pipelines.id: pipelines}
    return {p.id: p for p in pipelines}


def unknown_stage(pipelines: Mapping[str, Pipeline], opportunity: Opportunity) -> ValidationError:
    """The error for a deal whose pipeline or stage is not among `pipelines`."""
    pipeline = pipelines.get(opportunity.pipeline_id)
    if pipeline is None:
        return ValidationError.field(
            "pipeline_id", opportunity.pipeline_id, f"of {opportunity.id} is not a known pipeline"
        )
    return ValidationError.field(
        "stage_id", opportunity.stage_id, f"of {opportunity.id} is not a stage of {pipeline.id}"
    )


@attrs.frozen
class PipelineHistory:
    """What the histories of one pipeline's deals add up to.

    Attributes:
        pipeline_id: The pipeline.
        reached: `reached[i]`: deals that reached at least the i-th open stage; the last
            item (index = number of open stages) counts won deals.
        lost_reached: The same, counting lost deals only.
        won: Won deals.
        won_visits: Per stage id, won deals that were in it at least once.
        lost_visits: Per stage id, lost deals that were in it at least once.
        durations: Per stage id, every finished stay, ascending.
    """

    pipeline_id: str
    reached: tuple[int, ...]
    lost_reached: tuple[int, ...]
    won: int
    won_visits: Mapping[str, int]
    lost_visits: Mapping[str, int]
    durations: Mapping[str, Sequence[timedelta]]


@attrs.frozen
class HistoryStats:
    """`PipelineHistory` of each pipeline, from one pass over the deals' histories."""

    pipelines: Mapping[str, PipelineHistory]

    def of(self, pipeline: Pipeline) -> PipelineHistory:
        """The figures of `pipeline`; `ValidationError` if it was not part of the build."""
        try:
            return self.pipelines[pipeline.id]
        except KeyError:
            raise ValidationError.field(
                "history", pipeline.id, f"holds no figures for pipeline {pipeline.id}"
            ) from None

    @classmethod
    def build(
        cls, opportunities: Iterable[Opportunity], pipelines: Pipeline | Iterable[Pipeline]
    ) -> HistoryStats:
        """Walk the histories of the deals of `pipelines` (deals of other pipelines are skipped).

        Raises:
            ValidationError: a history names a stage its pipeline does not have.
        """
        index = pipelines_by_id(pipelines)
        walkers = {pid: _Walker(p) for pid, p in index.items()}
        for o in opportunities:
            walker = walkers.get(o.pipeline_id)
            if walker is not None:
                try:
                    walker.add(o)
                except KeyError as missing:
                    raise ValidationError.field(
                        "history",
                        missing.args[0],
                        f"of {o.id} names a stage that pipeline {o.pipeline_id} does not have",
                    ) from None
        return cls({pid: w.result() for pid, w in walkers.items()})


class _Walker:
    """Accumulates one pipeline's figures deal by deal."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline_id = pipeline.id
        self.ranks = {s.id: pipeline.rank(s.id) for s in pipeline.stages}
        self.top = len(pipeline.open_stages)
        self.won = 0
        self.reach: Counter[int] = Counter()
        self.lost_reach: Counter[int] = Counter()
        self.won_visits: Counter[str] = Counter()
        self.lost_visits: Counter[str] = Counter()
        self.spans: defaultdict[str, list[timedelta]] = defaultdict(list)

    def add(self, o: Opportunity) -> None:
        history, ranks, spans = o.history, self.ranks, self.spans
        first = history[0]
        stage, entered = first.stage_id, first.at
        reach = ranks[stage]
        for entry in itertools.islice(history, 1, None):
            at = entry.at
            spans[stage].append(at - entered)
            stage, entered = entry.stage_id, at
            rank = ranks[stage]
            if rank > reach:
                reach = rank
        self.reach[reach] += 1
        if o.status is OpportunityStatus.WON:
            self.won += 1
            self.won_visits.update({e.stage_id for e in history})
        elif o.status is OpportunityStatus.LOST:
            self.lost_reach[reach] += 1
            self.lost_visits.update({e.stage_id for e in history})

    def result(self) -> PipelineHistory:
        for values in self.spans.values():
            values.sort()
        return PipelineHistory(
            self.pipeline_id,
            _at_least(self.reach, self.top),
            _at_least(self.lost_reach, self.top),
            self.won,
            dict(self.won_visits),
            dict(self.lost_visits),
            dict(self.spans),
        )


def _at_least(counts: Mapping[int, int], top: int) -> tuple[int, ...]:
    """Turn counts per highest rank into counts of 'reached at least rank i', i = 0..top."""
    running, result = 0, []
    for rank in range(top, -1, -1):
        running += counts.get(rank, 0)
        result.append(running)
    return tuple(reversed(result))
