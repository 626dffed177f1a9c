"""Typed ids: strings (ERP codes or generated), one `NewType` per aggregate."""

from __future__ import annotations

import uuid
from typing import NewType

__all__ = [
    "AccountId",
    "CategoryId",
    "ContactId",
    "InteractionId",
    "InvoiceId",
    "LeadId",
    "OpportunityId",
    "OrderId",
    "PaymentId",
    "PipelineId",
    "PriceListId",
    "ProductId",
    "QuoteId",
    "RuleId",
    "SiteId",
    "StageId",
    "TaskId",
    "TerritoryId",
    "UserId",
    "new_id",
]

AccountId = NewType("AccountId", str)
CategoryId = NewType("CategoryId", str)
ContactId = NewType("ContactId", str)
InteractionId = NewType("InteractionId", str)
InvoiceId = NewType("InvoiceId", str)
LeadId = NewType("LeadId", str)
OpportunityId = NewType("OpportunityId", str)
OrderId = NewType("OrderId", str)
PaymentId = NewType("PaymentId", str)
PipelineId = NewType("PipelineId", str)
PriceListId = NewType("PriceListId", str)
ProductId = NewType("ProductId", str)
QuoteId = NewType("QuoteId", str)
RuleId = NewType("RuleId", str)
SiteId = NewType("SiteId", str)
StageId = NewType("StageId", str)
TaskId = NewType("TaskId", str)
TerritoryId = NewType("TerritoryId", str)
UserId = NewType("UserId", str)
"""A person using the CRM: a rep, a manager, an inside-sales agent."""


def new_id(prefix: str) -> str:
    """A fresh random id such as `acc-3f9c2b7e41d0`, for records that have no ERP code."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
