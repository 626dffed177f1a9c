"""Pipeline use cases: pipelines, leads, opportunities, stage moves, closing, lead conversion.

Each function takes the unit of work first, loads what it needs, calls the domain, saves and
commits, so events (`StageChanged`, `OpportunityWon`, `OpportunityLost`, ...) are published
only once the change is stored; any error leaves every repository exactly as it was. Close
dates are the owner's calendar date, from `zones` (owner id -> IANA zone; UTC when missing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import attrs

from wholesale_crm.accounts.duplicates import DuplicateCandidate, blocking_keys, find_duplicates
from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import DuplicateRecord, ValidationError
from wholesale_crm.ids import new_id
from wholesale_crm.money import Money
from wholesale_crm.pipeline.model import Lead, Opportunity, Pipeline
from wholesale_crm.pipeline.timing import OwnerZones, owner_today
from wholesale_crm.repositories import UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.pipeline import LEADS, OPPORTUNITIES, PIPELINES
from wholesale_crm.services import change_one

__all__ = [
    "LeadConversion",
    "capture_lead",
    "change_opportunity",
    "convert_lead",
    "create_pipeline",
    "disqualify_lead",
    "lose_opportunity",
    "move_stage",
    "open_opportunity",
    "qualify_lead",
    "reopen_opportunity",
    "win_opportunity",
]


def create_pipeline(uow: UnitOfWork, pipeline: Pipeline) -> Pipeline:
    """Store a new pipeline; `DuplicateRecord` if the id is taken."""
    with uow:
        uow.repository(PIPELINES).add(pipeline)
        uow.commit()
    return pipeline


def capture_lead(uow: UnitOfWork, lead: Lead) -> Lead:
    """Store a new lead; `DuplicateRecord` if the id is taken."""
    with uow:
        uow.repository(LEADS).add(lead)
        uow.commit()
    return lead


def _change_lead(uow: UnitOfWork, lead_id: str, change: Callable[[Lead], None]) -> Lead:
    return change_one(uow, LEADS, lead_id, change)


def qualify_lead(uow: UnitOfWork, lead_id: str, *, at: datetime, by: str) -> Lead:
    """Mark a new lead as qualified."""
    return _change_lead(uow, lead_id, lambda lead: lead.qualify(at=at, by=by))


def disqualify_lead(uow: UnitOfWork, lead_id: str, reason: str, *, at: datetime, by: str) -> Lead:
    """Drop a lead for `reason` (required)."""
    return _change_lead(uow, lead_id, lambda lead: lead.disqualify(reason, at=at, by=by))


def open_opportunity(
    uow: UnitOfWork,
    pipeline_id: str,
    *,
    id: str,
    name: str,
    account_id: str,
    owner_id: str,
    at: datetime,
    by: str,
    stage_id: str | None = None,
    amount: Money | None = None,
    expected_close: date | None = None,
    next_step: str | None = None,
    contact_id: str | None = None,
) -> Opportunity:
    """Open a deal with a stored account in a stored pipeline (first stage by default).

    Raises:
        NotFound: no such pipeline.
        ValidationError: unknown account or stage, missing fields the stage requires.
        DuplicateRecord: the id is taken.
    """
    with uow:
        pipeline = uow.repository(PIPELINES).get(pipeline_id)
        if account_id not in uow.repository(ACCOUNTS):
            raise ValidationError.field("account_id", account_id, "is not a known account")
        opportunity = Opportunity.open(
            pipeline,
            id=id,
            name=name,
            account_id=account_id,
            owner_id=owner_id,
            at=at,
            by=by,
            stage_id=stage_id,
            amount=amount,
            expected_close=expected_close,
            next_step=next_step,
            contact_id=contact_id,
        )
        uow.repository(OPPORTUNITIES).add(opportunity)
        uow.commit()
    return opportunity


def change_opportunity(
    uow: UnitOfWork, opportunity_id: str, change: Callable[[Opportunity, Pipeline], None]
) -> Opportunity:
    """Load a deal and its pipeline, apply `change(opportunity, pipeline)`, save and commit.

    The building block of the other opportunity services, and the way to call any
    `Opportunity` method (`set_amount`, `override_probability`, `record_activity`, ...).
    """
    with uow:
        repo = uow.repository(OPPORTUNITIES)
        opportunity = repo.get(opportunity_id)
        pipeline = uow.repository(PIPELINES).get(opportunity.pipeline_id)
        change(opportunity, pipeline)
        repo.save(opportunity)
        uow.commit()
    return opportunity


def move_stage(
    uow: UnitOfWork,
    opportunity_id: str,
    stage_id: str,
    *,
    at: datetime,
    by: str,
    lost_reason: str | None = None,
    zones: OwnerZones | None = None,
) -> Opportunity:
    """Move a deal to `stage_id` as the pipeline allows (see `Opportunity.move_to`)."""

    def move(o: Opportunity, p: Pipeline) -> None:
        closed_on = owner_today(o.owner_id, at, zones)
        o.move_to(p, stage_id, at=at, by=by, lost_reason=lost_reason, closed_on=closed_on)

    return change_opportunity(uow, opportunity_id, move)


def win_opportunity(
    uow: UnitOfWork,
    opportunity_id: str,
    *,
    at: datetime,
    by: str,
    zones: OwnerZones | None = None,
) -> Opportunity:
    """Close a deal as won on its owner's date; publishes `OpportunityWon`."""
    return change_opportunity(
        uow,
        opportunity_id,
        lambda o, p: o.win(p, at=at, by=by, closed_on=owner_today(o.owner_id, at, zones)),
    )


def lose_opportunity(
    uow: UnitOfWork,
    opportunity_id: str,
    reason: str,
    *,
    at: datetime,
    by: str,
    zones: OwnerZones | None = None,
) -> Opportunity:
    """Close a deal as lost for `reason` on its owner's date; publishes `OpportunityLost`."""
    return change_opportunity(
        uow,
        opportunity_id,
        lambda o, p: o.lose(p, reason, at=at, by=by, closed_on=owner_today(o.owner_id, at, zones)),
    )


def reopen_opportunity(
    uow: UnitOfWork,
    opportunity_id: str,
    stage_id: str | None = None,
    *,
    at: datetime,
    by: str,
) -> Opportunity:
    """Put a won or lost deal back into an open stage (the last one it was in by default)."""
    return change_opportunity(uow, opportunity_id, lambda o, p: o.reopen(p, stage_id, at=at, by=by))


# -- lead conversion ------------------------------------------------------------------------


@attrs.frozen
class LeadConversion:
    """What a lead became.

    Attributes:
        lead_id: The converted lead.
        account_id: The account it joined or created.
        contact_id: The contact added to that account.
        opportunity_id: The new opportunity.
        new_account: True when the account was created by the conversion.
        duplicates: The possible duplicates screening found (best first); when any was found
            and no account was named, the lead joined the best one.
    """

    lead_id: str
    account_id: str
    contact_id: str
    opportunity_id: str
    new_account: bool
    duplicates: tuple[DuplicateCandidate, ...]


def _screen(uow: UnitOfWork, candidate: Account, threshold: float) -> list[DuplicateCandidate]:
    repo = uow.repository(ACCOUNTS)
    # Only accounts sharing a blocking key can score: fetch those through the index.
    found: dict[str, Account] = {}
    for key in blocking_keys(candidate):
        for other in repo.find("duplicate_key", key):
            found.setdefault(other.id, other)
    return find_duplicates(candidate, found.values(), threshold=threshold)


def convert_lead(
    uow: UnitOfWork,
    lead_id: str,
    *,
    pipeline_id: str,
    at: datetime,
    by: str,
    owner_id: str | None = None,
    account_id: str | None = None,
    force_new_account: bool = False,
    threshold: float = 0.6,
    opportunity_name: str | None = None,
    amount: Money | None = None,
    expected_close: date | None = None,
    currency: str = "EUR",
    new_account_id: str | None = None,
    contact_id: str | None = None,
    opportunity_id: str | None = None,
) -> LeadConversion:
    """Turn a lead into an account, a contact and an opportunity, all in one unit of work.

    The account is, in this order: `account_id` when given; else, unless
    `force_new_account`, the best existing account that duplicate screening scores at least
    `threshold` against the lead; else a new prospect account built from the lead. The
    lead's person is added to that account as a contact, and a deal opens in the pipeline's
    first stage. Nothing is stored unless everything succeeds.

    Args:
        uow: The unit of work.
        lead_id: The lead (new or qualified).
        pipeline_id: Where the deal opens.
        at: When (aware).
        by: Who converts.
        owner_id: The deal's owner (the lead's owner, else `by`).
        account_id: Join this existing account.
        force_new_account: Create an account even if screening finds possible duplicates.
        threshold: Duplicate score from which an existing account is taken.
        opportunity_name: The deal's name (the company's name by default).
        amount: The deal's amount, if known.
        expected_close: The deal's expected close date, if known.
        currency: Currency of a new account.
        new_account_id: Id of a new account (generated by default).
        contact_id: Id of the contact (generated by default).
        opportunity_id: Id of the deal (generated by default).

    Raises:
        NotFound: unknown lead, pipeline or `account_id`.
        PolicyViolation: the lead is disqualified or already converted.
        ValidationError: bad deal fields (negative amount, fields the first stage requires).
    """
    with uow:
        leads = uow.repository(LEADS)
        accounts = uow.repository(ACCOUNTS)
        lead = leads.get(lead_id)
        lead.check_convertible()
        pipeline = uow.repository(PIPELINES).get(pipeline_id)
        contact = lead.as_contact(contact_id or new_id("con"))
        candidate = lead.as_account(new_account_id or new_id("acc"), currency=currency)
        candidate.add_contact(contact)
        duplicates = [] if account_id else _screen(uow, candidate, threshold)
        if account_id is None and duplicates and not force_new_account:
            account_id = duplicates[0].account_id
        if account_id is not None:
            account = accounts.get(account_id)
            account.add_contact(contact)
            accounts.save(account)
        else:
            account = candidate
            if account.id in accounts:
                raise DuplicateRecord(ACCOUNTS.kind, account.id)
            account.mark_opened(on=owner_today(by, at))
            accounts.add(account)
        opportunity = Opportunity.open(
            pipeline,
            id=opportunity_id or new_id("opp"),
            name=opportunity_name or lead.company,
            account_id=account.id,
            owner_id=owner_id or lead.owner_id or by,
            at=at,
            by=by,
            amount=amount,
            expected_close=expected_close,
            contact_id=contact.id,
            lead_id=lead.id,
        )
        uow.repository(OPPORTUNITIES).add(opportunity)
        new_account = account is candidate
        lead.mark_converted(
            account_id=account.id,
            contact_id=contact.id,
            opportunity_id=opportunity.id,
            new_account=new_account,
            at=at,
            by=by,
        )
        leads.save(lead)
        uow.commit()
    return LeadConversion(
        lead.id, account.id, contact.id, opportunity.id, new_account, tuple(duplicates)
    )
