"""Pipeline services: stage moves and closing publish events after commit; errors store nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from wholesale_crm.accounts.model import Account, Address, Site, SiteRole
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import NotFound, PolicyViolation, ValidationError
from wholesale_crm.events import Event, MessageBus
from wholesale_crm.money import Money
from wholesale_crm.pipeline.model import (
    Lead,
    LeadConverted,
    LeadStatus,
    OpportunityLost,
    OpportunityReopened,
    OpportunityWon,
    StageChanged,
)
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.pipeline import LEADS, OPPORTUNITIES
from wholesale_crm.samples.pipeline import new_business_pipeline
from wholesale_crm.serialization import to_dict
from wholesale_crm.services.pipeline import (
    capture_lead,
    change_opportunity,
    convert_lead,
    create_pipeline,
    disqualify_lead,
    lose_opportunity,
    move_stage,
    open_opportunity,
    qualify_lead,
    reopen_opportunity,
    win_opportunity,
)

T0 = datetime(2026, 2, 2, 9, tzinfo=UTC)
ZONES = {"ann": "America/Los_Angeles"}


@pytest.fixture
def bus() -> MessageBus:
    return MessageBus()


@pytest.fixture
def uow(bus: MessageBus) -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork(bus=bus)
    create_pipeline(uow, new_business_pipeline())
    with uow:
        site = Site("ACC-1-B", SiteRole.BILL_TO, Address("GB", "LS1 4AP", city="Leeds"))
        uow.repository(ACCOUNTS).add(Account("ACC-1", "Brightwell Catering Ltd", sites=[site]))
        uow.commit()
    open_opportunity(
        uow,
        "new-business",
        id="OPP-1",
        name="Canteen supply",
        account_id="ACC-1",
        owner_id="ann",
        at=T0,
        by="ann",
        amount=Money("8000", "GBP"),
        expected_close=date(2026, 3, 31),
        next_step="tasting",
    )
    return uow


def stored(uow: MemoryUnitOfWork) -> dict[str, object]:
    with uow:
        return {
            name: [to_dict(a) for a in uow.repository(c).list()]
            for name, c in (("accounts", ACCOUNTS), ("leads", LEADS), ("opps", OPPORTUNITIES))
        }


def of_type(bus: MessageBus, kind: type[Event]) -> list[Event]:
    return [e for e in bus.published if isinstance(e, kind)]


def test_move_publishes_stage_changed_after_commit(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    moved = move_stage(uow, "OPP-1", "discover", at=T0 + timedelta(hours=1), by="ann")
    assert moved.version == 2
    assert of_type(bus, StageChanged) == [
        StageChanged("OPP-1", "new-business", "qualify", "discover", T0 + timedelta(hours=1), "ann")
    ]


def test_forbidden_move_stores_and_publishes_nothing(
    uow: MemoryUnitOfWork, bus: MessageBus
) -> None:
    before, published = stored(uow), len(bus.published)
    with pytest.raises(PolicyViolation):
        move_stage(uow, "OPP-1", "negotiate", at=T0, by="ann")
    with pytest.raises(ValidationError):
        move_stage(uow, "OPP-1", "no-such-stage", at=T0, by="ann")
    with pytest.raises(ValidationError, match="lost_reason"):
        lose_opportunity(uow, "OPP-1", "", at=T0, by="ann")
    with pytest.raises(NotFound):
        move_stage(uow, "OPP-404", "discover", at=T0, by="ann")
    assert stored(uow) == before
    assert len(bus.published) == published


def test_win_closes_on_the_owners_date_then_reopen(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    at = datetime(2026, 2, 11, 7, 30, tzinfo=UTC)  # 23:30 on 10 February in Los Angeles
    won = win_opportunity(uow, "OPP-1", at=at, by="ann", zones=ZONES)
    assert won.closed_on == date(2026, 2, 10)
    assert of_type(bus, OpportunityWon) == [
        OpportunityWon("OPP-1", Money("8000", "GBP"), date(2026, 2, 10), at, "ann")
    ]
    reopened = reopen_opportunity(uow, "OPP-1", at=at, by="mgr")
    assert (reopened.stage_id, reopened.closed_on) == ("qualify", None)
    assert of_type(bus, OpportunityReopened) == [OpportunityReopened("OPP-1", "qualify", at, "mgr")]


def test_lose_with_reason(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    lost = lose_opportunity(uow, "OPP-1", "chose a local supplier", at=T0, by="ann")
    assert (lost.status, lost.lost_reason, lost.closed_on) == (
        "lost",
        "chose a local supplier",
        date(2026, 2, 2),
    )
    assert len(of_type(bus, OpportunityLost)) == 1


def test_change_opportunity_runs_any_method(uow: MemoryUnitOfWork) -> None:
    changed = change_opportunity(uow, "OPP-1", lambda o, p: o.override_probability(30))
    with uow:
        assert uow.repository(OPPORTUNITIES).get("OPP-1").probability_override == 30
    assert changed.version == 2
    with pytest.raises(ValidationError):
        change_opportunity(uow, "OPP-1", lambda o, p: o.set_amount(p, Money("-5", "GBP")))


def test_opening_for_an_unknown_account_is_refused(uow: MemoryUnitOfWork) -> None:
    with pytest.raises(ValidationError) as caught:
        open_opportunity(
            uow, "new-business", id="X", name="X", account_id="ACC-9", owner_id="a", at=T0, by="a"
        )
    assert caught.value.paths == ("account_id",)


# -- leads ----------------------------------------------------------------------------------------


def lead(id: str = "L-1", company: str = "Bean There Coffee", **fields: object) -> Lead:
    return Lead(
        id, company, "Jo Bloggs", "trade fair", T0, campaign="HostEx", owner_id="bob", **fields
    )  # type: ignore[arg-type]


def test_qualify_and_disqualify(uow: MemoryUnitOfWork) -> None:
    capture_lead(uow, lead("L-1"))
    capture_lead(uow, lead("L-2"))
    assert qualify_lead(uow, "L-1", at=T0, by="bob").status is LeadStatus.QUALIFIED
    with pytest.raises(ValidationError):
        disqualify_lead(uow, "L-2", "", at=T0, by="bob")
    assert (
        disqualify_lead(uow, "L-2", "student project", at=T0, by="bob").disqualified_reason
        == "student project"
    )


def test_conversion_into_a_new_account(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    capture_lead(uow, lead(email="jo@beanthere.example", country="GB", postal_code="M1 1AA"))
    result = convert_lead(
        uow,
        "L-1",
        pipeline_id="new-business",
        at=T0,
        by="ann",
        currency="GBP",
        new_account_id="ACC-2",
        contact_id="C-1",
        opportunity_id="OPP-2",
    )
    assert (result.account_id, result.new_account, result.duplicates) == ("ACC-2", True, ())
    with uow:
        account = uow.repository(ACCOUNTS).get("ACC-2")
        opp = uow.repository(OPPORTUNITIES).get("OPP-2")
        converted = uow.repository(LEADS).get("L-1")
    assert (account.name, account.currency, [c.email for c in account.contacts]) == (
        "Bean There Coffee",
        "GBP",
        ["jo@beanthere.example"],
    )
    assert (opp.account_id, opp.owner_id, opp.contact_id, opp.lead_id, opp.stage_id) == (
        "ACC-2",
        "bob",
        "C-1",
        "L-1",
        "qualify",
    )
    assert (converted.status, converted.opportunity_id) == (LeadStatus.CONVERTED, "OPP-2")
    assert of_type(bus, LeadConverted) == [
        LeadConverted("L-1", "ACC-2", "C-1", "OPP-2", True, T0, "ann")
    ]


def test_conversion_joins_an_existing_account_found_by_duplicate_detection(
    uow: MemoryUnitOfWork,
) -> None:
    capture_lead(uow, lead(company="Brightwell Catering", country="GB", postal_code="LS1 4AP"))
    result = convert_lead(uow, "L-1", pipeline_id="new-business", at=T0, by="ann", contact_id="C-7")
    assert (result.account_id, result.new_account) == ("ACC-1", False)
    assert result.duplicates[0].account_id == "ACC-1"
    with uow:
        assert [c.id for c in uow.repository(ACCOUNTS).get("ACC-1").contacts] == ["C-7"]
        assert len(uow.repository(ACCOUNTS)) == 1


def test_conversion_can_force_a_new_account_or_name_one(uow: MemoryUnitOfWork) -> None:
    capture_lead(uow, lead("L-1", company="Brightwell Catering"))
    capture_lead(uow, lead("L-2", company="Someone Else"))
    forced = convert_lead(
        uow, "L-1", pipeline_id="new-business", at=T0, by="ann", force_new_account=True
    )
    assert forced.new_account and forced.duplicates and forced.account_id != "ACC-1"
    named = convert_lead(
        uow, "L-2", pipeline_id="new-business", at=T0, by="ann", account_id="ACC-1"
    )
    assert (named.account_id, named.new_account, named.duplicates) == ("ACC-1", False, ())


def test_failed_conversion_stores_nothing(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    capture_lead(uow, lead())
    before, published = stored(uow), len(bus.published)
    with pytest.raises(ValidationError):
        convert_lead(
            uow, "L-1", pipeline_id="new-business", at=T0, by="ann", amount=Money("-1", "EUR")
        )
    with pytest.raises(NotFound):
        convert_lead(uow, "L-1", pipeline_id="renewal", at=T0, by="ann")
    with pytest.raises(NotFound):
        convert_lead(uow, "L-1", pipeline_id="new-business", at=T0, by="ann", account_id="ACC-404")
    assert stored(uow) == before
    assert len(bus.published) == published
    disqualify_lead(uow, "L-1", "duplicate of an existing customer", at=T0, by="ann")
    with pytest.raises(PolicyViolation, match="disqualified"):
        convert_lead(uow, "L-1", pipeline_id="new-business", at=T0, by="ann")
