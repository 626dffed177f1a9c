"""Demo section: one rep's top reorder calls for the coming month, each with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol, TextIO

from wholesale_crm.catalog.model import Product
from wholesale_crm.orders.history import line_facts, order_events
from wholesale_crm.orders.model import Order, Return
from wholesale_crm.reorder.duelist import due_list
from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import build_history

__all__ = ["CALLS", "ReorderData", "show"]

CALLS = 8
"""How many calls the demo rep can make (the due list's capacity)."""


class ReorderData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today": orders before it are history, the calls are for after it."""
        ...

    @property
    def orders(self) -> Sequence[Order]:
        """Every order (cancelled ones are left out of the history)."""
        ...

    @property
    def returns(self) -> Sequence[Return]:
        """Returns and cancellations, netted against the orders."""
        ...

    @property
    def products(self) -> Sequence[Product]:
        """The catalogue: names, packs for the suggested quantities, and what is still sold."""
        ...

    @property
    def account_owners(self) -> Mapping[str, str]:
        """Account id -> the rep who owns it as of `as_of`."""
        ...


def _pack_sizes(products: Sequence[Product]) -> dict[str, Decimal]:
    # Suggest whole packs of the smallest pack a product is sold in.
    return {p.id: min(u.factor for u in p.packs) for p in products if p.packs}


def show(data: ReorderData, out: TextIO) -> None:
    """Fit the reorder predictor on the history and list the busiest rep's top calls."""
    names: dict[str, str] = {p.id: p.name for p in data.products}
    events = order_events(line_facts([*data.orders, *data.returns]))
    active = {p.id for p in data.products if p.active}
    history = build_history(events, data.as_of, active_products=active)
    predictions = ReorderPredictor().predict(history, pack_sizes=_pack_sizes(data.products))
    owners = data.account_owners
    # The rep with the most account-product pairs to look after (ties: the first by id).
    load = Counter(owners[p.account_id] for p in predictions if p.account_id in owners)
    if not load:
        out.write("no account-product pair with two orders has an owner: no calls to list\n")
        return
    rep = min(load, key=lambda r: (-load[r], r))
    calls = due_list(predictions, CALLS, accounts=owners, rep=rep)
    out.write(
        f"{len(predictions)} account-product pairs predicted as of {data.as_of}; "
        f"{rep}'s top {len(calls)} calls (chance of an order within 30 days):\n"
    )
    for call in calls:
        name = names.get(call.product_id or "", call.product_id or "")
        out.write(
            f"{call.rank:>2}. {call.account_id} {name} [{call.status}], "
            f"suggest {call.suggested_quantity}: {call.reason}\n"
        )
