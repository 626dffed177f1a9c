"""The order history's collections pass the repository conformance suite in memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from wholesale_crm.money import Money
from wholesale_crm.orders.model import Invoice, Order, OrderLine, Payment, PaymentDue, Return
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.orders import INVOICES, ORDERS, PAYMENTS, RETURNS
from wholesale_crm.testing.conformance import RepositoryContract

START = date(2026, 1, 1)


def _lines(n: int) -> list[OrderLine]:
    return [OrderLine(f"P{n % 3}", Decimal(n + 1), Decimal("1.25")), OrderLine("P9", 1, 2)]


def make_order(n: int) -> Order:
    return Order(f"O{n:03d}", f"ACC-{n % 2}", START + timedelta(days=n % 4), "GBP", _lines(n))


def make_return(n: int) -> Return:
    return Return(
        f"R{n:03d}",
        f"ACC-{n % 2}",
        START + timedelta(days=n % 4),
        "GBP",
        _lines(n),
        original_order_id=f"O{n:03d}" if n % 2 else None,
    )


def make_invoice(n: int) -> Invoice:
    amount = Money(Decimal(10 + n), "GBP")
    return Invoice(
        f"I{n:03d}",
        f"ACC-{n % 2}",
        START + timedelta(days=n % 4),
        "GBP",
        amount,
        [PaymentDue(START + timedelta(days=30), amount)],
        order_ids=[f"O{n:03d}"],
    )


def make_payment(n: int) -> Payment:
    return Payment(
        f"P{n:03d}", f"ACC-{n % 2}", START + timedelta(days=n % 4), Money(Decimal(5 + n), "GBP")
    )


def change_order(o: Order) -> None:
    o.ship(on=o.ordered_on)


def change_return(r: Return) -> None:
    r.credit_note_id = "CN-1"


def change_invoice(i: Invoice) -> None:
    i.settle("P1", Money("1.00", "GBP"), on=i.issued_on)


def change_payment(p: Payment) -> None:
    p.allocate("I1", Money("1.00", "GBP"), on=p.received_on)


CASES: dict[str, tuple[Collection[Any], Callable[[int], Any], Callable[[Any], None]]] = {
    "orders": (ORDERS, make_order, change_order),
    "returns": (RETURNS, make_return, change_return),
    "invoices": (INVOICES, make_invoice, change_invoice),
    "payments": (PAYMENTS, make_payment, change_payment),
}


class TestOrderCollections(RepositoryContract):
    @pytest.fixture(params=sorted(CASES))
    def case(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def collection(self, case: str) -> Collection[Any]:
        return CASES[case][0]

    @pytest.fixture
    def make(self, case: str) -> Callable[[int], Any]:
        return CASES[case][1]

    @pytest.fixture
    def change(self, case: str) -> Callable[[Any], None]:
        return CASES[case][2]
