"""Sample pipelines, leads and opportunities with stage history, generated from a seed.

Three pipelines (new business, expansion into new product lines, contract renewal), a dozen
leads and about eighty opportunities whose stage histories were walked by a small simulation:
each deal moves forward, sometimes back, is won or lost, or is still open at `as_of`. Four
owners work from London, Dublin, Berlin and Madrid (`OWNER_ZONES`). The same `rng` state
always gives the same records. `synthetic_opportunities` makes the large sets the benchmark
uses with the same simulation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId, LeadId, OpportunityId, PipelineId, StageId, UserId
from wholesale_crm.money import Money
from wholesale_crm.pipeline.model import (
    ForecastCategory,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    RequiredField,
    Stage,
    StageEntry,
    StageKind,
)

__all__ = [
    "OWNER_ZONES",
    "PipelineSample",
    "build",
    "expansion_pipeline",
    "new_business_pipeline",
    "renewal_pipeline",
    "synthetic_opportunities",
]

OWNER_ZONES: dict[str, str] = {
    "ann": "Europe/London",
    "bob": "Europe/Dublin",
    "cem": "Europe/Berlin",
    "dia": "Europe/Madrid",
}
"""The sample sales reps and their time zones."""

_MONEY_AND_DATE = (RequiredField.AMOUNT, RequiredField.EXPECTED_CLOSE)


def _closing(won: str, lost: str) -> list[Stage]:
    return [
        Stage(StageId(won), won.title(), 100, StageKind.WON, ForecastCategory.CLOSED,
              requires=(RequiredField.AMOUNT,)),
        Stage(StageId(lost), lost.title(), 0, StageKind.LOST, ForecastCategory.OMITTED),
    ]  # fmt: skip


def new_business_pipeline() -> Pipeline:
    """New accounts: qualify 10 %, discover 25 %, propose 50 %, negotiate 75 %, won or lost.

    Proposal needs an amount and an expected close date; negotiation also a next step. Deals
    may move back; they may not skip stages.
    """
    return Pipeline(
        id=PipelineId("new-business"),
        name="New business",
        stages=[
            Stage(StageId("qualify"), "Qualification", 10),
            Stage(StageId("discover"), "Needs analysis", 25),
            Stage(StageId("propose"), "Proposal", 50, category=ForecastCategory.BEST_CASE,
                  requires=_MONEY_AND_DATE),
            Stage(StageId("negotiate"), "Negotiation", 75, category=ForecastCategory.COMMIT,
                  requires=(*_MONEY_AND_DATE, RequiredField.NEXT_STEP)),
            *_closing("won", "lost"),
        ],
    )  # fmt: skip


def expansion_pipeline() -> Pipeline:
    """New product lines at existing accounts: identify, sample, trial listing; skips allowed."""
    return Pipeline(
        id=PipelineId("expansion"),
        name="Expansion",
        stages=[
            Stage(StageId("identify"), "Opportunity identified", 20),
            Stage(StageId("sample"), "Samples sent", 40, requires=(RequiredField.AMOUNT,)),
            Stage(StageId("trial"), "Trial listing", 70, category=ForecastCategory.COMMIT,
                  requires=_MONEY_AND_DATE),
            *_closing("listed", "declined"),
        ],
        allow_skip=True,
    )  # fmt: skip


def renewal_pipeline() -> Pipeline:
    """Annual contract renewals: review, terms agreed; no moving back."""
    return Pipeline(
        id=PipelineId("renewal"),
        name="Contract renewal",
        stages=[
            Stage(StageId("review"), "Contract review", 60, category=ForecastCategory.BEST_CASE,
                  requires=_MONEY_AND_DATE),
            Stage(StageId("terms"), "Terms agreed", 90, category=ForecastCategory.COMMIT,
                  requires=_MONEY_AND_DATE),
            *_closing("renewed", "lapsed"),
        ],
        allow_back=False,
    )  # fmt: skip


@attrs.frozen
class PipelineSample:
    """The pipeline part of the sample wholesaler.

    Attributes:
        pipelines: New business, expansion and renewal.
        leads: Leads in every state but converted; `LEAD-01` names an existing account.
        opportunities: About eighty deals with their stage history, ascending id.
        zones: The owners' time zones.
    """

    pipelines: tuple[Pipeline, ...] = ()
    leads: tuple[Lead, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    zones: dict[str, str] = attrs.Factory(dict)


def _walk(
    rng: random.Random,
    pipeline: Pipeline,
    start: datetime,
    cutoff: datetime,
    owner: str,
    loss_rate: float,
) -> tuple[list[StageEntry], OpportunityStatus]:
    """Simulate one deal's moves from `start` until it closes or `cutoff` comes."""
    stages = pipeline.open_stages
    position = 0
    at = start
    history = [StageEntry(stages[0].id, at, UserId(owner))]
    while True:
        at = at + timedelta(hours=rng.randint(4, 24 * 24))
        if at >= cutoff:
            return history, OpportunityStatus.OPEN
        roll = rng.random()
        if roll < loss_rate:
            target, status = pipeline.lost_stage, OpportunityStatus.LOST
        elif roll < loss_rate + 0.1 and position > 0 and pipeline.allow_back:
            position -= 1
            target, status = stages[position], OpportunityStatus.OPEN
        elif position == len(stages) - 1:
            target, status = pipeline.won_stage, OpportunityStatus.WON
        else:
            step = 2 if pipeline.allow_skip and roll > 0.9 else 1
            position = min(position + step, len(stages) - 1)
            target, status = stages[position], OpportunityStatus.OPEN
        history.append(StageEntry(target.id, at, UserId(owner), history[-1].stage_id))
        if status is not OpportunityStatus.OPEN:
            return history, status


def _deal(
    rng: random.Random,
    n: int,
    pipeline: Pipeline,
    account_id: str,
    currency: str,
    owner: str,
    as_of: date,
    max_age_days: int,
    loss_rate: float = 0.14,
) -> Opportunity:
    cutoff = datetime.combine(as_of, time(), UTC)
    start = cutoff - timedelta(days=rng.randint(3, max_age_days), hours=rng.randint(0, 23))
    history, status = _walk(rng, pipeline, start, cutoff, owner, loss_rate)
    closed_on = None if status is OpportunityStatus.OPEN else history[-1].at.date()
    expected = as_of + timedelta(days=rng.randint(-15, 200))
    return Opportunity(
        id=OpportunityId(f"OPP-{n:06d}"),
        name=f"{pipeline.name} {n}",
        account_id=AccountId(account_id),
        owner_id=UserId(owner),
        pipeline_id=pipeline.id,
        stage_id=history[-1].stage_id,
        history=history,
        status=status,
        amount=Money(rng.randint(20, 600) * 100, currency),
        expected_close=expected if closed_on is None else closed_on,
        next_step="follow-up call",
        lost_reason="chose another supplier" if status is OpportunityStatus.LOST else None,
        closed_on=closed_on,
    )


def synthetic_opportunities(
    rng: random.Random,
    count: int,
    *,
    as_of: date,
    pipelines: Sequence[Pipeline] | None = None,
    account_ids: Sequence[str] = ("ACC-001",),
    currencies: Sequence[str] = ("EUR",),
    owners: Sequence[str] = tuple(OWNER_ZONES),
    max_age_days: int = 400,
    loss_rate: float = 0.14,
) -> list[Opportunity]:
    """`count` simulated deals over `pipelines`, with stage histories ending before `as_of`.

    At each step a deal is lost with probability `loss_rate`, goes back one stage with
    probability 0.1 (where allowed), and otherwise moves on (won after the last open stage).
    """
    chosen = list(pipelines) if pipelines is not None else [new_business_pipeline()]
    return [
        _deal(
            rng,
            n,
            rng.choice(chosen),
            rng.choice(account_ids),
            rng.choice(currencies),
            rng.choice(owners),
            as_of,
            max_age_days,
            loss_rate,
        )
        for n in range(1, count + 1)
    ]


_LEADS = [
    ("Copper Kettle Tearooms", "Mia Ford", "trade fair", "HostEx 2026", LeadStatus.QUALIFIED),
    ("Northgate Student Union", "Raj Patel", "website", None, LeadStatus.NEW),
    ("Lindenhof Hotel", "Eva Brandt", "referral", None, LeadStatus.QUALIFIED),
    ("Café Soleil", "Luc Martin", "website", "Spring menu", LeadStatus.NEW),
    ("Harbour View B&B", "Sam Reed", "cold call", None, LeadStatus.DISQUALIFIED),
    ("Green Fork Deli", "Ana Ruiz", "trade fair", "HostEx 2026", LeadStatus.NEW),
    ("St Mary's Care Home", "Tom Hale", "tender", None, LeadStatus.QUALIFIED),
    ("Fitness First Kiosks", "Ivy Chen", "website", "Spring menu", LeadStatus.DISQUALIFIED),
    ("De Molen Bakkerij", "Joost Visser", "referral", None, LeadStatus.NEW),
    ("Bayside Yacht Club", "Kim Lowe", "trade fair", "HostEx 2026", LeadStatus.NEW),
    ("Old Mill Brewery Tap", "Ned Cole", "cold call", None, LeadStatus.QUALIFIED),
]


def _leads(rng: random.Random, accounts: Sequence[Account], as_of: date) -> list[Lead]:
    noon = datetime.combine(as_of, time(12), UTC)
    twin = accounts[-1]  # a lead that is an existing account, for duplicate-aware conversion
    rows = [(twin.name, "Pat Doyle", "website", None, LeadStatus.NEW), *_LEADS]
    leads = []
    for n, (company, person, source, campaign, status) in enumerate(rows, 1):
        lead = Lead(
            LeadId(f"LEAD-{n:02d}"),
            company,
            person,
            source,
            noon - timedelta(days=rng.randint(1, 60)),
            campaign=campaign,
            owner_id=UserId(rng.choice(list(OWNER_ZONES))),
        )
        if status is LeadStatus.QUALIFIED:
            lead.qualify(at=lead.captured_at + timedelta(days=1), by=lead.owner_id or "ann")
        elif status is LeadStatus.DISQUALIFIED:
            lead.disqualify("not a fit", at=lead.captured_at, by=lead.owner_id or "ann")
        lead.pull_events()  # history of the sample, not news
        leads.append(lead)
    return leads


def build(rng: random.Random, accounts: Sequence[Account], as_of: date) -> PipelineSample:
    """Build the pipeline sample for `accounts` with histories before `as_of`.

    Raises:
        ValidationError: `accounts` is empty (the deals need accounts to belong to).
    """
    if not accounts:
        raise ValidationError.field("accounts", accounts, "must hold at least one account")
    pipelines = (new_business_pipeline(), expansion_pipeline(), renewal_pipeline())
    deals = []
    for n, pipeline in enumerate([pipelines[0]] * 50 + [pipelines[1]] * 20 + [pipelines[2]] * 10):
        account = rng.choice(list(accounts))
        deals.append(
            _deal(
                rng, n + 1, pipeline, account.id, account.currency,
                rng.choice(list(OWNER_ZONES)), as_of, 160,
            )
        )  # fmt: skip
    return PipelineSample(
        pipelines, tuple(_leads(rng, accounts, as_of)), tuple(deals), dict(OWNER_ZONES)
    )
