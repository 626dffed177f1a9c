"""Sample order-to-cash history: about 18 months of repeat orders, invoices, payments, returns.

Each trading account (active or dormant) gets a buying habit drawn from the seed: a favourite
basket of the active catalogue, an order cadence of one to six weeks, an order size, and a
paying habit (prompt, a little late, or slow). Orders before the last fortnight are invoiced
two days after they are placed, due per the account's payment terms, and paid according to the
habit as long as the payment day falls before `as_of`. A few orders are cancelled, a few
invoiced ones partly returned (with a credit note), and the dormant account stopped buying half
a year ago. Prices are the list prices (per pack), in euros at a fixed rate for euro accounts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import attrs

from wholesale_crm.accounts.model import Account, AccountStatus, SiteRole
from wholesale_crm.accounts.terms import NetDays
from wholesale_crm.catalog.model import Product
from wholesale_crm.ids import InvoiceId, OrderId, PaymentId, SiteId
from wholesale_crm.orders.model import (
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentDue,
    Return,
    ReturnId,
    ReturnReason,
)

__all__ = ["EUR_PER_GBP", "HISTORY_DAYS", "SampleHistory", "build"]

HISTORY_DAYS = 548
"""How far back the history starts: about 18 months before `as_of`."""

EUR_PER_GBP = Decimal("1.16")
"""The fixed rate used to price euro accounts from the GBP list prices."""

_DISCOUNT_BY_TIER = {"A": Decimal(5), "B": Decimal("2.5")}


@attrs.define
class SampleHistory:
    """The generated documents, each list in id order."""

    orders: list[Order] = attrs.Factory(list)
    returns: list[Return] = attrs.Factory(list)
    invoices: list[Invoice] = attrs.Factory(list)
    payments: list[Payment] = attrs.Factory(list)


@attrs.frozen
class _Habit:
    basket: tuple[Product, ...]
    cadence: int  # mean days between orders
    packs: int  # usual packs per line
    delay: tuple[int, int]  # days paid after the due date (negative: early)


def _habit(rng: random.Random, products: list[Product]) -> _Habit:
    basket = tuple(rng.sample(products, rng.randint(4, 9)))
    delay = rng.choice(((-5, 0), (-2, 3), (0, 12), (5, 35), (20, 75)))
    return _Habit(basket, rng.randint(7, 42), rng.randint(1, 4), delay)


def _weekday(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def _price(product: Product, factor: Decimal, currency: str) -> Decimal:
    assert product.list_price is not None  # the sample catalogue prices every product
    price = product.list_price.amount * factor
    return price if currency == "GBP" else price * EUR_PER_GBP


def _order_days(rng: random.Random, habit: _Habit, start: date, stop: date) -> list[date]:
    days = []
    day = start + timedelta(days=rng.randint(0, habit.cadence))
    while day < stop:
        days.append(_weekday(day))
        day += timedelta(days=max(1, round(rng.gauss(habit.cadence, habit.cadence / 4))))
    return [d for d in days if d < stop]


def build(
    rng: random.Random, accounts: list[Account], products: list[Product], as_of: date
) -> SampleHistory:
    """Generate the history of `accounts` up to `as_of` (exclusive), the same for the same seed.

    Args:
        rng: The sample generator's random source.
        accounts: The sample accounts; prospects and closed accounts never ordered.
        products: The sample catalogue; only active products are ordered.
        as_of: The sample's "today".
    """
    active = [p for p in products if p.active]
    start = as_of - timedelta(days=HISTORY_DAYS)
    drafts: list[tuple[date, Account, list[OrderLine], _Habit]] = []
    for account in accounts:
        if account.status not in (AccountStatus.ACTIVE, AccountStatus.DORMANT):
            continue
        habit = _habit(rng, active)
        stop = as_of if account.status is AccountStatus.ACTIVE else as_of - timedelta(days=180)
        discount = _DISCOUNT_BY_TIER.get(account.tier.value if account.tier else "", Decimal(0))
        for day in _order_days(rng, habit, start, stop):
            lines = []
            for product in rng.sample(habit.basket, rng.randint(1, min(4, len(habit.basket)))):
                pack = product.packs[0]
                packs = max(1, habit.packs + rng.randint(-1, 2))
                price = _price(product, pack.factor, account.currency)
                lines.append(OrderLine(product.id, packs, price, pack.code, pack.factor, discount))
            drafts.append((day, account, lines, habit))
    drafts.sort(key=lambda d: (d[0], d[1].id))
    history = SampleHistory()
    for n, (day, account, lines, habit) in enumerate(drafts, 1):
        site = account.default_site(SiteRole.SHIP_TO)
        order = Order(
            OrderId(f"SO-{n:05d}"),
            account.id,
            day,
            account.currency,
            lines,
            ship_to=SiteId(site.id) if site else None,
        )
        history.orders.append(order)
        age = (as_of - day).days
        if rng.random() < 0.02:
            order.cancel(on=day + timedelta(days=1), reason="customer cancelled")
        elif age > 14:
            _invoice(rng, history, account, order, habit, as_of)
        elif age > 3:
            order.ship(on=day + timedelta(days=2))
    for document in (*history.orders, *history.invoices, *history.payments, *history.returns):
        document.pull_events()  # history, not news: nothing to publish
    history.invoices.sort(key=lambda i: i.id)
    return history


def _invoice(
    rng: random.Random,
    history: SampleHistory,
    account: Account,
    order: Order,
    habit: _Habit,
    as_of: date,
) -> None:
    issued = order.ordered_on + timedelta(days=2)
    total = order.total
    terms = account.payment_terms or NetDays(30)
    schedule = [PaymentDue(i.due, i.amount) for i in terms.schedule(issued, total)]
    invoice = Invoice(
        InvoiceId(f"INV-{len(history.invoices) + 1:05d}"),
        account.id,
        issued,
        account.currency,
        total,
        schedule,
        order_ids=[order.id],
    )
    order.ship(on=order.ordered_on + timedelta(days=1))
    order.mark_invoiced(invoice.id, on=issued)
    history.invoices.append(invoice)
    paid_on = max(issued, invoice.due_on + timedelta(days=rng.randint(*habit.delay)))
    part_payment = rng.random() < 0.05
    returned_on = issued + timedelta(days=rng.randint(3, 20)) if rng.random() < 0.04 else None
    if returned_on is not None and returned_on <= paid_on:
        _return(rng, history, account, order, invoice, returned_on, as_of)
    left = invoice.open_amount()
    if paid_on < as_of and left:
        if part_payment:
            left = (left / 2).round()  # the rest stays open
        payment = Payment(
            PaymentId(f"PAY-{len(history.payments) + 1:05d}"), account.id, paid_on, left
        )
        payment.allocate(invoice.id, left, on=paid_on)
        invoice.settle(payment.id, left, on=paid_on)
        history.payments.append(payment)
    if returned_on is not None and returned_on > paid_on:
        _return(rng, history, account, order, invoice, returned_on, as_of)


def _return(
    rng: random.Random,
    history: SampleHistory,
    account: Account,
    order: Order,
    invoice: Invoice,
    day: date,
    as_of: date,
) -> None:
    if day >= as_of:
        return
    line = attrs.evolve(rng.choice(order.lines), quantity=Decimal(1))
    n = len(history.returns) + 1
    document = Return(
        ReturnId(f"RT-{n:05d}"),
        account.id,
        day,
        account.currency,
        [line],
        ReturnReason.RETURNED,
        order.id,
        InvoiceId(f"CN-{n:05d}"),
    )
    credit = document.total
    note = Invoice(
        InvoiceId(f"CN-{n:05d}"),
        account.id,
        day,
        account.currency,
        credit,
        [PaymentDue(day, credit)],
        credit_note=True,
        return_id=document.id,
    )
    part = min(credit, invoice.open_amount())
    if part:
        invoice.settle(note.id, part, on=day)
        note.settle(invoice.id, part, on=day)
    history.returns.append(document)
    history.invoices.append(note)
