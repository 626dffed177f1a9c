"""The category tree built from `Category` records: depth, ancestors, descendants, cycles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wholesale_crm.catalog.model import Category
from wholesale_crm.forest import Forest
from wholesale_crm.ids import CategoryId

__all__ = ["CategoryTree"]


class CategoryTree:
    """A read-only view of categories as a forest.

    Building it checks the whole tree: a repeated id or an unknown parent raises
    `ValidationError`, a cycle raises `RuleError` naming the categories on it (the same cycle
    whatever the order of the input). The tree keeps the parent links it was built from, so
    changing a `Category` object afterwards does not change the tree: build a new one.

    Every query taking an id raises `ValidationError` when the id is not in the tree.
    """

    def __init__(self, categories: Iterable[Category]) -> None:
        self._forest: Forest[CategoryId, Category] = Forest(
            categories,
            id_of=lambda c: c.id,
            parent_of=lambda c: c.parent_id,
            kind="category",
            cycle_note=" (each under the next)",
        )

    def __contains__(self, id: object) -> bool:
        return id in self._forest

    def __iter__(self) -> Iterator[Category]:
        """Every category, ascending id."""
        return iter(self._forest)

    def __len__(self) -> int:
        return len(self._forest)

    def get(self, id: CategoryId) -> Category:
        """The category `id`; `ValidationError` if unknown."""
        return self._forest.get(id)

    def depth(self, id: CategoryId) -> int:
        """0 for a top category, 1 for its children, and so on."""
        return self._forest.depth(id)

    @property
    def roots(self) -> list[CategoryId]:
        """The top categories, ascending id."""
        return self._forest.roots

    def children(self, id: CategoryId) -> list[CategoryId]:
        """Direct children of `id`, ascending id."""
        return self._forest.children(id)

    def ancestors(self, id: CategoryId) -> list[CategoryId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        return self._forest.ancestors(id)

    def path(self, id: CategoryId) -> list[CategoryId]:
        """From the top category down to `id` itself."""
        return self._forest.path(id)

    def descendants(self, id: CategoryId) -> list[CategoryId]:
        """Every category below `id` (not `id` itself), depth-first in id order."""
        return self._forest.descendants(id)

    def is_within(self, id: CategoryId, ancestor: CategoryId) -> bool:
        """True when `id` is `ancestor` or lies below it."""
        return self._forest.is_within(id, ancestor)

    def walk(self) -> Iterator[tuple[Category, int]]:
        """Every category with its depth, depth-first from the top, children in id order.

        The order of an indented outline: each category comes right after its parent.
        """
        return self._forest.walk()
