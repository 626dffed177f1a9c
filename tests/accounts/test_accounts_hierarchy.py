"""Account hierarchies: navigation, cycle checks and roll-ups."""

from __future__ import annotations

import pytest

from wholesale_crm.accounts.hierarchy import Hierarchy, check_parent
from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import CurrencyMismatch, RuleError, ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money

#   HQ
#   +- B1
#   |  +- S1
#   |  +- S2
#   +- B2
#   SOLO
PARENTS: dict[str, str | None] = {
    "HQ": None,
    "B1": "HQ",
    "B2": "HQ",
    "S1": "B1",
    "S2": "B1",
    "SOLO": None,
}


def accounts(parents: dict[str, str | None] = PARENTS) -> list[Account]:
    return [Account(AccountId(i), f"Account {i}", parent_id=p) for i, p in parents.items()]


@pytest.fixture
def tree() -> Hierarchy:
    return Hierarchy(accounts())


def test_navigation(tree: Hierarchy) -> None:
    assert tree.roots() == ["HQ", "SOLO"]
    assert tree.children("HQ") == ["B1", "B2"]
    assert tree.children("S1") == []
    assert tree.ancestors("S2") == ["B1", "HQ"]
    assert tree.root("S2") == "HQ"
    assert tree.root("SOLO") == "SOLO"
    assert tree.descendants("HQ") == ["B1", "S1", "S2", "B2"]
    assert tree.members("S1") == ["HQ", "B1", "S1", "S2", "B2"]
    assert tree.members("SOLO") == ["SOLO"]
    assert [tree.depth(i) for i in ("HQ", "B1", "S1")] == [0, 1, 2]
    assert [(d, a.id) for d, a in tree.walk("B1")] == [(0, "B1"), (1, "S1"), (1, "S2")]
    assert (
        len(tree) == 6
        and "S1" in tree
        and [a.id for a in tree] == ["B1", "B2", "HQ", "S1", "S2", "SOLO"]
    )


def test_total_sums_a_figure_over_a_subtree(tree: Hierarchy) -> None:
    revenue = {
        "HQ": Money("1000.00", "GBP"),
        "B1": Money("250.50", "GBP"),
        "S1": Money("120.25", "GBP"),
        "B2": Money("80.00", "GBP"),
        "SOLO": Money("999.99", "GBP"),
    }  # S2 has no figure: it counts as zero
    # HQ subtree: 1000.00 + 250.50 + 120.25 + 80.00 = 1450.75
    assert tree.total("HQ", revenue, currency="GBP") == Money("1450.75", "GBP")
    # B1 subtree: 250.50 + 120.25 = 370.75
    assert tree.total("B1", revenue, currency="GBP") == Money("370.75", "GBP")
    assert tree.total("S2", revenue, currency="GBP") == Money("0", "GBP")
    with pytest.raises(CurrencyMismatch):
        tree.total("HQ", {"B2": Money("1", "EUR")}, currency="GBP")


def test_unknown_account_is_a_validation_error(tree: Hierarchy) -> None:
    with pytest.raises(ValidationError) as caught:
        tree.children("NOPE")
    assert caught.value.paths == ("account_id",)


def test_moving_under_a_descendant_is_a_cycle_naming_the_ids(tree: Hierarchy) -> None:
    with pytest.raises(RuleError) as caught:
        tree.check_parent("HQ", "S1")
    # HQ would sit under S1, which is under B1, which is under HQ.
    assert caught.value.ids == ("HQ", "S1", "B1")
    assert "HQ -> S1 -> B1 -> HQ" in str(caught.value)


def test_moving_under_itself_is_a_cycle(tree: Hierarchy) -> None:
    with pytest.raises(RuleError) as caught:
        tree.check_parent("B1", "B1")
    assert caught.value.ids == ("B1",)


def test_valid_moves_pass(tree: Hierarchy) -> None:
    tree.check_parent("B2", "B1")
    tree.check_parent("SOLO", "S2")
    tree.check_parent("B1", None)


def test_unknown_parent_is_a_validation_error(tree: Hierarchy) -> None:
    with pytest.raises(ValidationError) as caught:
        tree.check_parent("B2", "GHOST")
    assert caught.value.paths == ("parent_id",)


def test_building_from_data_with_a_cycle_or_unknown_parent_fails() -> None:
    with pytest.raises(RuleError) as caught:
        Hierarchy(accounts({"A": "C", "B": "A", "C": "B"}))
    assert set(caught.value.ids) == {"A", "B", "C"}
    with pytest.raises(ValidationError) as unknown:
        Hierarchy(accounts({"A": "GHOST"}))
    assert unknown.value.paths == ("parent_id",)


def test_check_parent_reports_a_cycle_already_stored_above() -> None:
    # X moves under P, whose chain P -> Q -> R -> Q already loops (corrupt data).
    parents = {"P": "Q", "Q": "R", "R": "Q", "X": None}
    with pytest.raises(RuleError) as caught:
        check_parent(AccountId("X"), AccountId("P"), lambda i: parents[i])
    assert caught.value.ids == ("Q", "R")
