"""The assignment engine: hand-worked scenario, ties, manual work, sites, and properties."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError
from wholesale_crm.money import Money
from wholesale_crm.territories.engine import (
    Assignment,
    AssignmentEngine,
    AssignmentMode,
    AssignmentResult,
    Subject,
)
from wholesale_crm.territories.model import (
    DISTRICT,
    KEY_ACCOUNTS,
    REGION,
    AssignmentSource,
    Territory,
    TerritoryType,
)
from wholesale_crm.territories.rules import Criterion, Rule, facts_of


def test_the_uk_scenario(territories: list[Territory], accounts: list[Account]) -> None:
    result = AssignmentEngine(territories).assign(reversed(accounts))
    assert {str(a.subject): a.territory_id for a in result.assignments} == {
        "A1": "MAN",  # deepest of UK, NORTH, MAN
        "A2": "NORTH",  # M60 is outside M1-M20
        "A3": "KEY",  # LEEDS and KEY both at depth 2: key accounts' priority 100 beats 20
        "A4": "LON",
        "A6": "UK",
        "A7": "KEY",
    }
    assert result.unmatched == (Subject("A5"),)
    assert [a.subject.account_id for a in result.assignments] == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A6",
        "A7",
    ]
    assert result.counts() == {"KEY": 2, "LON": 1, "MAN": 1, "NORTH": 1, "UK": 1}
    assert result.territory_of("A3") == "KEY"
    assert result.territory_of("A5") is None


def test_matching_lists_every_match_best_first(
    territories: list[Territory], accounts: list[Account]
) -> None:
    engine = AssignmentEngine(territories)
    a3 = accounts[2]
    assert engine.matching(a3.id, facts_of(a3)) == ["KEY", "LEEDS", "NORTH", "UK"]


def test_inherited_rules_constrain_the_descendants(
    territories: list[Territory], make_account: Callable[..., Account]
) -> None:
    # An Irish account in "London" with an EC postcode: LON and SOUTH match on their own
    # rules, but UK's inherited country rule does not hold, so nothing below UK does either.
    dubliner = make_account(8, "IE", "EC1A 1BB", "London")
    result = AssignmentEngine(territories).assign([dubliner])
    assert result.unmatched == (Subject("A8"),)
    assert AssignmentEngine(territories).assign([dubliner], indexed=False) == result


def test_a_true_tie_names_the_territories(
    territories: list[Territory], accounts: list[Account]
) -> None:
    rival = Rule("R-KEY2", [Criterion("tags", "in", ["key"])])
    territories.append(Territory("KEY2", "Key 2", KEY_ACCOUNTS, "NAT", [rival]))
    with pytest.raises(RuleError, match="A7: KEY, KEY2") as caught:
        AssignmentEngine(territories).assign(accounts)
    assert caught.value.ids == ("KEY", "KEY2")
    assert "1 account(s) match territories that tie" in str(caught.value)


def test_manual_assignments_and_exclusions_beat_the_rules(
    territories: list[Territory], accounts: list[Account]
) -> None:
    by_id = {t.id: t for t in territories}
    by_id["LON"].pin("A5")  # the Dublin account is handled from London
    by_id["KEY"].exclude("A3")  # A3 is not a key account after all: LEEDS takes it
    by_id["MAN"].exclude("A1")  # A1 falls back to NORTH
    result = AssignmentEngine(territories).assign(accounts)
    assert result.as_dict()[Subject("A5")] == Assignment(
        Subject("A5"), "LON", AssignmentSource.MANUAL
    )
    assert result.territory_of("A3") == "LEEDS"
    assert result.territory_of("A1") == "NORTH"
    assert result.unmatched == ()


def test_one_account_pinned_to_two_territories_is_refused(territories: list[Territory]) -> None:
    by_id = {t.id: t for t in territories}
    by_id["LON"].pin("A5")
    by_id["MAN"].pin("A5")
    with pytest.raises(RuleError, match="A5 is manually assigned to both LON and MAN") as caught:
        AssignmentEngine(territories)
    assert caught.value.ids == ("LON", "MAN", "A5")


def test_site_mode_assigns_each_ship_to_site(
    territories: list[Territory], make_account: Callable[..., Account]
) -> None:
    chain = make_account(
        9,
        "GB",
        "EC2A 1AA",
        "London",
        ship_to=[("GB", "M3 1AA", "North West"), ("GB", "LS2 7AA", "Yorkshire")],
    )
    single = make_account(10, "GB", "M1 1AA", "North West")  # no ship-to: goes as a whole
    engine = AssignmentEngine(territories)
    result = engine.assign([chain, single], mode=AssignmentMode.SITE)
    assert {str(a.subject): a.territory_id for a in result.assignments} == {
        "A9/A9-S1": "MAN",
        "A9/A9-S2": "LEEDS",
        "A10": "MAN",
    }
    assert engine.assign([chain]).territory_of("A9") == "LON"  # account mode: bill-to


def test_revenue_bands_use_the_revenue_the_caller_supplies(
    make_account: Callable[..., Account],
) -> None:
    big = Rule("R-BIG", [Criterion("revenue", "between", ["100000", ""])])
    small = Rule("R-SMALL", [Criterion("revenue", "between", ["0", "100000"])])
    engine = AssignmentEngine(
        [
            Territory("ALL", "All", REGION),
            Territory("BIG", "Big", DISTRICT, "ALL", [big]),
            Territory("SMALL", "Small", DISTRICT, "ALL", [small]),
        ]
    )
    accounts = [make_account(1, "GB"), make_account(2, "GB"), make_account(3, "GB")]
    revenue = {"A1": Money("250000", "GBP"), "A2": Money("99999.99", "GBP")}
    result = engine.assign(accounts, revenue=revenue)
    assert [(str(a.subject), a.territory_id) for a in result.assignments] == [
        ("A1", "BIG"),
        ("A2", "SMALL"),
    ]
    assert result.unmatched == (Subject("A3"),)
    assert engine.unindexed_rule_count == 2


# -- properties ---------------------------------------------------------------------------------

TYPES = [TerritoryType("a", 1), TerritoryType("b", 2), TerritoryType("c", 2)]
VALUES = {
    "country": ["GB", "IE"],
    "region": ["North", "South"],
    "tier": ["A", "B"],
    "tags": ["key", "x"],
    "industry": ["food", "drinks"],
}


@st.composite
def criteria(draw: st.DrawFn) -> Criterion:
    kind = draw(st.sampled_from(["country", "region", "tier", "tags", "industry", "postal"]))
    if kind == "postal":
        operator = draw(st.sampled_from(["prefix", "range"]))
        values = ["M1", "M", "L"] if operator == "prefix" else ["M1-M5", "M3-M20", "L1-L9"]
        return Criterion(
            "postal_code", operator, draw(st.lists(st.sampled_from(values), min_size=1, max_size=2))
        )
    operator = draw(st.sampled_from(["in", "in", "not_in"]))
    return Criterion(
        kind, operator, draw(st.lists(st.sampled_from(VALUES[kind]), min_size=1, max_size=2))
    )


@st.composite
def trees(draw: st.DrawFn) -> list[Territory]:
    count = draw(st.integers(1, 7))
    territories = []
    for i in range(count):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        rules = []
        for r in range(draw(st.integers(0, 2))):
            crits = draw(st.lists(criteria(), min_size=1, max_size=3))
            logic = None
            if len(crits) == 3:
                logic = draw(st.sampled_from([None, "(1 AND 2) OR 3", "1 OR NOT (2 AND 3)"]))
            rules.append(Rule(f"R{i}-{r}", crits, logic, draw(st.booleans())))
        excluded = draw(st.lists(st.sampled_from(["A0", "A1", "A2"]), max_size=1))
        territories.append(
            Territory(
                f"T{i}",
                f"T{i}",
                draw(st.sampled_from(TYPES)),
                f"T{parent}" if parent is not None else None,
                rules,
                excluded_accounts=excluded,
            )
        )
    return territories


@st.composite
def customer_bases(draw: st.DrawFn, make_account: Callable[..., Account]) -> list[Account]:
    return [
        make_account(
            n,
            draw(st.sampled_from(VALUES["country"])),
            draw(st.sampled_from(["M1 1AA", "M4 2BB", "M12 3CC", "L5 1AA", "B1 1AA", ""])),
            draw(st.sampled_from(VALUES["region"])),
            tier=draw(st.sampled_from([*VALUES["tier"], None])),
            industry=draw(st.sampled_from(VALUES["industry"])),
            tags=draw(st.lists(st.sampled_from(VALUES["tags"]), max_size=2)),
        )
        for n in range(draw(st.integers(1, 6)))
    ]


def outcome(
    territories: list[Territory], accounts: list[Account], *, indexed: bool = True
) -> AssignmentResult | tuple[str, ...]:
    """The result, or the tied territories when the assignment refuses."""
    try:
        return AssignmentEngine(territories).assign(accounts, indexed=indexed)
    except RuleError as exc:
        return tuple(str(i) for i in exc.ids)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_assignment_ignores_the_order_of_territories_rules_and_accounts(
    data: st.DataObject, make_account: Callable[..., Account]
) -> None:
    territories = data.draw(trees())
    accounts = data.draw(customer_bases(make_account))
    expected = outcome(territories, accounts)
    shuffler = random.Random(data.draw(st.integers(0, 10**6)))
    shuffled = list(territories)
    shuffler.shuffle(shuffled)
    for territory in shuffled:
        rules = list(territory.rules)
        shuffler.shuffle(rules)
        territory.set_rules(rules)
    others = list(accounts)
    shuffler.shuffle(others)
    assert outcome(shuffled, others) == expected


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_index_finds_exactly_what_evaluating_every_rule_finds(
    data: st.DataObject, make_account: Callable[..., Account]
) -> None:
    territories = data.draw(trees())
    accounts = data.draw(customer_bases(make_account))
    assert outcome(territories, accounts) == outcome(territories, accounts, indexed=False)
    engine = AssignmentEngine(territories)
    for account in accounts:
        facts = facts_of(account)
        assert engine.matching(account.id, facts) == engine.matching(
            account.id, facts, indexed=False
        )
