"""Territory use cases: the tree, rules, staff, realignment, coverage questions, visibility.

Each function takes the unit of work first, loads what it needs, calls the domain, saves and
commits; any error leaves every repository exactly as it was.

Services that read or change an account record (`get_visible_account`,
`change_visible_account`, `visible_accounts`) check the acting user's visibility on a date and
raise `AccessDenied` outside it. The coverage questions (`owner_of`, `accounts_of`,
`account_history`) are reporting services (commission, audits) and answer for any account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import NotFound
from wholesale_crm.ids import AccountId, SiteId, TerritoryId, UserId
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.repositories import UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.territories import (
    ACCOUNT_COVERAGE,
    TERRITORIES,
    TERRITORY_STAFF,
)
from wholesale_crm.services import change_one
from wholesale_crm.territories.coverage import Coverage, CoverageSpan
from wholesale_crm.territories.engine import AssignmentMode
from wholesale_crm.territories.model import (
    AccountCoverage,
    CoverageRole,
    Territory,
    TerritoryStaff,
)
from wholesale_crm.territories.realignment import RealignmentPlan, apply, plan
from wholesale_crm.territories.rules import Rule
from wholesale_crm.territories.tree import TerritoryTree, check_unassigned
from wholesale_crm.territories.visibility import Visibility

__all__ = [
    "account_history",
    "accounts_of",
    "add_team_member",
    "add_territory",
    "apply_realignment",
    "assign_rep",
    "change_visible_account",
    "delete_territory",
    "exclude_account",
    "get_visible_account",
    "move_territory",
    "owner_of",
    "pin_account",
    "plan_realignment",
    "set_rules",
    "visible_accounts",
]


def _tree(uow: UnitOfWork, *extra: Territory) -> TerritoryTree:
    stored = {t.id: t for t in uow.repository(TERRITORIES)}
    stored.update({t.id: t for t in extra})
    return TerritoryTree(stored.values())


def _coverage(uow: UnitOfWork, account_ids: Iterable[AccountId] | None = None) -> Coverage:
    repo = uow.repository(ACCOUNT_COVERAGE)
    if account_ids is None:
        accounts = repo.list()
    else:
        accounts = [repo.get(a) for a in account_ids if a in repo]
    return Coverage(uow.repository(TERRITORY_STAFF), accounts)


def _accounts_from(uow: UnitOfWork, territory_id: TerritoryId, on: date) -> list[AccountId]:
    """Accounts assigned to the territory on `on` or later."""
    return [
        c.id
        for c in uow.repository(ACCOUNT_COVERAGE).find("territory", territory_id)
        if any(
            r.territory_id == territory_id and (r.valid.end is None or r.valid.end > on)
            for r in c.territories
        )
    ]


# -- the tree and its rules -------------------------------------------------------------------


def add_territory(uow: UnitOfWork, territory: Territory) -> Territory:
    """Add a territory after checking the tree it makes (known parent, no cycle, types).

    Raises:
        ValidationError: unknown parent.
        RuleError: a cycle, a type with two priorities, or a rule id used elsewhere.
        DuplicateRecord: the id exists.
    """
    with uow:
        _tree(uow, territory)
        uow.repository(TERRITORIES).add(territory)
        uow.commit()
    return territory


def move_territory(
    uow: UnitOfWork, territory_id: TerritoryId, new_parent_id: TerritoryId | None
) -> Territory:
    """Move a territory (and its subtree) under `new_parent_id` (`None`: to the top).

    Accounts keep their coverage records; run a realignment to re-run the rules.

    Raises:
        ValidationError: an unknown territory.
        RuleError: `new_parent_id` is the territory itself or lies below it.
    """
    with uow:
        repo = uow.repository(TERRITORIES)
        _tree(uow).check_move(territory_id, new_parent_id)
        territory = repo.get(territory_id)
        territory.move_to(new_parent_id)
        repo.save(territory)
        uow.commit()
    return territory


def delete_territory(uow: UnitOfWork, territory_id: TerritoryId, *, on: date) -> None:
    """Delete a territory that has no children and no accounts on `on` or later.

    Its staff records are kept: they answer questions about the past.

    Raises:
        NotFound: no such territory.
        RuleError: it still has children or accounts (naming them).
    """
    with uow:
        repo = uow.repository(TERRITORIES)
        territory = repo.get(territory_id)
        assigned = _accounts_from(uow, territory_id, on)
        _tree(uow).check_delete(territory_id, assigned)
        repo.delete(territory)
        uow.commit()


def _change_territory(
    uow: UnitOfWork, territory_id: TerritoryId, change: Callable[[Territory], None]
) -> Territory:
    def checked(territory: Territory) -> None:
        change(territory)
        _tree(uow, territory)  # the changed territory must still fit the stored tree

    return change_one(uow, TERRITORIES, territory_id, checked)


def set_rules(uow: UnitOfWork, territory_id: TerritoryId, rules: Iterable[Rule]) -> Territory:
    """Replace a territory's assignment rules (takes effect at the next realignment).

    Raises:
        NotFound: no such territory.
        RuleError: a rule id already used by another territory.
    """
    new = list(rules)
    return _change_territory(uow, territory_id, lambda t: t.set_rules(new))


def pin_account(uow: UnitOfWork, territory_id: TerritoryId, account_id: AccountId) -> Territory:
    """Assign an account to a territory by hand; re-running the rules never overrides it.

    Raises:
        NotFound: no such territory or account.
    """
    with uow:
        uow.repository(ACCOUNTS).get(account_id)
    return _change_territory(uow, territory_id, lambda t: t.pin(account_id))


def exclude_account(uow: UnitOfWork, territory_id: TerritoryId, account_id: AccountId) -> Territory:
    """Never assign an account to a territory by rule, whatever the rules say.

    Raises:
        NotFound: no such territory.
    """
    return _change_territory(uow, territory_id, lambda t: t.exclude(account_id))


# -- people ------------------------------------------------------------------------------------


def assign_rep(
    uow: UnitOfWork,
    territory_id: TerritoryId,
    rep_id: UserId,
    role: CoverageRole | str,
    valid: DateRange,
) -> TerritoryStaff:
    """Give `rep_id` a role on a territory during `valid`.

    Raises:
        NotFound: the territory does not exist (its id is named).
        ValidationError: someone holds that role on the territory during part of `valid`.
    """
    with uow:
        if territory_id not in uow.repository(TERRITORIES):
            raise NotFound("territory", territory_id)
        repo = uow.repository(TERRITORY_STAFF)
        if territory_id in repo:
            staff = repo.get(territory_id)
            staff.assign(rep_id, role, valid)
            repo.save(staff)
        else:
            staff = TerritoryStaff(territory_id)
            staff.assign(rep_id, role, valid)
            repo.add(staff)
        uow.commit()
    return staff


def add_team_member(
    uow: UnitOfWork,
    account_id: AccountId,
    user_id: UserId,
    role: CoverageRole | str,
    valid: DateRange,
) -> AccountCoverage:
    """Put a person on an account's team during `valid`.

    Raises:
        NotFound: the account does not exist.
        ValidationError: the person already has that role on the team during part of `valid`.
    """
    with uow:
        uow.repository(ACCOUNTS).get(account_id)
        repo = uow.repository(ACCOUNT_COVERAGE)
        coverage = repo.get(account_id) if account_id in repo else AccountCoverage(account_id)
        coverage.add_member(user_id, role, valid)
        if coverage.version:
            repo.save(coverage)
        else:
            repo.add(coverage)
        uow.commit()
    return coverage


# -- realignment -------------------------------------------------------------------------------


def plan_realignment(
    uow: UnitOfWork,
    *,
    on: date,
    revenue: Mapping[AccountId, Money] | None = None,
    mode: AssignmentMode = AssignmentMode.ACCOUNT,
    proposed: Iterable[Territory] | None = None,
) -> RealignmentPlan:
    """What re-running the rules (the stored ones, or `proposed`) would move on `on`.

    Changes nothing. Every stored account takes part; the first assignment of a new customer
    base is a realignment from 'unassigned'.
    """
    with uow:
        territories = list(proposed) if proposed is not None else uow.repository(TERRITORIES)
        return plan(
            territories,
            uow.repository(ACCOUNTS),
            _coverage(uow),
            on=on,
            revenue=revenue,
            mode=mode,
        )


def apply_realignment(
    uow: UnitOfWork,
    realignment: RealignmentPlan,
    *,
    effective: date,
    proposed: Iterable[Territory] | None = None,
) -> list[AccountCoverage]:
    """Apply a plan from `effective`, and store the `proposed` territories it was made with.

    With `proposed`, the stored tree becomes exactly that list in the same transaction:
    new territories are added, changed ones saved (version-checked), missing ones deleted,
    which is refused while accounts remain in them from `effective` on.

    Returns:
        The account coverage records that changed.

    Raises:
        RuleError: the plan is stale, or a territory to delete still has accounts.
        ConcurrencyConflict: a proposed territory was changed by someone else meanwhile.
    """
    with uow:
        repo = uow.repository(ACCOUNT_COVERAGE)
        ids = {m.subject.account_id for m in realignment.moves}
        current = {a: repo.get(a) for a in sorted(ids) if a in repo}
        changed = apply(realignment, current, effective=effective)
        for coverage in changed:
            if coverage.version:
                repo.save(coverage)
            else:
                repo.add(coverage)
        if proposed is not None:
            _replace_territories(uow, list(proposed), effective)
        uow.commit()
    return changed


def _replace_territories(uow: UnitOfWork, proposed: list[Territory], effective: date) -> None:
    repo = uow.repository(TERRITORIES)
    tree = TerritoryTree(proposed)
    keep = {t.id for t in proposed}
    for territory in sorted(repo.list(), key=lambda t: t.id):
        if territory.id not in keep:
            check_unassigned(territory.id, _accounts_from(uow, territory.id, effective))
            repo.delete(territory)
    for territory in tree:
        if territory.id in repo:
            repo.save(territory)
        else:
            repo.add(territory)


# -- coverage questions ------------------------------------------------------------------------


def owner_of(
    uow: UnitOfWork, account_id: AccountId, *, on: date, site_id: SiteId | None = None
) -> UserId | None:
    """Who owned the account (or its site) on `on`: the owner of its territory that day."""
    with uow:
        return _coverage(uow, [account_id]).owner_of(account_id, on, site_id)


def accounts_of(
    uow: UnitOfWork, rep_id: UserId, *, on: date, role: CoverageRole | None = None
) -> list[AccountId]:
    """The accounts a rep covered on `on` through their territories (any role by default)."""
    with uow:
        return _coverage(uow).accounts_of(rep_id, on, role)


def account_history(uow: UnitOfWork, account_id: AccountId) -> list[CoverageSpan]:
    """Every stretch of territory and owner the account went through."""
    with uow:
        return _coverage(uow, [account_id]).history(account_id)


# -- visibility ----------------------------------------------------------------------------------


def _visibility(uow: UnitOfWork, account_ids: Iterable[AccountId] | None = None) -> Visibility:
    return Visibility(_tree(uow), _coverage(uow, account_ids))


def visible_accounts(uow: UnitOfWork, user_id: UserId, *, on: date) -> list[AccountId]:
    """The accounts `user_id` may see and change on `on`, ascending id."""
    with uow:
        return _visibility(uow).accounts_of(user_id, on)


def get_visible_account(
    uow: UnitOfWork, user_id: UserId, account_id: AccountId, *, on: date
) -> Account:
    """Load an account for `user_id`, who must be allowed to see it on `on`.

    Raises:
        AccessDenied: the account is outside the user's territories, managed subtrees and
            account teams (also when it does not exist, so as not to reveal that).
    """
    with uow:
        _visibility(uow, [account_id]).check(user_id, account_id, on)
        return uow.repository(ACCOUNTS).get(account_id)


def change_visible_account(
    uow: UnitOfWork,
    user_id: UserId,
    account_id: AccountId,
    change: Callable[[Account], None],
    *,
    on: date,
) -> Account:
    """Change an account through `change(account)` for `user_id`, then save it.

    Raises:
        AccessDenied: the user may not change the account on `on`; nothing is stored.
    """
    with uow:
        _visibility(uow, [account_id]).check(user_id, account_id, on)
        repo = uow.repository(ACCOUNTS)
        account = repo.get(account_id)
        change(account)
        repo.save(account)
        uow.commit()
    return account
