"""Order series: the distinct order days of each account-product pair and of each account.

The reorder package reads order history as a flat iterable of `OrderEvent` facts (one per order
line, or already summed per day). `build_history` turns them into an `OrderHistory` as of a date:

- only lines strictly before `as_of` count, so the same event list can be replayed at any cutoff;
- lines of one pair on one day are summed into one order day;
- a negative quantity is a return or cancellation: it is taken off that pair's most recent order
  days on or before its own day, newest first, and an order day netted to zero disappears
  (a cancelled order is not an order); a return with nothing left to net against is dropped;
- zero quantities are ignored;
- with `active_products`, products outside the set (no longer sold) are left out entirely.

An account's series is the sum of its pairs' netted series per day, so both levels agree.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import attrs

from wholesale_crm.errors import ValidationError

__all__ = [
    "Level",
    "OrderEvent",
    "OrderHistory",
    "OrderSeries",
    "SeriesKey",
    "build_history",
]

Level = Literal["pair", "account"]
"""Which series a model works on: account-product pairs or whole accounts."""

SeriesKey = tuple[str, str | None]
"""`(account_id, product_id)`; `product_id` is `None` for an account's own series."""

_ZERO = Decimal(0)


def _non_empty(path: str) -> Callable[[object, object, str], None]:
    def check(_: object, __: object, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError.field(path, value, "must be a non-empty string")

    return check


def _is_date(_: object, attribute: attrs.Attribute[date], value: object) -> None:
    # datetime is a subclass of date but would break day arithmetic, so refuse it explicitly.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError.field(attribute.name, value, "must be a datetime.date")


def _is_finite_decimal(_: object, attribute: attrs.Attribute[Decimal], value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError.field(attribute.name, value, "must be a finite Decimal")


@attrs.frozen
class OrderEvent:
    """One order-line fact: an account ordered (or returned) a quantity of a product on a day.

    Args:
        account_id: The ordering account.
        product_id: The product ordered.
        day: The business date of the order.
        quantity: Units ordered; negative for a return or cancellation to net out.
    """

    account_id: str = attrs.field(validator=_non_empty("account_id"))
    product_id: str = attrs.field(validator=_non_empty("product_id"))
    day: date = attrs.field(validator=_is_date)
    quantity: Decimal = attrs.field(validator=_is_finite_decimal)


@attrs.frozen
class OrderSeries:
    """The netted order days of one pair (or one account, with `product_id` None).

    Attributes:
        account_id: The account.
        product_id: The product, or `None` for the account's series over all products.
        days: Distinct order days, strictly increasing.
        quantities: Net positive quantity ordered on each day, aligned with `days`.
    """

    account_id: str
    product_id: str | None
    days: tuple[date, ...]
    quantities: tuple[Decimal, ...]

    def __attrs_post_init__(self) -> None:
        if len(self.days) != len(self.quantities):
            raise ValidationError.field(
                "quantities",
                len(self.quantities),
                f"must have one entry per day ({len(self.days)})",
            )
        # map/min run at C speed: history building constructs hundreds of thousands of these.
        if not all(map(operator.lt, self.days, self.days[1:])):
            raise ValidationError.field("days", self.days, "must be strictly increasing")
        if self.quantities and min(self.quantities) <= 0:
            raise ValidationError.field("quantities", self.quantities, "must all be positive")

    @property
    def key(self) -> SeriesKey:
        """`(account_id, product_id)`."""
        return (self.account_id, self.product_id)

    def __len__(self) -> int:
        return len(self.days)

    def before(self, cutoff: date) -> OrderSeries:
        """The same series restricted to order days strictly before `cutoff`."""
        n = bisect.bisect_left(self.days, cutoff)
        return OrderSeries(self.account_id, self.product_id, self.days[:n], self.quantities[:n])


@attrs.frozen
class OrderHistory:
    """Every pair's and account's order series, observed strictly before `as_of`.

    Attributes:
        as_of: The first day not observed (predictions are made as of this day).
        pairs: Series per `(account_id, product_id)`.
        accounts: Series per account, over all its (active) products.
    """

    as_of: date
    pairs: Mapping[tuple[str, str], OrderSeries]
    accounts: Mapping[str, OrderSeries]

    def series(self, level: Level) -> Mapping[SeriesKey, OrderSeries]:
        """The series of one level, keyed by `(account_id, product_id or None)`."""
        if level == "pair":
            return self.pairs  # type: ignore[return-value]
        if level == "account":
            return {(a, None): s for a, s in self.accounts.items()}
        raise ValidationError.field("level", level, "must be 'pair' or 'account'")


def _net(days: list[date], qty: list[Decimal]) -> tuple[tuple[date, ...], tuple[Decimal, ...]]:
    """Net returns (negative days) against the newest earlier orders; drop emptied days."""
    kept_days: list[date] = []
    kept_qty: list[Decimal] = []
    for day, q in zip(days, qty, strict=True):
        if q > 0:
            kept_days.append(day)
            kept_qty.append(q)
            continue
        remaining = -q
        while remaining > 0 and kept_qty:
            take = min(remaining, kept_qty[-1])
            kept_qty[-1] -= take
            remaining -= take
            if kept_qty[-1] == 0:
                kept_qty.pop()
                kept_days.pop()
    return tuple(kept_days), tuple(kept_qty)


def build_history(
    events: Iterable[OrderEvent],
    as_of: date,
    *,
    active_products: Collection[str] | Callable[[str], bool] | None = None,
) -> OrderHistory:
    """Build the pair and account series from order events, as of a date.

    Args:
        events: Order-line facts in any order; the result does not depend on it.
        as_of: Events on or after this day are ignored (they are the future).
        active_products: Product ids still sold, or a predicate on the product id; other
            products are excluded. `None` keeps every product.

    Returns:
        The history; pairs and accounts with no positive net order before `as_of` are absent.

    Raises:
        ValidationError: `as_of` is not a date.
    """
    _is_date(None, attrs.fields(OrderHistory).as_of, as_of)
    if active_products is None:
        keep: Callable[[str], bool] = lambda _p: True  # noqa: E731
    elif callable(active_products):
        keep = active_products
    else:
        allowed = frozenset(active_products)
        keep = allowed.__contains__
    per_day: dict[tuple[str, str], dict[date, Decimal]] = {}
    for ev in events:
        if ev.day >= as_of or ev.quantity == 0 or not keep(ev.product_id):
            continue
        bucket = per_day.setdefault((ev.account_id, ev.product_id), {})
        bucket[ev.day] = bucket.get(ev.day, _ZERO) + ev.quantity

    pairs: dict[tuple[str, str], OrderSeries] = {}
    account_days: dict[str, dict[date, Decimal]] = {}
    for key in sorted(per_day):
        by_day = per_day[key]
        ordered = sorted(by_day)
        days, qty = _net(ordered, [by_day[d] for d in ordered])
        if not days:
            continue
        pairs[key] = OrderSeries(key[0], key[1], days, qty)
        totals = account_days.setdefault(key[0], {})
        for d, q in zip(days, qty, strict=True):
            totals[d] = totals.get(d, _ZERO) + q
    accounts = {
        acc: OrderSeries(acc, None, tuple(sorted(t)), tuple(t[d] for d in sorted(t)))
        for acc, t in account_days.items()
    }
    return OrderHistory(as_of=as_of, pairs=pairs, accounts=accounts)
