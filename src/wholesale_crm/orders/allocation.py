"""Payment allocation: how an amount received is spread over an account's open invoices.

Automatic allocation pays the oldest due date first (ties by invoice id); explicit allocation
takes the caller's split and checks it. Either way each invoice receives at most its open
amount and the parts never exceed what was received: the rest is account credit, so
`sum(parts) + credit == amount` exactly and no money is created or lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.ids import InvoiceId
from wholesale_crm.money import Money
from wholesale_crm.orders.model import Invoice

__all__ = ["AllocationPlan", "plan_allocation"]


@attrs.frozen
class AllocationPlan:
    """How much of an amount goes to which invoice, and the credit left over.

    Attributes:
        parts: `(invoice_id, amount)` pairs, in the order they were applied.
        credit: What is left for the account, zero or more.
    """

    parts: tuple[tuple[InvoiceId, Money], ...]
    credit: Money

    @property
    def allocated(self) -> Money:
        """Sum of the parts."""
        return sum((amount for _, amount in self.parts), Money.zero(self.credit.currency))


def plan_allocation(
    amount: Money,
    invoices: Sequence[Invoice],
    *,
    explicit: Mapping[InvoiceId, Money] | None = None,
) -> AllocationPlan:
    """Split `amount` over the open `invoices` (not credit notes).

    Args:
        amount: The money to allocate (a payment, or account credit being used).
        invoices: The candidate invoices; credit notes and settled invoices are skipped.
        explicit: The caller's split by invoice id; `None` pays the oldest due first.

    Raises:
        ValidationError: an explicit part for an unknown or settled invoice, a part that is not
            positive or exceeds the invoice's open amount, or parts adding up to more than
            `amount`.
        CurrencyMismatch: a part or an invoice in another currency.
    """
    currency = amount.currency
    open_invoices = {i.id: i for i in invoices if not i.credit_note and i.open_amount().amount > 0}
    for invoice in open_invoices.values():
        if invoice.currency != currency:
            raise CurrencyMismatch.field(
                f"invoices[{invoice.id}].currency", invoice.currency, f"must be {currency}"
            )
    parts: list[tuple[InvoiceId, Money]] = []
    left = amount
    if explicit is None:
        ordered = sorted(open_invoices.values(), key=lambda i: (i.open_schedule()[0].due, i.id))
        for invoice in ordered:
            if not left:
                break
            part = min(left, invoice.open_amount())
            parts.append((invoice.id, part))
            left -= part
        return AllocationPlan(tuple(parts), left)
    for invoice_id, part in explicit.items():
        path = f"allocations[{invoice_id}]"
        if part.currency != currency:
            raise CurrencyMismatch.field(path, part.currency, f"must be {currency}")
        target = open_invoices.get(invoice_id)
        if target is None:
            raise ValidationError.field(path, invoice_id, "is not an open invoice of the account")
        if part.amount <= 0:
            raise ValidationError.field(path, str(part), "must be greater than zero")
        if not part.is_rounded():
            raise ValidationError.field(
                path, str(part), f"must be in whole minor units of {currency}"
            )
        if part > target.open_amount():
            raise ValidationError.field(
                path, str(part), f"is more than the {target.open_amount()} open on {invoice_id}"
            )
        if part > left:
            raise ValidationError.field(
                path, str(part), f"the allocations add up to more than the {amount} received"
            )
        parts.append((invoice_id, part))
        left -= part
    return AllocationPlan(tuple(parts), left)
