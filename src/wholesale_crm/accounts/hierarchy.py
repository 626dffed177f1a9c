"""Account hierarchies: head offices and buying groups over their members, and roll-ups.

A parent link points from a member up to its head office or buying group. `check_parent` is
the one cycle check, used both over a loaded `Hierarchy` and by the services over the stored
accounts (it only needs a way to look up an account's parent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money

__all__ = ["Hierarchy", "check_parent"]

ParentOf = Callable[[AccountId], AccountId | None]
"""Looks up the parent of an account; raises `KeyError` (or `LookupError`) for an unknown id."""


def check_parent(account_id: AccountId, parent_id: AccountId | None, parent_of: ParentOf) -> None:
    """Check that `account_id` may be put under `parent_id`.

    Walks up from the proposed parent; reaching `account_id` again would close a cycle.

    Args:
        account_id: The account that would move.
        parent_id: The proposed parent; `None` (top level) is always fine.
        parent_of: Returns the current parent of an account; raises `LookupError` for an
            unknown id.

    Raises:
        ValidationError: `parent_id` is not a known account (field `parent_id`).
        RuleError: the move would make a cycle; `ids` lists the accounts on it, starting with
            `account_id`.
    """
    if parent_id is None:
        return
    if parent_id == account_id:
        raise RuleError(f"account cycle: {account_id} -> {account_id}", [account_id])
    try:
        above = parent_of(parent_id)
    except LookupError:
        raise ValidationError.field("parent_id", parent_id, "is not a known account") from None
    path = [account_id, parent_id]
    while above is not None:
        if above == account_id:
            raise RuleError(f"account cycle: {' -> '.join([*path, account_id])}", path)
        if above in path:  # a cycle already stored above us: say where it is
            cycle = path[path.index(above) :]
            raise RuleError(f"account cycle: {' -> '.join([*cycle, above])}", cycle)
        path.append(above)
        above = parent_of(above)


class Hierarchy:
    """A read-only view of accounts as a forest of parents and children.

    Building it checks the whole forest: a parent that is not among the accounts raises
    `ValidationError`, a cycle raises `RuleError` naming the accounts on it.
    """

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._accounts: dict[AccountId, Account] = {a.id: a for a in accounts}
        self._children: dict[AccountId | None, list[AccountId]] = {}
        for id in sorted(self._accounts):
            parent = self._accounts[id].parent_id
            if parent is not None and parent not in self._accounts:
                raise ValidationError.field(
                    "parent_id", parent, f"account {id} has an unknown parent"
                )
            self._children.setdefault(parent, []).append(id)
        for id in self._accounts:
            check_parent(id, self._accounts[id].parent_id, self._parent_of)

    def _parent_of(self, id: AccountId) -> AccountId | None:
        return self._accounts[id].parent_id

    def __contains__(self, id: object) -> bool:
        return id in self._accounts

    def __iter__(self) -> Iterator[Account]:
        return (self._accounts[id] for id in sorted(self._accounts))

    def __len__(self) -> int:
        return len(self._accounts)

    def get(self, id: AccountId) -> Account:
        """The account `id`; `ValidationError` if it is not in the hierarchy."""
        try:
            return self._accounts[id]
        except KeyError:
            raise ValidationError.field("account_id", id, "is not a known account") from None

    def check_parent(self, id: AccountId, parent_id: AccountId | None) -> None:
        """Check that `id` may move under `parent_id`; see the module's `check_parent`."""
        self.get(id)
        check_parent(id, parent_id, self._parent_of)

    def roots(self) -> list[AccountId]:
        """Top-level accounts (no parent), ascending id."""
        return list(self._children.get(None, ()))

    def children(self, id: AccountId) -> list[AccountId]:
        """Direct children of `id`, ascending id."""
        self.get(id)
        return list(self._children.get(id, ()))

    def ancestors(self, id: AccountId) -> list[AccountId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        out: list[AccountId] = []
        parent = self.get(id).parent_id
        while parent is not None:
            out.append(parent)
            parent = self._accounts[parent].parent_id
        return out

    def root(self, id: AccountId) -> AccountId:
        """The top-level account above `id` (`id` itself when it has no parent)."""
        ancestors = self.ancestors(id)
        return ancestors[-1] if ancestors else id

    def descendants(self, id: AccountId) -> list[AccountId]:
        """Everything below `id`, depth first, children in ascending id order."""
        out: list[AccountId] = []
        stack = list(reversed(self.children(id)))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return out

    def members(self, id: AccountId) -> list[AccountId]:
        """The whole group of `id`: its root first, then every account below the root."""
        root = self.root(id)
        return [root, *self.descendants(root)]

    def depth(self, id: AccountId) -> int:
        """0 for a top-level account, 1 for its children, and so on."""
        return len(self.ancestors(id))

    def walk(self, id: AccountId) -> Iterator[tuple[int, Account]]:
        """`(depth below id, account)` for `id` and its subtree, depth first (to print trees)."""
        yield 0, self.get(id)
        base = self.depth(id)
        for below in self.descendants(id):
            yield self.depth(below) - base, self._accounts[below]

    def total(self, id: AccountId, figures: Mapping[AccountId, Money], *, currency: str) -> Money:
        """Sum a per-account figure (revenue, exposure) over `id` and everything below it.

        Accounts missing from `figures` count as zero, so the result is `Money.zero(currency)`
        when none has a figure. Figures in another currency raise `CurrencyMismatch`.
        """
        subtree = [id, *self.descendants(id)]
        return sum((figures[a] for a in subtree if a in figures), Money.zero(currency))
