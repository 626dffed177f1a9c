"""Coverage: staff validity, account territory history, owner_of / accounts_of / history."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.periods import DateRange
from wholesale_crm.serialization import from_dict, to_dict
from wholesale_crm.territories.coverage import Coverage, CoverageSpan
from wholesale_crm.territories.model import (
    AccountCoverage,
    AccountReassigned,
    AssignmentSource,
    CoverageRole,
    RepAssigned,
    TerritoryAssignment,
    TerritoryStaff,
)

JAN, APR, JUL, OCT = (date(2025, m, 1) for m in (1, 4, 7, 10))


def test_one_holder_per_role_at_any_date() -> None:
    staff = TerritoryStaff("LON")
    staff.assign("liam", "owner", DateRange(JAN, JUL))
    staff.assign("lucy", "owner", DateRange(JUL))  # [from, to): JUL itself is lucy's
    staff.assign("liam", "overlay", DateRange(JUL))  # another role may overlap
    assert staff.holder("owner", date(2025, 6, 30)) == "liam"
    assert staff.holder(CoverageRole.OWNER, JUL) == "lucy"
    assert staff.pending_events[0] == RepAssigned(
        "LON", "liam", CoverageRole.OWNER, DateRange(JAN, JUL)
    )
    with pytest.raises(ValidationError, match="overlaps lucy as owner") as caught:
        staff.assign("omar", "owner", DateRange(OCT, date(2026, 1, 1)))
    assert caught.value.paths == ("valid",)
    assert "role owner of territory LON" in str(caught.value)
    assert [r.rep_id for r in staff.reps if r.role == "owner"] == ["liam", "lucy"]  # unchanged
    with pytest.raises(ValidationError, match="overlaps"):
        TerritoryStaff("X", [staff.reps[0], staff.reps[0]])
    with pytest.raises(ValidationError, match="must be one of"):
        staff.assign("omar", "boss", DateRange(OCT))


def test_ending_a_role_closes_its_validity() -> None:
    staff = TerritoryStaff("LON")
    staff.assign("lucy", "owner", DateRange(JUL))
    staff.end("owner", OCT)
    assert staff.holder("owner", date(2025, 9, 30)) == "lucy"
    assert staff.holder("owner", OCT) is None
    with pytest.raises(ValidationError, match="nobody holds owner of LON"):
        staff.end("owner", OCT)


def test_reassigning_closes_the_current_record_and_opens_the_next() -> None:
    coverage = AccountCoverage("A1")
    coverage.reassign("MAN", effective=JAN)
    coverage.reassign("NORTH", effective=JUL)
    coverage.reassign("NORTH", effective=OCT)  # no change: nothing happens
    assert coverage.territories == [
        TerritoryAssignment("MAN", DateRange(JAN, JUL)),
        TerritoryAssignment("NORTH", DateRange(JUL, None)),
    ]
    assert coverage.pending_events == (
        AccountReassigned("A1", None, None, "MAN", JAN),
        AccountReassigned("A1", None, "MAN", "NORTH", JUL),
    )
    coverage.reassign(None, effective=OCT, source=AssignmentSource.MANUAL)
    assert coverage.territory_on(OCT) is None
    assert coverage.territory_on(date(2025, 9, 30)) == TerritoryAssignment(
        "NORTH", DateRange(JUL, OCT)
    )


def test_reassigning_on_the_start_day_replaces_and_before_a_planned_change_is_refused() -> None:
    coverage = AccountCoverage("A1")
    coverage.reassign("MAN", effective=JUL)
    coverage.reassign("LEEDS", effective=JUL)
    assert coverage.territories == [TerritoryAssignment("LEEDS", DateRange(JUL, None))]
    with pytest.raises(ValidationError, match="already has an assignment from 2025-07-01"):
        coverage.reassign("LON", effective=APR)
    with pytest.raises(ValidationError, match="overlaps"):
        AccountCoverage(
            "A2",
            [TerritoryAssignment("X", DateRange(JAN)), TerritoryAssignment("Y", DateRange(JUL))],
        )


def test_sites_keep_their_own_history() -> None:
    coverage = AccountCoverage("A9")
    coverage.reassign("MAN", effective=JAN, site_id="S1")
    coverage.reassign("LEEDS", effective=JAN, site_id="S2")
    assert Coverage([], [coverage]).territory_of("A9", APR, "S1") == "MAN"
    assert Coverage([], [coverage]).territory_of("A9", APR, "S2") == "LEEDS"
    assert coverage.territory_on(APR) is None


def test_teams_refuse_the_same_person_twice_in_one_role() -> None:
    coverage = AccountCoverage("A4")
    coverage.add_member("tom", "overlay", DateRange(JAN, JUL))
    coverage.add_member("tom", "inside_sales", DateRange(APR))
    with pytest.raises(ValidationError, match="overlaps tom as overlay"):
        coverage.add_member("tom", "overlay", DateRange(APR))
    assert [m.role for m in coverage.team_on(APR)] == ["overlay", "inside_sales"]
    assert [m.role for m in coverage.team_on(JUL)] == ["inside_sales"]


def scenario() -> Coverage:
    """A1 in MAN from JAN, moved to LON on JUL; LON's owner changes from liam to lucy on JUL."""
    staff = [TerritoryStaff("MAN"), TerritoryStaff("LON")]
    staff[0].assign("mia", "owner", DateRange(JAN))
    staff[1].assign("liam", "owner", DateRange(JAN, APR))
    staff[1].assign("lucy", "owner", DateRange(JUL))  # nobody owns LON from APR to JUL
    staff[1].assign("omar", "overlay", DateRange(JAN))
    a1, a4 = AccountCoverage("A1"), AccountCoverage("A4")
    a1.reassign("MAN", effective=JAN)
    a1.reassign("LON", effective=date(2025, 3, 1))
    a4.reassign("LON", effective=JAN)
    a4.add_member("tom", "overlay", DateRange(JAN))
    return Coverage(staff, [a1, a4])


def test_owner_of_and_accounts_of_on_any_date() -> None:
    coverage = scenario()
    assert coverage.owner_of("A1", date(2025, 2, 28)) == "mia"
    assert coverage.owner_of("A1", date(2025, 3, 31)) == "liam"
    assert coverage.owner_of("A1", date(2025, 5, 1)) is None
    assert coverage.owner_of("A1", date(2030, 1, 1)) == "lucy"
    assert coverage.owner_of("A1", date(2024, 12, 31)) is None
    assert coverage.owner_of("A9", JUL) is None
    assert coverage.accounts_of("liam", date(2025, 3, 31)) == ["A1", "A4"]
    assert coverage.accounts_of("mia", date(2025, 3, 31)) == []
    assert coverage.accounts_of("mia", date(2025, 2, 1)) == ["A1"]
    assert coverage.accounts_of("omar", JUL, CoverageRole.OVERLAY) == ["A1", "A4"]
    assert coverage.accounts_of("omar", JUL, CoverageRole.OWNER) == []
    assert coverage.territories_of("lucy", JUL) == ["LON"]
    assert [m.user_id for m in coverage.team_of("A4", JUL)] == ["tom"]
    assert coverage.team_accounts("tom", JUL) == ["A4"]


def test_history_cuts_at_every_change_of_territory_or_owner() -> None:
    assert [str(s) for s in scenario().history("A1")] == [
        "[2025-01-01, 2025-03-01): MAN, mia",
        "[2025-03-01, 2025-04-01): LON, liam",
        "[2025-04-01, 2025-07-01): LON, no owner",
        "[2025-07-01, +inf): LON, lucy",
    ]
    assert scenario().history("A9") == []


def test_records_round_trip() -> None:
    coverage = scenario()
    for record in [coverage.account("A1"), coverage.account("A4")]:
        assert to_dict(from_dict(AccountCoverage, to_dict(record))) == to_dict(record)


DAYS = st.integers(0, 60).map(lambda n: date(2025, 1, 1) + timedelta(days=n))


@st.composite
def histories(draw: st.DrawFn) -> Coverage:
    """Random reassignments of one account and random owner spells on two territories."""
    staff = [TerritoryStaff("T1"), TerritoryStaff("T2")]
    for territory in staff:
        cuts = sorted(set(draw(st.lists(DAYS, max_size=5))))
        for start, end in pairwise(cuts):
            if draw(st.booleans()):
                territory.assign(
                    draw(st.sampled_from(["r1", "r2", "r3"])), "owner", DateRange(start, end)
                )
    account = AccountCoverage("A1")
    for day in sorted(set(draw(st.lists(DAYS, max_size=5)))):
        account.reassign(draw(st.sampled_from(["T1", "T2", None])), effective=day)
    return Coverage(staff, [account])


@given(histories())
def test_owner_of_agrees_with_the_history_at_every_date(coverage: Coverage) -> None:
    spans = coverage.history("A1")
    for n in range(-2, 64):
        day = date(2025, 1, 1) + timedelta(days=n)
        covering: list[CoverageSpan] = [s for s in spans if s.valid.contains(day)]
        assert len(covering) <= 1
        expected = covering[0].owner_id if covering else None
        assert coverage.owner_of("A1", day) == expected
        assert (covering[0].territory_id if covering else None) == coverage.territory_of("A1", day)
