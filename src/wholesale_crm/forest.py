"""A forest of records linked to their parents by id: depth, ancestors, subtrees and cycles.

Categories, territories and account hierarchies are all records naming a parent by id.
`Forest` is the one implementation of the structure they share; `check_parent` is the one
cycle check for a proposed move, usable over any way of looking a parent up (a loaded
`Forest`, or stored records).

A cycle is always reported the same way: a `RuleError` whose `ids` list the nodes on the cycle,
each under the next, starting from the node being placed when it lies on the cycle (the node
that would move, or the node whose links are being checked), otherwise from the cycle's
smallest id. Checking a forest places its nodes in ascending id order, so the cycle it reports
starts at its smallest id whatever the order of the input.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from typing import Generic, TypeVar

from wholesale_crm.errors import RuleError, ValidationError

__all__ = ["Forest", "check_parent"]

K = TypeVar("K", bound=str)
N = TypeVar("N")


def check_parent(
    id: K,
    parent_id: K | None,
    parent_of: Callable[[K], K | None],
    *,
    kind: str = "node",
    cycle_note: str = "",
) -> None:
    """Check that `id` may be put under `parent_id`.

    Walks up from the proposed parent; reaching `id` again would close a cycle.

    Args:
        id: The node that would move.
        parent_id: The proposed parent; `None` (top level) is always fine.
        parent_of: Returns the current parent of a node; raises `LookupError` for an unknown id.
        kind: What the nodes are, for messages (`"account"`).
        cycle_note: Appended to the message of a cycle.

    Raises:
        ValidationError: `parent_id` is not a known node (field `parent_id`).
        RuleError: the move would make a cycle, or the chain above `parent_id` already loops;
            `ids` lists the nodes on the cycle (see the module docstring for the order).
    """
    if parent_id is None:
        return
    path = [id]
    above: K | None = parent_id
    if parent_id != id:
        # Only the proposed parent may be unknown here: that is bad input, not a broken chain.
        try:
            above = parent_of(parent_id)
        except LookupError:
            raise ValidationError.field("parent_id", parent_id, f"is not a known {kind}") from None
        path.append(parent_id)
    _climb(path, above, parent_of, (), kind, cycle_note)


def _climb(
    path: list[K],
    current: K | None,
    parent_of: Callable[[K], K | None],
    settled: Container[K],
    kind: str,
    cycle_note: str,
) -> K | None:
    """Extend `path` upwards from `current` to the top or a `settled` node, and return that node.

    `path[0]` is the node being placed; `path` must already be a chain, each under the next.

    Raises:
        RuleError: the chain reaches a node already on `path`.
    """
    on_path = set(path)
    while current is not None and current not in settled:
        if current in on_path:
            cycle = path[path.index(current) :]
            if cycle[0] != path[0]:
                start = cycle.index(min(cycle))
                cycle = cycle[start:] + cycle[:start]
            chain = " -> ".join([*cycle, cycle[0]])
            raise RuleError(f"{kind} cycle: {chain}{cycle_note}", cycle)
        path.append(current)
        on_path.add(current)
        current = parent_of(current)
    return current


class Forest(Generic[K, N]):
    """A read-only forest of nodes, each naming its parent by id, checked as a whole when built.

    The forest keeps the parent links it was built from, so changing a node afterwards does
    not change the forest: build a new one. Lists of ids come in ascending id order; every
    query taking an id raises `ValidationError` (field `<kind>_id`) when it is not in the forest.

    Args:
        nodes: The nodes, in any order.
        id_of: The id of a node.
        parent_of: The id of a node's parent, `None` at the top.
        kind: What the nodes are, for messages and field names (`"category"`).
        duplicate_message: The message when two nodes share an id.
        cycle_note: Appended to the message of a cycle.

    Raises:
        ValidationError: two nodes share an id (field `id`, in input order), or a node names an
            unknown parent (field `parent_id`, the first such node by id).
        RuleError: the parent links loop; names the nodes on the loop (see the module docstring).
    """

    def __init__(
        self,
        nodes: Iterable[N],
        *,
        id_of: Callable[[N], K],
        parent_of: Callable[[N], K | None],
        kind: str = "node",
        duplicate_message: str = "is listed twice in the tree",
        cycle_note: str = "",
    ) -> None:
        self._kind = kind
        self._cycle_note = cycle_note
        by_id: dict[K, N] = {}
        for node in nodes:
            id = id_of(node)
            if id in by_id:
                raise ValidationError.field("id", id, duplicate_message)
            by_id[id] = node
        self._nodes = dict(sorted(by_id.items()))
        self._parent = {id: parent_of(node) for id, node in self._nodes.items()}
        self._children: dict[K | None, list[K]] = {}
        for id, parent in self._parent.items():
            if parent is not None and parent not in self._nodes:
                raise ValidationError.field(
                    "parent_id", parent, f"{kind} {id} has an unknown parent"
                )
            self._children.setdefault(parent, []).append(id)
        self._depth: dict[K, int] = {}
        for id in self._nodes:
            self._settle_depth(id)

    def _settle_depth(self, id: K) -> None:
        """Walk up from `id` to a node of known depth (or the top) and fill in the chain."""
        if id in self._depth:
            return
        path = [id]
        top = _climb(
            path,
            self._parent[id],
            self._parent.__getitem__,
            self._depth,
            self._kind,
            self._cycle_note,
        )
        depth = -1 if top is None else self._depth[top]
        for node in reversed(path):
            depth += 1
            self._depth[node] = depth

    def __contains__(self, id: object) -> bool:
        return id in self._nodes

    def __iter__(self) -> Iterator[N]:
        """Every node, ascending id."""
        return iter(self._nodes.values())

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, id: K) -> N:
        """The node `id`; `ValidationError` if unknown."""
        try:
            return self._nodes[id]
        except KeyError:
            raise ValidationError.field(
                f"{self._kind}_id", id, f"is not a known {self._kind}"
            ) from None

    def parent(self, id: K) -> K | None:
        """The parent of `id`, `None` at the top."""
        self.get(id)
        return self._parent[id]

    def depth(self, id: K) -> int:
        """0 for a top node, 1 for its children, and so on."""
        self.get(id)
        return self._depth[id]

    @property
    def roots(self) -> list[K]:
        """The top nodes, ascending id."""
        return list(self._children.get(None, ()))

    def children(self, id: K) -> list[K]:
        """Direct children of `id`, ascending id."""
        self.get(id)
        return list(self._children.get(id, ()))

    def ancestors(self, id: K) -> list[K]:
        """The parent, grandparent, ... up to the top, nearest first."""
        out: list[K] = []
        parent = self.parent(id)
        while parent is not None:
            out.append(parent)
            parent = self._parent[parent]
        return out

    def path(self, id: K) -> list[K]:
        """From the top node down to `id` itself."""
        return [*reversed(self.ancestors(id)), id]

    def descendants(self, id: K) -> list[K]:
        """Every node below `id` (not `id` itself), depth-first, children in id order."""
        return [node for node, _ in self._preorder(self.children(id), 1)]

    def subtree(self, id: K) -> list[K]:
        """`id` and every node below it, depth-first, children in id order."""
        return [id, *self.descendants(id)]

    def is_within(self, id: K, ancestor: K) -> bool:
        """True when `id` is `ancestor` or lies below it."""
        self.get(ancestor)
        return id == ancestor or ancestor in self.ancestors(id)

    def walk(self) -> Iterator[tuple[N, int]]:
        """Every node with its depth, depth-first from the roots, children in id order.

        The order of an indented outline: each node comes right after its parent.
        """
        for id, depth in self._preorder(self.roots, 0):
            yield self._nodes[id], depth

    def walk_from(self, top: K) -> Iterator[tuple[N, int]]:
        """`top` and the nodes below it with their depth below `top`, in the order of `walk`."""
        self.get(top)
        for id, depth in self._preorder([top], 0):
            yield self._nodes[id], depth

    def check_parent(self, id: K, parent_id: K | None) -> None:
        """Check that `id` may move under `parent_id`; see the module's `check_parent`."""
        self.get(id)
        check_parent(
            id, parent_id, self._parent.__getitem__, kind=self._kind, cycle_note=self._cycle_note
        )

    def _preorder(self, start: Iterable[K], depth: int) -> Iterator[tuple[K, int]]:
        stack = [(id, depth) for id in reversed(list(start))]
        while stack:
            node, level = stack.pop()
            yield node, level
            stack.extend((child, level + 1) for child in reversed(self._children.get(node, ())))
