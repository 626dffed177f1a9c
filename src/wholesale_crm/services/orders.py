"""Order-to-cash use cases: place, ship, invoice and cancel orders; returns; payments; statements.

Every function that changes something runs in one transaction: on any error (a refused credit
check, a bad amount, a stale version) the repositories are left exactly as they were.

Placing or reopening an order runs the master-data credit check against the account's
exposure (open balance + unbilled open and shipped orders, see `orders.statement`), pooled
over the accounts that share a credit line. A cancelled order holds no credit, so reopening
it is checked like a new order: it cannot slip past the limit.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from wholesale_crm.accounts.credit import CreditCheck, CreditPolicy, credit_pool
from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import CurrencyMismatch, PolicyViolation, ValidationError
from wholesale_crm.ids import AccountId, InvoiceId, OrderId, new_id
from wholesale_crm.money import Money
from wholesale_crm.orders.allocation import plan_allocation
from wholesale_crm.orders.history import LineFact, line_facts
from wholesale_crm.orders.model import Invoice, Order, OrderStatus, Payment, PaymentDue, Return
from wholesale_crm.orders.statement import Statement, credit_exposure, statement
from wholesale_crm.repositories import UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.orders import INVOICES, ORDERS, PAYMENTS, RETURNS
from wholesale_crm.services import change_one

__all__ = [
    "account_exposure",
    "account_statement",
    "apply_credit",
    "cancel_order",
    "invoice_order",
    "iter_lines",
    "place_order",
    "record_payment",
    "record_return",
    "reopen_order",
    "ship_order",
]

Overpayment = Literal["keep_as_credit", "refuse"]


def _statement(uow: UnitOfWork, account: Account, as_of: date) -> Statement:
    return statement(
        account.id,
        account.currency,
        uow.repository(INVOICES).find("account", account.id),
        uow.repository(PAYMENTS).find("account", account.id),
        as_of,
    )


def _exposure(uow: UnitOfWork, account: Account, as_of: date) -> Money:
    orders = uow.repository(ORDERS).find("account", account.id)
    return credit_exposure(_statement(uow, account, as_of), orders)


def _credit_check(
    uow: UnitOfWork, account: Account, order: Order, policy: CreditPolicy
) -> CreditCheck:
    accounts = None
    pool = [account]
    if account.parent_id is not None or account.shares_credit_with_group:
        everyone = {a.id: a for a in uow.repository(ACCOUNTS)}
        everyone[account.id] = account
        accounts = everyone
        if account.shares_credit_with_group:
            pool = [everyone[i] for i in credit_pool(account, everyone)]
    exposure = sum(
        (_exposure(uow, member, order.ordered_on) for member in pool),
        Money.zero(account.currency),
    )
    return policy.check(account, exposure, order.total, accounts=accounts)


def _account_for(uow: UnitOfWork, order: Order) -> Account:
    account = uow.repository(ACCOUNTS).get(order.account_id)
    if order.currency != account.currency:
        raise CurrencyMismatch.field(
            "currency",
            order.currency,
            f"must be account {account.id}'s currency {account.currency}",
        )
    if order.ship_to is not None:
        account.site(order.ship_to)
    return account


def place_order(
    uow: UnitOfWork, order: Order, *, policy: CreditPolicy | None = None
) -> CreditCheck:
    """Store a new open order once the account's credit check passes.

    Returns:
        The passed credit check (its figures are what the order was weighed against).

    Raises:
        NotFound: the account does not exist.
        CurrencyMismatch: the order is not in the account's currency.
        ValidationError: the ship-to site is not the account's, or the order is not open.
        PolicyViolation: the order would take the exposure over the credit limit; `details`
            holds the limit, exposure, new amount and available credit.
    """
    with uow:
        order = copy.deepcopy(order)  # a refused or conflicting call leaves the caller's alone
        if order.status is not OrderStatus.OPEN:
            raise ValidationError.field("status", order.status.value, "a new order must be open")
        account = _account_for(uow, order)
        check = _credit_check(uow, account, order, policy or CreditPolicy())
        check.raise_if_refused()
        order.placed()
        uow.repository(ORDERS).add(order)
        uow.commit()
    return check


def ship_order(uow: UnitOfWork, order_id: OrderId, *, on: date) -> Order:
    """Mark an open order as shipped on `on`."""
    return change_one(uow, ORDERS, order_id, lambda order: order.ship(on=on))


def cancel_order(uow: UnitOfWork, order_id: OrderId, *, on: date, reason: str = "") -> Order:
    """Cancel an order not yet invoiced (an invoiced one is undone with `record_return`)."""
    return change_one(uow, ORDERS, order_id, lambda order: order.cancel(on=on, reason=reason))


def reopen_order(
    uow: UnitOfWork, order_id: OrderId, *, on: date, policy: CreditPolicy | None = None
) -> CreditCheck:
    """Reopen a cancelled order, checking credit again as for a new order.

    Raises:
        PolicyViolation: the reopened order would take the exposure over the limit.
    """
    with uow:
        order = uow.repository(ORDERS).get(order_id)
        account = _account_for(uow, order)
        order.reopen(on=on)
        # The order is open again but not yet stored: the check sees the exposure without it.
        check = _credit_check(uow, account, order, policy or CreditPolicy())
        check.raise_if_refused()
        uow.repository(ORDERS).save(order)
        uow.commit()
    return check


def _schedule(account: Account, issued_on: date, amount: Money) -> list[PaymentDue]:
    if account.payment_terms is None:
        return [PaymentDue(issued_on, amount)]  # no terms: due on receipt
    return [PaymentDue(i.due, i.amount) for i in account.payment_terms.schedule(issued_on, amount)]


def invoice_order(
    uow: UnitOfWork, order_id: OrderId, *, on: date, invoice_id: InvoiceId | None = None
) -> Invoice:
    """Raise the invoice of an open or shipped order, due per the account's payment terms.

    An account without payment terms is invoiced due on receipt (due on the issue date).

    Raises:
        ValidationError: the order is cancelled or invoiced already, or `on` is before the
            order date.
    """
    with uow:
        order = uow.repository(ORDERS).get(order_id)
        if on < order.ordered_on:
            raise ValidationError.field("on", on, f"is before order {order.id} was placed")
        account = uow.repository(ACCOUNTS).get(order.account_id)
        total = order.total
        invoice = Invoice(
            id=invoice_id or InvoiceId(new_id("inv")),
            account_id=order.account_id,
            issued_on=on,
            currency=order.currency,
            amount=total,
            schedule=_schedule(account, on, total),
            order_ids=[order.id],
        )
        order.mark_invoiced(invoice.id, on=on)
        uow.repository(ORDERS).save(order)
        uow.repository(INVOICES).add(invoice)
        uow.commit()
    return invoice


def record_return(
    uow: UnitOfWork, document: Return, *, credit_note_id: InvoiceId | None = None
) -> Invoice:
    """Store a return (or cancellation of an invoiced order) and its credit note.

    The credit note is applied at once to the original order's invoice, as far as that is
    still open; the rest stays on the account as credit (see `apply_credit`).

    Raises:
        CurrencyMismatch: the return is not in the account's currency.
        ValidationError: the original order is another account's, or was not invoiced.
    """
    with uow:
        document = copy.deepcopy(document)  # a failed call leaves the caller's object alone
        account = uow.repository(ACCOUNTS).get(document.account_id)
        if document.currency != account.currency:
            raise CurrencyMismatch.field("currency", document.currency, "must be the account's")
        target: Invoice | None = None
        if document.original_order_id is not None:
            original = uow.repository(ORDERS).get(document.original_order_id)
            if original.account_id != document.account_id or original.invoice_id is None:
                raise ValidationError.field(
                    "original_order_id",
                    original.id,
                    f"is not an invoiced order of account {document.account_id}",
                )
            target = uow.repository(INVOICES).get(original.invoice_id)
        total = document.total
        note = Invoice(
            id=credit_note_id or InvoiceId(new_id("cn")),
            account_id=document.account_id,
            issued_on=document.returned_on,
            currency=document.currency,
            amount=total,
            schedule=[PaymentDue(document.returned_on, total)],
            credit_note=True,
            return_id=document.id,
        )
        if target is not None and target.open_amount():
            part = min(total, target.open_amount())
            target.settle(note.id, part, on=document.returned_on)
            note.settle(target.id, part, on=document.returned_on)
            uow.repository(INVOICES).save(target)
        document.credit_note_id = note.id
        document.recorded()
        uow.repository(RETURNS).add(document)
        uow.repository(INVOICES).add(note)
        uow.commit()
    return note


def record_payment(
    uow: UnitOfWork,
    payment: Payment,
    *,
    allocations: Mapping[InvoiceId, Money] | None = None,
    on_overpayment: Overpayment = "keep_as_credit",
) -> Payment:
    """Store a payment and allocate it to the account's open invoices.

    The stored, allocated payment is returned; the object passed in is left as it was.

    Args:
        uow: The unit of work.
        payment: The new payment, without allocations.
        allocations: The remittance advice: amount per invoice. `None` pays the oldest due
            first.
        on_overpayment: What to do with money left after the allocations: keep it as account
            credit, or refuse the whole payment.

    Raises:
        ValidationError: an allocation to an unknown or settled invoice, above an invoice's
            open amount or above the payment.
        PolicyViolation: money is left over and `on_overpayment` is `"refuse"`; `details`
            holds the payment, the allocated amount and the excess.
    """
    with uow:
        payment = copy.deepcopy(payment)  # so that a failed call can be retried as it was
        account = uow.repository(ACCOUNTS).get(payment.account_id)
        if payment.currency != account.currency:
            raise CurrencyMismatch.field(
                "amount.currency", payment.currency, "must be the account's"
            )
        if payment.allocations:
            raise ValidationError.field("allocations", payment.allocations, "must be empty")
        invoices = uow.repository(INVOICES)
        candidates = [
            i
            for i in invoices.find("account", payment.account_id)
            if i.issued_on <= payment.received_on
        ]
        plan = plan_allocation(payment.amount, candidates, explicit=allocations)
        if plan.credit and on_overpayment == "refuse":
            raise PolicyViolation(
                f"payment {payment.id} of {payment.amount} exceeds the {plan.allocated} "
                f"allocated by {plan.credit}",
                {"amount": payment.amount, "allocated": plan.allocated, "excess": plan.credit},
            )
        by_id = {i.id: i for i in candidates}
        for invoice_id, part in plan.parts:
            by_id[invoice_id].settle(payment.id, part, on=payment.received_on)
            payment.allocate(invoice_id, part, on=payment.received_on)
            invoices.save(by_id[invoice_id])
        payment.received()
        uow.repository(PAYMENTS).add(payment)
        uow.commit()
    return payment


def apply_credit(uow: UnitOfWork, account_id: AccountId, *, on: date) -> Money:
    """Use the account's unapplied credit (payments, then credit notes) on its open invoices.

    Oldest credit first, oldest due invoice first, everything dated `on`.

    Returns:
        The amount applied.
    """
    with uow:
        account = uow.repository(ACCOUNTS).get(account_id)
        invoices = uow.repository(INVOICES)
        documents = [i for i in invoices.find("account", account_id) if i.issued_on <= on]
        open_invoices = [i for i in documents if not i.credit_note]
        applied = Money.zero(account.currency)
        for payment in sorted(
            uow.repository(PAYMENTS).find("account", account_id), key=lambda p: p.received_on
        ):
            left = payment.unallocated()
            if payment.received_on > on or not left:
                continue
            plan = plan_allocation(left, open_invoices)
            for invoice_id, part in plan.parts:
                invoice = next(i for i in open_invoices if i.id == invoice_id)
                invoice.settle(payment.id, part, on=on)
                payment.allocate(invoice_id, part, on=on)
                applied += part
            uow.repository(PAYMENTS).save(payment)
        for note in sorted((i for i in documents if i.credit_note), key=lambda i: i.issued_on):
            left = note.open_amount()
            if not left:
                continue
            plan = plan_allocation(left, open_invoices)
            for invoice_id, part in plan.parts:
                invoice = next(i for i in open_invoices if i.id == invoice_id)
                invoice.settle(note.id, part, on=on)
                note.settle(invoice_id, part, on=on)
                applied += part
            if plan.parts:
                invoices.save(note)
        for invoice in open_invoices:
            if invoice.pending_events:
                invoices.save(invoice)
        uow.commit()
    return applied


def account_statement(uow: UnitOfWork, account_id: AccountId, as_of: date) -> Statement:
    """The account's statement at the close of `as_of` (see `orders.statement`)."""
    with uow:
        account = uow.repository(ACCOUNTS).get(account_id)
        return _statement(uow, account, as_of)


def account_exposure(uow: UnitOfWork, account_id: AccountId, as_of: date) -> Money:
    """The account's own credit exposure: open balance + unbilled open and shipped orders."""
    with uow:
        account = uow.repository(ACCOUNTS).get(account_id)
        return _exposure(uow, account, as_of)


def iter_lines(
    uow: UnitOfWork, start: date, end: date, *, step: relativedelta | timedelta | None = None
) -> Iterator[LineFact]:
    """Stream the line facts of orders and returns dated in `[start, end)`, by date.

    Reads one slice of dates at a time (a month by default), so a long history never sits in
    memory whole. Within a day, orders come before returns, each in ascending id.
    """
    if end < start:
        raise ValidationError.field("end", end, f"must not be before start {start}")
    step = step or relativedelta(months=1)
    lo = start
    while lo < end:
        hi = min(lo + step, end)
        with uow:
            docs: builtins.list[Order | Return] = [
                *uow.repository(ORDERS).find_range("ordered_on", lo, hi),
                *uow.repository(RETURNS).find_range("returned_on", lo, hi),
            ]
        docs.sort(key=lambda d: d.ordered_on if isinstance(d, Order) else d.returned_on)
        yield from line_facts(docs)
        lo = hi
