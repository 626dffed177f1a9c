"""Features of each series at a cutoff: its own cadence and recency, pooled with its context.

Everything is computed from order days strictly before the cutoff, so the same history can
produce training rows at a pseudo-cutoff inside it and scoring rows at its `as_of`.

Cadence is pooled: a series' mean log interval is shrunk toward a prior (the mean of the
product's, the account's and the overall median log interval), with `PRIOR_WEIGHT`
pseudo-intervals, so a pair with two orders borrows most of its cadence from its neighbours
while a long series speaks for itself.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import attrs

from wholesale_crm.reorder.series import Level, OrderHistory, SeriesKey

__all__ = ["FEATURE_NAMES", "PRIOR_WEIGHT", "FeatureRow", "Prepared", "features_at", "prepare"]

PRIOR_WEIGHT = 2.0
"""How many intervals' worth of weight the pooled prior cadence gets."""

_RECENT_DAYS = 90
_YEAR = 365

_OWN = (
    "log_orders",
    "log_recency",
    "log_cadence",
    "recency_ratio",
    "overdue",
    "long_overdue",
    "log_age",
    "log_hazard",
    "log_survival",
    "decay_30",
    "decay_90",
    "recent_orders",
    "same_weeks_last_year",
)
FEATURE_NAMES: dict[Level, tuple[str, ...]] = {
    "pair": (
        *_OWN,
        "account_recency",
        "account_orders",
        "account_products",
        "account_recent_orders",
        "product_recent_accounts",
        "product_accounts",
    ),
    "account": (*_OWN, "account_products", "lines_per_order", "log_quantity"),
}
"""The feature names per level, in row order."""


@attrs.frozen
class Prepared:
    """A history's series as day ordinals, ready for repeated feature extraction."""

    history: OrderHistory
    level: Level
    keys: tuple[SeriesKey, ...]
    days: tuple[tuple[int, ...], ...]
    quantities: tuple[tuple[float, ...], ...]
    pair_days: tuple[tuple[int, ...], ...]
    pair_keys: tuple[tuple[str, str], ...]
    account_days: dict[str, tuple[int, ...]]


@attrs.frozen
class FeatureRow:
    """One series' features at a cutoff, with the raw figures the predictor reports.

    Attributes:
        index: Position of the series in `Prepared.keys`.
        count: Order days before the cutoff.
        recency: Days from the last order to the cutoff.
        cadence: Pooled typical interval in days.
        values: The feature vector, in `FEATURE_NAMES[level]` order.
    """

    index: int
    count: int
    recency: int
    cadence: float
    values: tuple[float, ...]


def prepare(history: OrderHistory, level: Level) -> Prepared:
    """Convert a history's series of one level to ordinals (done once per history)."""
    series = history.series(level)
    keys = tuple(series)
    pair_keys = tuple(history.pairs)
    ordinal = date.toordinal
    pair_days = tuple(tuple(map(ordinal, history.pairs[k].days)) for k in pair_keys)
    account_days = {acc: tuple(map(ordinal, s.days)) for acc, s in history.accounts.items()}
    days = pair_days if level == "pair" else tuple(account_days[k[0]] for k in keys)
    quantities = tuple(tuple(map(float, series[k].quantities)) for k in keys)
    return Prepared(history, level, keys, days, quantities, pair_days, pair_keys, account_days)


_TABLE = 1500
# Look-up tables: features take logs and decays of small whole numbers of days millions of times.
_LOGS = [0.0] + [math.log(g) for g in range(1, _TABLE)]
_DECAYS = {tau: [math.exp(-a / tau) for a in range(_TABLE)] for tau in (30.0, 90.0)}


def _log(days: int) -> float:
    return _LOGS[days] if days < _TABLE else math.log(days)


def _decay(age: int, tau: float) -> float:
    return _DECAYS[tau][age] if age < _TABLE else math.exp(-age / tau)


def _mean_log_gap(days: Sequence[int], n: int) -> float:
    return sum(_log(days[i] - days[i - 1]) for i in range(1, n)) / (n - 1)


@attrs.frozen
class _Context:
    overall_prior: float
    product_prior: dict[str, float]
    account_prior: dict[str, float]
    account_products: dict[str, int]
    account_lines: dict[str, int]
    product_recent: dict[str, int]
    product_all: dict[str, int]


def _context(prep: Prepared, cutoff: int) -> _Context:
    by_product: defaultdict[str, list[float]] = defaultdict(list)
    by_account: defaultdict[str, list[float]] = defaultdict(list)
    account_products: defaultdict[str, int] = defaultdict(int)
    account_lines: defaultdict[str, int] = defaultdict(int)
    product_recent: defaultdict[str, int] = defaultdict(int)
    product_all: defaultdict[str, int] = defaultdict(int)
    recent_from = cutoff - _RECENT_DAYS
    for (acc, prod), days in zip(prep.pair_keys, prep.pair_days, strict=True):
        n = bisect.bisect_left(days, cutoff)
        if n == 0:
            continue
        account_products[acc] += 1
        account_lines[acc] += n
        product_all[prod] += 1
        if days[n - 1] >= recent_from:
            product_recent[prod] += 1
        if n >= 2:
            g = _mean_log_gap(days, n)
            by_product[prod].append(g)
            by_account[acc].append(g)
    every = [g for gs in by_product.values() for g in gs]
    # With no repeat anywhere, a month is a neutral guess for wholesale cadence.
    overall = statistics.median(every) if every else math.log(30.0)
    return _Context(
        overall_prior=overall,
        product_prior={p: statistics.median(g) for p, g in by_product.items()},
        account_prior={a: statistics.median(g) for a, g in by_account.items()},
        account_products=dict(account_products),
        account_lines=dict(account_lines),
        product_recent=dict(product_recent),
        product_all=dict(product_all),
    )


def _own(days: Sequence[int], n: int, cutoff: int, prior: float, horizon: int) -> list[float]:
    last = days[n - 1]
    recency = cutoff - last
    # Empirical conditional reorder chance: of the past intervals longer than the current
    # silence, how many ended within the horizon (a prior pseudo-count keeps it finite).
    log_gap_sum = 0.0
    longer = within = 0
    reach = recency + horizon
    decay_30 = decay_90 = 0.0
    previous = days[0]
    for i in range(n):
        d = days[i]
        age = cutoff - d
        decay_30 += _decay(age, 30.0)
        decay_90 += _decay(age, 90.0)
        if i:
            g = d - previous
            log_gap_sum += _log(g)
            if g > recency:
                longer += 1
                if g <= reach:
                    within += 1
        previous = d
    pooled = (log_gap_sum + PRIOR_WEIGHT * prior) / (n - 1 + PRIOR_WEIGHT)
    cadence = math.exp(pooled)
    ratio = math.log((recency + 1.0) / (cadence + 1.0))
    p0 = horizon / (horizon + cadence)
    hazard = (within + p0) / (longer + 1.0)
    survival = (longer + 0.5) / n
    recent = n - bisect.bisect_left(days, cutoff - _RECENT_DAYS, 0, n)
    ly_start = cutoff - _YEAR
    last_year = bisect.bisect_left(days, ly_start + horizon, 0, n) - bisect.bisect_left(
        days, ly_start, 0, n
    )
    return [
        math.log(n),
        math.log1p(recency),
        pooled,
        ratio,
        max(ratio, 0.0),
        max(ratio - 1.0, 0.0),
        math.log1p(cutoff - days[0]),
        math.log(hazard),
        math.log(survival),
        math.log1p(decay_30),
        math.log1p(decay_90),
        math.log1p(recent),
        math.log1p(last_year),
    ]


def features_at(prep: Prepared, cutoff: int, horizon: int, min_orders: int) -> list[FeatureRow]:
    """Feature rows of every series with at least `min_orders` order days before `cutoff`.

    Args:
        prep: The prepared history.
        cutoff: Day ordinal; only order days strictly before it are used.
        horizon: The prediction horizon in days (shapes the hazard and seasonal features).
        min_orders: Minimum order days before the cutoff for a series to get a row.

    Returns:
        Rows in the order of `prep.keys`.
    """
    ctx = _context(prep, cutoff)
    recent_from = cutoff - _RECENT_DAYS
    rows: list[FeatureRow] = []
    for index, (key, days) in enumerate(zip(prep.keys, prep.days, strict=True)):
        n = bisect.bisect_left(days, cutoff)
        if n < max(min_orders, 1):
            continue
        acc, prod = key
        priors = [ctx.overall_prior]
        if acc in ctx.account_prior:
            priors.append(ctx.account_prior[acc])
        if prod is not None and prod in ctx.product_prior:
            priors.append(ctx.product_prior[prod])
        prior = sum(priors) / len(priors)
        own = _own(days, n, cutoff, prior, horizon)
        products = ctx.account_products.get(acc, 0)
        if prod is not None:
            acc_days = prep.account_days[acc]
            m = bisect.bisect_left(acc_days, cutoff)
            extra = [
                math.log1p(cutoff - acc_days[m - 1]),
                math.log(m),
                math.log1p(products),
                math.log1p(m - bisect.bisect_left(acc_days, recent_from, 0, m)),
                math.log1p(ctx.product_recent.get(prod, 0)),
                math.log1p(ctx.product_all.get(prod, 0)),
            ]
        else:
            qty = prep.quantities[index]
            extra = [
                math.log1p(products),
                math.log1p(ctx.account_lines.get(acc, 0) / n),
                math.log1p(sum(qty[:n])),
            ]
        rows.append(
            FeatureRow(
                index=index,
                count=n,
                recency=cutoff - days[n - 1],
                cadence=math.exp(own[2]),
                values=tuple(own + extra),
            )
        )
    return rows
