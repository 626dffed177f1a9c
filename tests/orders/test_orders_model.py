"""Orders, returns, invoices and payments: line arithmetic, status moves, settlement rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.catalog.model import Product
from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.orders.model import (
    Invoice,
    Order,
    OrderCancelled,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentDue,
    Return,
    ReturnReason,
)
from wholesale_crm.quantities import STANDARD_UNITS, Quantity
from wholesale_crm.serialization import from_dict, to_dict

EA = STANDARD_UNITS["EA"]
BOX12 = EA.pack("BOX12", 12)
MUG = Product("MUG", "Mug", packs=[BOX12])
D = date(2026, 3, 2)


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def order(*lines: OrderLine, status: OrderStatus = OrderStatus.OPEN) -> Order:
    return Order("O1", "ACC-1", D, "GBP", list(lines), status=status)


def test_line_total_uses_the_unrounded_unit_price_and_rounds_once() -> None:
    line = OrderLine("MUG", Decimal(3), Decimal("0.3333"))
    assert line.total("GBP") == gbp("1.00")  # 0.9999 rounded once, not 3 x 0.33 = 0.99


def test_line_discount_is_a_percentage_off_the_line() -> None:
    line = OrderLine("MUG", Decimal(10), Decimal("2.50"), discount=Decimal(10))
    assert line.total("GBP") == gbp("22.50")


def test_order_total_is_the_sum_of_rounded_lines() -> None:
    o = order(
        OrderLine("MUG", Decimal(3), Decimal("0.3333")),
        OrderLine("CUP", Decimal(1), Decimal("0.005")),
    )
    assert o.total == gbp("1.01")  # 1.00 + 0.01 (0.005 rounds half up)


def test_add_line_takes_money_and_a_quantity_in_a_product_unit() -> None:
    o = order(OrderLine("MUG", Decimal(1), Decimal(1)))
    line = o.add_line(MUG, Quantity(Decimal(2), BOX12), gbp("18.00"), discount=5)
    assert (line.unit, line.factor, line.base_quantity) == ("BOX12", Decimal(12), Decimal(24))
    assert line.total("GBP") == gbp("34.20")  # 2 x 18.00 less 5%


def test_add_line_refuses_another_currency_and_foreign_units() -> None:
    o = order(OrderLine("MUG", Decimal(1), Decimal(1)))
    with pytest.raises(CurrencyMismatch, match="document's currency GBP"):
        o.add_line(MUG, Quantity(Decimal(1)), Money("1.00", "EUR"))
    with pytest.raises(ValidationError, match="not a unit of product MUG"):
        o.add_line(MUG, Quantity(Decimal(1), STANDARD_UNITS["KG"]), gbp("1.00"))
    assert len(o.lines) == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("quantity", {"quantity": Decimal(0)}),
        ("quantity", {"quantity": "abc"}),
        ("unit_price", {"unit_price": Decimal(-1)}),
        ("discount", {"discount": Decimal(101)}),
        ("product_id", {"product_id": " "}),
    ],
)
def test_bad_lines_name_the_field(field: str, kwargs: dict[str, object]) -> None:
    values: dict[str, object] = {"product_id": "MUG", "quantity": 1, "unit_price": 1}
    values.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        OrderLine(**values)  # type: ignore[arg-type]
    assert caught.value.paths == (field,)


def test_an_order_needs_a_line() -> None:
    with pytest.raises(ValidationError, match="at least one line"):
        order()


def test_status_moves_follow_the_lifecycle() -> None:
    o = order(OrderLine("MUG", Decimal(1), Decimal(1)))
    o.cancel(on=D, reason="customer changed mind")
    assert o.status is OrderStatus.CANCELLED
    assert o.pending_events[-1] == OrderCancelled("O1", D, "customer changed mind")
    o.reopen(on=D)
    o.ship(on=D)
    o.mark_invoiced("INV-1", on=D)
    assert (o.status, o.invoice_id) == (OrderStatus.INVOICED, "INV-1")
    with pytest.raises(ValidationError, match="cannot go from invoiced to cancelled"):
        o.cancel(on=D)


def invoice(*parts: tuple[date, str], amount: str = "100.00") -> Invoice:
    return Invoice(
        "INV-1",
        "ACC-1",
        date(2026, 1, 1),
        "GBP",
        gbp(amount),
        [PaymentDue(d, gbp(a)) for d, a in parts],
    )


def test_invoice_schedule_must_add_up() -> None:
    with pytest.raises(ValidationError, match="must add up to the invoice amount"):
        invoice((date(2026, 1, 31), "90.00"))


def test_settlements_pay_the_earliest_installment_first() -> None:
    inv = invoice((date(2026, 2, 28), "40.00"), (date(2026, 1, 31), "60.00"))
    inv.settle("PAY-1", gbp("70.00"), on=date(2026, 2, 1))
    assert [(p.due, p.amount) for p in inv.open_schedule()] == [
        (date(2026, 1, 31), gbp("0.00")),
        (date(2026, 2, 28), gbp("30.00")),
    ]
    assert inv.open_amount(date(2026, 1, 31)) == gbp("100.00")  # before the payment
    assert inv.open_amount() == gbp("30.00")
    assert inv.paid_on() is None


def test_settling_more_than_is_open_is_refused() -> None:
    inv = invoice((date(2026, 1, 31), "100.00"))
    with pytest.raises(ValidationError, match=r"more than the 100.00 GBP open"):
        inv.settle("PAY-1", gbp("100.01"), on=date(2026, 1, 5))
    assert inv.settlements == []


def test_payment_cannot_allocate_more_than_it_holds() -> None:
    pay = Payment("PAY-1", "ACC-1", date(2026, 1, 5), gbp("50.00"))
    pay.allocate("INV-1", gbp("30.00"), on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match=r"more than the 20.00 GBP left"):
        pay.allocate("INV-2", gbp("20.01"), on=date(2026, 1, 5))
    assert pay.unallocated() == gbp("20.00")
    assert pay.unallocated(date(2026, 1, 4)) == gbp("0")


def test_every_document_round_trips_through_the_converter() -> None:
    docs = [
        order(OrderLine("MUG", Decimal(2), Decimal("1.2345"), "BOX12", Decimal(12), Decimal(5))),
        Return("C1", "ACC-1", D, "GBP", [OrderLine("MUG", 1, 1)], ReturnReason.CANCELLED, "O1"),
        invoice((date(2026, 1, 31), "100.00")),
        Payment("PAY-1", "ACC-1", D, gbp("5.00")),
    ]
    for doc in docs:
        back = from_dict(type(doc), to_dict(doc))
        assert to_dict(back) == to_dict(doc)
