"""Realignment: the plan's figures worked out by hand, applying it, stale plans refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError
from wholesale_crm.money import Money
from wholesale_crm.serialization import to_dict
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.engine import AssignmentMode, Subject
from wholesale_crm.territories.model import AccountCoverage, Territory, TerritoryStaff
from wholesale_crm.territories.realignment import Move, RepImpact, apply, plan
from wholesale_crm.territories.rules import Criterion, Rule

JAN, JUL = date(2025, 1, 1), date(2025, 7, 1)
REVENUE = {"A1": Money("50000", "GBP"), "A2": Money("120000", "GBP"), "A7": Money("80000", "GBP")}


def first_assignment(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> dict[str, AccountCoverage]:
    initial = plan(territories, accounts, Coverage(staff, []), on=JAN, revenue=REVENUE)
    return {c.id: c for c in apply(initial, {}, effective=JAN)}


def redrawn(territories: list[Territory]) -> list[Territory]:
    """MAN takes all of M1-M99; the key-account team drops the 'key' tag criterion."""
    by_id = {t.id: t for t in territories}
    by_id["MAN"].set_rules([Rule("R-MAN", [Criterion("postal_code", "range", ["M1-M99"])])])
    key_rule = by_id["KEY"].rules[0]
    by_id["KEY"].set_rules([Rule("R-KEY", key_rule.criteria[:2])])
    return territories


def test_the_first_assignment_is_a_plan_from_unassigned(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> None:
    initial = plan(territories, accounts, Coverage(staff, []), on=JAN, revenue=REVENUE)
    assert [
        (str(m.subject), m.from_territory, m.to_territory, m.to_rep) for m in initial.moves
    ] == [
        ("A1", None, "MAN", "mia"),
        ("A2", None, "NORTH", "noah"),
        ("A3", None, "KEY", "kate"),
        ("A4", None, "LON", "liam"),
        ("A6", None, "UK", None),  # UK has inside sales but no owner
        ("A7", None, "KEY", "kate"),
    ]
    assert initial.unmatched == (Subject("A5"),)
    assert initial.unchanged == 0


def test_plan_lists_moves_and_the_figures_per_rep(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> None:
    current = first_assignment(territories, accounts, staff)
    realignment = plan(
        redrawn(territories), accounts, Coverage(staff, current.values()), on=JUL, revenue=REVENUE
    )
    assert realignment.moves == (
        Move(Subject("A2"), "NORTH", "noah", "MAN", "mia", Money("120000", "GBP")),
        Move(Subject("A7"), "KEY", "kate", "LON", "lucy", Money("80000", "GBP")),
    )
    assert str(realignment.moves[1]) == "A7: KEY (kate) -> LON (lucy), £80,000.00"
    assert realignment.unchanged == 4  # A1, A3, A4, A6
    assert realignment.unmatched == (Subject("A5"),)
    assert realignment.by_rep() == [
        RepImpact("kate", accounts_out=1, revenue_out=Money("80000", "GBP")),
        RepImpact("lucy", accounts_in=1, revenue_in=Money("80000", "GBP")),
        RepImpact("mia", accounts_in=1, revenue_in=Money("120000", "GBP")),
        RepImpact("noah", accounts_out=1, revenue_out=Money("120000", "GBP")),
    ]
    assert realignment.by_rep()[0].net_accounts == -1
    assert realignment.moves_between() == {("NORTH", "MAN"): 1, ("KEY", "LON"): 1}


def test_plan_changes_nothing_and_apply_closes_and_opens_records(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> None:
    current = first_assignment(territories, accounts, staff)
    before = {id: to_dict(c) for id, c in current.items()}
    realignment = plan(redrawn(territories), accounts, Coverage(staff, current.values()), on=JUL)
    assert {id: to_dict(c) for id, c in current.items()} == before
    changed = apply(realignment, current, effective=JUL)
    assert [c.id for c in changed] == ["A2", "A7"]
    coverage = Coverage(staff, current.values())
    assert coverage.owner_of("A2", date(2025, 6, 30)) == "noah"
    assert coverage.owner_of("A2", JUL) == "mia"
    assert [str(s) for s in coverage.history("A7")] == [
        "[2025-01-01, 2025-07-01): KEY, kate",
        "[2025-07-01, +inf): LON, lucy",
    ]
    again = plan(territories, accounts, coverage, on=JUL)
    assert again.moves == ()
    assert again.unchanged == 6


def test_a_stale_plan_is_refused_whole(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> None:
    current = first_assignment(territories, accounts, staff)
    realignment = plan(redrawn(territories), accounts, Coverage(staff, current.values()), on=JUL)
    current["A7"].reassign("UK", effective=date(2025, 6, 1))  # someone moved A7 meanwhile
    before = {id: to_dict(c) for id, c in current.items()}
    with pytest.raises(
        RuleError, match="no longer matches the coverage on 2025-07-01 for A7"
    ) as caught:
        apply(realignment, current, effective=JUL)
    assert caught.value.ids == ("A7",)
    assert {id: to_dict(c) for id, c in current.items()} == before  # A2 was not moved either


def test_site_mode_splits_an_accounts_revenue_over_its_sites(
    territories: list[Territory], make_account: Callable[..., Account]
) -> None:
    chain = make_account(
        9,
        "GB",
        "EC2A 1AA",
        "London",
        ship_to=[("GB", "M3 1AA", "North West"), ("GB", "LS2 7AA", "Yorkshire")],
    )
    realignment = plan(
        territories,
        [chain],
        Coverage([], []),
        on=JAN,
        revenue={"A9": Money("100.01", "GBP")},
        mode=AssignmentMode.SITE,
    )
    assert [(str(m.subject), m.to_territory, m.revenue) for m in realignment.moves] == [
        ("A9/A9-S1", "MAN", Money("50.01", "GBP")),
        ("A9/A9-S2", "LEEDS", Money("50.00", "GBP")),
    ]
    changed = apply(realignment, {}, effective=JAN)
    assert Coverage([], changed).territory_of("A9", JAN, "A9-S2") == "LEEDS"
