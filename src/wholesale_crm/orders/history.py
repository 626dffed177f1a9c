"""Order history as flat line facts: the shape batch analysis and reorder prediction read.

`line_facts` turns orders and returns into `LineFact`s, one per line: ordered lines count
positive, returned or cancelled lines negative (quantity and value), cancelled orders not at
all (they never became sales). `order_events` hands the same facts to the reorder package as
`OrderEvent`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.orders.model import Order, OrderStatus, Return
from wholesale_crm.reorder.series import OrderEvent

__all__ = ["LineFact", "line_facts", "order_events"]


@attrs.frozen
class LineFact:
    """One order or return line, flattened.

    Attributes:
        document_id: The order or return it comes from.
        account_id: The account.
        product_id: The product.
        day: The order (or return) date.
        quantity: Base units; negative for a return or cancellation.
        amount: The line total (rounded once), negative for a return or cancellation.
        currency: The document's currency.
    """

    document_id: str
    account_id: str
    product_id: str
    day: date
    quantity: Decimal
    amount: Decimal
    currency: str

    @property
    def is_return(self) -> bool:
        """True for a returned or cancelled line."""
        return self.quantity < 0


def line_facts(documents: Iterable[Order | Return]) -> Iterator[LineFact]:
    """The line facts of `documents`, in their order; cancelled orders yield nothing."""
    for doc in documents:
        if isinstance(doc, Order):
            if doc.status is OrderStatus.CANCELLED:
                continue
            sign, day = 1, doc.ordered_on
        else:
            sign, day = -1, doc.returned_on
        currency = doc.currency
        for line in doc.lines:
            yield LineFact(
                doc.id,
                doc.account_id,
                line.product_id,
                day,
                sign * line.base_quantity,
                sign * line.total_amount(currency),
                currency,
            )


def order_events(facts: Iterable[LineFact]) -> Iterator[OrderEvent]:
    """The facts as reorder `OrderEvent`s (returns and cancellations with negative quantity)."""
    for fact in facts:
        yield OrderEvent(fact.account_id, fact.product_id, fact.day, fact.quantity)
