"""Orders, returns, invoices and payments: the documents of an account's trading history.

An `Order` carries lines priced in the order's currency. A return or a cancellation of
something already invoiced is a `Return` document of its own, linked to the account and (when
known) to the original order, never a negative line. An `Invoice` is raised from an order with
a due schedule from the account's payment terms; a credit note is an `Invoice` with
`credit_note=True`. A `Payment` is allocated to one or more invoices; what is not allocated
stays on the account as credit.

Documents store each amount once, compactly (the currency sits on the document, a line keeps
its unit code and the unit's factor to the base unit), because a history holds millions of
lines; `Money` and `Quantity` come back out through the methods.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NewType

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.catalog.model import Product
from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, InvoiceId, OrderId, PaymentId, ProductId, SiteId
from wholesale_crm.money import Money, currency_precision, to_decimal, validate_currency
from wholesale_crm.quantities import Quantity
from wholesale_crm.validation import enum_value, non_blank

__all__ = [
    "ALLOWED_ORDER_MOVES",
    "Allocation",
    "Invoice",
    "InvoiceSettled",
    "Order",
    "OrderCancelled",
    "OrderInvoiced",
    "OrderLine",
    "OrderPlaced",
    "OrderReopened",
    "OrderShipped",
    "OrderStatus",
    "Payment",
    "PaymentDue",
    "PaymentReceived",
    "Return",
    "ReturnId",
    "ReturnReason",
    "ReturnRecorded",
    "Settlement",
]

ReturnId = NewType("ReturnId", str)
"""Id of a return or cancellation document (an ERP credit number such as `C489449`)."""

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class OrderStatus(enum.StrEnum):
    """Where an order is: open -> shipped -> invoiced, or cancelled (and possibly reopened)."""

    OPEN = "open"
    SHIPPED = "shipped"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


ALLOWED_ORDER_MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.SHIPPED, OrderStatus.INVOICED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.INVOICED, OrderStatus.CANCELLED}),
    OrderStatus.INVOICED: frozenset(),
    OrderStatus.CANCELLED: frozenset({OrderStatus.OPEN}),
}
"""Status moves an order may make. An invoiced order is undone by a `Return`, not a move."""


class ReturnReason(enum.StrEnum):
    """Why goods come back or an invoiced order is undone."""

    RETURNED = "returned"
    CANCELLED = "cancelled"


# Line fields are converted and checked in one call each: a history holds millions of lines.


def _quantity(value: object) -> Decimal:
    amount = to_decimal(value, "quantity")
    if amount <= 0:
        raise ValidationError.field("quantity", value, "must be greater than zero")
    return amount


def _price(value: object) -> Decimal:
    amount = to_decimal(value, "unit_price")
    if amount < 0:
        raise ValidationError.field("unit_price", value, "must not be negative")
    return amount


def _factor(value: object) -> Decimal:
    amount = to_decimal(value, "factor")
    if amount <= 0:
        raise ValidationError.field("factor", value, "must be greater than zero")
    return amount


def _discount(value: object) -> Decimal:
    amount = to_decimal(value, "discount")
    if not _ZERO <= amount <= _HUNDRED:
        raise ValidationError.field("discount", value, "must be between 0 and 100")
    return amount


def _currency(_: object, __: object, value: str) -> None:
    validate_currency(value)


def _to_status(value: object) -> OrderStatus:
    return enum_value(OrderStatus, value, "status")


def _to_reason(value: object) -> ReturnReason:
    return enum_value(ReturnReason, value, "reason")


def _non_empty_lines(_: object, attribute: attrs.Attribute[list[Any]], value: list[Any]) -> None:
    if not value:
        raise ValidationError.field(attribute.name, value, "a document needs at least one line")


def _in_currency(money: Money, currency: str, path: str) -> Money:
    if money.currency != currency:
        raise CurrencyMismatch.field(
            path, money.currency, f"must be in the document's currency {currency}"
        )
    return money


@attrs.frozen
class OrderLine:
    """One product line of an order or return.

    The unit price is per `unit` in the document's currency and may carry more decimals than
    the currency; the line total is computed from it unrounded and rounded once.

    Args:
        product_id: The product (its SKU).
        quantity: How many `unit`s; greater than zero (returns are documents of their own).
        unit_price: Price of one `unit`, before the discount; zero for free goods.
        unit: The unit code: the product's base unit or one of its packs.
        factor: How many base units one `unit` holds (12 for a box of 12).
        discount: Line discount in percent, 0 to 100.
    """

    product_id: ProductId = attrs.field(validator=non_blank)
    quantity: Decimal = attrs.field(converter=_quantity)
    unit_price: Decimal = attrs.field(converter=_price)
    unit: str = attrs.field(default="EA", validator=non_blank)
    factor: Decimal = attrs.field(default=Decimal(1), converter=_factor)
    discount: Decimal = attrs.field(default=_ZERO, converter=_discount)

    @classmethod
    def of(
        cls,
        product: Product,
        quantity: Quantity,
        unit_price: Money,
        *,
        discount: Decimal | int | str = 0,
    ) -> OrderLine:
        """A line for `product`, checking that `quantity`'s unit is one of the product's."""
        product.in_base_units(quantity)
        return cls(
            product.id,
            quantity.amount,
            unit_price.amount,
            quantity.unit.code,
            quantity.unit.factor,
            to_decimal(discount, "discount"),
        )

    @property
    def base_quantity(self) -> Decimal:
        """The quantity in the product's base unit."""
        return self.quantity * self.factor

    def net(self) -> Decimal:
        """Quantity x unit price less the discount, unrounded."""
        gross = self.quantity * self.unit_price
        if self.discount:
            return gross * (_HUNDRED - self.discount) / _HUNDRED
        return gross

    def total(self, currency: str) -> Money:
        """The line total in `currency`, rounded once to its minor units."""
        return Money(self.total_amount(currency), currency)

    def total_amount(self, currency: str) -> Decimal:
        """The line total as a `Decimal`, rounded once (half up) to `currency`'s minor units."""
        return self.net().quantize(_minor_unit(currency), ROUND_HALF_UP)


@functools.lru_cache(maxsize=64)
def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_precision(validate_currency(currency)))


def _lines_total(lines: Sequence[OrderLine], currency: str) -> Money:
    return Money(sum((line.total_amount(currency) for line in lines), _ZERO), currency)


# -- events ---------------------------------------------------------------------------------


@attrs.frozen
class OrderPlaced(Event):
    """An order was accepted (after the credit check)."""

    order_id: OrderId
    account_id: AccountId
    total: Money
    on: date


@attrs.frozen
class OrderShipped(Event):
    """An order's goods left the warehouse."""

    order_id: OrderId
    on: date


@attrs.frozen
class OrderInvoiced(Event):
    """An order was invoiced."""

    order_id: OrderId
    invoice_id: InvoiceId
    on: date


@attrs.frozen
class OrderCancelled(Event):
    """An order was cancelled before it was invoiced."""

    order_id: OrderId
    on: date
    reason: str


@attrs.frozen
class OrderReopened(Event):
    """A cancelled order was reopened (after a fresh credit check)."""

    order_id: OrderId
    on: date


@attrs.frozen
class ReturnRecorded(Event):
    """Goods came back, or an invoiced order was cancelled, for a credit of `total`."""

    return_id: ReturnId
    account_id: AccountId
    total: Money
    on: date


@attrs.frozen
class InvoiceSettled(Event):
    """Part or all of an invoice was settled by a payment or a credit note."""

    invoice_id: InvoiceId
    source_id: str
    amount: Money
    on: date


@attrs.frozen
class PaymentReceived(Event):
    """A payment came in; `unallocated` stays on the account as credit."""

    payment_id: PaymentId
    account_id: AccountId
    amount: Money
    unallocated: Money
    on: date


# -- orders and returns ---------------------------------------------------------------------


@attrs.define(eq=False)
class Order(Aggregate):
    """A customer order: lines, a ship-to site and a status.

    Change the status through `ship`, `mark_invoiced`, `cancel` and `reopen`; each checks the
    move against `ALLOWED_ORDER_MOVES` and records an event.
    """

    kind = "order"

    id: OrderId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    ordered_on: date
    currency: str = attrs.field(validator=_currency)
    lines: list[OrderLine] = attrs.field(validator=_non_empty_lines)
    ship_to: SiteId | None = None
    status: OrderStatus = attrs.field(default=OrderStatus.OPEN, converter=_to_status)
    invoice_id: InvoiceId | None = None
    status_changed_on: date | None = None
    note: str = ""

    @property
    def total(self) -> Money:
        """Sum of the line totals (each rounded once)."""
        return _lines_total(self.lines, self.currency)

    @property
    def is_unbilled(self) -> bool:
        """True while the order commits credit without an invoice (open or shipped)."""
        return self.status in (OrderStatus.OPEN, OrderStatus.SHIPPED)

    def add_line(
        self,
        product: Product,
        quantity: Quantity,
        unit_price: Money,
        *,
        discount: Decimal | int | str = 0,
    ) -> OrderLine:
        """Append a line to an open order; the price must be in the order's currency."""
        if self.status is not OrderStatus.OPEN:
            raise ValidationError.field("status", self.status.value, "only open orders change")
        _in_currency(unit_price, self.currency, f"lines[{len(self.lines)}].unit_price")
        line = OrderLine.of(product, quantity, unit_price, discount=discount)
        self.lines.append(line)
        return line

    def _move(self, target: OrderStatus, on: date) -> None:
        if target not in ALLOWED_ORDER_MOVES[self.status]:
            raise ValidationError.field(
                "status", target.value, f"order {self.id} cannot go from {self.status} to {target}"
            )
        self.status = target
        self.status_changed_on = on

    def placed(self) -> None:
        """Record `OrderPlaced` (the service calls it once the credit check passed)."""
        self.record(OrderPlaced(self.id, self.account_id, self.total, self.ordered_on))

    def ship(self, *, on: date) -> None:
        """Mark the goods as shipped."""
        self._move(OrderStatus.SHIPPED, on)
        self.record(OrderShipped(self.id, on))

    def mark_invoiced(self, invoice_id: InvoiceId, *, on: date) -> None:
        """Mark the order as invoiced by `invoice_id`."""
        self._move(OrderStatus.INVOICED, on)
        self.invoice_id = invoice_id
        self.record(OrderInvoiced(self.id, invoice_id, on))

    def cancel(self, *, on: date, reason: str = "") -> None:
        """Cancel an order that is not invoiced yet (an invoiced one needs a `Return`)."""
        self._move(OrderStatus.CANCELLED, on)
        self.record(OrderCancelled(self.id, on, reason))

    def reopen(self, *, on: date) -> None:
        """Reopen a cancelled order; the service runs the credit check again first."""
        self._move(OrderStatus.OPEN, on)
        self.record(OrderReopened(self.id, on))


@attrs.define(eq=False)
class Return(Aggregate):
    """Goods returned, or an invoiced order cancelled: a credit document of its own.

    Args:
        original_order_id: The order it undoes, when known (ERP exports often do not say).
    """

    kind = "return"

    id: ReturnId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    returned_on: date
    currency: str = attrs.field(validator=_currency)
    lines: list[OrderLine] = attrs.field(validator=_non_empty_lines)
    reason: ReturnReason = attrs.field(default=ReturnReason.RETURNED, converter=_to_reason)
    original_order_id: OrderId | None = None
    credit_note_id: InvoiceId | None = None

    @property
    def total(self) -> Money:
        """The value credited: sum of the line totals (each rounded once)."""
        return _lines_total(self.lines, self.currency)

    def recorded(self) -> None:
        """Record `ReturnRecorded` (the service calls it when storing the return)."""
        self.record(ReturnRecorded(self.id, self.account_id, self.total, self.returned_on))


# -- invoices -------------------------------------------------------------------------------


@attrs.frozen
class PaymentDue:
    """One part of an invoice's amount and the date it falls due."""

    due: date
    amount: Money


@attrs.frozen
class Settlement:
    """Part of an invoice settled on a date by a payment or a credit note (`source_id`)."""

    source_id: str
    on: date
    amount: Money


def _total_until(
    entries: Sequence[Settlement | Allocation], as_of: date | None, currency: str
) -> Money:
    """The sum of dated amounts up to the end of `as_of` (all of them when `None`)."""
    return sum((e.amount for e in entries if as_of is None or e.on <= as_of), Money.zero(currency))


def _schedule_valid(invoice: Invoice) -> None:
    for i, part in enumerate(invoice.schedule):
        _in_currency(part.amount, invoice.currency, f"schedule[{i}].amount")
        if part.amount.is_negative:
            raise ValidationError.field(
                f"schedule[{i}].amount", part.amount, "must not be negative"
            )
        if part.due < invoice.issued_on:
            raise ValidationError.field(
                f"schedule[{i}].due", part.due, "must not be before the issue date"
            )
    total = sum((p.amount for p in invoice.schedule), Money.zero(invoice.currency))
    if total != invoice.amount:
        raise ValidationError.field(
            "schedule", str(total), f"must add up to the invoice amount {invoice.amount}"
        )


@attrs.define(eq=False)
class Invoice(Aggregate):
    """An invoice (or, with `credit_note=True`, a credit note) for an account.

    `amount` is what the document is worth, always positive; for a credit note it is what the
    account may offset. `schedule` splits it into due dates (one for net terms, several for
    installments). `settlements` record what was paid or offset, and when, so the document's
    open amount is known as of any date.
    """

    kind = "invoice"

    id: InvoiceId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    issued_on: date
    currency: str = attrs.field(validator=_currency)
    amount: Money
    schedule: list[PaymentDue]
    credit_note: bool = False
    order_ids: list[OrderId] = attrs.Factory(list)
    return_id: ReturnId | None = None
    settlements: list[Settlement] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        _in_currency(self.amount, self.currency, "amount")
        if self.amount.amount <= 0 or not self.amount.is_rounded():
            raise ValidationError.field(
                "amount", str(self.amount), "must be positive and rounded to the currency"
            )
        if not self.schedule:
            raise ValidationError.field("schedule", self.schedule, "must have a due date")
        _schedule_valid(self)
        self.schedule = sorted(self.schedule, key=lambda p: p.due)
        settled = sum((s.amount for s in self.settlements), Money.zero(self.currency))
        if settled > self.amount:
            raise ValidationError.field(
                "settlements", str(settled), f"exceed the amount {self.amount}"
            )

    @property
    def due_on(self) -> date:
        """The last due date (the only one, for net terms)."""
        return self.schedule[-1].due

    def settled(self, as_of: date | None = None) -> Money:
        """The amount settled up to the end of `as_of` (all of it when `None`)."""
        return _total_until(self.settlements, as_of, self.currency)

    def open_amount(self, as_of: date | None = None) -> Money:
        """What is still owed (or, for a credit note, still to offset) at the end of `as_of`."""
        if as_of is not None and as_of < self.issued_on:
            return Money.zero(self.currency)
        return self.amount - self.settled(as_of)

    def open_schedule(self, as_of: date | None = None) -> list[PaymentDue]:
        """The unpaid part of each due date; settlements pay the earliest due dates first."""
        paid = self.settled(as_of)
        out = []
        for part in self.schedule:
            taken = min(paid, part.amount)
            paid -= taken
            out.append(PaymentDue(part.due, part.amount - taken))
        return out

    def paid_on(self, as_of: date | None = None) -> date | None:
        """The day the document was fully settled, if it was by the end of `as_of`."""
        if self.open_amount(as_of):
            return None
        days = [s.on for s in self.settlements if as_of is None or s.on <= as_of]
        return max(days) if days else None

    def settle(self, source_id: str, amount: Money, *, on: date) -> None:
        """Settle `amount` of the document from a payment or credit note, on `on`.

        Raises:
            ValidationError: a non-positive amount, another currency, a date before the
                issue date, or more than is open (an overpayment is never absorbed here).
        """
        _in_currency(amount, self.currency, "amount")
        if amount.amount <= 0:
            raise ValidationError.field("amount", str(amount), "must be greater than zero")
        if on < self.issued_on:
            raise ValidationError.field("on", on, f"is before invoice {self.id} was issued")
        open_now = self.open_amount()
        if amount > open_now:
            raise ValidationError.field(
                "amount", str(amount), f"is more than the {open_now} open on {self.id}"
            )
        self.settlements.append(Settlement(source_id, on, amount))
        self.record(InvoiceSettled(self.id, source_id, amount, on))


# -- payments -------------------------------------------------------------------------------


@attrs.frozen
class Allocation:
    """Part of a payment applied to an invoice on a date."""

    invoice_id: InvoiceId
    amount: Money
    on: date


@attrs.define(eq=False)
class Payment(Aggregate):
    """Money received from an account; what is not allocated to invoices is account credit."""

    kind = "payment"

    id: PaymentId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    received_on: date
    amount: Money
    reference: str = ""
    allocations: list[Allocation] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        if self.amount.amount <= 0 or not self.amount.is_rounded():
            raise ValidationError.field(
                "amount", str(self.amount), "must be positive and rounded to the currency"
            )
        for i, a in enumerate(self.allocations):
            _in_currency(a.amount, self.amount.currency, f"allocations[{i}].amount")
        if self.allocated() > self.amount:
            raise ValidationError.field(
                "allocations", str(self.allocated()), f"exceed the payment {self.amount}"
            )

    @property
    def currency(self) -> str:
        """The payment's currency."""
        return self.amount.currency

    def allocated(self, as_of: date | None = None) -> Money:
        """The amount applied to invoices up to the end of `as_of` (all when `None`)."""
        return _total_until(self.allocations, as_of, self.currency)

    def unallocated(self, as_of: date | None = None) -> Money:
        """The account credit left from this payment at the end of `as_of`."""
        if as_of is not None and as_of < self.received_on:
            return Money.zero(self.currency)
        return self.amount - self.allocated(as_of)

    def allocate(self, invoice_id: InvoiceId, amount: Money, *, on: date) -> None:
        """Apply `amount` of the payment to `invoice_id` (the invoice is settled separately).

        Raises:
            ValidationError: non-positive, other currency, before receipt, or more than left.
        """
        _in_currency(amount, self.currency, "amount")
        if amount.amount <= 0:
            raise ValidationError.field("amount", str(amount), "must be greater than zero")
        if on < self.received_on:
            raise ValidationError.field("on", on, f"is before payment {self.id} was received")
        if amount > self.unallocated():
            raise ValidationError.field(
                "amount", str(amount), f"is more than the {self.unallocated()} left on {self.id}"
            )
        self.allocations.append(Allocation(invoice_id, amount, on))

    def received(self) -> None:
        """Record `PaymentReceived` (the service calls it once allocations are made)."""
        self.record(
            PaymentReceived(
                self.id, self.account_id, self.amount, self.unallocated(), self.received_on
            )
        )
