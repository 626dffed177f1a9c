"""Territory services over the in-memory adapter: whole scenarios, errors leave nothing behind."""

from __future__ import annotations

from datetime import date

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import AccessDenied, NotFound, RuleError, ValidationError
from wholesale_crm.events import MessageBus
from wholesale_crm.periods import DateRange
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.territories import ACCOUNT_COVERAGE, TERRITORIES, TERRITORY_STAFF
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import territories as svc
from wholesale_crm.territories.model import (
    AccountReassigned,
    AssignmentSource,
    Territory,
    TerritoryStaff,
)
from wholesale_crm.territories.rules import Criterion, Rule

JAN, MAR, JUL = date(2025, 1, 1), date(2025, 3, 1), date(2025, 7, 1)


def snapshot(uow: MemoryUnitOfWork) -> dict[str, list[object]]:
    with uow:
        return {
            c.name: [to_dict(a) for a in uow.repository(c)]
            for c in (ACCOUNTS, TERRITORIES, TERRITORY_STAFF, ACCOUNT_COVERAGE)
        }


@pytest.fixture
def uow(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> MemoryUnitOfWork:
    """The UK scenario stored, with the rules' first assignment applied on JAN."""
    uow = MemoryUnitOfWork(bus=MessageBus())
    with uow:
        for account in accounts:
            uow.repository(ACCOUNTS).add(account)
        uow.commit()
    for territory in territories:  # in tree order: parents first
        svc.add_territory(uow, territory)
    for team in staff:
        for rep in team.reps:
            svc.assign_rep(uow, team.id, rep.rep_id, rep.role, rep.valid)
    svc.apply_realignment(uow, svc.plan_realignment(uow, on=JAN), effective=JAN)
    return uow


def test_coverage_questions(uow: MemoryUnitOfWork) -> None:
    assert svc.owner_of(uow, "A4", on=MAR) == "liam"
    assert svc.owner_of(uow, "A4", on=JUL) == "lucy"
    assert svc.accounts_of(uow, "kate", on=MAR) == ["A3", "A7"]
    assert [str(s) for s in svc.account_history(uow, "A4")] == [
        "[2025-01-01, 2025-07-01): LON, liam",
        "[2025-07-01, +inf): LON, lucy",
    ]


def test_first_assignment_published_its_events(uow: MemoryUnitOfWork) -> None:
    assert isinstance(uow.bus, MessageBus)
    moved = [e for e in uow.bus.published if isinstance(e, AccountReassigned)]
    assert [(e.account_id, e.new_territory_id) for e in moved] == [
        ("A1", "MAN"),
        ("A2", "NORTH"),
        ("A3", "KEY"),
        ("A4", "LON"),
        ("A6", "UK"),
        ("A7", "KEY"),
    ]


def test_bad_input_leaves_the_store_unchanged(uow: MemoryUnitOfWork) -> None:
    before = snapshot(uow)
    with pytest.raises(NotFound, match="territory 'MARS' not found"):
        svc.assign_rep(uow, "MARS", "mia", "owner", DateRange(JAN))
    with pytest.raises(ValidationError, match="overlaps mia as owner"):
        svc.assign_rep(uow, "MAN", "max", "owner", DateRange(JUL))
    with pytest.raises(ValidationError, match="unknown parent"):
        svc.add_territory(uow, Territory("X", "X", parent_id="MARS"))
    with pytest.raises(RuleError, match="cannot move territory NORTH under MAN"):
        svc.move_territory(uow, "NORTH", "MAN")
    with pytest.raises(RuleError, match="NORTH still has children"):
        svc.delete_territory(uow, "NORTH", on=JUL)
    with pytest.raises(RuleError, match="MAN still has 1 account\\(s\\): A1"):
        svc.delete_territory(uow, "MAN", on=JUL)
    with pytest.raises(RuleError, match="rule R-MAN appears in territories LEEDS and MAN"):
        svc.set_rules(uow, "LEEDS", [Rule("R-MAN", [Criterion("postal_code", "prefix", ["LS"])])])
    with pytest.raises(NotFound, match="account 'A99' not found"):
        svc.add_team_member(uow, "A99", "tom", "overlay", DateRange(JAN))
    assert snapshot(uow) == before


def test_moving_and_deleting_territories(uow: MemoryUnitOfWork) -> None:
    svc.move_territory(uow, "LEEDS", "SOUTH")
    with uow:
        assert uow.repository(TERRITORIES).get("LEEDS").parent_id == "SOUTH"
    svc.add_territory(uow, Territory("EMPTY", "Empty", parent_id="UK"))
    svc.delete_territory(uow, "EMPTY", on=JAN)
    with uow:
        assert "EMPTY" not in uow.repository(TERRITORIES)


def test_realignment_with_a_proposed_tree_is_applied_as_one(uow: MemoryUnitOfWork) -> None:
    with uow:
        proposed = {t.id: t for t in uow.repository(TERRITORIES)}
    # Split the Manchester district off NORTH's remaining accounts: MAN takes all of M.
    proposed["MAN"].set_rules([Rule("R-MAN", [Criterion("postal_code", "range", ["M1-M99"])])])
    del proposed["LEEDS"]  # LEEDS goes; it holds no account (A3 is a key account)
    realignment = svc.plan_realignment(uow, on=JUL, proposed=proposed.values())
    assert [(str(m.subject), m.from_territory, m.to_territory) for m in realignment.moves] == [
        ("A2", "NORTH", "MAN")
    ]
    with uow:
        assert "LEEDS" in uow.repository(TERRITORIES)  # planning changed nothing
    svc.apply_realignment(uow, realignment, effective=JUL, proposed=proposed.values())
    with uow:
        assert "LEEDS" not in uow.repository(TERRITORIES)
        assert uow.repository(TERRITORIES).get("MAN").rules[0].criteria[0].values == ("M1-M99",)
    assert svc.owner_of(uow, "A2", on=JUL) == "mia"
    assert svc.owner_of(uow, "A2", on=MAR) == "noah"
    before = snapshot(uow)
    with pytest.raises(RuleError, match="no longer matches"):  # applying twice
        svc.apply_realignment(uow, realignment, effective=JUL)
    assert snapshot(uow) == before


def test_deleting_a_territory_that_keeps_accounts_refuses_the_whole_realignment(
    uow: MemoryUnitOfWork,
) -> None:
    with uow:
        proposed = {t.id: t for t in uow.repository(TERRITORIES)}
    proposed["SOUTH"].set_rules([])
    del proposed["LON"]
    realignment = svc.plan_realignment(uow, on=JUL, proposed=proposed.values())
    assert [(str(m.subject), m.to_territory) for m in realignment.moves] == [("A4", "UK")]
    # The plan is applied with a tree that still deletes LON, but A4's move is left out.
    partial = type(realignment)(realignment.on, ())
    before = snapshot(uow)
    with pytest.raises(RuleError, match="territory LON still has 1 account"):
        svc.apply_realignment(uow, partial, effective=JUL, proposed=proposed.values())
    assert snapshot(uow) == before


def test_manual_assignment_survives_rerunning_the_rules(uow: MemoryUnitOfWork) -> None:
    svc.pin_account(uow, "LON", "A5")
    svc.exclude_account(uow, "KEY", "A3")
    realignment = svc.plan_realignment(uow, on=JUL)
    assert [(str(m.subject), m.to_territory, m.source) for m in realignment.moves] == [
        ("A3", "LEEDS", AssignmentSource.RULE),
        ("A5", "LON", AssignmentSource.MANUAL),
    ]
    svc.apply_realignment(uow, realignment, effective=JUL)
    assert svc.plan_realignment(uow, on=JUL).moves == ()
    with pytest.raises(NotFound):
        svc.pin_account(uow, "LON", "A99")


def test_account_services_check_visibility(uow: MemoryUnitOfWork) -> None:
    assert svc.visible_accounts(uow, "nina", on=MAR) == ["A1", "A2"]
    assert svc.get_visible_account(uow, "mia", "A1", on=MAR).name == "Account 1"
    before = snapshot(uow)
    with pytest.raises(AccessDenied, match="user 'mia' may not access account 'A4'"):
        svc.get_visible_account(uow, "mia", "A4", on=MAR)
    with pytest.raises(AccessDenied):
        svc.change_visible_account(uow, "mia", "A4", lambda a: a.tag("hacked"), on=MAR)
    with pytest.raises(AccessDenied):  # unknown accounts are not revealed
        svc.get_visible_account(uow, "mia", "A99", on=MAR)
    assert snapshot(uow) == before
    svc.change_visible_account(uow, "nina", "A2", lambda a: a.tag("visited"), on=MAR)
    svc.add_team_member(uow, "A4", "tom", "overlay", DateRange(MAR))
    assert svc.visible_accounts(uow, "tom", on=MAR) == ["A4"]
    with uow:
        assert uow.repository(ACCOUNTS).get("A2").tags == ["visited"]
