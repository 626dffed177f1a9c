"""Account hierarchies: head offices and buying groups over their members, and roll-ups.

A parent link points from a member up to its head office or buying group. `check_parent` is
the one cycle check, used both over a loaded `Hierarchy` and by the services over the stored
accounts (it only needs a way to look up an account's parent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from wholesale_crm import forest
from wholesale_crm.accounts.model import Account
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
    forest.check_parent(account_id, parent_id, parent_of, kind="account")


class Hierarchy:
    """A read-only view of accounts as a forest of parents and children.

    Building it checks the whole forest: a parent that is not among the accounts raises
    `ValidationError`, a cycle raises `RuleError` naming the accounts on it.
    """

    def __init__(self, accounts: Iterable[Account]) -> None:
        # A later record with the same id replaces an earlier one, as it always has here.
        latest = {a.id: a for a in accounts}
        self._forest: forest.Forest[AccountId, Account] = forest.Forest(
            latest.values(), id_of=lambda a: a.id, parent_of=lambda a: a.parent_id, kind="account"
        )

    def __contains__(self, id: object) -> bool:
        return id in self._forest

    def __iter__(self) -> Iterator[Account]:
        return iter(self._forest)

    def __len__(self) -> int:
        return len(self._forest)

    def get(self, id: AccountId) -> Account:
        """The account `id`; `ValidationError` if it is not in the hierarchy."""
        return self._forest.get(id)

    def check_parent(self, id: AccountId, parent_id: AccountId | None) -> None:
        """Check that `id` may move under `parent_id`; see the module's `check_parent`."""
        self._forest.check_parent(id, parent_id)

    def roots(self) -> list[AccountId]:
        """Top-level accounts (no parent), ascending id."""
        return self._forest.roots

    def children(self, id: AccountId) -> list[AccountId]:
        """Direct children of `id`, ascending id."""
        return self._forest.children(id)

    def ancestors(self, id: AccountId) -> list[AccountId]:
        """The parent, grandparent, ... up to the top, nearest first."""
        return self._forest.ancestors(id)

    def root(self, id: AccountId) -> AccountId:
        """The top-level account above `id` (`id` itself when it has no parent)."""
        return self._forest.path(id)[0]

    def descendants(self, id: AccountId) -> list[AccountId]:
        """Everything below `id`, depth first, children in ascending id order."""
        return self._forest.descendants(id)

    def members(self, id: AccountId) -> list[AccountId]:
        """The whole group of `id`: its root first, then every account below the root."""
        return self._forest.subtree(self.root(id))

    def depth(self, id: AccountId) -> int:
        """0 for a top-level account, 1 for its children, and so on."""
        return self._forest.depth(id)

    def walk(self, id: AccountId) -> Iterator[tuple[int, Account]]:
        """`(depth below id, account)` for `id` and its subtree, depth first (to print trees)."""
        return ((depth, account) for account, depth in self._forest.walk_from(id))

    def total(self, id: AccountId, figures: Mapping[AccountId, Money], *, currency: str) -> Money:
        """Sum a per-account figure (revenue, exposure) over `id` and everything below it.

        Accounts missing from `figures` count as zero, so the result is `Money.zero(currency)`
        when none has a figure. Figures in another currency raise `CurrencyMismatch`.
        """
        subtree = self._forest.subtree(id)
        return sum((figures[a] for a in subtree if a in figures), Money.zero(currency))
