"""Order-to-cash use cases on the in-memory store: credit checks, invoices, payments, returns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.accounts.terms import InstallmentPart, Installments, NetDays
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import CurrencyMismatch, DuplicateRecord, PolicyViolation, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.orders.history import order_events
from wholesale_crm.orders.model import (
    Order,
    OrderLine,
    OrderPlaced,
    OrderStatus,
    Payment,
    Return,
    ReturnReason,
)
from wholesale_crm.reorder.series import OrderEvent
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.orders import INVOICES, ORDERS, PAYMENTS
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import orders as svc

D = date(2026, 3, 2)


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def order(id: str, total: str, *, on: date = D, account: str = "ACC-1") -> Order:
    return Order(id, account, on, "GBP", [OrderLine("MUG", 1, Decimal(total))])


@pytest.fixture
def uow() -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork()
    with uow:
        uow.repository(ACCOUNTS).add(
            Account(
                "ACC-1",
                "Acme",
                currency="GBP",
                credit_limit=gbp("1000.00"),
                payment_terms=NetDays(30),
            )
        )
        uow.commit()
    return uow


def snapshot(uow: MemoryUnitOfWork) -> object:
    with uow:
        return [
            [to_dict(x) for x in uow.repository(c).list()] for c in (ORDERS, INVOICES, PAYMENTS)
        ]


def test_an_order_over_the_limit_is_refused_with_the_figures(uow: MemoryUnitOfWork) -> None:
    svc.place_order(uow, order("O1", "600.00"))
    assert uow.bus.published[-1] == OrderPlaced("O1", "ACC-1", gbp("600.00"), D)
    before = snapshot(uow)
    with pytest.raises(PolicyViolation, match="exceeds the available credit") as caught:
        svc.place_order(uow, order("O2", "500.00"))
    assert caught.value.details == {
        "limit": gbp("1000.00"),
        "exposure": gbp("600.00"),
        "new_amount": gbp("500.00"),
        "available": gbp("400.00"),
        "source": "account:ACC-1",
    }
    assert snapshot(uow) == before


def test_a_cancelled_then_reopened_order_cannot_slip_past_the_limit(
    uow: MemoryUnitOfWork,
) -> None:
    svc.place_order(uow, order("O1", "600.00"))
    svc.cancel_order(uow, "O1", on=D, reason="changed mind")
    svc.place_order(uow, order("O2", "500.00"))  # fits now that O1 holds no credit
    with pytest.raises(PolicyViolation) as caught:
        svc.reopen_order(uow, "O1", on=D)
    assert caught.value.details["exposure"] == gbp("500.00")  # type: ignore[index]
    with uow:
        assert uow.repository(ORDERS).get("O1").status is OrderStatus.CANCELLED
    svc.cancel_order(uow, "O2", on=D)
    check = svc.reopen_order(uow, "O1", on=D)
    assert check.available == gbp("1000.00")


def test_invoices_count_in_exposure_until_paid(uow: MemoryUnitOfWork) -> None:
    svc.place_order(uow, order("O1", "700.00"))
    invoice = svc.invoice_order(uow, "O1", on=date(2026, 3, 5), invoice_id="INV-1")
    assert invoice.due_on == date(2026, 4, 4)  # net 30
    assert svc.account_exposure(uow, "ACC-1", date(2026, 3, 6)) == gbp("700.00")
    with pytest.raises(PolicyViolation):
        svc.place_order(uow, order("O2", "400.00", on=date(2026, 3, 6)))
    svc.record_payment(uow, Payment("PAY-1", "ACC-1", date(2026, 3, 6), gbp("700.00")))
    svc.place_order(uow, order("O2", "400.00", on=date(2026, 3, 6)))


def test_installment_terms_give_the_schedule(uow: MemoryUnitOfWork) -> None:
    with uow:
        acc = uow.repository(ACCOUNTS).get("ACC-1")
        acc.payment_terms = Installments(
            [InstallmentPart(50, days=30), InstallmentPart(50, days=60)]
        )
        uow.repository(ACCOUNTS).save(acc)
        uow.commit()
    svc.place_order(uow, order("O1", "100.01"))
    invoice = svc.invoice_order(uow, "O1", on=D, invoice_id="INV-1")
    assert [(p.due, p.amount) for p in invoice.schedule] == [
        (date(2026, 4, 1), gbp("50.00")),
        (date(2026, 5, 1), gbp("50.01")),
    ]


def test_payments_allocate_partially_across_invoices_and_keep_the_excess(
    uow: MemoryUnitOfWork,
) -> None:
    for n, total in ((1, "100.00"), (2, "200.00")):
        svc.place_order(uow, order(f"O{n}", total))
        svc.invoice_order(uow, f"O{n}", on=D, invoice_id=f"INV-{n}")
    svc.record_payment(
        uow,
        Payment("PAY-1", "ACC-1", date(2026, 3, 10), gbp("120.00")),
        allocations={"INV-2": gbp("120.00")},
    )
    payment = svc.record_payment(uow, Payment("PAY-2", "ACC-1", date(2026, 3, 11), gbp("230.00")))
    assert [(a.invoice_id, a.amount) for a in payment.allocations] == [
        ("INV-1", gbp("100.00")),
        ("INV-2", gbp("80.00")),
    ]
    assert payment.unallocated() == gbp("50.00")
    s = svc.account_statement(uow, "ACC-1", date(2026, 3, 11))
    assert (s.invoiced_open, s.unapplied_credit, s.open_balance) == (
        gbp("0.00"),
        gbp("50.00"),
        gbp("-50.00"),
    )
    # The credit pays the next invoice.
    svc.place_order(uow, order("O3", "30.00"))
    svc.invoice_order(uow, "O3", on=date(2026, 3, 12), invoice_id="INV-3")
    assert svc.apply_credit(uow, "ACC-1", on=date(2026, 3, 12)) == gbp("30.00")
    s = svc.account_statement(uow, "ACC-1", date(2026, 3, 12))
    assert (s.invoiced_open, s.open_balance) == (gbp("0.00"), gbp("-20.00"))


def test_overpayment_handling_is_explicit(uow: MemoryUnitOfWork) -> None:
    svc.place_order(uow, order("O1", "100.00"))
    svc.invoice_order(uow, "O1", on=D, invoice_id="INV-1")
    before = snapshot(uow)
    with pytest.raises(PolicyViolation, match=r"exceeds the 100.00 GBP allocated by 20.00 GBP"):
        svc.record_payment(
            uow, Payment("PAY-1", "ACC-1", D, gbp("120.00")), on_overpayment="refuse"
        )
    with pytest.raises(ValidationError, match=r"more than the 100.00 GBP open on INV-1"):
        svc.record_payment(
            uow, Payment("PAY-1", "ACC-1", D, gbp("120.00")), allocations={"INV-1": gbp("120.00")}
        )
    with pytest.raises(CurrencyMismatch):
        svc.record_payment(uow, Payment("PAY-1", "ACC-1", D, Money("100.00", "EUR")))
    assert snapshot(uow) == before


def test_an_order_in_the_wrong_currency_or_to_a_foreign_site_is_refused(
    uow: MemoryUnitOfWork,
) -> None:
    eur = Order("O1", "ACC-1", D, "EUR", [OrderLine("MUG", 1, 1)])
    with pytest.raises(CurrencyMismatch, match="account ACC-1's currency GBP"):
        svc.place_order(uow, eur)
    with pytest.raises(ValidationError, match="not a site of account ACC-1"):
        svc.place_order(
            uow, Order("O1", "ACC-1", D, "GBP", [OrderLine("MUG", 1, 1)], ship_to="SITE-9")
        )


def test_a_return_raises_a_credit_note_against_the_original_invoice(
    uow: MemoryUnitOfWork,
) -> None:
    svc.place_order(uow, order("O1", "100.00"))
    svc.invoice_order(uow, "O1", on=D, invoice_id="INV-1")
    back = Return(
        "C1",
        "ACC-1",
        date(2026, 3, 9),
        "GBP",
        [OrderLine("MUG", 1, "40.00")],
        ReturnReason.RETURNED,
        original_order_id="O1",
    )
    note = svc.record_return(uow, back, credit_note_id="CN-1")
    assert note.credit_note and note.amount == gbp("40.00")
    with uow:
        assert uow.repository(INVOICES).get("INV-1").open_amount() == gbp("60.00")
    s = svc.account_statement(uow, "ACC-1", date(2026, 3, 9))
    assert s.open_balance == gbp("60.00")


def test_lines_stream_by_date_with_returns_negative(uow: MemoryUnitOfWork) -> None:
    svc.place_order(uow, order("O1", "10.00", on=date(2026, 1, 15)))
    svc.place_order(uow, order("O2", "20.00", on=date(2026, 2, 20)))
    svc.place_order(uow, order("O3", "5.00", on=date(2026, 2, 21)))
    svc.cancel_order(uow, "O3", on=date(2026, 2, 21))
    svc.invoice_order(uow, "O2", on=date(2026, 2, 20), invoice_id="INV-2")
    svc.record_return(
        uow,
        Return(
            "C1",
            "ACC-1",
            date(2026, 2, 25),
            "GBP",
            [OrderLine("MUG", 1, "20.00")],
            original_order_id="O2",
        ),
    )
    facts = list(svc.iter_lines(uow, date(2026, 1, 1), date(2026, 3, 1)))
    assert [(f.document_id, f.quantity, f.amount) for f in facts] == [
        ("O1", Decimal(1), Decimal("10.00")),
        ("O2", Decimal(1), Decimal("20.00")),
        ("C1", Decimal(-1), Decimal("-20.00")),
    ]
    assert list(order_events(facts))[-1] == OrderEvent(
        "ACC-1", "MUG", date(2026, 2, 25), Decimal(-1)
    )


def test_accounts_sharing_a_credit_line_are_checked_on_the_pool(uow: MemoryUnitOfWork) -> None:
    with uow:
        uow.repository(ACCOUNTS).add(
            Account(
                "ACC-2",
                "Acme North",
                currency="GBP",
                parent_id="ACC-1",
                shares_credit_with_group=True,
            )
        )
        uow.commit()
    svc.place_order(uow, order("O1", "700.00"))  # the head office
    with pytest.raises(PolicyViolation) as caught:
        svc.place_order(uow, order("O2", "400.00", account="ACC-2"))
    assert caught.value.details["exposure"] == gbp("700.00")  # type: ignore[index]
    assert caught.value.details["source"] == "parent:ACC-1"  # type: ignore[index]
    svc.place_order(uow, order("O2", "300.00", account="ACC-2"))


def test_an_explicit_allocation_below_the_minor_unit_is_refused(uow: MemoryUnitOfWork) -> None:
    svc.place_order(uow, order("O1", "10.00"))
    invoice = svc.invoice_order(uow, "O1", on=D)
    before = snapshot(uow)
    with pytest.raises(ValidationError, match="whole minor units"):
        svc.record_payment(
            uow,
            Payment("P1", "ACC-1", D, gbp("5.00")),
            allocations={invoice.id: gbp("3.335")},
        )
    assert snapshot(uow) == before


def test_a_failed_payment_leaves_the_callers_object_ready_to_retry(
    uow: MemoryUnitOfWork,
) -> None:
    svc.place_order(uow, order("O1", "10.00"))
    svc.invoice_order(uow, "O1", on=D)
    svc.record_payment(uow, Payment("P1", "ACC-1", D, gbp("4.00")))
    again = Payment("P1", "ACC-1", D, gbp("5.00"))  # the id is taken: refused
    with pytest.raises(DuplicateRecord):
        svc.record_payment(uow, again)
    assert again.allocations == []
    again.id = "P2"
    stored = svc.record_payment(uow, again)
    assert stored.allocated() == gbp("5.00")
