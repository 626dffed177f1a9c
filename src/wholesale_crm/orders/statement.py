"""Account statements: what an account owes as of a date, how late it is, and how it pays.

A statement is taken at the close of business on `as_of`: every invoice issued, payment
received and settlement made on or before that day counts.

- **Open balance**: the open amount of every invoice, less the account's unapplied credit (the
  unallocated part of its payments and the unused part of its credit notes).
- **Aging**: each invoice's open amount split by due date (an installment plan ages part by
  part; settlements pay the earliest parts first) into current (not yet due), 1-30, 31-60,
  61-90 and over 90 days past due. Unapplied credit is not due, so it sits in `current` as a
  negative amount; the five buckets therefore always add up to the open balance.
- **Overdue**: the open amount past its due date (the four past-due buckets).
- **DSO** (days sales outstanding): receivables / credit sales of the trailing `window` days x
  `window` (the "countback-free" textbook formula), with receivables the open amount of the
  invoices (credit not deducted) and sales the invoices issued in `(as_of - window, as_of]`;
  `None` when nothing was invoiced in the window.
- **Average days paid late**: over the invoices fully settled by `as_of`, the mean of
  `max(0, day of the last settlement - last due date)`, to one decimal; `None` when none was.
- **Exposure** (`credit_exposure`): the open balance plus the unbilled open and shipped
  orders, which is what the master-data credit check weighs a new order against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

from wholesale_crm.errors import CurrencyMismatch
from wholesale_crm.ids import AccountId, InvoiceId
from wholesale_crm.money import Money
from wholesale_crm.orders.model import Invoice, Order, Payment

__all__ = [
    "AGING_BUCKETS",
    "Aging",
    "Statement",
    "StatementLine",
    "aging_bucket",
    "credit_exposure",
    "statement",
]

AGING_BUCKETS: tuple[str, ...] = ("current", "1-30", "31-60", "61-90", "over 90")
"""The aging buckets' labels, in the order of `Aging.buckets()`."""

_TENTH = Decimal("0.1")


@attrs.frozen
class Aging:
    """Open amounts by days past due; the buckets add up to the statement's open balance."""

    current: Money
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money

    def buckets(self) -> tuple[Money, ...]:
        """The five amounts in `AGING_BUCKETS` order."""
        return (self.current, self.days_1_30, self.days_31_60, self.days_61_90, self.over_90)

    @property
    def total(self) -> Money:
        """Sum of the buckets."""
        return sum(self.buckets(), Money.zero(self.current.currency))

    @property
    def overdue(self) -> Money:
        """Sum of the past-due buckets."""
        return self.total - self.current


@attrs.frozen
class StatementLine:
    """One open invoice (or unused credit note, negative) on a statement."""

    invoice_id: InvoiceId
    issued_on: date
    due_on: date
    amount: Money
    open: Money
    days_overdue: int


@attrs.frozen
class Statement:
    """An account's position at the close of `as_of` (see the module docs for definitions)."""

    account_id: AccountId
    as_of: date
    currency: str
    lines: tuple[StatementLine, ...]
    invoiced_open: Money
    unapplied_credit: Money
    open_balance: Money
    overdue: Money
    aging: Aging
    dso: Decimal | None
    average_days_late: Decimal | None


def aging_bucket(days_overdue: int) -> int:
    """The index in `AGING_BUCKETS` of an amount `days_overdue` days past due."""
    if days_overdue <= 0:
        return 0
    if days_overdue <= 30:
        return 1
    if days_overdue <= 60:
        return 2
    if days_overdue <= 90:
        return 3
    return 4


def _check_currency(currency: str, amount: Money, what: str) -> None:
    if amount.currency != currency:
        raise CurrencyMismatch.field(
            f"{what}.currency", amount.currency, f"must be the account currency {currency}"
        )


def statement(
    account_id: AccountId,
    currency: str,
    invoices: Iterable[Invoice],
    payments: Iterable[Payment],
    as_of: date,
    *,
    window: int = 90,
) -> Statement:
    """The statement of one account from its invoices, credit notes and payments.

    Args:
        account_id: The account.
        currency: The account's currency; every document must be in it.
        invoices: The account's invoices and credit notes (others are ignored).
        payments: The account's payments (others are ignored).
        as_of: The statement day (its close: documents dated that day count).
        window: Days of sales the DSO looks back on.

    Raises:
        CurrencyMismatch: a document in another currency.
    """
    zero = Money.zero(currency)
    buckets = [zero] * 5
    lines: list[StatementLine] = []
    receivable = credit = sales = zero
    lateness: list[int] = []
    window_start = as_of - timedelta(days=window)
    for invoice in invoices:
        if invoice.account_id != account_id or invoice.issued_on > as_of:
            continue
        _check_currency(currency, invoice.amount, f"invoice {invoice.id}")
        open_amount = invoice.open_amount(as_of)
        if invoice.credit_note:
            if open_amount:
                credit += open_amount
                lines.append(
                    StatementLine(
                        invoice.id,
                        invoice.issued_on,
                        invoice.issued_on,
                        -invoice.amount,
                        -open_amount,
                        0,
                    )
                )
            continue
        if invoice.issued_on > window_start:
            sales += invoice.amount
        paid_on = invoice.paid_on(as_of)
        if paid_on is not None:
            lateness.append(max(0, (paid_on - invoice.due_on).days))
            continue
        receivable += open_amount
        open_parts = [part for part in invoice.open_schedule(as_of) if part.amount]
        for part in open_parts:
            index = aging_bucket((as_of - part.due).days)
            buckets[index] = buckets[index] + part.amount
        oldest_due = open_parts[0].due
        lines.append(
            StatementLine(
                invoice.id,
                invoice.issued_on,
                invoice.due_on,
                invoice.amount,
                open_amount,
                max(0, (as_of - oldest_due).days),
            )
        )
    for payment in payments:
        if payment.account_id != account_id:
            continue
        _check_currency(currency, payment.amount, f"payment {payment.id}")
        credit += payment.unallocated(as_of)
    buckets[0] = buckets[0] - credit
    aging = Aging(*buckets)
    dso = None
    if sales:
        dso = (receivable.amount / sales.amount * window).quantize(_TENTH, ROUND_HALF_UP)
    late = None
    if lateness:
        late = (Decimal(sum(lateness)) / len(lateness)).quantize(_TENTH, ROUND_HALF_UP)
    lines.sort(key=lambda line: (line.due_on, line.invoice_id))
    return Statement(
        account_id=account_id,
        as_of=as_of,
        currency=currency,
        lines=tuple(lines),
        invoiced_open=receivable,
        unapplied_credit=credit,
        open_balance=receivable - credit,
        overdue=aging.overdue,
        aging=aging,
        dso=dso,
        average_days_late=late,
    )


def credit_exposure(balance: Statement, orders: Sequence[Order]) -> Money:
    """The open balance plus the totals of the unbilled (open or shipped) orders of the account.

    Cancelled and invoiced orders add nothing (an invoiced order is in the balance already).
    """
    unbilled = [o.total for o in orders if o.account_id == balance.account_id and o.is_unbilled]
    for order_total in unbilled:
        _check_currency(balance.currency, order_total, "order")
    return balance.open_balance + sum(unbilled, Money.zero(balance.currency))
