"""Visibility: which accounts a user may see and change on a date.

A user reaches an account through:

- a territory where they hold a role (owner, overlay, inside sales) and the account is in;
- the subtree of a territory they manage (`CoverageRole.MANAGER`);
- the account's team.

Everything is read on a date, from the effective-dated records, so access follows realignments
and rep changes the day they take effect.
"""

from __future__ import annotations

from datetime import date

from wholesale_crm.errors import AccessDenied
from wholesale_crm.ids import AccountId, TerritoryId, UserId
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.model import CoverageRole
from wholesale_crm.territories.tree import TerritoryTree

__all__ = ["Visibility"]


class Visibility:
    """Answers 'may this user see or change this account?' from the tree and the coverage.

    Args:
        tree: The current territory tree (for managers' subtrees).
        coverage: The coverage records.
    """

    def __init__(self, tree: TerritoryTree, coverage: Coverage) -> None:
        self.tree = tree
        self.coverage = coverage

    def territories_of(self, user_id: UserId, on: date) -> set[TerritoryId]:
        """Territories whose accounts `user_id` reaches on `on`: their own and managed subtrees."""
        reached = set(self.coverage.territories_of(user_id, on))
        for managed in self.coverage.territories_of(user_id, on, CoverageRole.MANAGER):
            reached.update(self.tree.subtree(managed) if managed in self.tree else [managed])
        return reached

    def accounts_of(self, user_id: UserId, on: date) -> list[AccountId]:
        """Every account `user_id` may see and change on `on`, ascending id."""
        found = set(self.coverage.team_accounts(user_id, on))
        for territory in self.territories_of(user_id, on):
            found.update(self.coverage.accounts_in(territory, on))
        return sorted(found)

    def can_access(self, user_id: UserId, account_id: AccountId, on: date) -> bool:
        """True when `user_id` may see and change `account_id` on `on`."""
        if any(m.user_id == user_id for m in self.coverage.team_of(account_id, on)):
            return True
        records = self.coverage.account(account_id).territories
        territories = {r.territory_id for r in records if r.valid.contains(on)}
        return not territories.isdisjoint(self.territories_of(user_id, on))

    def check(self, user_id: UserId, account_id: AccountId, on: date) -> None:
        """Raise `AccessDenied` unless `user_id` may see and change `account_id` on `on`."""
        if not self.can_access(user_id, account_id, on):
            raise AccessDenied(user_id, "account", account_id)
