"""Buying behaviour per account and per account-product pair, as of a date, in one pass.

`buying_behaviour(facts, as_of)` reads line facts (`orders.history.LineFact`, from
`line_facts` or `services.orders.iter_lines`) once and returns, for every account and every
account-product pair with an order strictly before `as_of` (the first day not observed, as in
the reorder package):

- first and last order day, order count (distinct orders) and order days, mean interval
  between order days (`None` with a single order day), recency in days;
- net revenue (returns and cancellations deducted) and average order value;
- revenue in trailing windows (`[as_of - n days, as_of)`) and in the window before it
  (`[as_of - 2n, as_of - n)`), with the change between them;
- a month-of-year profile of ordered revenue (12 shares summing to 1);
- per account only: RFM scores (quintiles 1-5 across the accounts of the same run, 5 best:
  most recent, most orders, most revenue), top products by net revenue, and category mix.

Amounts are `Decimal`s in the figures' `currency` (a batch over millions of lines builds no
`Money` per figure); sums of rounded line totals stay rounded, averages are rounded to the
currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any

import attrs

from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.orders.history import LineFact

__all__ = [
    "AccountBehaviour",
    "BehaviourReport",
    "PairBehaviour",
    "Rfm",
    "WindowRevenue",
    "buying_behaviour",
    "quintile_scores",
]

_ZERO = Decimal(0)
_SHARE = Decimal("0.0001")
_TENTH = Decimal("0.1")


@attrs.frozen
class WindowRevenue:
    """Net revenue over a trailing window and the window before it.

    Attributes:
        days: The window's length.
        current: Revenue in `[as_of - days, as_of)`.
        previous: Revenue in `[as_of - 2 days, as_of - days)`.
        change: `current / previous - 1` to 4 places (`0.25` is +25%); `None` when `previous`
            is not positive.
    """

    days: int
    current: Decimal
    previous: Decimal
    change: Decimal | None


@attrs.frozen
class Rfm:
    """Recency, frequency and monetary quintile scores, each 1 (lowest fifth) to 5 (top)."""

    recency: int
    frequency: int
    monetary: int

    def __str__(self) -> str:
        return f"{self.recency}{self.frequency}{self.monetary}"


def _profile(by_month: Sequence[Decimal]) -> tuple[Decimal, ...]:
    total = sum(by_month, _ZERO)
    if total <= 0:
        return (_ZERO,) * 12
    return tuple((m / total).quantize(_SHARE, ROUND_HALF_UP) for m in by_month)


def _interval(first: date, last: date, days: int) -> Decimal | None:
    if days < 2:
        return None
    return (Decimal((last - first).days) / (days - 1)).quantize(_TENTH, ROUND_HALF_UP)


def _windows(spans: Sequence[int], flat: Sequence[Decimal]) -> tuple[WindowRevenue, ...]:
    out = []
    for i, span in enumerate(spans):
        cur, prev = flat[2 * i], flat[2 * i + 1]
        change = (cur / prev - 1).quantize(_SHARE, ROUND_HALF_UP) if prev > 0 else None
        out.append(WindowRevenue(span, cur, prev, change))
    return tuple(out)


def _window(windows: tuple[WindowRevenue, ...], days: int) -> WindowRevenue:
    for w in windows:
        if w.days == days:
            return w
    computed = [w.days for w in windows]
    raise ValidationError.field("days", days, f"was not computed; the windows are {computed}")


@attrs.frozen
class PairBehaviour:
    """How one account buys one product (see the module docs for each figure).

    The derived figures (`mean_interval_days`, `windows`, `seasonality`) are computed when
    read, so a batch over hundreds of thousands of pairs stays cheap.

    Attributes:
        spans: The trailing window lengths, in days.
        window_revenue: Current and previous revenue of each span, flat:
            `(current_1, previous_1, current_2, previous_2, ...)`.
        by_month: Ordered revenue per calendar month, January first.
    """

    account_id: str
    product_id: str
    currency: str
    first_order: date
    last_order: date
    order_count: int
    order_days: int
    recency_days: int
    quantity: Decimal
    revenue: Decimal
    spans: tuple[int, ...]
    window_revenue: tuple[Decimal, ...]
    by_month: tuple[Decimal, ...]

    @property
    def mean_interval_days(self) -> Decimal | None:
        """Mean days between order days, to one decimal; `None` with a single order day."""
        return _interval(self.first_order, self.last_order, self.order_days)

    @property
    def windows(self) -> tuple[WindowRevenue, ...]:
        """Revenue in each trailing window and the one before it."""
        return _windows(self.spans, self.window_revenue)

    @property
    def seasonality(self) -> tuple[Decimal, ...]:
        """Share of ordered revenue per calendar month, January first (zeros without any)."""
        return _profile(self.by_month)

    def window(self, days: int) -> WindowRevenue:
        """The trailing window of `days`; `ValidationError` if it was not computed."""
        return _window(self.windows, days)


@attrs.frozen
class AccountBehaviour:
    """How one account buys (see the module docs for each figure)."""

    account_id: str
    currency: str
    first_order: date
    last_order: date
    order_count: int
    order_days: int
    mean_interval_days: Decimal | None
    recency_days: int
    revenue: Decimal
    average_order_value: Decimal
    windows: tuple[WindowRevenue, ...]
    seasonality: tuple[Decimal, ...]
    rfm: Rfm
    top_products: tuple[tuple[str, Decimal], ...]
    category_mix: tuple[tuple[str | None, Decimal], ...]

    def window(self, days: int) -> WindowRevenue:
        """The trailing window of `days`; `ValidationError` if it was not computed."""
        return _window(self.windows, days)

    def money(self, amount: Decimal) -> Money:
        """One of the figures as `Money` in the account's currency."""
        return Money(amount, self.currency)


@attrs.frozen
class BehaviourReport:
    """Buying behaviour of every account and account-product pair as of `as_of`."""

    as_of: date
    accounts: Mapping[str, AccountBehaviour]
    pairs: Mapping[tuple[str, str], PairBehaviour]


class _Tallies:
    """Running figures of many accounts or pairs, in flat lists indexed by position.

    Flat lists rather than an object per key: a history of a million lines has hundreds of
    thousands of pairs, and the batch must stay a single cheap pass.
    """

    __slots__ = (
        "days", "first", "index", "keys", "last", "last_doc", "month", "orders", "qty",
        "revenue", "width", "windows",
    )  # fmt: skip

    def __init__(self, width: int) -> None:
        self.width = width  # 2 per window: current, previous
        self.index: dict[Any, int] = {}
        self.keys: list[Any] = []
        self.revenue: list[Decimal] = []
        self.qty: list[Decimal] = []
        self.windows: list[Decimal] = []  # `width` per key
        self.month: list[Decimal] = []  # 12 per key: ordered revenue by calendar month
        self.first: list[date | None] = []
        self.last: list[date | None] = []
        self.days: list[int] = []
        self.orders: list[int] = []
        self.last_doc: list[str] = []

    def slot(self, key: Any) -> int:
        k = self.index[key] = len(self.keys)
        self.keys.append(key)
        self.revenue.append(_ZERO)
        self.qty.append(_ZERO)
        self.windows.extend([_ZERO] * self.width)
        self.month.extend([_ZERO] * 12)
        self.first.append(None)
        self.last.append(None)
        self.days.append(0)
        self.orders.append(0)
        self.last_doc.append("")
        return k

    def ordered(self, k: int, day: date, document_id: str) -> None:
        if self.last[k] != day:  # facts come by date: a new order day for this key
            if self.last[k] is None:
                self.first[k] = day
            self.days[k] += 1
            self.last[k] = day
        if self.last_doc[k] != document_id:  # the lines of a document come together
            self.orders[k] += 1
            self.last_doc[k] = document_id

    def add_money(
        self, k: int, amount: Decimal, quantity: Decimal, targets: tuple[int, ...], month: int
    ) -> None:
        self.revenue[k] += amount
        self.qty[k] += quantity
        base = k * self.width
        for target in targets:
            self.windows[base + target] += amount
        if quantity > 0:
            self.month[k * 12 + month - 1] += amount

    def flat(self, k: int) -> tuple[Decimal, ...]:
        return tuple(self.windows[k * self.width : (k + 1) * self.width])


def quintile_scores(
    values: Mapping[str, Decimal | int], *, higher_is_better: bool = True
) -> dict[str, int]:
    """Score each key 1-5 by the fifth of the sorted values it falls in; ties score alike.

    The best fifth scores 5. A value shared by keys on both sides of a boundary takes the
    score of its first (lowest) position, so equal values never get different scores.
    """
    ordered = sorted(values.items(), key=lambda kv: (kv[1], kv[0]))
    if not higher_is_better:
        ordered.reverse()
    n = len(ordered)
    scores: dict[str, int] = {}
    first_rank: dict[Decimal | int, int] = {}
    for rank, (key, value) in enumerate(ordered):
        start = first_rank.setdefault(value, rank)
        scores[key] = 1 + (5 * start) // n
    return scores


def _targets(age: int, spans: Sequence[int]) -> tuple[int, ...]:
    """Where a line `age` days old counts: slot 2i (window i) or 2i + 1 (the one before)."""
    out = []
    for i, span in enumerate(spans):
        if age <= span:
            out.append(2 * i)
        elif age <= 2 * span:
            out.append(2 * i + 1)
    return tuple(out)


def buying_behaviour(
    facts: Iterable[LineFact],
    as_of: date,
    *,
    windows: Sequence[int] = (90, 365),
    categories: Mapping[str, str | None] | None = None,
    top: int = 5,
) -> BehaviourReport:
    """Buying behaviour of every account and pair, from one pass over `facts`.

    Args:
        facts: Line facts, the lines of one document together (as `line_facts` and
            `iter_lines` give them); they are put in date order first. Facts on or after
            `as_of` are ignored.
        as_of: The first day not observed.
        windows: Trailing window lengths in days.
        categories: Category id per product id, for the category mix (missing: `None`).
        top: How many top products to list per account.

    Raises:
        ValidationError: a window that is not a positive number of days.
        CurrencyMismatch: one account's facts in two currencies.
    """
    spans = tuple(windows)
    for span in spans:
        if isinstance(span, bool) or not isinstance(span, int) or span <= 0:
            raise ValidationError.field("windows", span, "must be positive whole days")
    accounts, pairs = _Tallies(2 * len(spans)), _Tallies(2 * len(spans))
    account_index, pair_index = accounts.index, pairs.index
    currency: dict[str, str] = {}
    targets_of: dict[date, tuple[int, ...]] = {}
    for fact in sorted(facts, key=attrgetter("day")):
        day = fact.day
        if day >= as_of:
            break
        targets = targets_of.get(day)
        if targets is None:
            targets = targets_of[day] = _targets((as_of - day).days, spans)
        account_id, quantity = fact.account_id, fact.quantity
        a = account_index.get(account_id)
        if a is None:
            a = accounts.slot(account_id)
            currency[account_id] = fact.currency
        elif currency[account_id] != fact.currency:
            raise CurrencyMismatch.field(
                "currency", fact.currency, f"account {account_id} buys in {currency[account_id]}"
            )
        key = (account_id, fact.product_id)
        p = pair_index.get(key)
        if p is None:
            p = pairs.slot(key)
        accounts.add_money(a, fact.amount, quantity, targets, day.month)
        pairs.add_money(p, fact.amount, quantity, targets, day.month)
        if quantity > 0:
            accounts.ordered(a, day, fact.document_id)
            pairs.ordered(p, day, fact.document_id)
    return _report(as_of, accounts, pairs, currency, spans, categories or {}, top)


class _PairView(Mapping[tuple[str, str], PairBehaviour]):
    """The pairs' figures as a read-only mapping; each `PairBehaviour` is built when read.

    The figures are all computed by the pass; building hundreds of thousands of objects up
    front would cost more than the pass itself, and most callers read a few pairs.
    """

    def __init__(
        self, as_of: date, tallies: _Tallies, currency: dict[str, str], spans: tuple[int, ...]
    ) -> None:
        self._as_of, self._t, self._currency, self._spans = as_of, tallies, currency, spans
        self._keys = [key for k, key in enumerate(tallies.keys) if tallies.last[k] is not None]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys)

    def __getitem__(self, key: tuple[str, str]) -> PairBehaviour:
        t = self._t
        k = t.index[key]
        first, last = t.first[k], t.last[k]
        if first is None or last is None:
            raise KeyError(key)  # returns only: never ordered before as_of
        account_id, product_id = key
        return PairBehaviour(
            account_id, product_id, self._currency[account_id], first, last, t.orders[k],
            t.days[k], (self._as_of - last).days, t.qty[k], t.revenue[k], self._spans,
            t.flat(k), tuple(t.month[k * 12 : k * 12 + 12]),
        )  # fmt: skip


def _report(
    as_of: date,
    accounts: _Tallies,
    pairs: _Tallies,
    currency: dict[str, str],
    spans: tuple[int, ...],
    categories: Mapping[str, str | None],
    top: int,
) -> BehaviourReport:
    by_account: dict[str, list[tuple[Decimal, str]]] = {}
    for (account_id, product_id), revenue in zip(pairs.keys, pairs.revenue, strict=True):
        by_account.setdefault(account_id, []).append((revenue, product_id))
    last_order = {a: accounts.last[k] for k, a in enumerate(accounts.keys)}
    recency = {a: (as_of - last).days for a, last in last_order.items() if last is not None}
    ordered = {a: accounts.index[a] for a in recency}
    r = quintile_scores(recency, higher_is_better=False)
    f = quintile_scores({a: accounts.orders[k] for a, k in ordered.items()})
    m = quintile_scores({a: accounts.revenue[k] for a, k in ordered.items()})
    out: dict[str, AccountBehaviour] = {}
    for account_id, k in ordered.items():
        first, last = accounts.first[k], accounts.last[k]
        assert first is not None  # `ordered` keeps the accounts with an order
        assert last is not None
        cur = currency[account_id]
        products = by_account.get(account_id, [])
        best = sorted(products, key=lambda rp: (-rp[0], rp[1]))[:top]
        revenue = accounts.revenue[k]
        out[account_id] = AccountBehaviour(
            account_id=account_id,
            currency=cur,
            first_order=first,
            last_order=last,
            order_count=accounts.orders[k],
            order_days=accounts.days[k],
            mean_interval_days=_interval(first, last, accounts.days[k]),
            recency_days=recency[account_id],
            revenue=revenue,
            average_order_value=Money(revenue / accounts.orders[k], cur).round().amount,
            windows=_windows(spans, accounts.flat(k)),
            seasonality=_profile(accounts.month[k * 12 : k * 12 + 12]),
            rfm=Rfm(r[account_id], f[account_id], m[account_id]),
            top_products=tuple((p, rev) for rev, p in best),
            category_mix=_mix(products, categories),
        )
    return BehaviourReport(as_of, out, _PairView(as_of, pairs, currency, spans))


def _mix(
    products: list[tuple[Decimal, str]], categories: Mapping[str, str | None]
) -> tuple[tuple[str | None, Decimal], ...]:
    by_category: dict[str | None, Decimal] = {}
    for revenue, product_id in products:
        if revenue > 0:
            category = categories.get(product_id)
            by_category[category] = by_category.get(category, _ZERO) + revenue
    total = sum(by_category.values(), _ZERO)
    if total <= 0:
        return ()
    shares = [(c, (v / total).quantize(_SHARE, ROUND_HALF_UP)) for c, v in by_category.items()]
    return tuple(sorted(shares, key=lambda cs: (-cs[1], cs[0] or "")))
