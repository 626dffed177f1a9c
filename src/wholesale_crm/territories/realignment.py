"""Realignment: see what a changed tree or changed rules would move, then make it so.

`plan(...)` runs the proposed territories against the accounts and compares the outcome with
the coverage on a date, changing nothing: which accounts move from which territory and owner
to which, and how many accounts and how much trailing revenue each rep gains and loses.
`apply(plan, coverages, effective=...)` then closes each moving account's current record at the
effective date and opens the new one, after checking every move first: a plan that no longer
matches the records is refused whole (`RuleError`), never half applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError
from wholesale_crm.ids import AccountId, TerritoryId, UserId
from wholesale_crm.money import Money
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.engine import (
    Assignment,
    AssignmentEngine,
    AssignmentMode,
    Subject,
)
from wholesale_crm.territories.model import (
    AccountCoverage,
    AssignmentSource,
    CoverageRole,
    Territory,
)

__all__ = ["Move", "RealignmentPlan", "RepImpact", "apply", "plan"]


@attrs.frozen
class Move:
    """One account (or site) changing territory, and so perhaps owner.

    `None` as a territory means unassigned (a new account, or one no territory matches any
    more); `None` as a rep means the territory has no owner on the plan's date.
    """

    subject: Subject
    from_territory: TerritoryId | None
    from_rep: UserId | None
    to_territory: TerritoryId | None
    to_rep: UserId | None
    revenue: Money | None = None
    source: AssignmentSource = AssignmentSource.RULE

    def __str__(self) -> str:
        def side(territory: TerritoryId | None, rep: UserId | None) -> str:
            return f"{territory or 'unassigned'} ({rep or 'no owner'})"

        moved = f"{side(self.from_territory, self.from_rep)} -> "
        moved += side(self.to_territory, self.to_rep)
        return f"{self.subject}: {moved}" + (f", {self.revenue.format()}" if self.revenue else "")


@attrs.frozen
class RepImpact:
    """What a realignment does to one rep (`None`: the 'no owner' bucket).

    Only moves that change the owner count; a move between two territories of the same rep
    leaves that rep's figures alone.
    """

    rep_id: UserId | None
    accounts_out: int = 0
    accounts_in: int = 0
    revenue_out: Money | None = None
    revenue_in: Money | None = None

    @property
    def net_accounts(self) -> int:
        """Accounts gained minus accounts lost."""
        return self.accounts_in - self.accounts_out


def _add(total: Money | None, amount: Money | None) -> Money | None:
    if amount is None:
        return total
    return amount if total is None else total + amount


@attrs.frozen
class RealignmentPlan:
    """The diff a realignment would make on `on`, before anything changes.

    Attributes:
        on: The date the current coverage and the owners were read at.
        moves: The subjects changing territory, ascending subject.
        unmatched: Subjects the proposed territories leave without a territory.
        unchanged: How many subjects keep their territory (unmatched ones not counted).
    """

    on: date
    moves: tuple[Move, ...]
    unmatched: tuple[Subject, ...] = ()
    unchanged: int = 0

    def by_rep(self) -> list[RepImpact]:
        """Accounts and trailing revenue moved, per rep, by rep id ('no owner' last)."""
        impacts: dict[UserId | None, RepImpact] = {}
        for move in self.moves:
            if move.from_rep == move.to_rep:
                continue
            out = impacts.get(move.from_rep) or RepImpact(move.from_rep)
            impacts[move.from_rep] = attrs.evolve(
                out,
                accounts_out=out.accounts_out + 1,
                revenue_out=_add(out.revenue_out, move.revenue),
            )
            into = impacts.get(move.to_rep) or RepImpact(move.to_rep)
            impacts[move.to_rep] = attrs.evolve(
                into,
                accounts_in=into.accounts_in + 1,
                revenue_in=_add(into.revenue_in, move.revenue),
            )
        return sorted(impacts.values(), key=lambda i: (i.rep_id is None, i.rep_id or ""))

    def moves_between(self) -> dict[tuple[TerritoryId | None, TerritoryId | None], int]:
        """How many subjects move from each territory to each other one."""
        out: dict[tuple[TerritoryId | None, TerritoryId | None], int] = {}
        for move in self.moves:
            key = (move.from_territory, move.to_territory)
            out[key] = out.get(key, 0) + 1
        return out


def plan(
    territories: Iterable[Territory],
    accounts: Iterable[Account],
    coverage: Coverage,
    *,
    on: date,
    revenue: Mapping[AccountId, Money] | None = None,
    mode: AssignmentMode = AssignmentMode.ACCOUNT,
) -> RealignmentPlan:
    """Compare the proposed `territories` with the coverage on `on`; change nothing.

    Args:
        territories: The proposed tree and rules (the current ones to re-run the rules).
        accounts: The accounts to realign.
        coverage: The current records (account territories and territory staff).
        on: The date to read the current territory and the owners at.
        revenue: Trailing revenue per account, for revenue-band rules and the rep figures.
            In site mode an account's revenue is split evenly over its ship-to sites.
        mode: Whole accounts or ship-to sites.

    Raises:
        RuleError: the proposed territories are inconsistent or tie for some account.
    """
    revenue = revenue or {}
    accounts = list(accounts)
    result = AssignmentEngine(territories).assign(accounts, revenue=revenue, mode=mode)
    new: dict[Subject, Assignment] = result.as_dict()
    by_account: dict[AccountId, list[Subject]] = {}
    for subject in sorted([*new, *result.unmatched]):
        by_account.setdefault(subject.account_id, []).append(subject)
    moves: list[Move] = []
    unchanged = 0
    for account in sorted(accounts, key=lambda a: a.id):
        subjects = by_account[account.id]
        shares = _shares(revenue.get(account.id), len(subjects))
        for subject, share in zip(subjects, shares, strict=True):
            old = coverage.territory_of(account.id, on, subject.site_id)
            target = new.get(subject)
            to = target.territory_id if target is not None else None
            if old == to:
                unchanged += to is not None
                continue
            moves.append(
                Move(
                    subject,
                    old,
                    coverage.owner_of(account.id, on, subject.site_id),
                    to,
                    coverage.holder(to, CoverageRole.OWNER, on) if to is not None else None,
                    share,
                    target.source if target is not None else AssignmentSource.RULE,
                )
            )
    return RealignmentPlan(on, tuple(moves), result.unmatched, unchanged)


def _shares(total: Money | None, count: int) -> list[Money | None]:
    if total is None:
        return [None] * count
    if count == 1:
        return [total]
    return list(total.allocate([1] * count))


def apply(
    plan: RealignmentPlan,
    coverages: Mapping[AccountId, AccountCoverage],
    *,
    effective: date,
) -> list[AccountCoverage]:
    """Make the plan so from `effective`: close current records there and open the new ones.

    Every move is checked before any record changes: its account's current territory on
    `effective` must still be the plan's `from_territory`, and no record may start after
    `effective` (planned future changes are not overwritten).

    Args:
        plan: The plan from `plan(...)`.
        coverages: The current records of the accounts in the plan (missing ones start empty).
        effective: The first day of the new territories.

    Returns:
        The changed records (new ones have version 0), ascending account id.

    Raises:
        RuleError: the plan is stale for some accounts (naming them).
        ValidationError: an account has records starting after `effective`.
    """
    working = {
        m.subject.account_id: coverages.get(m.subject.account_id)
        or AccountCoverage(m.subject.account_id)
        for m in plan.moves
    }
    stale: list[str] = []
    for move in plan.moves:
        record = working[move.subject.account_id]
        current = record.territory_on(effective, move.subject.site_id)
        if (current.territory_id if current else None) != move.from_territory:
            stale.append(str(move.subject))
        record.check_reassign(effective, move.subject.site_id)
    if stale:
        raise RuleError(
            f"the realignment plan no longer matches the coverage on {effective} for "
            f"{', '.join(stale[:5])}" + (" ..." if len(stale) > 5 else "") + "; plan again",
            stale,
        )
    for move in plan.moves:
        working[move.subject.account_id].reassign(
            move.to_territory,
            effective=effective,
            site_id=move.subject.site_id,
            source=move.source,
        )
    return [working[a] for a in sorted(working)]
