"""The territory tree: depth, subtrees, moves, deletion checks, consistency errors."""

from __future__ import annotations

import pytest

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.events import Event
from wholesale_crm.serialization import from_dict, to_dict
from wholesale_crm.territories.model import REGION, Territory, TerritoryMoved, TerritoryType
from wholesale_crm.territories.rules import Criterion, Rule
from wholesale_crm.territories.tree import TerritoryTree


def test_depth_path_and_subtree(territories: list[Territory]) -> None:
    tree = TerritoryTree(territories)
    assert tree.depth("UK") == 0
    assert tree.depth("MAN") == 2
    assert tree.path("MAN") == ["UK", "NORTH", "MAN"]
    assert tree.subtree("NORTH") == ["NORTH", "LEEDS", "MAN"]
    assert tree.children(None) == ["UK"]
    assert tree.is_within("KEY", "UK")
    assert not tree.is_within("KEY", "NORTH")


def test_unknown_parent_and_cycles_are_refused() -> None:
    with pytest.raises(ValidationError, match="territory B has an unknown parent"):
        TerritoryTree([Territory("B", "B", parent_id="X")])
    loop = [Territory("A", "A", parent_id="C"), Territory("B", "B", parent_id="A")]
    loop.append(Territory("C", "C", parent_id="B"))
    with pytest.raises(RuleError, match="territory cycle: A -> C -> B -> A") as caught:
        TerritoryTree(loop)
    assert set(caught.value.ids) == {"A", "B", "C"}
    with pytest.raises(ValidationError, match="cannot be its own parent"):
        Territory("A", "A", parent_id="A")


def test_a_type_code_has_one_priority_and_a_rule_id_one_territory() -> None:
    with pytest.raises(RuleError, match="'region' has priority 10 on A but 99 on B") as caught:
        TerritoryTree(
            [Territory("A", "A", REGION), Territory("B", "B", TerritoryType("region", 99))]
        )
    assert caught.value.ids == ("A", "B")
    same_rule = Rule("R-1", [Criterion("country", "in", ["GB"])])
    with pytest.raises(RuleError, match="rule R-1 appears in territories A and B"):
        TerritoryTree(
            [Territory("A", "A", rules=[same_rule]), Territory("B", "B", rules=[same_rule])]
        )
    with pytest.raises(ValidationError, match="rule ids of territory A must be unique"):
        Territory("A", "A", rules=[same_rule, same_rule])


def test_moving_under_a_descendant_or_itself_is_refused(territories: list[Territory]) -> None:
    tree = TerritoryTree(territories)
    with pytest.raises(RuleError, match="cannot move territory NORTH under MAN") as caught:
        tree.check_move("NORTH", "MAN")
    assert caught.value.ids == ("NORTH", "MAN")
    with pytest.raises(RuleError):
        tree.check_move("NORTH", "NORTH")
    with pytest.raises(ValidationError, match="is not a known territory"):
        tree.check_move("NORTH", "MARS")
    tree.check_move("MAN", "SOUTH")  # a sideways move is fine
    tree.check_move("NORTH", None)


def test_move_to_records_the_event(territories: list[Territory]) -> None:
    man = next(t for t in territories if t.id == "MAN")
    man.move_to("SOUTH")
    assert man.parent_id == "SOUTH"
    events: tuple[Event, ...] = man.pending_events
    assert events == (TerritoryMoved("MAN", "NORTH", "SOUTH"),)
    assert TerritoryTree(territories).path("MAN") == ["UK", "SOUTH", "MAN"]


def test_delete_is_refused_while_children_or_accounts_remain(territories: list[Territory]) -> None:
    tree = TerritoryTree(territories)
    with pytest.raises(RuleError, match="NORTH still has children: LEEDS, MAN") as caught:
        tree.check_delete("NORTH")
    assert caught.value.ids == ("NORTH", "LEEDS", "MAN")
    with pytest.raises(RuleError, match="MAN still has 2 account\\(s\\): A1, A2"):
        tree.check_delete("MAN", ["A2", "A1"])
    tree.check_delete("MAN", [])


def test_manual_and_excluded_accounts_are_exclusive() -> None:
    territory = Territory("T", "T")
    territory.pin("A1")
    territory.exclude("A2")
    territory.exclude("A1")  # excluding drops the manual assignment here
    assert (territory.manual_accounts, territory.excluded_accounts) == ([], ["A1", "A2"])
    territory.pin("A2")
    assert (territory.manual_accounts, territory.excluded_accounts) == (["A2"], ["A1"])
    with pytest.raises(ValidationError, match="both assigned to and excluded"):
        Territory("T", "T", manual_accounts=["A1"], excluded_accounts=["A1"])


def test_territories_round_trip(territories: list[Territory]) -> None:
    for territory in territories:
        data = to_dict(territory)
        assert to_dict(from_dict(Territory, data)) == data
