"""The BG/NBD model of repeat buying (Fader, Hardie and Lee, 2005), usable on its own.

Each customer buys at a Poisson rate while alive and, right after each purchase, drops out for
good with some probability. Rates are gamma distributed across customers (shape `r`, scale
`alpha`), dropout probabilities beta distributed (`a`, `b`). A customer is summarised by
`frequency` (repeat purchases, x), `recency` (time of the last purchase since the first, t_x)
and `T` (time since the first purchase), all in the same time unit.

`fit_bgnbd` finds the maximum-likelihood parameters with `math.lgamma` and a Nelder-Mead search
on the log-parameters; when numpy is installed the likelihood is evaluated vectorised, which is
the same arithmetic, only faster.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.optimize import nelder_mead
from wholesale_crm.reorder.series import OrderSeries

__all__ = ["BGNBDModel", "CustomerSummary", "fit_bgnbd", "summarise"]


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (isinstance(value, float | int) and math.isfinite(value) and value > 0):
        raise ValidationError.field(attribute.name, value, "must be a positive finite number")


@attrs.frozen
class CustomerSummary:
    """Frequency, recency and age of one customer (or series), in one time unit.

    Raises:
        ValidationError: negative values, a fractional frequency, `recency > T`, or a recency
            other than 0 with no repeat purchase.
    """

    frequency: int
    recency: float
    T: float

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.frequency, int) or self.frequency < 0:
            raise ValidationError.field("frequency", self.frequency, "must be an integer >= 0")
        if not (math.isfinite(self.recency) and self.recency >= 0):
            raise ValidationError.field("recency", self.recency, "must be finite and >= 0")
        if not (math.isfinite(self.T) and self.recency <= self.T):
            raise ValidationError.field("T", self.T, f"must be >= recency ({self.recency})")
        if self.frequency == 0 and self.recency != 0:
            raise ValidationError.field("recency", self.recency, "must be 0 with no repeat")


def summarise(series: OrderSeries, as_of: date) -> CustomerSummary:
    """Summarise an order series as of a date, in days.

    Raises:
        ValidationError: the series is empty or has an order day on or after `as_of`.
    """
    if not series.days:
        raise ValidationError.field("series.days", (), "needs at least one order day")
    if series.days[-1] >= as_of:
        raise ValidationError.field("as_of", as_of, "must be after the last order day")
    first = series.days[0].toordinal()
    return CustomerSummary(
        frequency=len(series.days) - 1,
        recency=float(series.days[-1].toordinal() - first),
        T=float(as_of.toordinal() - first),
    )


@attrs.frozen
class BGNBDModel:
    """Fitted (or given) BG/NBD parameters, with the model's per-customer predictions."""

    r: float = attrs.field(validator=_positive)
    alpha: float = attrs.field(validator=_positive)
    a: float = attrs.field(validator=_positive)
    b: float = attrs.field(validator=_positive)

    def probability_alive(self, c: CustomerSummary) -> float:
        """Probability the customer has not dropped out by `T`."""
        if c.frequency == 0:
            return 1.0
        x = c.frequency
        log_ratio = (self.r + x) * (math.log(self.alpha + c.T) - math.log(self.alpha + c.recency))
        log_odds = math.log(self.a) - math.log(self.b + x - 1) + log_ratio
        # 1 / (1 + exp(log_odds)), written to stay finite for any log_odds.
        if log_odds > 0:
            e = math.exp(-log_odds)
            return e / (1.0 + e)
        return 1.0 / (1.0 + math.exp(log_odds))

    def probability_of_purchase(self, t: float, c: CustomerSummary) -> float:
        """Probability of at least one purchase in `(T, T + t]`.

        Alive customers buy at a gamma-posterior Poisson rate and can only drop out right after
        a purchase, so the chance of none in `t` is the posterior mean of `exp(-lambda t)`.
        """
        _check_horizon(t)
        if t == 0:
            return 0.0
        none = math.exp(
            (self.r + c.frequency) * (math.log(self.alpha + c.T) - math.log(self.alpha + c.T + t))
        )
        return min(1.0, max(0.0, self.probability_alive(c) * (1.0 - none)))

    def expected_purchases(self, t: float, c: CustomerSummary) -> float:
        """Expected number of purchases in `(T, T + t]` (the paper's equation 10)."""
        _check_horizon(t)
        if t == 0:
            return 0.0
        x = c.frequency
        r, alpha, b = self.r, self.alpha, self.b
        # The closed form divides by (a - 1); nudge a=1 exactly, where it is a removable pole.
        a = self.a if abs(self.a - 1.0) > 1e-9 else 1.0 + 1e-9
        z = t / (alpha + c.T + t)
        hyp = _hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        ratio = math.exp((r + x) * (math.log(alpha + c.T) - math.log(alpha + c.T + t)))
        numerator = (a + b + x - 1.0) / (a - 1.0) * (1.0 - ratio * hyp)
        denominator = 1.0
        if x > 0:
            denominator += (
                a
                / (b + x - 1.0)
                * math.exp((r + x) * (math.log(alpha + c.T) - math.log(alpha + c.recency)))
            )
        return max(0.0, numerator / denominator)

    def log_likelihood(self, customers: Iterable[CustomerSummary]) -> float:
        """Total log-likelihood of the customers under these parameters."""
        data = _group(customers)
        return -_neg_ll_python([math.log(v) for v in (self.r, self.alpha, self.a, self.b)], data)


def _check_horizon(t: float) -> None:
    if not (math.isfinite(t) and t >= 0):
        raise ValidationError.field("t", t, "must be a finite number >= 0")


def _hyp2f1(a: float, b: float, c: float, z: float) -> float:
    """Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 <= z < 1."""
    term = 1.0
    total = 1.0
    k = 0
    while k < 200_000:
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        k += 1
        if abs(term) <= 1e-15 * abs(total):
            break
    return total


_LOG_BOUND = 10.0
_Grouped = list[tuple[int, float, float, int]]
Objective = Callable[[list[float]], float]


def _group(customers: Iterable[CustomerSummary]) -> _Grouped:
    # Many customers share (x, t_x, T); evaluating each distinct triple once is exact and fast.
    counts = Counter((c.frequency, c.recency, c.T) for c in customers)
    return sorted((x, tx, t, n) for (x, tx, t), n in counts.items())


def _neg_ll_python(log_params: list[float], data: _Grouped) -> float:
    r, alpha, a, b = (math.exp(v) for v in log_params)
    if not all(math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        return math.inf
    per_x: dict[int, tuple[float, float]] = {}
    base = -math.lgamma(r) + r * math.log(alpha) + math.lgamma(a + b) - math.lgamma(b)
    total = 0.0
    for x, tx, t, n in data:
        terms = per_x.get(x)
        if terms is None:
            common = base + math.lgamma(r + x) + math.lgamma(b + x) - math.lgamma(a + b + x)
            drop = math.log(a) - math.log(b + x - 1) if x > 0 else 0.0
            terms = per_x[x] = (common, drop)
        common, drop = terms
        a3 = -(r + x) * math.log(alpha + t)
        if x > 0:
            a4 = drop - (r + x) * math.log(alpha + tx)
            hi = max(a3, a4)
            ll = common + hi + math.log(math.exp(a3 - hi) + math.exp(a4 - hi))
        else:
            ll = common + a3
        total += n * ll
    return -total


def _neg_ll_numpy_factory(data: _Grouped) -> Objective:
    import numpy as np

    x = np.array([d[0] for d in data], dtype=float)
    tx = np.array([d[1] for d in data], dtype=float)
    t = np.array([d[2] for d in data], dtype=float)
    n = np.array([d[3] for d in data], dtype=float)
    unique_x, inverse = np.unique(x, return_inverse=True)
    ux = [float(v) for v in unique_x]
    repeat = x > 0
    bx1 = np.where(repeat, x - 1.0, 1.0)

    def neg_ll(log_params: list[float]) -> float:
        r, alpha, a, b = (math.exp(v) for v in log_params)
        if not all(math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
            return math.inf
        # lgamma is evaluated once per distinct frequency, in Python; the rest is vectorised.
        lg = np.array(
            [math.lgamma(r + v) + math.lgamma(b + v) - math.lgamma(a + b + v) for v in ux]
        )
        common = (
            lg[inverse] - math.lgamma(r) + r * math.log(alpha) + math.lgamma(a + b) - math.lgamma(b)
        )
        a3 = -(r + x) * np.log(alpha + t)
        a4 = np.log(a) - np.log(b + bx1) - (r + x) * np.log(alpha + tx)
        a4 = np.where(repeat, a4, -np.inf)
        ll = common + np.logaddexp(a3, a4)
        return float(-(n * ll).sum())

    return neg_ll


def fit_bgnbd(customers: Iterable[CustomerSummary], *, use_numpy: bool | None = None) -> BGNBDModel:
    """Fit BG/NBD by maximum likelihood.

    Args:
        customers: One summary per customer (or series).
        use_numpy: `None` uses numpy when it is importable; `False` forces pure Python; `True`
            requires numpy.

    Returns:
        The fitted model.

    Raises:
        ValidationError: no customers, or none with a repeat purchase (the dropout process is
            then not identified).
    """
    data = _group(customers)
    if not data:
        raise ValidationError.field("customers", [], "needs at least one customer")
    if all(x == 0 for x, *_ in data):
        raise ValidationError.field("customers", len(data), "needs at least one repeat purchase")
    objective: Objective | None = None
    if use_numpy is not False:
        try:
            objective = _neg_ll_numpy_factory(data)
        except ImportError:
            if use_numpy:
                raise
    if objective is None:

        def objective_py(p: list[float]) -> float:
            return _neg_ll_python(p, data)

        objective = objective_py
    unbounded = objective

    def bounded(p: list[float]) -> float:
        # Without dropout in the data, a and b run off to infinity (the likelihood only
        # flattens); a box on the log-parameters lets the search stop at a plateau.
        return math.inf if any(abs(v) > _LOG_BOUND for v in p) else unbounded(p)

    best, _ = nelder_mead(bounded, [0.0, 0.0, 0.0, 0.0], max_iter=5000)
    r, alpha, a, b = (math.exp(v) for v in best)
    return BGNBDModel(r=r, alpha=alpha, a=a, b=b)
