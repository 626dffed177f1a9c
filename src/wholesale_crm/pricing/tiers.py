"""Volume tiers: quantities in base units, slab segments, and the thresholds above a quantity.

A list's rules for a product form its tier schedule through their thresholds. In a *range*
list the whole line gets the price of the tier its quantity reaches. In a *slab* list the
quantity is cut at every threshold below it, `[0, t1) [t1, t2) ... [tk, quantity)`, and each
segment is priced at the tier it starts in; the segment prices stay unrounded and the line
total is rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from wholesale_crm.catalog.model import Product
from wholesale_crm.errors import ValidationError
from wholesale_crm.money import to_decimal
from wholesale_crm.quantities import Quantity

__all__ = ["base_quantity", "slab_segments", "thresholds_above"]


def base_quantity(product: Product, quantity: Quantity | Decimal | int | str) -> Decimal:
    """`quantity` in the product's base unit: a `Quantity` is converted (2 BOX12 -> 24), a bare
    number is taken as base units.

    Raises:
        ValidationError: a negative number, or a unit the product is not sold in.
    """
    if type(quantity) is int and quantity >= 0:
        return Decimal(quantity)  # the common case, without the general checks
    if isinstance(quantity, Quantity):
        return product.in_base_units(quantity).amount
    amount = to_decimal(quantity, "quantity")
    if amount < 0:
        raise ValidationError.field("quantity", amount, "must not be negative")
    return amount


def slab_segments(
    thresholds: Iterable[Decimal], quantity: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """The half-open segments `[start, end)` a slab schedule cuts `quantity` into.

    >>> slab_segments([Decimal(10), Decimal(24)], Decimal(30))
    [(Decimal('0'), Decimal('10')), (Decimal('10'), Decimal('24')), (Decimal('24'), Decimal('30'))]
    """
    cuts = sorted({t for t in thresholds if 0 < t < quantity})
    starts = [Decimal(0), *cuts]
    ends = [*cuts, quantity]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


def thresholds_above(thresholds: Iterable[Decimal], quantity: Decimal) -> list[Decimal]:
    """The distinct thresholds above `quantity`, ascending."""
    return sorted({t for t in thresholds if t > quantity})
