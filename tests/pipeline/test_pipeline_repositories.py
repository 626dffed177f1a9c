"""The pipeline collections pass the repository conformance suite on every adapter.

`new_uow` comes from the project's conftest: memory, SQLite, and PostgreSQL when configured.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.money import Money
from wholesale_crm.pipeline.model import Lead, Opportunity, Pipeline
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.pipeline import LEADS, OPPORTUNITIES, PIPELINES
from wholesale_crm.samples.pipeline import new_business_pipeline
from wholesale_crm.testing.conformance import RepositoryContract

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
PIPELINE = new_business_pipeline()


def make_pipeline(n: int) -> Pipeline:
    pipeline = new_business_pipeline()
    pipeline.id = f"P{n:03d}"  # type: ignore[assignment]
    return pipeline


def rename_first_stage(pipeline: Pipeline) -> None:
    stage = pipeline.stages[0]
    pipeline.rename_stage(stage.id, stage.name + "!")


class TestPipelineRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Pipeline]:
        return PIPELINES

    @pytest.fixture
    def make(self) -> Callable[[int], Pipeline]:
        return make_pipeline

    @pytest.fixture
    def change(self) -> Callable[[Pipeline], None]:
        return rename_first_stage


def make_lead(n: int) -> Lead:
    return Lead(
        f"L{n:03d}",
        f"Company {n}",
        f"Person {n}",
        "web" if n % 2 else "trade fair",
        T0,
        owner_id="ann" if n % 3 else None,
    )


def reassign_lead(lead: Lead) -> None:
    lead.assign((lead.owner_id or "") + "bob")


class TestLeadRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Lead]:
        return LEADS

    @pytest.fixture
    def make(self) -> Callable[[int], Lead]:
        return make_lead

    @pytest.fixture
    def change(self) -> Callable[[Lead], None]:
        return reassign_lead


def make_opportunity(n: int) -> Opportunity:
    o = Opportunity.open(
        PIPELINE,
        id=f"O{n:03d}",
        name=f"deal {n}",
        account_id=f"ACC-{n % 2}",
        owner_id=["ann", "bob", "cid"][n % 3],
        at=T0,
        by="ann",
        amount=Money(1000 * n, "EUR"),
        expected_close=date(2026, 1, 1) + timedelta(days=n),
    )
    if n % 4 == 3:
        o.lose(PIPELINE, "price", at=T0, by="ann", closed_on=date(2026, 2, n))
    return o


def change_opportunity(o: Opportunity) -> None:
    o.reassign(o.owner_id + "2")
    if o.is_open:
        o.set_expected_close(PIPELINE, (o.expected_close or date(2026, 1, 1)) + timedelta(days=9))


class TestOpportunityRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Opportunity]:
        return OPPORTUNITIES

    @pytest.fixture
    def make(self) -> Callable[[int], Opportunity]:
        return make_opportunity

    @pytest.fixture
    def change(self) -> Callable[[Opportunity], None]:
        return change_opportunity


def test_opportunities_by_expected_close_range_hold_only_open_deals() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        for n in range(8):
            uow.repository(OPPORTUNITIES).add(make_opportunity(n))
        uow.commit()
    with uow:
        found = uow.repository(OPPORTUNITIES).find_range(
            "expected_close", date(2026, 1, 1), date(2026, 1, 8)
        )
    assert [o.id for o in found] == ["O000", "O001", "O002", "O004", "O005", "O006"]
