"""Demo section: the shared value types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TextIO

from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.quantities import STANDARD_UNITS, Quantity
from wholesale_crm.samples import SampleWholesaler


def show(data: SampleWholesaler, out: TextIO) -> None:
    """Exact money, unit conversion and half-open date ranges."""
    invoice = Money("1000.00", data.currency)
    parts = invoice.allocate([1, 1, 1])
    out.write(f"{invoice.format('en_GB')} in three installments: ")
    out.write(", ".join(p.format("en_GB") for p in parts) + f" (sum {sum(parts)})\n")
    unit_price = Money("0.1234", "EUR")
    out.write(
        f"unit price {unit_price.format('de_DE', rounded=False)} x 1,000 = "
        f"{(unit_price * 1000).round().format('de_DE')}\n"
    )
    box = STANDARD_UNITS["EA"].pack("BOX12", 12)
    out.write(f"{Quantity(Decimal(3), box)} = {Quantity(Decimal(3), box).to_base()}\n")
    q3 = DateRange(date(2026, 7, 1), date(2026, 10, 1))
    out.write(f"Q3 {q3} holds 2026-09-30: {q3.contains(date(2026, 9, 30))}, ")
    out.write(f"2026-10-01: {q3.contains(date(2026, 10, 1))}\n")
