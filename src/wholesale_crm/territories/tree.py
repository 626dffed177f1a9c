"""The territory tree built from `Territory` records: depth, ancestors, subtrees, moves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.ids import TerritoryId
from wholesale_crm.territories.model import Territory

__all__ = ["TerritoryTree", "check_unassigned"]


class TerritoryTree:
    """A read-only view of territories as a forest, checked as a whole when built.

    Raises (when built):
        ValidationError: a territory names an unknown parent, or two territories share an id.
        RuleError: a cycle (naming the territories on it), one type code with two priorities,
            or one rule id in two territories (naming both).
    """

    def __init__(self, territories: Iterable[Territory]) -> None:
        self._nodes: dict[TerritoryId, Territory] = {}
        for territory in territories:
            if territory.id in self._nodes:
                raise ValidationError.field("id", territory.id, "two territories have this id")
            self._nodes[territory.id] = territory
        self._children: dict[TerritoryId | None, list[TerritoryId]] = {}
        for node in sorted(self._nodes.values(), key=lambda t: t.id):
            if node.parent_id is not None and node.parent_id not in self._nodes:
                raise ValidationError.field(
                    "parent_id", node.parent_id, f"territory {node.id} has an unknown parent"
                )
            self._children.setdefault(node.parent_id, []).append(node.id)
        self._depth: dict[TerritoryId, int] = {}
        for id in sorted(self._nodes):
            self._depth[id] = self._compute_depth(id)
        self._check_types()
        self._check_rule_ids()

    def _compute_depth(self, id: TerritoryId) -> int:
        seen: list[TerritoryId] = []
        current: TerritoryId | None = id
        while current is not None:
            if current in self._depth:
                return self._depth[current] + len(seen)
            if current in seen:
                cycle = seen[seen.index(current) :]
                raise RuleError(f"territory cycle: {' -> '.join([*cycle, current])}", cycle)
            seen.append(current)
            current = self._nodes[current].parent_id
        return len(seen) - 1

    def _check_types(self) -> None:
        priorities: dict[str, tuple[int, TerritoryId]] = {}
        for node in self:
            first = priorities.setdefault(node.type.code, (node.type.priority, node.id))
            if first[0] != node.type.priority:
                raise RuleError(
                    f"territory type {node.type.code!r} has priority {first[0]} on {first[1]} "
                    f"but {node.type.priority} on {node.id}",
                    [first[1], node.id],
                )

    def _check_rule_ids(self) -> None:
        owners: dict[str, TerritoryId] = {}
        for node in self:
            for rule in node.rules:
                owner = owners.setdefault(rule.id, node.id)
                if owner != node.id:
                    raise RuleError(
                        f"rule {rule.id} appears in territories {owner} and {node.id}",
                        [rule.id, owner, node.id],
                    )

    def __contains__(self, id: object) -> bool:
        return id in self._nodes

    def __iter__(self) -> Iterator[Territory]:
        return iter(sorted(self._nodes.values(), key=lambda t: t.id))

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, id: TerritoryId) -> Territory:
        """The territory `id`; `ValidationError` if unknown."""
        try:
            return self._nodes[id]
        except KeyError:
            raise ValidationError.field("territory_id", id, "is not a known territory") from None

    def depth(self, id: TerritoryId) -> int:
        """0 for a top territory, 1 for its children, and so on."""
        self.get(id)
        return self._depth[id]

    def children(self, id: TerritoryId | None) -> list[TerritoryId]:
        """Direct children of `id` (top territories for `None`), ascending id."""
        return list(self._children.get(id, ()))

    def ancestors(self, id: TerritoryId) -> list[TerritoryId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        out: list[TerritoryId] = []
        parent = self.get(id).parent_id
        while parent is not None:
            out.append(parent)
            parent = self._nodes[parent].parent_id
        return out

    def path(self, id: TerritoryId) -> list[TerritoryId]:
        """From the top territory down to `id` itself."""
        return [*reversed(self.ancestors(id)), id]

    def subtree(self, id: TerritoryId) -> list[TerritoryId]:
        """`id` and every territory below it, depth-first in id order."""
        out: list[TerritoryId] = []
        stack = [id]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children(node)))
        return out

    def is_within(self, id: TerritoryId, ancestor: TerritoryId) -> bool:
        """True when `id` is `ancestor` or lies below it."""
        return id == ancestor or ancestor in self.ancestors(id)

    def check_move(self, id: TerritoryId, new_parent_id: TerritoryId | None) -> None:
        """Refuse moving `id` under an unknown territory, itself or one of its descendants.

        Raises:
            ValidationError: `id` or `new_parent_id` is not a known territory.
            RuleError: the move would close a cycle; names both territories.
        """
        self.get(id)
        if new_parent_id is None:
            return
        self.get(new_parent_id)
        if self.is_within(new_parent_id, id):
            raise RuleError(
                f"cannot move territory {id} under {new_parent_id}: it lies within {id}",
                [id, new_parent_id],
            )

    def check_delete(self, id: TerritoryId, assigned: Iterable[object] = ()) -> None:
        """Refuse deleting a territory that still has children or assigned accounts.

        Args:
            id: The territory to delete.
            assigned: The accounts currently assigned to it (from the coverage records).

        Raises:
            RuleError: naming the territory and its children or accounts.
        """
        children = self.children(id)
        self.get(id)
        if children:
            raise RuleError(
                f"territory {id} still has children: {', '.join(children)}", [id, *children]
            )
        check_unassigned(id, assigned)


def check_unassigned(territory_id: TerritoryId, assigned: Iterable[object]) -> None:
    """Refuse removing a territory that accounts are still assigned to.

    Raises:
        RuleError: naming the territory and (up to five of) the accounts.
    """
    accounts = sorted(str(a) for a in assigned)
    if accounts:
        shown = ", ".join(accounts[:5]) + (" ..." if len(accounts) > 5 else "")
        raise RuleError(
            f"territory {territory_id} still has {len(accounts)} account(s): {shown}",
            [territory_id, *accounts],
        )
