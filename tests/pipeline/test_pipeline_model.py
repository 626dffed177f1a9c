"""Pipelines, opportunities and leads: stage rules, history, probability, closing, reopening."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import PolicyViolation, RuleError, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.pipeline.model import (
    ForecastCategory,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityLost,
    OpportunityReopened,
    OpportunityStatus,
    OpportunityWon,
    Pipeline,
    Stage,
    StageChanged,
    StageEntry,
    StageKind,
    replay,
)
from wholesale_crm.samples.pipeline import new_business_pipeline
from wholesale_crm.serialization import from_dict, to_dict

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def deal(pipeline: Pipeline | None = None, **fields: object) -> Opportunity:
    pipeline = pipeline or new_business_pipeline()
    values: dict[str, object] = {
        "id": "OPP-1",
        "name": "Cafe chain coffee supply",
        "account_id": "ACC-1",
        "owner_id": "ann",
        "at": T0,
        "by": "ann",
    }
    values.update(fields)
    return Opportunity.open(pipeline, **values)  # type: ignore[arg-type]


def priced(pipeline: Pipeline) -> Opportunity:
    return deal(
        pipeline,
        amount=Money("12000.00", "EUR"),
        expected_close=date(2026, 3, 31),
        next_step="send price list",
    )


# -- pipeline configuration -------------------------------------------------------------------


def test_pipeline_needs_open_won_and_lost_stages() -> None:
    with pytest.raises(RuleError, match="at least one lost stage"):
        Pipeline("p", "P", [Stage("a", "A", 10), Stage("w", "W", 100, StageKind.WON, "closed")])


def test_duplicate_stage_ids_are_named() -> None:
    stages = [*new_business_pipeline().stages, Stage("qualify", "Again", 10)]
    with pytest.raises(RuleError) as caught:
        Pipeline("p", "P", stages)
    assert caught.value.ids == ("qualify",)


def test_won_stage_must_be_100_percent_and_closed() -> None:
    with pytest.raises(RuleError, match="won stage w must have probability 100") as caught:
        Pipeline(
            "p",
            "P",
            [
                Stage("a", "A", 10),
                Stage("w", "W", 90, StageKind.WON, ForecastCategory.CLOSED),
                Stage("l", "L", 0, StageKind.LOST, ForecastCategory.OMITTED),
            ],
        )
    assert caught.value.ids == ("w",)


def test_stage_probability_outside_0_to_100_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Stage("a", "A", 101)
    assert caught.value.paths == ("probability",)
    with pytest.raises(ValidationError):
        Stage("a", "A", -1)


def test_unknown_stage_names_the_pipeline_and_its_stages() -> None:
    with pytest.raises(ValidationError, match="not a stage of pipeline new-business"):
        new_business_pipeline().stage("closing")


# -- opening and moving -------------------------------------------------------------------------


def test_new_deal_starts_in_first_stage_with_one_history_entry() -> None:
    opp = deal()
    assert opp.stage_id == "qualify"
    assert opp.history == [StageEntry("qualify", T0, "ann")]
    assert opp.probability(new_business_pipeline()) == Decimal(10)


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        deal(amount=Money("-1", "EUR"))
    assert caught.value.paths == ("amount",)
    opp = deal(amount=Money("5", "EUR"))
    with pytest.raises(ValidationError):
        opp.set_amount(new_business_pipeline(), Money("-0.01", "EUR"))
    assert opp.amount == Money("5", "EUR")


def test_forward_move_records_entry_and_event() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    at = T0 + timedelta(days=2)
    opp.move_to(pipeline, "discover", at=at, by="bob")
    assert opp.stage_id == "discover"
    assert opp.history[-1] == StageEntry("discover", at, "bob", "qualify")
    assert opp.pending_events[-1] == StageChanged(
        "OPP-1", "new-business", "qualify", "discover", at, "bob"
    )
    assert opp.probability(pipeline) == Decimal(25)


def test_skipping_is_refused_unless_the_pipeline_allows_it() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    before = to_dict(opp)
    with pytest.raises(PolicyViolation, match="does not allow skipping") as caught:
        opp.move_to(pipeline, "propose", at=T0, by="ann")
    assert caught.value.details == {
        "pipeline_id": "new-business",
        "from": "qualify",
        "to": "propose",
    }
    assert to_dict(opp) == before
    pipeline.allow_skip = True
    opp.move_to(pipeline, "propose", at=T0, by="ann")
    assert opp.stage_id == "propose"


def test_moving_back_follows_the_pipeline_setting() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    opp.move_to(pipeline, "qualify", at=T0, by="ann")
    assert [e.stage_id for e in opp.history] == ["qualify", "discover", "qualify"]
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    pipeline.allow_back = False
    with pytest.raises(PolicyViolation, match="moving back"):
        opp.move_to(pipeline, "qualify", at=T0, by="ann")


def test_unknown_target_stage_changes_nothing() -> None:
    opp = deal()
    before = to_dict(opp)
    with pytest.raises(ValidationError) as caught:
        opp.move_to(new_business_pipeline(), "closing", at=T0, by="ann")
    assert caught.value.paths == ("stage_id",)
    assert to_dict(opp) == before
    assert len(opp.pending_events) == 1  # only OpportunityOpened


def test_entering_a_stage_without_its_required_fields_lists_them_all() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    before = to_dict(opp)
    with pytest.raises(ValidationError) as caught:
        opp.move_to(pipeline, "propose", at=T0, by="ann")
    assert caught.value.paths == ("amount", "expected_close")
    assert "required in stage propose (Proposal)" in str(caught.value)
    assert to_dict(opp) == before


def test_a_required_field_cannot_be_unset_while_in_the_stage() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    opp.move_to(pipeline, "propose", at=T0, by="ann")
    with pytest.raises(ValidationError, match="amount"):
        opp.set_amount(pipeline, None)
    assert opp.amount == Money("12000.00", "EUR")


def test_quick_successive_moves_are_never_merged() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    for stage in ("discover", "propose", "negotiate"):
        opp.move_to(pipeline, stage, at=T0, by="ann")
    assert len(opp.history) == 4
    assert [s.duration(T0) for s in opp.stays()] == [timedelta(0)] * 4


def test_a_move_dated_before_the_last_one_is_refused() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    with pytest.raises(ValidationError) as caught:
        opp.move_to(pipeline, "discover", at=T0 - timedelta(seconds=1), by="ann")
    assert caught.value.paths == ("at",)


def test_naive_timestamps_are_refused_and_aware_ones_stored_in_utc() -> None:
    pipeline = new_business_pipeline()
    with pytest.raises(ValidationError, match="timezone-aware"):
        deal(pipeline, at=datetime(2026, 1, 5, 9))
    opp = deal(pipeline)
    berlin = datetime(2026, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    opp.move_to(pipeline, "discover", at=berlin, by="ann")
    assert opp.history[-1].at == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    assert opp.history[-1].at.tzinfo is UTC


def test_deal_in_the_wrong_pipeline_is_refused() -> None:
    other = new_business_pipeline()
    other.id = "renewal"  # type: ignore[assignment]
    with pytest.raises(ValidationError) as caught:
        deal().move_to(other, "discover", at=T0, by="ann")
    assert caught.value.paths == ("pipeline",)


# -- probability ----------------------------------------------------------------------------------


def test_override_sticks_until_the_stage_changes() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    opp.override_probability("35")
    assert opp.probability(pipeline) == Decimal(35)
    pipeline.set_default_probability("qualify", 15)
    assert opp.probability(pipeline) == Decimal(35)
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    assert opp.probability(pipeline) == Decimal(25)
    opp.override_probability(40)
    opp.clear_probability_override()
    assert opp.probability(pipeline) == Decimal(25)


def test_override_outside_0_to_100_is_refused() -> None:
    opp = deal()
    for bad in (Decimal("100.5"), -1):
        with pytest.raises(ValidationError) as caught:
            opp.override_probability(bad)
        assert caught.value.paths == ("probability",)
    assert opp.probability_override is None


def test_default_probability_change_is_followed_without_override() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    pipeline.set_default_probability("qualify", 5)
    assert opp.probability(pipeline) == Decimal(5)


# -- closing and reopening -----------------------------------------------------------------------


def test_win_sets_close_date_and_reopen_clears_it_and_the_probability_follows() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    opp.move_to(pipeline, "discover", at=T0, by="ann")
    opp.override_probability(60)
    won_at = T0 + timedelta(days=10)
    opp.win(pipeline, at=won_at, by="ann", closed_on=date(2026, 1, 14))
    assert (opp.status, opp.closed_on, opp.stage_id) == (
        OpportunityStatus.WON,
        date(2026, 1, 14),
        "won",
    )
    assert opp.probability(pipeline) == Decimal(100)
    assert (
        OpportunityWon("OPP-1", Money("12000.00", "EUR"), date(2026, 1, 14), won_at, "ann")
        in opp.pending_events
    )
    opp.reopen(pipeline, at=won_at + timedelta(hours=1), by="mgr")
    assert (opp.status, opp.closed_on, opp.stage_id) == (OpportunityStatus.OPEN, None, "discover")
    assert opp.probability(pipeline) == Decimal(25)  # neither 100 nor the old 60 override
    assert isinstance(opp.pending_events[-1], OpportunityReopened)


def test_close_date_defaults_to_the_utc_date_of_the_move() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    opp.win(pipeline, at=datetime(2026, 2, 1, 23, 30, tzinfo=UTC), by="ann")
    assert opp.closed_on == date(2026, 2, 1)


def test_winning_needs_an_amount() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    with pytest.raises(ValidationError) as caught:
        opp.win(pipeline, at=T0, by="ann")
    assert caught.value.paths == ("amount",)
    assert opp.is_open


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_losing_without_a_reason_changes_nothing(reason: str | None) -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    before = to_dict(opp)
    with pytest.raises(ValidationError) as caught:
        opp.lose(pipeline, reason, at=T0, by="ann")  # type: ignore[arg-type]
    assert caught.value.paths == ("lost_reason",)
    assert to_dict(opp) == before


def test_lose_then_reopen_into_a_chosen_stage() -> None:
    pipeline = new_business_pipeline()
    opp = deal(pipeline)
    opp.lose(pipeline, "price too high", at=T0, by="ann", closed_on=date(2026, 1, 4))
    assert (opp.status, opp.lost_reason, opp.closed_on) == (
        OpportunityStatus.LOST,
        "price too high",
        date(2026, 1, 4),
    )
    assert opp.probability(pipeline) == Decimal(0)
    assert (
        OpportunityLost("OPP-1", "price too high", date(2026, 1, 4), T0, "ann")
        in opp.pending_events
    )
    with pytest.raises(PolicyViolation, match="reopen the deal"):
        opp.move_to(pipeline, "discover", at=T0, by="ann")
    with pytest.raises(ValidationError, match="reopens into an open stage"):
        opp.reopen(pipeline, "won", at=T0, by="ann")
    opp.reopen(pipeline, "discover", at=T0, by="ann")
    assert (opp.status, opp.lost_reason, opp.closed_on, opp.stage_id) == (
        OpportunityStatus.OPEN,
        None,
        None,
        "discover",
    )


def test_an_open_deal_cannot_be_reopened_nor_a_closed_one_overridden() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    with pytest.raises(PolicyViolation, match="is open"):
        opp.reopen(pipeline, at=T0, by="ann")
    opp.win(pipeline, at=T0, by="ann")
    with pytest.raises(PolicyViolation, match="is won"):
        opp.override_probability(50)


def test_lost_status_without_reason_cannot_be_built() -> None:
    opp = deal()
    with pytest.raises(ValidationError, match="lost_reason"):
        attrs.evolve(opp, status="lost", closed_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="closed_on"):
        attrs.evolve(opp, status="won")


# -- history --------------------------------------------------------------------------------------


def test_renaming_and_reordering_stages_keeps_history_intact() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    opp.move_to(pipeline, "discover", at=T0 + timedelta(days=1), by="ann")
    opp.move_to(pipeline, "propose", at=T0 + timedelta(days=4), by="ann")
    pipeline.rename_stage("discover", "Discovery call")
    pipeline.reorder_stages(["discover", "qualify", "propose", "negotiate", "won", "lost"])
    assert replay(pipeline, opp.history) == "propose"
    assert [(s.stage_id, s.duration(T0)) for s in opp.stays()[:2]] == [
        ("qualify", timedelta(days=1)),
        ("discover", timedelta(days=3)),
    ]
    assert pipeline.stage("discover").name == "Discovery call"
    assert pipeline.rank("discover") == 0


def test_reorder_must_list_every_stage_once() -> None:
    with pytest.raises(ValidationError, match="exactly once"):
        new_business_pipeline().reorder_stages(["qualify"])


def test_replay_detects_a_broken_history() -> None:
    pipeline = new_business_pipeline()
    broken = [StageEntry("qualify", T0, "a"), StageEntry("propose", T0, "a", "discover")]
    with pytest.raises(RuleError, match="comes from discover"):
        replay(pipeline, broken)
    backwards = [
        StageEntry("qualify", T0, "a"),
        StageEntry("discover", T0 - timedelta(1), "a", "qualify"),
    ]
    with pytest.raises(RuleError, match="earlier"):
        replay(pipeline, backwards)


def test_documents_round_trip() -> None:
    pipeline = new_business_pipeline()
    opp = priced(pipeline)
    opp.override_probability("33.5")
    opp.lose(pipeline, "went with a competitor", at=T0, by="ann")
    opp.record_activity(T0 + timedelta(hours=2))
    assert to_dict(from_dict(Opportunity, to_dict(opp))) == to_dict(opp)
    assert to_dict(from_dict(Pipeline, to_dict(pipeline))) == to_dict(pipeline)


# -- leads ----------------------------------------------------------------------------------------


def lead() -> Lead:
    return Lead("L-1", "Bean There Ltd", "Jo Bloggs", "trade fair", T0, campaign="HostEx 2026")


def test_lead_lifecycle() -> None:
    item = lead()
    item.qualify(at=T0, by="ann")
    assert item.status is LeadStatus.QUALIFIED
    with pytest.raises(ValidationError) as caught:
        item.disqualify(" ", at=T0, by="ann")
    assert caught.value.paths == ("reason",)
    item.disqualify("no budget", at=T0, by="ann")
    assert (item.status, item.disqualified_reason) == (LeadStatus.DISQUALIFIED, "no budget")
    with pytest.raises(PolicyViolation, match="disqualified: cannot convert"):
        item.check_convertible()
    assert to_dict(from_dict(Lead, to_dict(item))) == to_dict(item)


def test_lead_as_account_and_contact() -> None:
    item = attrs.evolve(lead(), country="GB", city="Leeds", email="jo@bean.example")
    account = item.as_account("ACC-9", currency="GBP")
    assert (account.name, account.sites[0].address.city, account.currency) == (
        "Bean There Ltd",
        "Leeds",
        "GBP",
    )
    assert item.as_contact("C-1").email == "jo@bean.example"


# -- properties -----------------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["move", "win", "lose", "reopen", "override", "clear", "amount"]),
        st.sampled_from(["qualify", "discover", "propose", "negotiate", "won", "lost", "nowhere"]),
        st.integers(min_value=-20, max_value=120),
        st.integers(min_value=-60, max_value=3600),
    ),
    max_size=25,
)


@settings(max_examples=60)
@given(OPERATIONS, st.booleans(), st.booleans())
def test_replaying_history_reproduces_the_current_stage(
    operations: list[tuple[str, str, int, int]], allow_back: bool, allow_skip: bool
) -> None:
    pipeline = attrs.evolve(new_business_pipeline(), allow_back=allow_back, allow_skip=allow_skip)
    opp = priced(pipeline)
    at = T0
    for op, stage, number, seconds in operations:
        at = at + timedelta(seconds=seconds)
        before = to_dict(opp)
        try:
            if op == "move":
                opp.move_to(pipeline, stage, at=at, by="u", lost_reason="r")
            elif op == "win":
                opp.win(pipeline, at=at, by="u")
            elif op == "lose":
                opp.lose(pipeline, "r", at=at, by="u")
            elif op == "reopen":
                opp.reopen(pipeline, stage if stage != "nowhere" else None, at=at, by="u")
            elif op == "override":
                opp.override_probability(number)
            elif op == "clear":
                opp.clear_probability_override()
            else:
                opp.set_amount(pipeline, Money(number, "EUR"))
        except (ValidationError, PolicyViolation):
            assert to_dict(opp) == before  # a refused operation changes nothing
        assert replay(pipeline, opp.history) == opp.stage_id
        assert (opp.closed_on is None) == opp.is_open
        assert Decimal(0) <= opp.probability(pipeline) <= Decimal(100)
        assert opp.amount is None or not opp.amount.is_negative
