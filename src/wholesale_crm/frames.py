"""pandas views of the library's batch results, for analysts in notebooks.

pandas is an optional dependency (`pip install wholesale-crm[pandas]`): it is imported inside
each function, so `import wholesale_crm` never needs it. Amounts stay exact `Decimal`s in
object columns; convert with `.astype(float)` when a plot needs it.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

from wholesale_crm.orders.behaviour import AccountBehaviour, BehaviourReport, PairBehaviour
from wholesale_crm.orders.statement import AGING_BUCKETS, Statement, aging_bucket

DataFrame = Any
"""A `pandas.DataFrame` (pandas is optional, so its type is not named here)."""

__all__ = ["DataFrame", "behaviour_frame", "statement_frame"]


def _pandas() -> Any:
    # Imported on use: pandas is an optional dependency.
    return importlib.import_module("pandas")


def _windows(row: dict[str, Any], figures: AccountBehaviour | PairBehaviour) -> None:
    for w in figures.windows:
        row[f"revenue_{w.days}d"] = w.current
        row[f"previous_{w.days}d"] = w.previous
        row[f"change_{w.days}d"] = w.change


def _account_row(b: AccountBehaviour) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account_id": b.account_id,
        "currency": b.currency,
        "first_order": b.first_order,
        "last_order": b.last_order,
        "order_count": b.order_count,
        "order_days": b.order_days,
        "mean_interval_days": b.mean_interval_days,
        "recency_days": b.recency_days,
        "revenue": b.revenue,
        "average_order_value": b.average_order_value,
        "rfm": str(b.rfm),
        "r": b.rfm.recency,
        "f": b.rfm.frequency,
        "m": b.rfm.monetary,
        "top_product": b.top_products[0][0] if b.top_products else None,
    }
    _windows(row, b)
    return row


def _pair_row(p: PairBehaviour) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account_id": p.account_id,
        "product_id": p.product_id,
        "currency": p.currency,
        "first_order": p.first_order,
        "last_order": p.last_order,
        "order_count": p.order_count,
        "order_days": p.order_days,
        "mean_interval_days": p.mean_interval_days,
        "recency_days": p.recency_days,
        "quantity": p.quantity,
        "revenue": p.revenue,
    }
    _windows(row, p)
    return row


def behaviour_frame(
    report: BehaviourReport, level: Literal["account", "pair"] = "account"
) -> DataFrame:
    """One row per account (indexed by `account_id`) or per pair (by account and product).

    Columns: the figures of `AccountBehaviour` / `PairBehaviour`, one `revenue_<n>d`,
    `previous_<n>d` and `change_<n>d` column per trailing window, and for accounts the RFM
    code and scores and the top product.
    """
    pd = _pandas()

    if level == "account":
        rows = [_account_row(b) for b in report.accounts.values()]
        return pd.DataFrame(rows).set_index("account_id").sort_index()
    rows = [_pair_row(p) for p in report.pairs.values()]
    return pd.DataFrame(rows).set_index(["account_id", "product_id"]).sort_index()


def statement_frame(statement: Statement) -> DataFrame:
    """The statement's open documents, one row each, indexed by document id.

    `bucket` is the aging bucket of the document's oldest open due date (an installment plan
    spread over several buckets is listed under its oldest).
    """
    pd = _pandas()

    rows = [
        {
            "document": line.invoice_id,
            "issued_on": line.issued_on,
            "due_on": line.due_on,
            "amount": line.amount.amount,
            "open": line.open.amount,
            "days_overdue": line.days_overdue,
            "bucket": AGING_BUCKETS[aging_bucket(line.days_overdue)],
        }
        for line in statement.lines
    ]
    columns = ["document", "issued_on", "due_on", "amount", "open", "days_overdue", "bucket"]
    return pd.DataFrame(rows, columns=columns).set_index("document")
