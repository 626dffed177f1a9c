"""The due list: a rep's (or territory's) reorder calls for the coming days, best first."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.reorder.predictor import ReorderPrediction, ReorderStatus

__all__ = ["ReorderDue", "due_list"]


@attrs.frozen
class ReorderDue(Event):
    """A reorder follow-up is due: later features turn it into a task for the rep.

    Attributes:
        account_id: The account to call.
        product_id: The product to offer, `None` for an account-level call.
        rep_id: The rep responsible, when known.
        as_of: The day the list was made for.
        rank: 1 for the most likely reorder on the list.
        probability: Chance of an order within `horizon_days`.
        horizon_days: The horizon the list ranks by.
        next_order: Median day of the next order, when within the model's reach.
        suggested_quantity: Quantity to propose, rounded to whole packs.
        status: Where the series stands (`ReorderStatus` value).
        reason: The sentence to read before calling.
    """

    account_id: str
    product_id: str | None
    rep_id: str | None
    as_of: date
    rank: int
    probability: float
    horizon_days: int
    next_order: date | None
    suggested_quantity: Decimal
    status: str
    reason: str


def due_list(
    predictions: Iterable[ReorderPrediction],
    capacity: int,
    *,
    accounts: Mapping[str, str] | Collection[str] | None = None,
    rep: str | None = None,
    horizon: int = 30,
    statuses: Collection[ReorderStatus] | None = None,
) -> list[ReorderDue]:
    """Rank predictions by the chance of an order within `horizon` and keep the top `capacity`.

    Args:
        predictions: Predictions as of one day (pairs, accounts or both).
        capacity: How many calls the rep can make (K).
        accounts: Either a mapping account id -> rep id (the events carry the rep; with `rep`
            only that rep's accounts are kept), or a collection of account ids (a territory).
            `None` keeps every account.
        rep: The rep whose list this is.
        horizon: Days ahead to rank by.
        statuses: Keep only predictions with these statuses (`None` keeps all).

    Returns:
        `ReorderDue` events, rank 1 first; ties are broken by account then product id, so the
        list does not depend on the order of `predictions`.

    Raises:
        ValidationError: a capacity or horizon below 1, or predictions made as of different
            days.
    """
    if capacity < 1:
        raise ValidationError.field("capacity", capacity, "must be at least 1")
    if horizon < 1:
        raise ValidationError.field("horizon", horizon, "must be at least 1 day")
    owner: Mapping[str, str] | None = accounts if isinstance(accounts, Mapping) else None
    if owner is not None and rep is not None:
        allowed: Collection[str] | None = {a for a, r in owner.items() if r == rep}
    else:
        allowed = None if accounts is None else set(accounts)
    chosen = [
        p
        for p in predictions
        if (allowed is None or p.account_id in allowed)
        and (statuses is None or p.status in statuses)
    ]
    days = {p.as_of for p in chosen}
    if len(days) > 1:
        raise ValidationError.field("predictions", sorted(days), "must all be as of one day")
    scored = sorted(
        ((p.probability_within(horizon), p) for p in chosen),
        key=lambda sp: (-sp[0], sp[1].account_id, sp[1].product_id or ""),
    )
    return [
        ReorderDue(
            account_id=p.account_id,
            product_id=p.product_id,
            rep_id=owner.get(p.account_id, rep) if owner is not None else rep,
            as_of=p.as_of,
            rank=rank,
            probability=prob,
            horizon_days=horizon,
            next_order=p.next_order,
            suggested_quantity=p.suggested_quantity,
            status=p.status.value,
            reason=p.reason,
        )
        for rank, (prob, p) in enumerate(scored[:capacity], start=1)
    ]
