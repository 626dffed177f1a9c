"""The territory tree built from `Territory` records: depth, ancestors, subtrees, moves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wholesale_crm.errors import RuleError
from wholesale_crm.forest import Forest
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
        self._forest: Forest[TerritoryId, Territory] = Forest(
            territories,
            id_of=lambda t: t.id,
            parent_of=lambda t: t.parent_id,
            kind="territory",
            duplicate_message="two territories have this id",
        )
        self._check_types()
        self._check_rule_ids()

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
        return id in self._forest

    def __iter__(self) -> Iterator[Territory]:
        return iter(self._forest)

    def __len__(self) -> int:
        return len(self._forest)

    def get(self, id: TerritoryId) -> Territory:
        """The territory `id`; `ValidationError` if unknown."""
        return self._forest.get(id)

    def depth(self, id: TerritoryId) -> int:
        """0 for a top territory, 1 for its children, and so on."""
        return self._forest.depth(id)

    def children(self, id: TerritoryId | None) -> list[TerritoryId]:
        """Direct children of `id` (top territories for `None`), ascending id; none if unknown."""
        if id is None:
            return self._forest.roots
        return self._forest.children(id) if id in self else []

    def ancestors(self, id: TerritoryId) -> list[TerritoryId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        return self._forest.ancestors(id)

    def path(self, id: TerritoryId) -> list[TerritoryId]:
        """From the top territory down to `id` itself."""
        return self._forest.path(id)

    def subtree(self, id: TerritoryId) -> list[TerritoryId]:
        """`id` and every territory below it, depth-first in id order (just `id` if unknown)."""
        return self._forest.subtree(id) if id in self else [id]

    def is_within(self, id: TerritoryId, ancestor: TerritoryId) -> bool:
        """True when `id` is `ancestor` or lies below it (never below an unknown `ancestor`)."""
        # Unlike `Forest.is_within`, an unknown `ancestor` is an answer (False), not an error.
        return id == ancestor or ancestor in self._forest.ancestors(id)

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
