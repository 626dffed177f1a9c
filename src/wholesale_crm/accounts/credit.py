"""Credit limits: which limit applies to an account, and whether a new order fits under it.

The limit of an account is its own `credit_limit`; when it has none, the nearest ancestor's
(parent, grandparent, ...); when none of those has one, the limit of its customer group (the
nearest `customer_group` on the way up), from the `group_limits` the caller configures.

An account with `shares_credit_with_group` draws on its parent's credit line instead of its own:
its check is the check of the *pool* (the parent, or the first ancestor that does not share, and
every account below it that shares), so the exposure passed in must be the pool's combined
exposure; `credit_pool` lists whose exposure that is (the head's own checks use the pool's
exposure too, since its branches draw on its line). Exposure itself (open orders and unpaid
invoices) comes from the orders capability; here it is an input.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money

__all__ = ["CreditCheck", "CreditPolicy", "credit_pool"]

Accounts = Mapping[AccountId, Account]


@attrs.frozen
class CreditCheck:
    """The answer of a credit check, with the figures behind it.

    Attributes:
        allowed: True when `exposure + new_amount` stays within `limit` (or there is no limit).
        limit: The limit that applied; `None` when no limit is set anywhere.
        exposure: What the account (or its pool) already owes and has on order.
        new_amount: The amount asked for (a new order).
        available: `limit - exposure` (negative when already over the limit); `None` without
            a limit.
        source: Where the limit came from: `"account:<id>"` (the account's own),
            `"parent:<id>"` (an ancestor's), `"group:<name>"` (its customer group's) or `"none"`.
        reason: One readable sentence saying why.
    """

    allowed: bool
    limit: Money | None
    exposure: Money
    new_amount: Money
    available: Money | None
    source: str
    reason: str

    def raise_if_refused(self) -> None:
        """Raise `PolicyViolation` (figures in `details`) when the check refused."""
        if not self.allowed:
            raise PolicyViolation(
                self.reason,
                {
                    "limit": self.limit,
                    "exposure": self.exposure,
                    "new_amount": self.new_amount,
                    "available": self.available,
                    "source": self.source,
                },
            )


def _group_limits(value: Mapping[str, Money]) -> dict[str, Money]:
    limits = dict(value)
    for group, limit in limits.items():
        if not isinstance(limit, Money):
            raise ValidationError.field(f"group_limits[{group!r}]", limit, "must be Money")
        if limit.is_negative:
            raise ValidationError.field(f"group_limits[{group!r}]", str(limit), "is negative")
    return limits


def _chain(account: Account, accounts: Accounts | None) -> list[Account]:
    """`account` and its ancestors, nearest first (only as far as the caller's accounts go)."""
    chain = [account]
    seen = {account.id}
    parent = account.parent_id
    while parent is not None:
        if accounts is None:
            raise ValidationError.field(
                "accounts", None, f"is needed to look up {account.id}'s parent {parent}"
            )
        if parent not in accounts:
            raise ValidationError.field("parent_id", parent, "is not among the given accounts")
        if parent in seen:
            break  # a stored cycle; the hierarchy checks report it, credit need not loop
        seen.add(parent)
        chain.append(accounts[parent])
        parent = accounts[parent].parent_id
    return chain


def _pool_head(chain: list[Account]) -> int:
    """Index in `chain` of the account whose credit line `chain[0]` draws on."""
    head = 0
    while head + 1 < len(chain) and chain[head].shares_credit_with_group:
        head += 1
    return head


def credit_pool(account: Account, accounts: Accounts) -> list[AccountId]:
    """The accounts whose exposure counts against `account`'s credit line, ascending id.

    The line belongs to the pool head: `account` itself, or, when it shares credit with its
    group, its parent (or the first ancestor up the chain that does not share). The pool is
    the head and every account below it reached through accounts that share. An account
    that neither shares nor is shared with is a pool of one.

    Args:
        account: The account asking for credit.
        accounts: Accounts by id: its ancestors and the accounts below its pool head.
    """
    chain = _chain(account, accounts)
    head = chain[_pool_head(chain)].id
    children: dict[AccountId, list[AccountId]] = {}
    for other in accounts.values():
        if other.parent_id is not None and other.shares_credit_with_group:
            children.setdefault(other.parent_id, []).append(other.id)
    pool, stack = {head}, [head]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in pool:
                pool.add(child)
                stack.append(child)
    return sorted(pool)


@attrs.frozen
class CreditPolicy:
    """Resolves credit limits and checks new amounts against them.

    Args:
        group_limits: The credit limit of each customer group, for accounts (and their
            ancestors) without a limit of their own.
    """

    group_limits: Mapping[str, Money] = attrs.field(factory=dict, converter=_group_limits)

    def limit_for(
        self, account: Account, *, accounts: Accounts | None = None
    ) -> tuple[Money | None, str]:
        """The limit that applies to `account` and where it came from (see `CreditCheck.source`).

        Args:
            account: The account asking for credit.
            accounts: Accounts by id, holding at least its ancestors when it has a parent
                and no limit of its own, or shares credit.

        Raises:
            ValidationError: an ancestor is needed but not given.
        """
        needs_parents = account.credit_limit is None or account.shares_credit_with_group
        chain = _chain(account, accounts) if needs_parents else [account]
        head = _pool_head(chain)
        for position, holder in enumerate(chain[head:], start=head):
            if holder.credit_limit is not None:
                kind = "account" if position == 0 else "parent"
                return holder.credit_limit, f"{kind}:{holder.id}"
        for holder in chain[head:]:
            if holder.customer_group is not None:
                limit = self.group_limits.get(holder.customer_group)
                if limit is None:
                    return None, "none"
                return limit, f"group:{holder.customer_group}"
        return None, "none"

    def check(
        self,
        account: Account,
        exposure: Money,
        new_amount: Money,
        *,
        accounts: Accounts | None = None,
    ) -> CreditCheck:
        """Check whether `new_amount` on top of `exposure` stays within the account's limit.

        Allowed when `exposure + new_amount <= limit`, or when no limit applies anywhere.

        Args:
            account: The account asking for credit.
            exposure: What its credit pool (`credit_pool`: just the account unless credit is
                shared) already owes and has on order, in the account's currency.
            new_amount: The new order's amount, not negative, same currency.
            accounts: Accounts by id, for the parent and shared-credit look-ups.

        Raises:
            ValidationError: a negative `new_amount`, a currency other than the limit's, or a
                needed ancestor missing from `accounts`.
        """
        if new_amount.is_negative:
            raise ValidationError.field("new_amount", str(new_amount), "must not be negative")
        if new_amount.currency != exposure.currency:
            raise ValidationError.field(
                "new_amount", str(new_amount), f"must be in the exposure's currency {exposure}"
            )
        limit, source = self.limit_for(account, accounts=accounts)
        if limit is None:
            return CreditCheck(
                True,
                None,
                exposure,
                new_amount,
                None,
                source,
                f"{account.id} has no credit limit (own, parent or customer group): allowed",
            )
        if limit.currency != exposure.currency:
            raise ValidationError.field(
                "exposure", str(exposure), f"must be in the credit limit's currency {limit}"
            )
        available = limit - exposure
        allowed = new_amount <= available

        def show(amount: Money) -> str:
            return amount.format(account.locale)

        pool = " shared with its group" if account.shares_credit_with_group else ""
        figures = (
            f"limit {show(limit)} from {source}{pool}, exposure {show(exposure)}, "
            f"available {show(available)}"
        )
        verdict = "fits within" if allowed else "exceeds"
        reason = f"{account.id}: {show(new_amount)} {verdict} the available credit ({figures})"
        return CreditCheck(allowed, limit, exposure, new_amount, available, source, reason)
