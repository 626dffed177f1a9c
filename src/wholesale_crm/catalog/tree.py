"""The category tree built from `Category` records: depth, ancestors, descendants, cycles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wholesale_crm.catalog.model import Category
from wholesale_crm.errors import RuleError, ValidationError
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
        self._nodes: dict[CategoryId, Category] = {}
        for category in categories:
            if category.id in self._nodes:
                raise ValidationError.field("id", category.id, "is listed twice in the tree")
            self._nodes[category.id] = category
        self._nodes = dict(sorted(self._nodes.items()))
        self._parent: dict[CategoryId, CategoryId | None] = {
            id: node.parent_id for id, node in self._nodes.items()
        }
        self._children: dict[CategoryId | None, list[CategoryId]] = {}
        for id, parent in self._parent.items():
            if parent is not None and parent not in self._nodes:
                raise ValidationError.field(
                    "parent_id", parent, f"category {id} has an unknown parent"
                )
            self._children.setdefault(parent, []).append(id)
        self._depth: dict[CategoryId, int] = {}
        for id in self._nodes:
            self._settle_depth(id)

    def _settle_depth(self, id: CategoryId) -> None:
        """Walk up from `id` to a node of known depth (or the top) and fill in the path."""
        path: list[CategoryId] = []
        on_path: set[CategoryId] = set()
        current: CategoryId | None = id
        while current is not None and current not in self._depth:
            if current in on_path:
                cycle = path[path.index(current) :]
                # Start the cycle at its smallest id so the message does not depend on input order.
                start = cycle.index(min(cycle))
                cycle = cycle[start:] + cycle[:start]
                chain = " -> ".join([*cycle, cycle[0]])
                raise RuleError(f"category cycle: {chain} (each under the next)", cycle)
            path.append(current)
            on_path.add(current)
            current = self._parent[current]
        depth = -1 if current is None else self._depth[current]
        for node in reversed(path):
            depth += 1
            self._depth[node] = depth

    def __contains__(self, id: object) -> bool:
        return id in self._nodes

    def __iter__(self) -> Iterator[Category]:
        """Every category, ascending id."""
        return iter(self._nodes.values())

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, id: CategoryId) -> Category:
        """The category `id`; `ValidationError` if unknown."""
        try:
            return self._nodes[id]
        except KeyError:
            raise ValidationError.field("category_id", id, "is not a known category") from None

    def depth(self, id: CategoryId) -> int:
        """0 for a top category, 1 for its children, and so on."""
        self.get(id)
        return self._depth[id]

    @property
    def roots(self) -> list[CategoryId]:
        """The top categories, ascending id."""
        return list(self._children.get(None, ()))

    def children(self, id: CategoryId) -> list[CategoryId]:
        """Direct children of `id`, ascending id."""
        self.get(id)
        return list(self._children.get(id, ()))

    def ancestors(self, id: CategoryId) -> list[CategoryId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        self.get(id)
        out: list[CategoryId] = []
        parent = self._parent[id]
        while parent is not None:
            out.append(parent)
            parent = self._parent[parent]
        return out

    def path(self, id: CategoryId) -> list[CategoryId]:
        """From the top category down to `id` itself."""
        return [*reversed(self.ancestors(id)), id]

    def descendants(self, id: CategoryId) -> list[CategoryId]:
        """Every category below `id` (not `id` itself), depth-first in id order."""
        self.get(id)
        return [node for node, _ in self._walk(self._children.get(id, ()), 1)]

    def is_within(self, id: CategoryId, ancestor: CategoryId) -> bool:
        """True when `id` is `ancestor` or lies below it."""
        self.get(ancestor)
        return id == ancestor or ancestor in self.ancestors(id)

    def walk(self) -> Iterator[tuple[Category, int]]:
        """Every category with its depth, depth-first from the top, children in id order.

        The order of an indented outline: each category comes right after its parent.
        """
        for id, depth in self._walk(self.roots, 0):
            yield self._nodes[id], depth

    def _walk(self, start: Iterable[CategoryId], depth: int) -> Iterator[tuple[CategoryId, int]]:
        stack = [(id, depth) for id in reversed(list(start))]
        while stack:
            node, level = stack.pop()
            yield node, level
            stack.extend((child, level + 1) for child in reversed(self._children.get(node, ())))
