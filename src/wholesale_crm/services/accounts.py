"""Account use cases: open, update, move in the hierarchy, merge, search, check credit.

Each function takes the unit of work first, loads what it needs, calls the domain, saves and
commits; any error leaves every repository exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from wholesale_crm.accounts.credit import CreditCheck, CreditPolicy
from wholesale_crm.accounts.duplicates import (
    DuplicateCandidate,
    find_duplicates,
    name_tokens,
    screening_keys,
)
from wholesale_crm.accounts.hierarchy import check_parent
from wholesale_crm.accounts.merge import MergeResult, merge
from wholesale_crm.accounts.model import Account, AccountStatus, Contact, Site
from wholesale_crm.activities.callplans import AccountActivity
from wholesale_crm.errors import DuplicateRecord, PolicyViolation, ValidationError
from wholesale_crm.ids import AccountId, SiteId
from wholesale_crm.money import Money
from wholesale_crm.repositories import Repository, UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.activities import ACCOUNT_ACTIVITY, INTERACTIONS
from wholesale_crm.repositories.references import ACCOUNT_DOCUMENTS
from wholesale_crm.services import change_one

__all__ = [
    "add_contact",
    "add_site",
    "change_status",
    "check_credit",
    "contact_left",
    "merge_accounts",
    "open_account",
    "screen_duplicates",
    "search_accounts",
    "set_parent",
    "stored_duplicates",
    "update_account",
]

_LAST_CHARACTER = "\U0010ffff"


def stored_duplicates(
    repo: Repository[Account], account: Account, *, threshold: float = 0.6
) -> list[DuplicateCandidate]:
    """Stored accounts that may be the same business as `account`, best first.

    For use inside a unit of work that is already open (`screen_duplicates` opens its own):
    only the accounts filed under `account`'s screening keys are loaded and scored.
    """
    found: dict[str, Account] = {}
    for key in screening_keys(account, threshold=threshold):
        for other in repo.find("duplicate_key", key):
            found.setdefault(other.id, other)
    return find_duplicates(account, found.values(), threshold=threshold)


def screen_duplicates(
    uow: UnitOfWork, account: Account, *, threshold: float = 0.6
) -> list[DuplicateCandidate]:
    """Stored accounts that may be the same business as `account`, best first (read only)."""
    with uow:
        return stored_duplicates(uow.repository(ACCOUNTS), account, threshold=threshold)


def open_account(
    uow: UnitOfWork,
    account: Account,
    *,
    on: date,
    distinct_from: Iterable[AccountId] = (),
    threshold: float = 0.6,
) -> Account:
    """Add a new account, after checking its parent and screening it for duplicates.

    A possible duplicate refuses the opening: the user looks at the candidates and either
    merges, or confirms the new account is a different business by passing the candidates'
    ids in `distinct_from` (any other candidate still refuses). Records `AccountOpened`.

    Args:
        uow: The unit of work.
        account: The new account (version 0).
        on: The opening date, for the event.
        distinct_from: Ids of accounts the user has checked are different businesses.
        threshold: The duplicate score that refuses (see `accounts.duplicates`).

    Raises:
        ValidationError: `parent_id` is not a stored account.
        DuplicateRecord: an account with the same id exists.
        PolicyViolation: possible duplicates; `details` is the list of `DuplicateCandidate`.
    """
    with uow:
        repo = uow.repository(ACCOUNTS)
        if account.id in repo:
            raise DuplicateRecord(ACCOUNTS.kind, account.id)
        if account.parent_id is not None and account.parent_id not in repo:
            raise ValidationError.field("parent_id", account.parent_id, "is not a known account")
        _check_credit_currency(repo, account)
        confirmed = set(distinct_from)
        candidates = [
            c
            for c in stored_duplicates(repo, account, threshold=threshold)
            if c.account_id not in confirmed
        ]
        if candidates:
            listed = ", ".join(f"{c.account_id} ({c.score:.2f})" for c in candidates)
            raise PolicyViolation(
                f"{account.id} may duplicate {listed}: merge, or pass their ids in distinct_from",
                candidates,
            )
        account.mark_opened(on=on)
        repo.add(account)
        uow.commit()
    return account


def _change(uow: UnitOfWork, account_id: AccountId, change: Callable[[Account], None]) -> Account:
    """Load an account, apply `change(account)`, check its credit currency, save and commit."""

    def checked(account: Account) -> None:
        change(account)
        _check_credit_currency(uow.repository(ACCOUNTS), account)

    return change_one(uow, ACCOUNTS, account_id, checked)


def _check_credit_currency(repo: Repository[Account], account: Account) -> None:
    """A shared credit line is kept in one currency: its pool head's (see `credit_pool`)."""
    head = account
    while head.shares_credit_with_group and head.parent_id is not None:
        head = repo.get(head.parent_id)
    if head.currency != account.currency:
        raise ValidationError.field(
            "currency",
            account.currency,
            f"must be {head.currency}: {account.id} shares the credit line of {head.id}",
        )
    for child in repo.find("parent", account.id):
        if child.shares_credit_with_group and child.currency != account.currency:
            raise ValidationError.field(
                "currency",
                account.currency,
                f"must be {child.currency}: {child.id} shares this account's credit line",
            )


def update_account(uow: UnitOfWork, account_id: AccountId, changes: Mapping[str, Any]) -> Account:
    """Change profile fields (`accounts.model.PROFILE_FIELDS`), all or nothing."""
    return _change(uow, account_id, lambda a: a.update_profile(changes))


def change_status(
    uow: UnitOfWork, account_id: AccountId, status: AccountStatus | str, *, on: date
) -> Account:
    """Move an account along its lifecycle; `ValidationError` for a move it may not make."""
    return _change(uow, account_id, lambda a: a.change_status(status, on=on))


def set_parent(uow: UnitOfWork, account_id: AccountId, parent_id: AccountId | None) -> Account:
    """Put an account under `parent_id` (or at the top level with `None`).

    Raises:
        ValidationError: the parent is not a stored account.
        RuleError: the move would make a cycle in the stored hierarchy (ids on the cycle).
    """
    with uow:
        repo = uow.repository(ACCOUNTS)
        account = repo.get(account_id)
        check_parent(account_id, parent_id, lambda id: repo.get(id).parent_id)
        account.set_parent(parent_id)
        _check_credit_currency(repo, account)
        repo.save(account)
        uow.commit()
    return account


def add_contact(uow: UnitOfWork, account_id: AccountId, contact: Contact) -> Account:
    """Add a contact to an account (a new primary contact takes over)."""
    return _change(uow, account_id, lambda a: a.add_contact(contact))


def contact_left(uow: UnitOfWork, account_id: AccountId, contact_id: str, *, on: date) -> Account:
    """Record that a contact left the account on `on`; they stay in its history."""
    return _change(uow, account_id, lambda a: a.contact_left(contact_id, on=on))


def add_site(uow: UnitOfWork, account_id: AccountId, site: Site) -> Account:
    """Add a bill-to or ship-to site (a new default of its role takes over)."""
    return _change(uow, account_id, lambda a: a.add_site(site))


def merge_accounts(
    uow: UnitOfWork, survivor_id: AccountId, duplicate_id: AccountId, *, on: date
) -> MergeResult:
    """Merge `duplicate_id` into `survivor_id` and delete it, in one unit of work.

    Contacts, sites, tags and attributes move to the survivor, the duplicate's children move
    under it, its documents (orders, returns, invoices, payments, quotes, opportunities,
    interactions, follow-ups, cadences) are re-pointed to the survivor with any renamed site or
    contact ids, and the duplicate is deleted: nothing stored points at it afterwards. See
    `accounts.merge` for how clashes are handled.

    Raises:
        PolicyViolation: the duplicate has documents in a currency other than the survivor's
            (they would no longer add up on its statement); nothing is changed.
    """
    with uow:
        repo = uow.repository(ACCOUNTS)
        survivor = repo.get(survivor_id)
        duplicate = repo.get(duplicate_id)
        children = [c for c in repo.find("parent", duplicate_id) if c.id != survivor_id]
        documents = [
            (uow.repository(collection), doc)
            for collection in ACCOUNT_DOCUMENTS
            for doc in uow.repository(collection).find("account", duplicate_id)
        ]
        foreign = sorted(
            {doc.id for _, doc in documents if _currency_of(doc) not in (None, survivor.currency)}
        )
        if foreign:
            raise PolicyViolation(
                f"cannot merge {duplicate_id} into {survivor_id}: documents {foreign} are not in "
                f"{survivor.currency}",
                details={"documents": foreign, "currency": survivor.currency},
            )
        result = merge(survivor, duplicate, children=children, on=on)
        repo.save(survivor)
        for child in children:
            repo.save(child)
        sites, contacts = dict(result.renamed_sites), dict(result.renamed_contacts)
        for documents_repo, doc in documents:
            _repoint(doc, survivor_id, sites, contacts)
            documents_repo.save(doc)
        _merge_activity_summaries(uow, survivor, duplicate_id)
        repo.delete(duplicate)
        uow.commit()
    return result


def _merge_activity_summaries(uow: UnitOfWork, survivor: Account, duplicate_id: AccountId) -> None:
    # The per-account activity summary is derived from the interactions: the duplicate's goes,
    # and the survivor's is recounted over the interactions it now holds.
    summaries = uow.repository(ACCOUNT_ACTIVITY)
    if duplicate_id not in summaries:
        return
    summaries.delete(summaries.get(duplicate_id))
    known = survivor.id in summaries
    summary = (
        summaries.get(survivor.id) if known else AccountActivity(survivor.id, survivor.timezone)
    )
    summary.recount(uow.repository(INTERACTIONS).find("account", survivor.id))
    if known:
        summaries.save(summary)
    else:
        summaries.add(summary)


def _currency_of(document: Any) -> str | None:
    currency = getattr(document, "currency", None)
    if currency is None and isinstance(getattr(document, "amount", None), Money):
        currency = document.amount.currency
    return currency if isinstance(currency, str) else None


def _repoint(
    document: Any, account_id: AccountId, sites: dict[SiteId, SiteId], contacts: dict[Any, Any]
) -> None:
    # A merge is the one change of owner these documents allow; ids renamed by the merge follow.
    document.account_id = account_id
    if getattr(document, "ship_to", None) in sites:
        document.ship_to = sites[document.ship_to]
    if getattr(document, "contact_id", None) in contacts:
        document.contact_id = contacts[document.contact_id]


def search_accounts(uow: UnitOfWork, query: str, *, limit: int | None = None) -> list[Account]:
    """Accounts whose name holds every word of `query`, the last word as a prefix.

    Words are compared normalised (`accounts.duplicates.name_tokens`: no accents, case or
    trailing legal forms), so `"muller back"` finds "Müller Bäckerei GmbH"; results are by
    normalised name, then id.

    Raises:
        ValidationError: `query` has no searchable word.
    """
    tokens = name_tokens(query) if isinstance(query, str) else ()
    if not tokens:
        raise ValidationError.field("query", query, "must contain at least one word")
    with uow:
        repo = uow.repository(ACCOUNTS)
        *whole, last = tokens
        matches = {a.id: a for a in repo.find_range("name_token", last, last + _LAST_CHARACTER)}
        for token in whole:
            matches = {a.id: a for a in repo.find("name_token", token) if a.id in matches}
    found = sorted(matches.values(), key=lambda a: (" ".join(name_tokens(a.name)), a.id))
    return found if limit is None else found[:limit]


def check_credit(
    uow: UnitOfWork,
    account_id: AccountId,
    exposure: Money,
    new_amount: Money,
    policy: CreditPolicy,
) -> CreditCheck:
    """Check a new amount against the account's credit limit; raise when refused.

    Loads the account and its ancestors (for inherited and shared limits). For an account that
    shares credit with its group, `exposure` is the pool's (`accounts.credit.credit_pool`).

    Raises:
        PolicyViolation: the amount does not fit; `details` holds limit, exposure, new amount,
            available credit and where the limit came from.
    """
    with uow:
        repo = uow.repository(ACCOUNTS)
        account = repo.get(account_id)
        chain: dict[AccountId, Account] = {}
        parent = account.parent_id
        while parent is not None and parent not in chain:
            chain[parent] = repo.get(parent)
            parent = chain[parent].parent_id
    check = policy.check(account, exposure, new_amount, accounts=chain)
    check.raise_if_refused()
    return check
