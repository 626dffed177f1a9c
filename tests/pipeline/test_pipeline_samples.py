"""The pipeline sample is deterministic and consistent, and the demo section prints from it."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime

import attrs
import pytest

from wholesale_crm.demo.pipeline import show
from wholesale_crm.errors import ValidationError
from wholesale_crm.pipeline.model import LeadStatus, replay
from wholesale_crm.samples.accounts import build as build_accounts
from wholesale_crm.samples.pipeline import PipelineSample, build
from wholesale_crm.serialization import to_dict

AS_OF = date(2026, 6, 30)


def sample(seed: int = 7) -> PipelineSample:
    rng = random.Random(seed)
    return build(rng, build_accounts(rng), AS_OF)


def test_same_seed_same_sample() -> None:
    assert to_dict(sample(7).opportunities) == to_dict(sample(7).opportunities)
    assert to_dict(sample(7).opportunities) != to_dict(sample(8).opportunities)


def test_sample_histories_are_consistent_and_before_as_of() -> None:
    data = sample()
    pipelines = {p.id: p for p in data.pipelines}
    cutoff = datetime(2026, 6, 30, tzinfo=UTC)
    assert len(data.opportunities) == 80
    assert {o.status for o in data.opportunities} == {"open", "won", "lost"}
    for o in data.opportunities:
        assert replay(pipelines[o.pipeline_id], o.history) == o.stage_id
        assert o.history[-1].at < cutoff
        assert o.owner_id in data.zones
    assert {lead.status for lead in data.leads} == {
        LeadStatus.NEW,
        LeadStatus.QUALIFIED,
        LeadStatus.DISQUALIFIED,
    }


@attrs.frozen
class _Data:
    as_of: date
    currency: str
    pipeline: PipelineSample


def test_building_without_accounts_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one account"):
        build(random.Random(1), [], AS_OF)


def test_demo_without_a_sample_says_so() -> None:
    out = io.StringIO()
    show(_Data(AS_OF, "GBP", PipelineSample()), out)
    assert out.getvalue() == "No pipeline sample.\n"


def test_demo_prints_a_quarter_forecast_and_a_funnel() -> None:
    out = io.StringIO()
    show(_Data(AS_OF, "GBP", sample()), out)
    text = out.getvalue()
    assert "Forecast [2026-07-01, 2026-10-01) in GBP" in text
    assert "Funnel of New business" in text
    assert "Brier score" in text
