"""The order history's collections: orders, returns, invoices and payments, with their indexes.

Every collection is indexed by account; orders and returns also by product and by date (an
ordered index, so a date range is one query), invoices by the orders they bill and by whether
they are still open.
"""

from __future__ import annotations

from wholesale_crm.orders.model import Invoice, Order, Payment, Return
from wholesale_crm.repositories import Collection, Index

__all__ = ["INVOICES", "ORDERS", "PAYMENTS", "RETURNS"]

ORDERS: Collection[Order] = Collection(
    "orders",
    Order,
    (
        Index("account", lambda o: [o.account_id]),
        Index("product", lambda o: {line.product_id for line in o.lines}),
        Index("ordered_on", lambda o: [o.ordered_on], ordered=True),
        Index("status", lambda o: [o.status.value]),
    ),
)
"""Orders by id; by account, by product, by status, and by order date (ordered)."""

RETURNS: Collection[Return] = Collection(
    "returns",
    Return,
    (
        Index("account", lambda r: [r.account_id]),
        Index("product", lambda r: {line.product_id for line in r.lines}),
        Index("returned_on", lambda r: [r.returned_on], ordered=True),
        Index("original_order", lambda r: [r.original_order_id] if r.original_order_id else []),
    ),
)
"""Returns and cancellations by id; by account, product, date (ordered) and original order."""

INVOICES: Collection[Invoice] = Collection(
    "invoices",
    Invoice,
    (
        Index("account", lambda i: [i.account_id]),
        Index("order", lambda i: i.order_ids),
        Index("issued_on", lambda i: [i.issued_on], ordered=True),
        Index("open", lambda i: [bool(i.open_amount())]),
    ),
)
"""Invoices and credit notes by id; by account, order, issue date (ordered) and open flag."""

PAYMENTS: Collection[Payment] = Collection(
    "payments",
    Payment,
    (
        Index("account", lambda p: [p.account_id]),
        Index("received_on", lambda p: [p.received_on], ordered=True),
    ),
)
"""Payments by id; by account and by the day they were received (ordered)."""
