"""The generic forest: structure queries, bad input, cycle reports, and properties."""

from __future__ import annotations

import random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.forest import Forest, check_parent


@attrs.define
class Node:
    id: str
    parent: str | None = None


def forest(nodes: list[Node], **wording: str) -> Forest[str, Node]:
    return Forest(nodes, id_of=lambda n: n.id, parent_of=lambda n: n.parent, **wording)


# ROOT
#   A
#     A1
#     A2
#       A2X
#   B
# SOLO
NODES = [
    Node("A2X", "A2"),
    Node("SOLO"),
    Node("B", "ROOT"),
    Node("A1", "A"),
    Node("ROOT"),
    Node("A2", "A"),
    Node("A", "ROOT"),
]


@pytest.fixture
def tree() -> Forest[str, Node]:
    return forest(NODES)


def test_structure_queries(tree: Forest[str, Node]) -> None:
    assert tree.roots == ["ROOT", "SOLO"]
    assert tree.children("A") == ["A1", "A2"]
    assert tree.parent("A2X") == "A2"
    assert tree.parent("ROOT") is None
    assert [tree.depth(i) for i in ("ROOT", "A", "A2", "A2X")] == [0, 1, 2, 3]
    assert tree.ancestors("A2X") == ["A2", "A", "ROOT"]
    assert tree.path("A2X") == ["ROOT", "A", "A2", "A2X"]
    assert tree.descendants("ROOT") == ["A", "A1", "A2", "A2X", "B"]
    assert tree.subtree("A2") == ["A2", "A2X"]
    assert tree.descendants("SOLO") == []
    assert tree.is_within("A2X", "A")
    assert tree.is_within("A", "A")
    assert not tree.is_within("A", "A2X")
    assert not tree.is_within("SOLO", "ROOT")


def test_container_and_walks(tree: Forest[str, Node]) -> None:
    assert len(tree) == 7
    assert "A2" in tree
    assert "NOPE" not in tree
    assert [n.id for n in tree] == sorted(n.id for n in NODES)
    assert [(n.id, d) for n, d in tree.walk()] == [
        ("ROOT", 0),
        ("A", 1),
        ("A1", 2),
        ("A2", 2),
        ("A2X", 3),
        ("B", 1),
        ("SOLO", 0),
    ]
    # Below a given top, depths count from that top.
    assert [(n.id, d) for n, d in tree.walk_from("A")] == [
        ("A", 0),
        ("A1", 1),
        ("A2", 1),
        ("A2X", 2),
    ]


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get", ["NOPE"]),
        ("parent", ["NOPE"]),
        ("depth", ["NOPE"]),
        ("children", ["NOPE"]),
        ("ancestors", ["NOPE"]),
        ("path", ["NOPE"]),
        ("descendants", ["NOPE"]),
        ("subtree", ["NOPE"]),
        ("is_within", ["NOPE", "ROOT"]),
        ("is_within", ["ROOT", "NOPE"]),
        ("check_parent", ["NOPE", None]),
    ],
)
def test_every_query_refuses_an_unknown_id(
    tree: Forest[str, Node], method: str, args: list[str | None]
) -> None:
    with pytest.raises(ValidationError) as caught:
        getattr(tree, method)(*args)
    assert caught.value.paths == ("node_id",)
    assert caught.value.errors[0].value == "NOPE"


def test_walk_refuses_an_unknown_top(tree: Forest[str, Node]) -> None:
    with pytest.raises(ValidationError):
        list(tree.walk_from("NOPE"))


def test_the_kind_names_fields_and_messages() -> None:
    shelves = forest([Node("S")], kind="shelf")
    with pytest.raises(ValidationError, match="is not a known shelf") as caught:
        shelves.get("T")
    assert caught.value.paths == ("shelf_id",)
    with pytest.raises(ValidationError, match="shelf X has an unknown parent") as unknown:
        forest([Node("X", "GONE")], kind="shelf")
    assert unknown.value.paths == ("parent_id",)
    assert unknown.value.errors[0].value == "GONE"


def test_a_repeated_id_is_refused_with_the_given_message() -> None:
    with pytest.raises(ValidationError, match="is listed twice in the tree") as caught:
        forest([Node("A"), Node("A")])
    assert caught.value.paths == ("id",)
    with pytest.raises(ValidationError, match="two shelves have this id"):
        forest([Node("A"), Node("A")], duplicate_message="two shelves have this id")


def test_the_first_unknown_parent_by_id_is_reported() -> None:
    with pytest.raises(ValidationError) as caught:
        forest([Node("Z", "GONE_Z"), Node("B", "GONE_B")])
    assert caught.value.errors[0].value == "GONE_B"


def test_a_cycle_is_named_from_its_smallest_id_whatever_the_input_order() -> None:
    # C -> B -> D -> C loops; A hangs below C, E is fine.
    nodes = [Node("C", "B"), Node("B", "D"), Node("D", "C"), Node("A", "C"), Node("E")]
    for seed in range(6):
        shuffled = nodes[:]
        random.Random(seed).shuffle(shuffled)
        with pytest.raises(RuleError) as caught:
            forest(shuffled, cycle_note=" (each under the next)")
        assert caught.value.ids == ("B", "D", "C")
        assert str(caught.value) == "node cycle: B -> D -> C -> B (each under the next)"


def test_a_self_loop_is_a_cycle_of_one() -> None:
    with pytest.raises(RuleError, match=r"^node cycle: A -> A$") as caught:
        forest([Node("A", "A")])
    assert caught.value.ids == ("A",)


def test_the_forest_keeps_the_links_it_was_built_from() -> None:
    nodes = [Node("TOP"), Node("LEAF", "TOP")]
    tree = forest(nodes)
    nodes[1].parent = None
    assert tree.ancestors("LEAF") == ["TOP"]
    assert tree.roots == ["TOP"]


def test_an_empty_forest() -> None:
    tree = forest([])
    assert len(tree) == 0
    assert tree.roots == []
    assert list(tree.walk()) == []


def test_a_move_under_a_descendant_is_named_from_the_moved_node(tree: Forest[str, Node]) -> None:
    with pytest.raises(RuleError) as caught:
        tree.check_parent("A", "A2X")
    # A would sit under A2X, which is under A2, which is under A.
    assert caught.value.ids == ("A", "A2X", "A2")
    assert str(caught.value) == "node cycle: A -> A2X -> A2 -> A"
    with pytest.raises(RuleError) as itself:
        tree.check_parent("B", "B")
    assert itself.value.ids == ("B",)
    tree.check_parent("B", "A2X")  # sideways
    tree.check_parent("A", None)  # to the top


def test_check_parent_over_a_lookup() -> None:
    parents: dict[str, str | None] = {"P": "Q", "Q": "R", "R": "Q", "X": None, "Y": None}
    with pytest.raises(ValidationError) as unknown:
        check_parent("X", "GHOST", parents.__getitem__, kind="shelf")
    assert unknown.value.paths == ("parent_id",)
    assert "is not a known shelf" in str(unknown.value)
    # A loop already stored above the new parent: named from its smallest id.
    with pytest.raises(RuleError) as caught:
        check_parent("X", "P", parents.__getitem__)
    assert caught.value.ids == ("Q", "R")
    check_parent("X", "Y", parents.__getitem__)
    check_parent("GHOST", None, parents.__getitem__)  # the top is always fine


@st.composite
def forests(draw: st.DrawFn) -> list[Node]:
    """Random forests: each node's parent is an earlier node or none, then shuffled."""
    size = draw(st.integers(min_value=0, max_value=25))
    nodes = []
    for i in range(size):
        parent = draw(st.none() | st.integers(min_value=0, max_value=i - 1)) if i else None
        nodes.append(Node(f"N{i:02d}", f"N{parent:02d}" if parent is not None else None))
    return draw(st.permutations(nodes))


@settings(max_examples=60)
@given(forests())
def test_depth_ancestors_and_descendants_agree(nodes: list[Node]) -> None:
    tree = forest(nodes)
    ids = [n.id for n in nodes]
    for id in ids:
        assert tree.depth(id) == len(tree.ancestors(id))
        assert sorted(tree.descendants(id)) == sorted(
            other for other in ids if id in tree.ancestors(other)
        )
        assert tree.path(id) == [*reversed(tree.ancestors(id)), id]
    assert sorted(n.id for n, _ in tree.walk()) == sorted(ids)


@settings(max_examples=60)
@given(forests(), st.data())
def test_closing_a_loop_is_always_a_cycle_naming_both_ends(
    nodes: list[Node], data: st.DataObject
) -> None:
    tree = forest(nodes)
    candidates = [n.id for n in nodes if tree.descendants(n.id)]
    if not candidates:
        return
    moved = data.draw(st.sampled_from(candidates))
    target = data.draw(st.sampled_from(tree.descendants(moved)))
    with pytest.raises(RuleError) as proposed:
        tree.check_parent(moved, target)
    assert proposed.value.ids[:2] == (moved, target)
    changed = [Node(n.id, target) if n.id == moved else n for n in nodes]
    with pytest.raises(RuleError) as built:
        forest(changed)
    # The same loop either way; the built one starts at its smallest id.
    assert sorted(built.value.ids) == sorted(proposed.value.ids)
    assert built.value.ids[0] == min(built.value.ids)
