"""Exact money: a `Decimal` amount in an ISO 4217 currency.

Amounts never pass through `float`. Arithmetic across currencies raises `CurrencyMismatch`.
Unit prices may carry more decimals than the currency has; `round()` brings an amount to the
currency's minor units (babel's precision: JPY 0, EUR 2, BHD 3) with an explicit rounding mode.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

import attrs
import babel.numbers

from wholesale_crm.errors import CurrencyMismatch, ValidationError

__all__ = ["Money", "currency_precision", "to_decimal", "validate_currency"]


_MAX_DIGITS = 17  # digits before the point, minus one: up to 10**18, e.g. 999 quadrillion


def to_decimal(value: Any, path: str = "amount") -> Decimal:
    """Convert `value` to a finite `Decimal`, refusing floats (they are not exact).

    Accepts `Decimal`, `int` and numeric strings. Raises `ValidationError` naming `path`.
    """
    if type(value) is Decimal:
        result = value
    elif isinstance(value, bool | float):
        raise ValidationError.field(
            path, value, "must be a Decimal, int or numeric string, not a float or bool"
        )
    elif isinstance(value, Decimal | int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError.field(path, value, "is not a number") from None
    else:
        raise ValidationError.field(path, value, "must be a Decimal, int or numeric string")
    if not result.is_finite():
        raise ValidationError.field(path, value, "must be a finite number")
    if result and result.adjusted() > _MAX_DIGITS:
        # Beyond this, sums and roundings would exceed the 28 digits of the decimal context.
        raise ValidationError.field(path, value, f"is too large (over {_MAX_DIGITS + 1} digits)")
    return result


@functools.lru_cache(maxsize=512)
def _is_currency(code: str) -> bool:
    return babel.numbers.is_currency(code)


def validate_currency(code: Any, path: str = "currency") -> str:
    """Return `code` if it is a known ISO 4217 currency code, else raise `ValidationError`."""
    if not isinstance(code, str) or len(code) != 3 or not code.isupper() or not _is_currency(code):
        raise ValidationError.field(path, code, "is not a known ISO 4217 currency code")
    return code


@functools.lru_cache(maxsize=512)
def currency_precision(currency: str) -> int:
    """Number of minor-unit digits of `currency` (EUR 2, JPY 0, BHD 3)."""
    return babel.numbers.get_currency_precision(currency)


@functools.lru_cache(maxsize=512)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_precision(currency))


def _check_currency(_: Money, __: attrs.Attribute[str], value: str) -> None:
    validate_currency(value)


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency.

    >>> Money("12.30", "EUR") + Money("0.70", "EUR")
    Money(amount=Decimal('13.00'), currency='EUR')

    Args:
        amount: `Decimal`, `int` or numeric string; a `float` is refused.
        currency: ISO 4217 code, validated with babel.
    """

    amount: Decimal = attrs.field(converter=to_decimal)
    currency: str = attrs.field(validator=_check_currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in `currency`."""
        return cls(Decimal(0), currency)

    # -- arithmetic -------------------------------------------------------------------------

    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch.field(
                "currency", other.currency, f"cannot {op} {other.currency} and {self.currency}"
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # sum() starts from int 0: treat it as this currency's zero.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            if isinstance(factor, float):
                raise TypeError("Money can be multiplied by Decimal or int, not float")
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Money:
        if isinstance(divisor, bool) or not isinstance(divisor, Decimal | int):
            if isinstance(divisor, float):
                raise TypeError("Money can be divided by Decimal or int, not float")
            return NotImplemented
        return Money(self.amount / divisor, self.currency)

    def __bool__(self) -> bool:
        return bool(self.amount)

    # -- comparisons (same currency only) ---------------------------------------------------

    def _compare(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, "compare")
        return self.amount - other.amount

    def __lt__(self, other: object) -> bool:
        return self._compare(other) < 0

    def __le__(self, other: object) -> bool:
        return self._compare(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._compare(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._compare(other) >= 0

    @property
    def is_negative(self) -> bool:
        """True when the amount is below zero."""
        return self.amount < 0

    # -- rounding, allocation, formatting ---------------------------------------------------

    @property
    def precision(self) -> int:
        """The currency's number of minor-unit digits."""
        return currency_precision(self.currency)

    def round(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Round to the currency's minor units (`decimal.ROUND_*` mode, HALF_UP by default)."""
        return Money(
            self.amount.quantize(_quantum(self.currency), rounding=rounding), self.currency
        )

    def is_rounded(self) -> bool:
        """True when the amount has no digits below the currency's minor unit."""
        return self.amount == self.amount.quantize(_quantum(self.currency), rounding=ROUND_DOWN)

    def allocate(
        self,
        ratios: Sequence[Decimal | int],
        *,
        remainder: Literal["largest", "last"] = "largest",
    ) -> list[Money]:
        """Split into parts proportional to `ratios` that add up to exactly this amount.

        Parts are whole minor units of the currency (or of the amount, when it is finer).
        The units left over after rounding every share down go to the parts with the largest
        remainders (ties to the earlier part), or all to the last part with
        `remainder="last"` (the usual rule for installment schedules).

        Raises:
            ValidationError: no ratios, a negative ratio, or ratios that sum to zero.
        """
        if not ratios:
            raise ValidationError.field("ratios", ratios, "must not be empty")
        weights = [to_decimal(r, f"ratios[{i}]") for i, r in enumerate(ratios)]
        for i, w in enumerate(weights):
            if w < 0:
                raise ValidationError.field(f"ratios[{i}]", w, "must not be negative")
        total = sum(weights, Decimal(0))
        if total == 0:
            raise ValidationError.field("ratios", ratios, "must not sum to zero")
        exponent = min(-self.precision, int(self.amount.as_tuple().exponent))
        units = int(self.amount.scaleb(-exponent))
        sign = -1 if units < 0 else 1
        units = abs(units)
        shares = [units * w / total for w in weights]
        parts = [int(s) for s in shares]  # int() truncates toward zero
        left = units - sum(parts)
        if remainder == "last":
            parts[-1] += left
        else:
            order = sorted(range(len(parts)), key=lambda i: (-(shares[i] - parts[i]), i))
            for i in order[:left]:
                parts[i] += 1
        return [Money(Decimal(sign * p).scaleb(exponent), self.currency) for p in parts]

    def format(self, locale: str = "en_GB", *, rounded: bool = True) -> str:
        """Format with babel in `locale` (`"de_DE"` gives `12,30 €`).

        With `rounded=False` the amount keeps its extra decimals (for unit prices).
        """
        if rounded:
            # Round here, with the library's rule: babel would round half-even on its own.
            return babel.numbers.format_currency(self.round().amount, self.currency, locale=locale)
        return babel.numbers.format_currency(
            self.amount, self.currency, locale=locale, decimal_quantization=False
        )

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
