"""Quantities with a unit of measure, and conversion to a base unit.

Every `Unit` is a multiple of a base unit: a box of 12 is `Unit("BOX12", base="EA", factor=12)`,
a case of 6 such boxes has factor 72. Conversions happen only between units with the same base;
kilograms never turn into each.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import to_decimal

__all__ = ["STANDARD_UNITS", "Quantity", "Unit", "unit"]


def _code(path: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError.field(path, value, "must be a non-empty unit code")

    return check


def _to_factor(value: object) -> Decimal:
    return to_decimal(value, "factor")


def _positive_factor(_: object, __: object, value: Decimal) -> None:
    if value <= 0:
        raise ValidationError.field("factor", value, "must be greater than zero")


@attrs.frozen
class Unit:
    """A unit of measure: `factor` base units make one of this unit.

    Args:
        code: Short code (`"EA"`, `"BOX12"`, `"KG"`).
        base: Code of the base unit it converts to; a base unit names itself.
        factor: How many base units one of this unit holds (`12` for a box of 12).
        name: Readable name for documents.
    """

    code: str = attrs.field(validator=_code("code"))
    base: str = attrs.field(validator=_code("base"))
    factor: Decimal = attrs.field(
        default=Decimal(1),
        converter=_to_factor,
        validator=_positive_factor,
    )
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if self.code == self.base and self.factor != 1:
            raise ValidationError.field("factor", self.factor, "a base unit must have factor 1")

    @classmethod
    def base_unit(cls, code: str, name: str = "") -> Unit:
        """A base unit (factor 1 of itself)."""
        return cls(code, code, Decimal(1), name)

    def pack(self, code: str, count: Decimal | int | str, name: str = "") -> Unit:
        """A unit holding `count` of this one: `each.pack("BOX12", 12)`, `box.pack("CASE", 6)`."""
        return Unit(code, self.base, self.factor * to_decimal(count, "count"), name)

    def is_compatible(self, other: Unit) -> bool:
        """True when both units convert to the same base unit."""
        return self.base == other.base

    def __str__(self) -> str:
        return self.code


STANDARD_UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit.base_unit("EA", "each"),
        Unit("PAIR", "EA", Decimal(2), "pair"),
        Unit("DOZ", "EA", Decimal(12), "dozen"),
        Unit.base_unit("KG", "kilogram"),
        Unit("G", "KG", Decimal("0.001"), "gram"),
        Unit("T", "KG", Decimal(1000), "tonne"),
        Unit.base_unit("L", "litre"),
        Unit("ML", "L", Decimal("0.001"), "millilitre"),
        Unit.base_unit("M", "metre"),
        Unit("CM", "M", Decimal("0.01"), "centimetre"),
    )
}
"""Units every product can use; products add their own packs (see the catalogue)."""


def unit(code: str, extra: dict[str, Unit] | None = None) -> Unit:
    """Look up a unit by code in `extra` (a product's packs), then the standard units.

    Raises:
        ValidationError: the code is not a known unit.
    """
    found = (extra or {}).get(code) or STANDARD_UNITS.get(code)
    if found is None:
        raise ValidationError.field("unit", code, "is not a known unit of measure")
    return found


def _non_negative(_: object, __: object, value: Decimal) -> None:
    if value < 0:
        raise ValidationError.field("amount", value, "a quantity must not be negative")


@attrs.frozen(order=False)
class Quantity:
    """A non-negative amount of a unit: `Quantity(2, box12)` is 24 each.

    Returns and cancellations are documents of their own in this library, never negative
    quantities.
    """

    amount: Decimal = attrs.field(converter=to_decimal, validator=_non_negative)
    unit: Unit = attrs.field(default=STANDARD_UNITS["EA"])

    def to_base(self) -> Quantity:
        """The same quantity in the base unit (`2 BOX12` -> `24 EA`)."""
        if self.unit.factor == 1 and self.unit.code == self.unit.base:
            return self
        return Quantity(self.amount * self.unit.factor, _base_of(self.unit))

    @property
    def base_amount(self) -> Decimal:
        """The amount expressed in the base unit."""
        return self.amount * self.unit.factor

    def convert(self, to: Unit) -> Quantity:
        """Express in `to`; `ValidationError` when the units are unrelated."""
        if not self.unit.is_compatible(to):
            raise ValidationError.field(
                "unit", to.code, f"cannot convert {self.unit.code} to {to.code}: unrelated units"
            )
        return Quantity(self.base_amount / to.factor, to)

    def __add__(self, other: object) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return Quantity(self.amount + other.convert(self.unit).amount, self.unit)

    def _cmp(self, other: object) -> Decimal:
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot compare Quantity with {type(other).__name__}")
        if not self.unit.is_compatible(other.unit):
            raise ValidationError.field("unit", other.unit.code, "cannot compare unrelated units")
        return self.base_amount - other.base_amount

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.code}"


def _base_of(u: Unit) -> Unit:
    return STANDARD_UNITS.get(u.base) or Unit.base_unit(u.base)
