"""Who covered which account when: answers from the effective-dated coverage records.

Two histories meet here: account -> territory (`AccountCoverage`) and territory -> people
(`TerritoryStaff`). `Coverage` reads both for any past or future date::

    coverage = Coverage(staff, account_coverage)
    coverage.owner_of("ACC-1", on=date(2025, 3, 31))
    coverage.history("ACC-1")   # spans of (territory, owner), each with its [from, to)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from wholesale_crm.ids import AccountId, SiteId, TerritoryId, UserId
from wholesale_crm.periods import DateRange
from wholesale_crm.territories.model import (
    AccountCoverage,
    AssignmentSource,
    CoverageRole,
    TeamMember,
    TerritoryAssignment,
    TerritoryStaff,
)

__all__ = ["Coverage", "CoverageSpan"]


@attrs.frozen
class CoverageSpan:
    """During `valid`, the account (or its site) was in `territory_id`, owned by `owner_id`.

    `owner_id` is `None` for stretches when the territory had no owner.
    """

    valid: DateRange
    territory_id: TerritoryId
    owner_id: UserId | None
    site_id: SiteId | None = None
    source: AssignmentSource = AssignmentSource.RULE

    def __str__(self) -> str:
        who = self.owner_id or "no owner"
        where = f" site {self.site_id}" if self.site_id else ""
        return f"{self.valid}{where}: {self.territory_id}, {who}"


def _lo(day: date | None) -> date:
    return day if day is not None else date.min


def _hi(day: date | None) -> date:
    return day if day is not None else date.max


def _range(start: date, end: date) -> DateRange:
    return DateRange(None if start == date.min else start, None if end == date.max else end)


class Coverage:
    """A read-only view over staff and account coverage records.

    Args:
        staff: The people on each territory over time.
        accounts: Each account's territory history and team.
    """

    def __init__(
        self, staff: Iterable[TerritoryStaff], accounts: Iterable[AccountCoverage]
    ) -> None:
        self._staff = {s.id: s for s in staff}
        self._accounts = {a.id: a for a in accounts}
        self._by_territory: dict[TerritoryId, list[tuple[AccountId, TerritoryAssignment]]] = {}
        self._by_member: dict[UserId, set[AccountId]] = {}
        for account in self._accounts.values():
            for record in account.territories:
                self._by_territory.setdefault(record.territory_id, []).append((account.id, record))
            for member in account.team:
                self._by_member.setdefault(member.user_id, set()).add(account.id)

    def account(self, account_id: AccountId) -> AccountCoverage:
        """The coverage records of `account_id` (empty ones when it has none)."""
        return self._accounts.get(account_id) or AccountCoverage(account_id)

    def holder(
        self, territory_id: TerritoryId, role: CoverageRole | str, on: date
    ) -> UserId | None:
        """Who holds `role` on `territory_id` on `on`."""
        staff = self._staff.get(territory_id)
        return staff.holder(role, on) if staff is not None else None

    def territory_of(
        self, account_id: AccountId, on: date, site_id: SiteId | None = None
    ) -> TerritoryId | None:
        """The territory of the account (or its site) on `on`."""
        record = self.account(account_id).territory_on(on, site_id)
        return record.territory_id if record is not None else None

    def owner_of(
        self, account_id: AccountId, on: date, site_id: SiteId | None = None
    ) -> UserId | None:
        """The owner of the account's territory on `on` (for a site, pass `site_id`)."""
        territory = self.territory_of(account_id, on, site_id)
        return self.holder(territory, CoverageRole.OWNER, on) if territory else None

    def territories_of(
        self, rep_id: UserId, on: date, role: CoverageRole | None = None
    ) -> list[TerritoryId]:
        """Territories where `rep_id` holds `role` (any role when `None`) on `on`, ascending."""
        return sorted(
            t
            for t, staff in self._staff.items()
            if (roles := staff.roles_of(rep_id, on)) and (role is None or role in roles)
        )

    def accounts_in(self, territory_id: TerritoryId, on: date) -> list[AccountId]:
        """Accounts with the account or one of its sites in `territory_id` on `on`."""
        return sorted(
            {a for a, r in self._by_territory.get(territory_id, ()) if r.valid.contains(on)}
        )

    def accounts_of(
        self, rep_id: UserId, on: date, role: CoverageRole | None = None
    ) -> list[AccountId]:
        """Accounts covered by `rep_id` on `on` through the territories where they hold `role`.

        With `role=None`, any role counts. Account teams are not included: see `team_of`.
        """
        found: set[AccountId] = set()
        for territory in self.territories_of(rep_id, on, role):
            found.update(self.accounts_in(territory, on))
        return sorted(found)

    def team_of(self, account_id: AccountId, on: date) -> list[TeamMember]:
        """The account team on `on`, by user id."""
        return self.account(account_id).team_on(on)

    def team_accounts(self, user_id: UserId, on: date) -> list[AccountId]:
        """Accounts whose team `user_id` is on, on `on`."""
        return sorted(
            a
            for a in self._by_member.get(user_id, ())
            if any(m.user_id == user_id for m in self.team_of(a, on))
        )

    def history(self, account_id: AccountId) -> list[CoverageSpan]:
        """Every stretch of territory and owner the account (and its sites) went through.

        Spans follow each other by site (account-wide first), then date; a territory record
        is cut wherever its owner changed, and stretches without an owner say so.
        """
        spans: list[CoverageSpan] = []
        for record in self.account(account_id).territories:
            start, end = _lo(record.valid.start), _hi(record.valid.end)
            staff = self._staff.get(record.territory_id)
            owners = [r for r in staff.reps if r.role == CoverageRole.OWNER] if staff else []
            cursor = start
            for owner in sorted(owners, key=lambda r: _lo(r.valid.start)):
                lo, hi = max(start, _lo(owner.valid.start)), min(end, _hi(owner.valid.end))
                if lo >= hi:
                    continue
                if cursor < lo:
                    spans.append(self._span(record, cursor, lo, None))
                spans.append(self._span(record, lo, hi, owner.rep_id))
                cursor = hi
            if cursor < end:
                spans.append(self._span(record, cursor, end, None))
        return spans

    @staticmethod
    def _span(
        record: TerritoryAssignment, start: date, end: date, owner: UserId | None
    ) -> CoverageSpan:
        return CoverageSpan(
            _range(start, end), record.territory_id, owner, record.site_id, record.source
        )
