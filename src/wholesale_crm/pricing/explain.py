"""Why a price is what it is: the explanation of one priced line, as data and as text.

An `Explanation` lists the chain of lists consulted, the list and rule used, the base and
where it came from, every computation step with its intermediate value, the rounding, the
rules rejected and why, and the next tier that would lower the price. It is plain frozen data:
it serialises with the library's converter (quotes keep it) and `str()` reads as a report.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.money import Money

__all__ = ["Explanation", "NextTier", "Rejection", "Step", "Trace"]


@attrs.frozen
class Step:
    """One step of a computation and the value after it (`None` for a remark).

    `currency` is set on the steps whose value is not yet in the line's currency (a base
    before its conversion).
    """

    label: str
    value: Decimal | None = None
    currency: str | None = None

    def render(self, currency: str) -> str:
        """ "x (1 - 10%) -> 3.6000 EUR"."""
        if self.value is None:
            return self.label
        return f"{self.label} -> {self.value} {self.currency or currency}"


@attrs.frozen
class Rejection:
    """A list or rule passed over, and why."""

    price_list_id: str
    rule_id: str | None
    reason: str

    def __str__(self) -> str:
        where = (
            self.price_list_id if self.rule_id is None else f"{self.price_list_id}/{self.rule_id}"
        )
        return f"{where}: {self.reason}"


@attrs.frozen
class NextTier:
    """The smallest larger quantity that would lower the price."""

    quantity: Decimal
    unit: str
    unit_price: Money
    slab: bool = False
    """True when only the units from `quantity` on get the price (a slab schedule)."""

    def __str__(self) -> str:
        price = self.unit_price.amount
        if self.slab:
            return f"units from {self.quantity} {self.unit} on: {price} each"
        return f"order {self.quantity} {self.unit} or more: {price} each"


@attrs.frozen
class Explanation:
    """Everything behind one price; `str()` gives the readable report.

    The final figures (`unit_price`, `line_total`) are the ones the pricer returned.
    """

    account_id: str
    product_id: str
    quantity: Decimal
    unit: str
    on: date
    currency: str
    chain: tuple[str, ...]
    price_list_id: str
    rule_id: str
    rule: str
    base: str
    steps: tuple[Step, ...]
    rejected: tuple[Rejection, ...]
    unit_price: Money
    line_total: Money
    next_tier: NextTier | None = None

    def __str__(self) -> str:
        lines = [
            f"Price of {self.product_id} for {self.account_id}: {self.quantity} {self.unit} "
            f"on {self.on.isoformat()} in {self.currency}",
            "Chain consulted:",
            *(f"  {i}. {link}" for i, link in enumerate(self.chain, 1)),
            f"Used: price list {self.price_list_id}, {self.rule}",
            f"Base: {self.base}",
            "Steps:",
            *(f"  {step.render(self.currency)}" for step in self.steps),
        ]
        if self.rejected:
            lines.append("Rejected:")
            lines.extend(f"  {r}" for r in self.rejected)
        lines.append(f"Unit price: {self.unit_price}; line total: {self.line_total}")
        if self.next_tier is not None:
            lines.append(f"Next tier: {self.next_tier}")
        return "\n".join(lines)


@attrs.define
class Trace:
    """What the engine records while pricing one line with an explanation requested."""

    rejected: list[Rejection] = attrs.Factory(list)

    def reject(self, price_list_id: str, rule_id: str | None, reason: str) -> None:
        """Record that a list or rule was passed over."""
        self.rejected.append(Rejection(price_list_id, rule_id, reason))
