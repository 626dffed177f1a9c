"""Demo section: account hierarchies, credit checks and duplicate screening."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TextIO

from wholesale_crm.accounts.credit import CreditPolicy
from wholesale_crm.accounts.duplicates import find_duplicates
from wholesale_crm.accounts.hierarchy import Hierarchy
from wholesale_crm.accounts.model import Account, AccountStatus, SiteRole
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money
from wholesale_crm.samples.accounts import CREDIT_GROUP_LIMITS

__all__ = ["show"]


class HasAccounts(Protocol):
    """The sample data this section reads: its accounts."""

    @property
    def accounts(self) -> Sequence[Account]:
        """The sample accounts."""
        ...


def _label(account: Account) -> str:
    notes = [account.tier.value] if account.tier else []
    if account.strategic:
        notes.append("strategic")
    if account.credit_limit is not None:
        notes.append(f"limit {account.credit_limit.format(account.locale)}")
    if account.shares_credit_with_group:
        notes.append("shares credit")
    suffix = f" [{', '.join(notes)}]" if notes else ""
    bill_to = account.default_site(SiteRole.BILL_TO)
    place = f" ({bill_to.address.city}, {bill_to.address.country})" if bill_to else ""
    return f"{account.id} {account.name}{place}{suffix}"


def show(data: HasAccounts, out: TextIO) -> None:
    """Print the groups as trees, two credit checks and the duplicates among the samples."""
    accounts = {a.id: a for a in data.accounts}
    hierarchy = Hierarchy(accounts.values())
    for root in hierarchy.roots():
        if not hierarchy.children(root):
            continue
        for depth, account in hierarchy.walk(root):
            out.write(f"{'   ' * (depth - 1)}{' +- ' if depth else ''}{_label(account)}\n")
    policy = CreditPolicy(CREDIT_GROUP_LIMITS)
    for account_id, exposure, order in (
        (AccountId("ACC-013"), Money("57250.00", "GBP"), Money("3400.00", "GBP")),
        (AccountId("ACC-003"), Money("1200.00", "GBP"), Money("800.00", "GBP")),
    ):
        check = policy.check(accounts[account_id], exposure, order, accounts=accounts)
        verdict = "allowed" if check.allowed else "REFUSED"
        out.write(f"credit {verdict}: {check.reason}\n")
    prospects = [a for a in data.accounts if a.status is AccountStatus.PROSPECT]
    others = [a for a in data.accounts if a.status is not AccountStatus.PROSPECT]
    for prospect in prospects:
        for candidate in find_duplicates(prospect, others):
            out.write(
                f"prospect {prospect.id} {prospect.name} may duplicate {candidate.account_id} "
                f"(score {candidate.score:.2f}: {'; '.join(candidate.reasons)})\n"
            )
