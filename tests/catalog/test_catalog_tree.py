"""The category tree: structure queries, bad trees, cycles, and properties on random forests."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.catalog.model import Category
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.ids import CategoryId


def cat(id: str, parent: str | None = None) -> Category:
    return Category(CategoryId(id), id.title(), CategoryId(parent) if parent else None)


# HOME
#   DECOR
#     SIGNS
#     DOORMATS
#   LIGHTING
# KITCHEN
#   BAKING
#     CASES
TREE = [
    cat("KITCHEN"),
    cat("CASES", "BAKING"),
    cat("HOME"),
    cat("SIGNS", "DECOR"),
    cat("LIGHTING", "HOME"),
    cat("DECOR", "HOME"),
    cat("BAKING", "KITCHEN"),
    cat("DOORMATS", "DECOR"),
]


@pytest.fixture
def tree() -> CategoryTree:
    return CategoryTree(TREE)


def test_depth_ancestors_and_path(tree: CategoryTree) -> None:
    assert [tree.depth(id) for id in ("HOME", "DECOR", "SIGNS")] == [0, 1, 2]
    assert tree.ancestors(CategoryId("SIGNS")) == ["DECOR", "HOME"]
    assert tree.ancestors(CategoryId("HOME")) == []
    assert tree.path(CategoryId("CASES")) == ["KITCHEN", "BAKING", "CASES"]


def test_roots_children_and_descendants_in_id_order(tree: CategoryTree) -> None:
    assert tree.roots == ["HOME", "KITCHEN"]
    assert tree.children(CategoryId("HOME")) == ["DECOR", "LIGHTING"]
    assert tree.children(CategoryId("SIGNS")) == []
    assert tree.descendants(CategoryId("HOME")) == ["DECOR", "DOORMATS", "SIGNS", "LIGHTING"]
    assert tree.descendants(CategoryId("CASES")) == []


def test_walk_lists_an_indented_outline(tree: CategoryTree) -> None:
    outline = [(c.id, depth) for c, depth in tree.walk()]
    assert outline == [
        ("HOME", 0),
        ("DECOR", 1),
        ("DOORMATS", 2),
        ("SIGNS", 2),
        ("LIGHTING", 1),
        ("KITCHEN", 0),
        ("BAKING", 1),
        ("CASES", 2),
    ]


def test_is_within(tree: CategoryTree) -> None:
    assert tree.is_within(CategoryId("SIGNS"), CategoryId("HOME"))
    assert tree.is_within(CategoryId("HOME"), CategoryId("HOME"))
    assert not tree.is_within(CategoryId("HOME"), CategoryId("SIGNS"))
    assert not tree.is_within(CategoryId("CASES"), CategoryId("HOME"))


def test_container_protocol(tree: CategoryTree) -> None:
    assert len(tree) == 8
    assert "DECOR" in tree
    assert "GARDEN" not in tree
    assert [c.id for c in tree] == sorted(c.id for c in TREE)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get", ["GARDEN"]),
        ("depth", ["GARDEN"]),
        ("children", ["GARDEN"]),
        ("ancestors", ["GARDEN"]),
        ("path", ["GARDEN"]),
        ("descendants", ["GARDEN"]),
        ("is_within", ["GARDEN", "HOME"]),
        ("is_within", ["HOME", "GARDEN"]),
    ],
)
def test_every_query_refuses_an_unknown_id(
    tree: CategoryTree, method: str, args: list[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        getattr(tree, method)(*args)
    assert caught.value.errors[0].value == "GARDEN"


def test_an_unknown_parent_is_a_validation_error_naming_it() -> None:
    with pytest.raises(ValidationError) as caught:
        CategoryTree([cat("HOME"), cat("SIGNS", "DECOR")])
    assert caught.value.paths == ("parent_id",)
    assert caught.value.errors[0].value == "DECOR"
    assert "SIGNS" in str(caught.value)


def test_a_repeated_id_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        CategoryTree([cat("HOME"), cat("HOME")])
    assert caught.value.paths == ("id",)


def test_a_cycle_is_a_rule_error_naming_its_members_whatever_the_input_order() -> None:
    records = [cat("A", "C"), cat("B", "A"), cat("C", "B"), cat("D", "C"), cat("TOP")]
    for seed in range(6):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        with pytest.raises(RuleError) as caught:
            CategoryTree(shuffled)
        assert caught.value.ids == ("A", "C", "B")
        assert str(caught.value) == "category cycle: A -> C -> B -> A (each under the next)"


def test_a_self_loop_set_behind_the_model_is_still_caught() -> None:
    loop = cat("A")
    loop.parent_id = CategoryId("A")  # bypasses Category's own check
    with pytest.raises(RuleError) as caught:
        CategoryTree([loop])
    assert caught.value.ids == ("A",)


def test_the_tree_keeps_the_links_it_was_built_from(tree: CategoryTree) -> None:
    records = [cat("HOME"), cat("DECOR", "HOME")]
    tree = CategoryTree(records)
    records[1].move_to(None)
    assert tree.ancestors(CategoryId("DECOR")) == ["HOME"]
    assert tree.roots == ["HOME"]


def test_an_empty_tree() -> None:
    tree = CategoryTree([])
    assert len(tree) == 0
    assert tree.roots == []
    assert list(tree.walk()) == []


@st.composite
def forests(draw: st.DrawFn) -> list[Category]:
    """Random forests: each node's parent is an earlier node or none, then shuffled."""
    size = draw(st.integers(min_value=1, max_value=30))
    records = []
    for i in range(size):
        parent = draw(st.none() | st.integers(min_value=0, max_value=i - 1)) if i else None
        records.append(cat(f"N{i:02d}", f"N{parent:02d}" if parent is not None else None))
    return draw(st.permutations(records))


@given(forests())
def test_tree_queries_agree_with_each_other(records: list[Category]) -> None:
    tree = CategoryTree(records)
    parents = {c.id: c.parent_id for c in records}
    outline = list(tree.walk())
    assert sorted(c.id for c, _ in outline) == sorted(parents)
    for category, depth in outline:
        id = category.id
        assert tree.depth(id) == depth == len(tree.ancestors(id))
        assert tree.path(id)[-1] == id
        assert tree.path(id)[0] in tree.roots
        for below in tree.descendants(id):
            assert tree.is_within(below, id)
            assert id in tree.ancestors(below)
        assert sorted(tree.descendants(id)) == sorted(
            other for other in parents if other != id and id in tree.ancestors(other)
        )
        assert tree.children(id) == sorted(k for k, p in parents.items() if p == id)


@given(forests(), st.data())
def test_pointing_a_node_at_one_of_its_descendants_is_always_a_cycle(
    records: list[Category], data: st.DataObject
) -> None:
    tree = CategoryTree(records)
    candidates = [c.id for c in records if tree.descendants(c.id)]
    if not candidates:
        return
    moved = data.draw(st.sampled_from(candidates))
    target = data.draw(st.sampled_from(tree.descendants(moved)))
    changed = [cat(c.id, target) if c.id == moved else c for c in records]
    with pytest.raises(RuleError) as caught:
        CategoryTree(changed)
    assert moved in caught.value.ids
    assert target in caught.value.ids
