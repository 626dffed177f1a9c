"""Collections whose aggregates name an account by `account_id` (all indexed under "account").

Merging accounts moves every one of them to the survivor in the same unit of work, so that
nothing stored points at the removed account.
"""

from __future__ import annotations

from typing import Any

from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.activities import CADENCES, FOLLOW_UPS, INTERACTIONS
from wholesale_crm.repositories.orders import INVOICES, ORDERS, PAYMENTS, RETURNS
from wholesale_crm.repositories.pipeline import OPPORTUNITIES
from wholesale_crm.repositories.pricing import QUOTES

__all__ = ["ACCOUNT_DOCUMENTS"]

ACCOUNT_DOCUMENTS: tuple[Collection[Any], ...] = (
    ORDERS,
    RETURNS,
    INVOICES,
    PAYMENTS,
    QUOTES,
    OPPORTUNITIES,
    INTERACTIONS,
    FOLLOW_UPS,
    CADENCES,
)
"""Every collection of documents that belong to an account; each has an "account" index."""
