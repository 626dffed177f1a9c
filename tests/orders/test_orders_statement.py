"""Statements by hand, and the invariants: aging sums to the balance, allocation keeps money."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.orders.allocation import plan_allocation
from wholesale_crm.orders.model import Invoice, Order, OrderLine, Payment, PaymentDue
from wholesale_crm.orders.statement import credit_exposure, statement


def gbp(amount: str | Decimal) -> Money:
    return Money(amount, "GBP")


def inv(id: str, issued: date, *parts: tuple[date, str], credit_note: bool = False) -> Invoice:
    schedule = [PaymentDue(d, gbp(a)) for d, a in parts]
    total = sum((p.amount for p in schedule), gbp("0"))
    return Invoice(id, "ACC-1", issued, "GBP", total, schedule, credit_note=credit_note)


def paid(invoice: Invoice, payment: Payment, amount: str, on: date) -> None:
    invoice.settle(payment.id, gbp(amount), on=on)
    payment.allocate(invoice.id, gbp(amount), on=on)


@pytest.fixture
def books() -> tuple[list[Invoice], list[Payment]]:
    i1 = inv("I1", date(2026, 1, 1), (date(2026, 1, 31), "100.00"))
    i2 = inv("I2", date(2026, 3, 1), (date(2026, 3, 31), "200.00"))
    i3 = inv("I3", date(2026, 4, 10), (date(2026, 5, 10), "60.00"), (date(2026, 6, 10), "40.00"))
    i4 = inv("I4", date(2025, 12, 1), (date(2025, 12, 31), "80.00"))
    i5 = inv("I5", date(2025, 10, 1), (date(2025, 10, 31), "50.00"))
    cn1 = inv("CN1", date(2026, 4, 1), (date(2026, 4, 1), "30.00"), credit_note=True)
    p0 = Payment("P0", "ACC-1", date(2026, 1, 10), gbp("80.00"))
    paid(i4, p0, "80.00", date(2026, 1, 10))
    p1 = Payment("P1", "ACC-1", date(2026, 3, 20), gbp("70.00"))
    paid(i2, p1, "50.00", date(2026, 3, 20))
    return [i1, i2, i3, i4, i5, cn1], [p0, p1]


def test_statement_worked_by_hand(books: tuple[list[Invoice], list[Payment]]) -> None:
    invoices, payments = books
    s = statement("ACC-1", "GBP", invoices, payments, date(2026, 4, 15))
    assert s.invoiced_open == gbp("400.00")  # I1 100 + I2 150 + I3 100 + I5 50
    assert s.unapplied_credit == gbp("50.00")  # 20 left of P1 + CN1 30
    assert s.open_balance == gbp("350.00")
    assert s.aging.buckets() == (
        gbp("50.00"),  # I3 100 not yet due, less the 50 of credit
        gbp("150.00"),  # I2, 15 days late
        gbp("0.00"),
        gbp("100.00"),  # I1, 74 days late
        gbp("50.00"),  # I5, 166 days late
    )
    assert s.overdue == gbp("300.00")
    assert s.dso == Decimal("120.0")  # 400 open / 300 invoiced in 90 days x 90
    assert s.average_days_late == Decimal("10.0")  # I4 paid 10 days after its due date
    assert [line.invoice_id for line in s.lines] == ["I5", "I1", "I2", "CN1", "I3"]
    assert s.lines[0].days_overdue == 166


def test_statement_as_of_an_earlier_day(books: tuple[list[Invoice], list[Payment]]) -> None:
    invoices, payments = books
    s = statement("ACC-1", "GBP", invoices, payments, date(2026, 3, 19))
    assert s.open_balance == gbp("350.00")  # I1 100 + I2 200 (P1 not yet in) + I5 50
    assert s.aging.buckets() == (
        gbp("200.00"),
        gbp("0.00"),
        gbp("100.00"),
        gbp("0.00"),
        gbp("50.00"),
    )
    assert s.dso == Decimal("105.0")  # 350 / (I1 100 + I2 200 in the window) x 90
    assert s.unapplied_credit == gbp("0")


def test_statement_refuses_documents_in_another_currency() -> None:
    eur = Invoice(
        "I1",
        "ACC-1",
        date(2026, 1, 1),
        "EUR",
        Money("1.00", "EUR"),
        [PaymentDue(date(2026, 1, 1), Money("1.00", "EUR"))],
    )
    with pytest.raises(CurrencyMismatch, match="account currency GBP"):
        statement("ACC-1", "GBP", [eur], [], date(2026, 1, 2))


def test_exposure_adds_unbilled_orders_only() -> None:
    s = statement(
        "ACC-1",
        "GBP",
        [inv("I1", date(2026, 1, 1), (date(2026, 1, 31), "100.00"))],
        [],
        date(2026, 2, 1),
    )
    line = [OrderLine("MUG", 1, "40")]
    open_order = Order("O1", "ACC-1", date(2026, 1, 20), "GBP", line)
    shipped = Order("O2", "ACC-1", date(2026, 1, 20), "GBP", line, status="shipped")
    cancelled = Order("O3", "ACC-1", date(2026, 1, 20), "GBP", line, status="cancelled")
    invoiced = Order("O4", "ACC-1", date(2026, 1, 20), "GBP", line, status="invoiced")
    assert credit_exposure(s, [open_order, shipped, cancelled, invoiced]) == gbp("180.00")


def test_explicit_allocation_above_the_invoice_is_refused() -> None:
    i1 = inv("I1", date(2026, 1, 1), (date(2026, 1, 31), "100.00"))
    with pytest.raises(ValidationError, match=r"more than the 100.00 GBP open on I1"):
        plan_allocation(gbp("150.00"), [i1], explicit={"I1": gbp("150.00")})
    plan = plan_allocation(gbp("150.00"), [i1], explicit={"I1": gbp("100.00")})
    assert plan.credit == gbp("50.00")


def test_automatic_allocation_pays_the_oldest_due_first() -> None:
    later = inv("A", date(2026, 2, 1), (date(2026, 3, 1), "100.00"))
    older = inv("B", date(2026, 1, 1), (date(2026, 2, 1), "100.00"))
    plan = plan_allocation(gbp("150.00"), [later, older])
    assert plan.parts == (("B", gbp("100.00")), ("A", gbp("50.00")))
    assert plan.credit == gbp("0.00")


cents = st.integers(min_value=1, max_value=100_000).map(lambda c: gbp(Decimal(c).scaleb(-2)))


@st.composite
def books_strategy(draw: st.DrawFn) -> tuple[list[Invoice], list[Payment], date]:
    start = date(2025, 1, 1)
    invoices = []
    for n in range(draw(st.integers(0, 6))):
        issued = start + timedelta(days=draw(st.integers(0, 300)))
        parts = [
            (issued + timedelta(days=draw(st.integers(0, 120))), draw(cents))
            for _ in range(draw(st.integers(1, 3)))
        ]
        invoices.append(
            inv(
                f"I{n}",
                issued,
                *((d, str(m.amount)) for d, m in parts),
                credit_note=draw(st.booleans()) and len(parts) == 1 and parts[0][0] == issued,
            )
        )
    payments = []
    for n in range(draw(st.integers(0, 4))):
        received = start + timedelta(days=draw(st.integers(0, 400)))
        payment = Payment(f"P{n}", "ACC-1", received, draw(cents))
        eligible = [i for i in invoices if i.issued_on <= received]
        for invoice_id, part in plan_allocation(payment.amount, eligible).parts:
            target = next(i for i in invoices if i.id == invoice_id)
            paid(target, payment, str(part.amount), received)
        payments.append(payment)
    as_of = start + timedelta(days=draw(st.integers(0, 500)))
    return invoices, payments, as_of


@settings(max_examples=60)
@given(books_strategy())
def test_aging_buckets_always_sum_to_the_open_balance(
    data: tuple[list[Invoice], list[Payment], date],
) -> None:
    invoices, payments, as_of = data
    s = statement("ACC-1", "GBP", invoices, payments, as_of)
    assert s.aging.total == s.open_balance
    assert s.open_balance == s.invoiced_open - s.unapplied_credit


@settings(max_examples=60)
@given(
    st.lists(st.tuples(cents, st.integers(0, 60)), min_size=0, max_size=6),
    cents,
    st.booleans(),
)
def test_allocation_never_creates_or_loses_money(
    specs: list[tuple[Money, int]], amount: Money, explicit: bool
) -> None:
    invoices = [
        inv(f"I{n}", date(2026, 1, 1), (date(2026, 1, 1) + timedelta(days=d), str(m.amount)))
        for n, (m, d) in enumerate(specs)
    ]
    split = None
    if explicit and invoices:
        # Ask for half of each invoice, as far as the money lasts.
        split, left = {}, amount
        for i in invoices:
            part = min(left, (i.amount / 2).round())
            if part.amount > 0:
                split[i.id] = part
                left -= part
    open_before = sum((i.open_amount() for i in invoices), gbp("0"))
    plan = plan_allocation(amount, invoices, explicit=split)
    for invoice_id, part in plan.parts:
        next(i for i in invoices if i.id == invoice_id).settle("P", part, on=date(2026, 1, 1))
    open_after = sum((i.open_amount() for i in invoices), gbp("0"))
    assert plan.allocated + plan.credit == amount
    assert open_before - open_after == plan.allocated
    assert not plan.credit.is_negative
    assert all(not i.open_amount().is_negative for i in invoices)
