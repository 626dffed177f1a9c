"""Territories and their effective-dated coverage records.

- `Territory`: a node of the tree with a type (whose priority breaks ties), assignment rules,
  and manual assignments and exclusions that re-running the rules never overrides.
- `TerritoryStaff`: who holds which role (owner, overlay, inside sales, manager) on a territory,
  each for a half-open `[from, to)` validity; one holder per role at any date.
- `AccountCoverage`: which territory an account (or each of its ship-to sites) was assigned to,
  over time, and the account's team.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import Protocol, TypeVar

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, SiteId, TerritoryId, UserId
from wholesale_crm.periods import DateRange
from wholesale_crm.territories.rules import Rule
from wholesale_crm.validation import enum_value, non_blank

__all__ = [
    "DISTRICT",
    "KEY_ACCOUNTS",
    "REGION",
    "AccountCoverage",
    "AccountReassigned",
    "AssignmentSource",
    "CoverageRole",
    "RepAssigned",
    "RepAssignment",
    "TeamMember",
    "Territory",
    "TerritoryAssignment",
    "TerritoryMoved",
    "TerritoryStaff",
    "TerritoryType",
]


class CoverageRole(enum.StrEnum):
    """The part a person plays on a territory or an account team."""

    OWNER = "owner"
    OVERLAY = "overlay"
    INSIDE_SALES = "inside_sales"
    MANAGER = "manager"
    """Sees and changes every account in the territory's subtree."""


class AssignmentSource(enum.StrEnum):
    """Why an account is in a territory: the rules put it there, or a person did."""

    RULE = "rule"
    MANUAL = "manual"


def _to_role(value: object) -> CoverageRole:
    return enum_value(CoverageRole, value, "role")


def _to_source(value: object) -> AssignmentSource:
    return enum_value(AssignmentSource, value, "source")


@attrs.frozen
class TerritoryType:
    """A kind of territory; among equally deep matches, the higher `priority` wins."""

    code: str = attrs.field(validator=non_blank)
    priority: int = 0


REGION = TerritoryType("region", 10)
"""A geographical region."""
DISTRICT = TerritoryType("district", 20)
"""A geographical district inside a region."""
KEY_ACCOUNTS = TerritoryType("key_accounts", 100)
"""A key-account team: wins over a district of the same depth."""


# -- events ---------------------------------------------------------------------------------


@attrs.frozen
class TerritoryMoved(Event):
    """A territory (with its subtree) got a new parent."""

    territory_id: TerritoryId
    old_parent_id: TerritoryId | None
    new_parent_id: TerritoryId | None


@attrs.frozen
class RepAssigned(Event):
    """A person took a role on a territory for a validity range."""

    territory_id: TerritoryId
    rep_id: UserId
    role: CoverageRole
    valid: DateRange


@attrs.frozen
class AccountReassigned(Event):
    """An account (or one of its sites) moved territory from `effective` on."""

    account_id: AccountId
    site_id: SiteId | None
    old_territory_id: TerritoryId | None
    new_territory_id: TerritoryId | None
    effective: date


# -- territory --------------------------------------------------------------------------------


@attrs.define(eq=False)
class Territory(Aggregate):
    """A node of the territory tree with its assignment rules.

    An account matches the territory when any of its `rules` holds and, for every ancestor
    with inherited rules, one of those holds too. A territory without rules of its own is a
    container and matches nothing by rule. `manual_accounts` are assigned here whatever the
    rules say; `excluded_accounts` are never assigned here by rule.
    """

    kind = "territory"

    id: TerritoryId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    type: TerritoryType = REGION
    parent_id: TerritoryId | None = None
    rules: list[Rule] = attrs.Factory(list)
    manual_accounts: list[AccountId] = attrs.Factory(list)
    excluded_accounts: list[AccountId] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        if self.parent_id == self.id:
            raise ValidationError.field("parent_id", self.parent_id, "cannot be its own parent")
        _check_unique([r.id for r in self.rules], "rules", f"rule ids of territory {self.id}")
        self.manual_accounts = sorted(set(self.manual_accounts))
        self.excluded_accounts = sorted(set(self.excluded_accounts))
        both = set(self.manual_accounts) & set(self.excluded_accounts)
        if both:
            raise ValidationError.field(
                "excluded_accounts",
                sorted(both),
                f"accounts cannot be both assigned to and excluded from territory {self.id}",
            )

    def move_to(self, parent_id: TerritoryId | None) -> None:
        """Hang the territory (and its subtree) under `parent_id`, recording `TerritoryMoved`.

        Check the move against the whole tree first (`TerritoryTree.check_move`): the
        territory alone cannot see its descendants.
        """
        if parent_id == self.id:
            raise ValidationError.field("parent_id", parent_id, "cannot be its own parent")
        old, self.parent_id = self.parent_id, parent_id
        self.record(TerritoryMoved(self.id, old, parent_id))

    def set_rules(self, rules: Iterable[Rule]) -> None:
        """Replace the assignment rules."""
        new = list(rules)
        _check_unique([r.id for r in new], "rules", f"rule ids of territory {self.id}")
        self.rules = new

    def pin(self, account_id: AccountId) -> None:
        """Assign `account_id` here manually, lifting any exclusion from this territory."""
        self.excluded_accounts = [a for a in self.excluded_accounts if a != account_id]
        self.manual_accounts = sorted({*self.manual_accounts, account_id})

    def unpin(self, account_id: AccountId) -> None:
        """Drop a manual assignment; the rules decide again."""
        self.manual_accounts = [a for a in self.manual_accounts if a != account_id]

    def exclude(self, account_id: AccountId) -> None:
        """Never assign `account_id` here by rule (and drop a manual assignment here)."""
        self.manual_accounts = [a for a in self.manual_accounts if a != account_id]
        self.excluded_accounts = sorted({*self.excluded_accounts, account_id})

    def include(self, account_id: AccountId) -> None:
        """Lift an exclusion; the rules decide again."""
        self.excluded_accounts = [a for a in self.excluded_accounts if a != account_id]


def _check_unique(ids: list[str], path: str, what: str) -> None:
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise ValidationError.field(path, twice, f"{what} must be unique")


# -- effective-dated records ----------------------------------------------------------------


class _Dated(Protocol):
    @property
    def valid(self) -> DateRange: ...


R = TypeVar("R", bound=_Dated)


def _check_no_overlap(records: list[R], key: Callable[[R], Hashable], path: str) -> None:
    """Refuse two records with the same key whose validity ranges share a date."""
    by_key: dict[Hashable, list[R]] = {}
    for record in records:
        by_key.setdefault(key(record), []).append(record)
    for same in by_key.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                if a.valid.overlaps(b.valid):
                    raise ValidationError.field(
                        path, str(b.valid), f"overlaps {a} for the same {key(a)}"
                    )


def _starts(valid: DateRange) -> date:
    return valid.start or date.min


@attrs.frozen
class RepAssignment:
    """`rep_id` holds `role` on the territory during `valid`."""

    rep_id: UserId = attrs.field(validator=non_blank)
    role: CoverageRole = attrs.field(converter=_to_role)
    valid: DateRange

    def __str__(self) -> str:
        return f"{self.rep_id} as {self.role} {self.valid}"


@attrs.define(eq=False)
class TerritoryStaff(Aggregate):
    """The people on one territory over time; its id is the territory's id.

    One person per role at any date: an overlapping validity for the same role is refused.
    """

    kind = "territory staff"

    id: TerritoryId = attrs.field(validator=non_blank)
    reps: list[RepAssignment] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self.reps = sorted(self.reps, key=lambda r: (r.role, _starts(r.valid), r.rep_id))
        _check_no_overlap(self.reps, lambda r: f"role {r.role} of territory {self.id}", "valid")

    def assign(self, rep_id: UserId, role: CoverageRole | str, valid: DateRange) -> None:
        """Give `rep_id` the `role` during `valid`, recording `RepAssigned`.

        Raises:
            ValidationError: someone (or the same rep) holds the role during part of `valid`.
        """
        record = RepAssignment(rep_id, _to_role(role), valid)
        reps = [*self.reps, record]
        _check_no_overlap(reps, lambda r: f"role {r.role} of territory {self.id}", "valid")
        self.reps = sorted(reps, key=lambda r: (r.role, _starts(r.valid), r.rep_id))
        self.record(RepAssigned(self.id, record.rep_id, record.role, valid))

    def end(self, role: CoverageRole | str, on: date) -> None:
        """Close the `role` holder's validity at `on` (they no longer hold it from `on`).

        Raises:
            ValidationError: nobody holds the role on `on` since before that date.
        """
        target = _to_role(role)
        for i, r in enumerate(self.reps):
            if r.role == target and r.valid.contains(on) and _starts(r.valid) < on:
                self.reps[i] = attrs.evolve(r, valid=DateRange(r.valid.start, on))
                return
        raise ValidationError.field("on", on, f"nobody holds {target} of {self.id} on that date")

    def holder(self, role: CoverageRole | str, on: date) -> UserId | None:
        """Who holds `role` on `on`, if anyone."""
        target = _to_role(role)
        for r in self.reps:
            if r.role == target and r.valid.contains(on):
                return r.rep_id
        return None

    def roles_of(self, rep_id: UserId, on: date) -> set[CoverageRole]:
        """The roles `rep_id` holds here on `on`."""
        return {r.role for r in self.reps if r.rep_id == rep_id and r.valid.contains(on)}


@attrs.frozen
class TerritoryAssignment:
    """The account (or its site `site_id`) belonged to `territory_id` during `valid`."""

    territory_id: TerritoryId = attrs.field(validator=non_blank)
    valid: DateRange
    site_id: SiteId | None = None
    source: AssignmentSource = attrs.field(default=AssignmentSource.RULE, converter=_to_source)

    def __str__(self) -> str:
        where = f" (site {self.site_id})" if self.site_id else ""
        return f"{self.territory_id}{where} {self.valid}"


@attrs.frozen
class TeamMember:
    """`user_id` is on the account's team in `role` during `valid`."""

    user_id: UserId = attrs.field(validator=non_blank)
    role: CoverageRole = attrs.field(converter=_to_role)
    valid: DateRange

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role} {self.valid}"


@attrs.define(eq=False)
class AccountCoverage(Aggregate):
    """An account's territory history and team; its id is the account's id.

    Territory records of the same site (or of the account as a whole, `site_id=None`) never
    overlap, so each date has at most one territory.
    """

    kind = "account coverage"

    id: AccountId = attrs.field(validator=non_blank)
    territories: list[TerritoryAssignment] = attrs.Factory(list)
    team: list[TeamMember] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self.territories = sorted(
            self.territories, key=lambda t: (t.site_id or "", _starts(t.valid))
        )
        _check_no_overlap(self.territories, lambda t: _where(self.id, t.site_id), "territories")
        _check_no_overlap(self.team, lambda m: f"{m.user_id} as {m.role}", "team")

    def territory_on(self, on: date, site_id: SiteId | None = None) -> TerritoryAssignment | None:
        """The record covering `on` for the account (or its site `site_id`)."""
        for record in self.territories:
            if record.site_id == site_id and record.valid.contains(on):
                return record
        return None

    def check_reassign(self, effective: date, site_id: SiteId | None = None) -> None:
        """Raise `ValidationError` if a reassignment from `effective` would rewrite the future.

        Records starting after `effective` are planned changes; reassigning over them is refused
        rather than silently dropping them.
        """
        later = [
            r
            for r in self.territories
            if r.site_id == site_id and r.valid.start is not None and r.valid.start > effective
        ]
        if later:
            raise ValidationError.field(
                "effective",
                effective,
                f"{_where(self.id, site_id)} already has an assignment from "
                f"{later[0].valid.start}: {later[0]}",
            )

    def reassign(
        self,
        territory_id: TerritoryId | None,
        *,
        effective: date,
        site_id: SiteId | None = None,
        source: AssignmentSource = AssignmentSource.RULE,
    ) -> None:
        """Close the current record at `effective` and open `[effective, +inf)` in `territory_id`.

        `None` leaves the account unassigned from `effective`. Records `AccountReassigned`
        when the territory changes.
        """
        self.check_reassign(effective, site_id)
        current = self.territory_on(effective, site_id)
        if current is not None and (current.territory_id, current.source) == (
            territory_id,
            source,
        ):
            return
        records = [r for r in self.territories if r is not current]
        if current is not None and _starts(current.valid) < effective:
            records.append(attrs.evolve(current, valid=DateRange(current.valid.start, effective)))
        if territory_id is not None:
            records.append(
                TerritoryAssignment(territory_id, DateRange(effective, None), site_id, source)
            )
        self.territories = sorted(records, key=lambda t: (t.site_id or "", _starts(t.valid)))
        old = current.territory_id if current is not None else None
        if old != territory_id:
            self.record(AccountReassigned(self.id, site_id, old, territory_id, effective))

    def add_member(self, user_id: UserId, role: CoverageRole | str, valid: DateRange) -> None:
        """Put `user_id` on the account team in `role` during `valid`.

        Raises:
            ValidationError: the same person already has that role during part of `valid`.
        """
        team = [*self.team, TeamMember(user_id, _to_role(role), valid)]
        _check_no_overlap(team, lambda m: f"{m.user_id} as {m.role}", "team")
        self.team = team

    def team_on(self, on: date) -> list[TeamMember]:
        """The team members on `on`, by user id."""
        return sorted((m for m in self.team if m.valid.contains(on)), key=lambda m: m.user_id)


def _where(account_id: AccountId, site_id: SiteId | None) -> str:
    return f"account {account_id}" + (f" site {site_id}" if site_id else "")
