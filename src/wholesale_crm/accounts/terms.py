"""Payment terms: when an invoice falls due, in how many parts, and any early-payment discount.

Four kinds, each a frozen value with the same two methods:

- `NetDays(30)`: due 30 days after the invoice date ("net 30");
- `EndOfMonth(30)`: due 30 days after the last day of the invoice's month ("end of month + 30");
- `FixedDayNextMonth(15)`: due on the 15th of the month after the invoice's (day 31 in a
  30-day month is its last day);
- `Installments([InstallmentPart(50, days=30), InstallmentPart(50, days=60)])`: several parts,
  each a percentage of the invoice with its own offset; the percentages total exactly 100.

The first three take an optional `EarlyPaymentDiscount(percent, days)`: "2/10 net 30" is
`NetDays(30, EarlyPaymentDiscount(2, 10))`, 2% off when paid within 10 days of the invoice.

`terms.schedule(invoice_date, amount)` returns the `Installment`s (due date, amount, discount
and its deadline). The amount is first rounded to the currency's minor unit; the parts always
add up to it exactly, the rounding remainder going to the last part (`Money.allocate`). Month
arithmetic uses `dateutil.relativedelta`, so Jan 31 + one month is Feb 28 (29 in a leap year);
plain day counts use `timedelta`, which gives the same dates faster.
`terms.describe()` reads like an invoice footer: "2% 10 days, net 30".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money, to_decimal

__all__ = [
    "EarlyPaymentDiscount",
    "EndOfMonth",
    "FixedDayNextMonth",
    "Installment",
    "InstallmentPart",
    "Installments",
    "NetDays",
    "PaymentTerms",
]

_HUNDRED = Decimal(100)


def _days(_: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.field(attribute.name, value, "must be a whole number of days >= 0")


def _months(_: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.field(attribute.name, value, "must be a whole number of months >= 0")


def _day_of_month(_: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise ValidationError.field(attribute.name, value, "must be a day of the month, 1 to 31")


def _to_percent(value: Any) -> Decimal:
    return to_decimal(value, "percent")


def _share(_: Any, attribute: Any, value: Decimal) -> None:
    if not 0 < value <= _HUNDRED:
        raise ValidationError.field(attribute.name, value, "must be above 0 and at most 100")


def _discount_rate(_: Any, attribute: Any, value: Decimal) -> None:
    if not 0 < value < _HUNDRED:
        raise ValidationError.field(attribute.name, value, "must be above 0 and below 100")


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@attrs.frozen
class Installment:
    """One payment of a schedule: `amount` is due on `due`.

    With an early-payment discount, `discount` may be deducted when the payment arrives by
    `discount_deadline` (inclusive); both are `None` otherwise.
    """

    due: date
    amount: Money
    discount: Money | None = None
    discount_deadline: date | None = None

    @property
    def amount_if_paid_early(self) -> Money:
        """What settles this installment by the discount deadline: the amount less the discount.

        Without a discount it is the amount itself.
        """
        return self.amount - self.discount if self.discount is not None else self.amount


@attrs.frozen
class EarlyPaymentDiscount:
    """`percent` off the invoice when it is paid within `days` of the invoice date.

    The discount is rounded to the currency's minor unit (HALF_UP). Its deadline never falls
    after the due date: when `days` would reach past it, the due date is the deadline.

    Args:
        percent: Above 0 and below 100 (`2` for 2%).
        days: Days after the invoice date, 0 or more; the deadline day itself counts.
    """

    percent: Decimal = attrs.field(converter=_to_percent, validator=_discount_rate)
    days: int = attrs.field(validator=_days)

    def apply(self, invoice_date: date, installment: Installment) -> Installment:
        """`installment` with this discount and its deadline filled in."""
        deadline = min(invoice_date + timedelta(days=self.days), installment.due)
        discount = (installment.amount * self.percent / _HUNDRED).round()
        return Installment(installment.due, installment.amount, discount, deadline)

    def describe(self) -> str:
        """The discount in words: `"2% 10 days"`."""
        return f"{_percent_text(self.percent)} {_plural(self.days, 'day')}"


def _invoice_amount(amount: Money) -> Money:
    if amount.is_negative:
        raise ValidationError.field("amount", amount, "an invoice amount must not be negative")
    return amount.round()


def _single(
    due: date, invoice_date: date, amount: Money, discount: EarlyPaymentDiscount | None
) -> list[Installment]:
    installment = Installment(due, _invoice_amount(amount))
    return [installment if discount is None else discount.apply(invoice_date, installment)]


def _with_discount(text: str, discount: EarlyPaymentDiscount | None) -> str:
    return text if discount is None else f"{discount.describe()}, {text}"


@attrs.frozen
class NetDays:
    """Due `days` after the invoice date ("net 30"); `NetDays(0)` is due on the invoice date.

    Args:
        days: 0 or more.
        discount: An optional early-payment discount; its days may not exceed `days`.
    """

    days: int = attrs.field(validator=_days)
    discount: EarlyPaymentDiscount | None = None

    def __attrs_post_init__(self) -> None:
        if self.discount is not None and self.discount.days > self.days:
            raise ValidationError.field(
                "discount.days",
                self.discount.days,
                f"the discount period must not outlast the {self.days} days to pay",
            )

    def schedule(self, invoice_date: date, amount: Money) -> list[Installment]:
        """One installment of the whole (rounded) amount, due `days` after `invoice_date`."""
        return _single(
            invoice_date + timedelta(days=self.days), invoice_date, amount, self.discount
        )

    def describe(self) -> str:
        """The terms in words: `"net 30"`, `"2% 10 days, net 30"`."""
        return _with_discount(f"net {self.days}", self.discount)


@attrs.frozen
class EndOfMonth:
    """Due `days` after the last day of the invoice's month ("end of month + 30").

    Args:
        days: 0 (due at the end of the month) or more.
        discount: An optional early-payment discount, counted from the invoice date.
    """

    days: int = attrs.field(default=0, validator=_days)
    discount: EarlyPaymentDiscount | None = None

    def schedule(self, invoice_date: date, amount: Money) -> list[Installment]:
        """One installment of the whole (rounded) amount, due at month end + `days`."""
        due = invoice_date + relativedelta(day=31) + timedelta(days=self.days)
        return _single(due, invoice_date, amount, self.discount)

    def describe(self) -> str:
        """The terms in words: `"end of month + 30 days"`, `"end of month"`."""
        text = "end of month" if self.days == 0 else f"end of month + {_plural(self.days, 'day')}"
        return _with_discount(text, self.discount)


@attrs.frozen
class FixedDayNextMonth:
    """Due on `day` of the month after the invoice's; a day the month lacks is its last day.

    Args:
        day: 1 to 31 (31 means the last day of the month whatever its length).
        discount: An optional early-payment discount, counted from the invoice date.
    """

    day: int = attrs.field(validator=_day_of_month)
    discount: EarlyPaymentDiscount | None = None

    def schedule(self, invoice_date: date, amount: Money) -> list[Installment]:
        """One installment of the whole (rounded) amount, due on `day` of the next month."""
        due = invoice_date + relativedelta(months=1, day=self.day)
        return _single(due, invoice_date, amount, self.discount)

    def describe(self) -> str:
        """The terms in words: `"day 15 of the following month"`."""
        return _with_discount(f"day {self.day} of the following month", self.discount)


@attrs.frozen
class InstallmentPart:
    """One part of `Installments`: `percent` of the invoice, due `months` + `days` after it.

    Args:
        percent: Above 0 and at most 100.
        days: Days after the invoice date (after adding `months`), 0 or more.
        months: Calendar months after the invoice date, 0 or more (Jan 31 + 1 month = Feb 28).
    """

    percent: Decimal = attrs.field(converter=_to_percent, validator=_share)
    days: int = attrs.field(default=0, validator=_days)
    months: int = attrs.field(default=0, validator=_months)

    def due(self, invoice_date: date) -> date:
        """The due date of this part for an invoice dated `invoice_date`."""
        # Months first, then days: Jan 31 + 1 month 1 day is Feb 28 + 1 = Mar 1.
        start = invoice_date + relativedelta(months=self.months) if self.months else invoice_date
        return start + timedelta(days=self.days)

    def describe(self) -> str:
        """The part in words: `"50% at 30 days"`, `"10% on the invoice date"`."""
        offsets = [
            _plural(n, word) for n, word in ((self.months, "month"), (self.days, "day")) if n
        ]
        when = f"at {' '.join(offsets)}" if offsets else "on the invoice date"
        return f"{_percent_text(self.percent)} {when}"


def _to_parts(parts: Iterable[InstallmentPart]) -> tuple[InstallmentPart, ...]:
    return tuple(parts)


@attrs.frozen
class Installments:
    """The invoice split into parts, each a percentage due at its own offset.

    The schedule lists the parts in the order given; the rounding remainder goes to the last.

    Args:
        parts: One or more `InstallmentPart`s whose percentages total exactly 100.
    """

    parts: tuple[InstallmentPart, ...] = attrs.field(converter=_to_parts)

    def __attrs_post_init__(self) -> None:
        if not self.parts:
            raise ValidationError.field("parts", [], "give at least one installment")
        total = sum((p.percent for p in self.parts), Decimal(0))
        if total != _HUNDRED:
            raise ValidationError.field(
                "parts",
                [str(p.percent) for p in self.parts],
                f"the percentages must total 100, not {total.normalize():f}",
            )

    def schedule(self, invoice_date: date, amount: Money) -> list[Installment]:
        """One installment per part; the amounts add up to the (rounded) invoice amount."""
        shares = _invoice_amount(amount).allocate([p.percent for p in self.parts], remainder="last")
        return [
            Installment(part.due(invoice_date), share)
            for part, share in zip(self.parts, shares, strict=True)
        ]

    def describe(self) -> str:
        """The terms in words: `"50% at 30 days, 50% at 60 days"`."""
        return ", ".join(p.describe() for p in self.parts)


PaymentTerms: TypeAlias = NetDays | EndOfMonth | FixedDayNextMonth | Installments
"""Any kind of payment terms; each has `schedule(invoice_date, amount)` and `describe()`."""
