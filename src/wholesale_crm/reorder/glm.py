"""A small complementary log-log regression, the calibrated core of the reorder predictor.

With a cloglog link, `P(order within h) = 1 - exp(-exp(eta) * (h / h0) ** kappa)`: a Weibull
proportional-hazards model whose probability is calibrated at the training horizon `h0` by
the regression and stretched to other horizons by the shape `kappa` (fitted separately), so it
is non-decreasing in the horizon by construction.

Features are standardised before fitting and an L2 penalty (not on the intercept) keeps the
fit stable with correlated features. Newton steps with Fisher scoring and step halving; the
pure-Python solver is exact, numpy only makes the same steps faster.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

import attrs

from wholesale_crm.errors import ValidationError

__all__ = ["CloglogModel", "fit_cloglog", "fit_shape", "hazard", "probability"]

_ETA_MIN, _ETA_MAX = -30.0, 4.0


def hazard(eta: float) -> float:
    """`exp(eta)` with `eta` clipped to the range the fit uses, so it never overflows."""
    return math.exp(min(max(eta, _ETA_MIN), _ETA_MAX))


def probability(eta: float, scale: float = 1.0) -> float:
    """`1 - exp(-exp(eta) * scale)`, clipped into [0, 1] without overflow."""
    eta = min(max(eta, _ETA_MIN), _ETA_MAX)
    return min(1.0, max(0.0, -math.expm1(-math.exp(eta) * scale)))


@attrs.frozen
class CloglogModel:
    """Fitted coefficients with the standardisation they apply to.

    Attributes:
        intercept: Constant term.
        coefficients: One per feature, on the standardised scale.
        means: Feature means used to standardise.
        scales: Feature standard deviations used to standardise (1 where constant).
    """

    intercept: float
    coefficients: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]

    _raw: tuple[float, tuple[float, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Fold the standardisation into the coefficients once: scoring is then one dot product.
        weights = tuple(c / s for c, s in zip(self.coefficients, self.scales, strict=True))
        offset = self.intercept - sum(w * m for w, m in zip(weights, self.means, strict=True))
        object.__setattr__(self, "_raw", (offset, weights))

    def linear(self, row: Sequence[float]) -> float:
        """The linear predictor `eta` of one feature row."""
        offset, weights = self._raw
        if len(row) != len(weights):
            raise ValidationError.field("row", len(row), f"must have {len(weights)} features")
        return float(offset + sum(map(operator.mul, weights, row)))


def _standardise(rows: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    n = len(rows)
    means: list[float] = []
    scales: list[float] = []
    # Column by column at C speed (zip, map, fsum): training sets have ~100k rows.
    for column in zip(*rows, strict=True):
        mean = math.fsum(column) / n
        var = max(math.fsum(map(operator.mul, column, column)) / n - mean * mean, 0.0)
        means.append(mean)
        scales.append(math.sqrt(var) if var > 1e-12 else 1.0)
    return means, scales


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a symmetric positive definite system by Gaussian elimination with pivoting."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col][col]
        for r in range(col + 1, n):
            f = m[r][col] / p
            if f:
                row_r, row_c = m[r], m[col]
                for c in range(col, n + 1):
                    row_r[c] -= f * row_c[c]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        x[i] = (m[i][n] - sum(m[i][j] * x[j] for j in range(i + 1, n))) / m[i][i]
    return x


def _terms(eta: float, y: int) -> tuple[float, float, float]:
    """Log-likelihood, score and Fisher weight (per unit of eta) of one observation."""
    eta = min(max(eta, _ETA_MIN), _ETA_MAX)
    h = math.exp(eta)
    mu = -math.expm1(-h)
    mu = min(max(mu, 1e-12), 1.0 - 1e-12)
    dmu = h * (1.0 - mu)
    ll = math.log(mu) if y else -h
    score = (y - mu) * dmu / (mu * (1.0 - mu))
    weight = dmu * dmu / (mu * (1.0 - mu))
    return ll, score, weight


def _newton(
    k: int,
    l2: float,
    evaluate: Callable[[list[float]], tuple[float, list[float], list[list[float]]]],
    start: list[float],
) -> list[float]:
    beta = start
    ll, grad, info = evaluate(beta)
    for _ in range(50):
        penalised = ll - 0.5 * l2 * sum(b * b for b in beta[1:])
        g = [grad[0]] + [grad[j] - l2 * beta[j] for j in range(1, k + 1)]
        h = [row[:] for row in info]
        for j in range(1, k + 1):
            h[j][j] += l2
        step = _solve(h, g)
        t = 1.0
        while t > 1e-6:
            cand = [b + t * s for b, s in zip(beta, step, strict=True)]
            cll, cgrad, cinfo = evaluate(cand)
            if cll - 0.5 * l2 * sum(b * b for b in cand[1:]) >= penalised - 1e-12:
                break
            t *= 0.5
        else:
            break
        beta, ll, grad, info = cand, cll, cgrad, cinfo
        if max(abs(t * s) for s in step) < 1e-8:
            break
    return beta


def fit_cloglog(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    l2: float = 1.0,
    use_numpy: bool | None = None,
) -> CloglogModel:
    """Fit `P(y = 1) = 1 - exp(-exp(eta))` by penalised maximum likelihood.

    Args:
        rows: Feature rows, all the same length.
        labels: 0 or 1 per row.
        l2: Ridge penalty on the standardised coefficients (not the intercept).
        use_numpy: `None` uses numpy when importable, `False` forces pure Python.

    Raises:
        ValidationError: no rows, ragged rows, labels not 0/1 or of another length.
    """
    if not rows:
        raise ValidationError.field("rows", [], "needs at least one training row")
    if len(labels) != len(rows):
        raise ValidationError.field("labels", len(labels), f"must have {len(rows)} entries")
    if any(y not in (0, 1) for y in labels):
        raise ValidationError.field("labels", sorted(set(labels)), "must be 0 or 1")
    k = len(rows[0])
    if any(len(r) != k for r in rows):
        raise ValidationError.field("rows", k, "must all have the same length")
    means, scales = _standardise(rows)
    rate = (sum(labels) + 0.5) / (len(labels) + 1.0)
    start = [math.log(-math.log1p(-rate))] + [0.0] * k
    evaluate = None
    if use_numpy is not False:
        try:
            evaluate = _numpy_evaluator(rows, means, scales, labels)
        except ImportError:
            if use_numpy:
                raise
    if evaluate is None:
        z = [[(v - m) / s for v, m, s in zip(r, means, scales, strict=True)] for r in rows]
        evaluate = _python_evaluator(z, labels)
    beta = _newton(k, l2, evaluate, start)
    return CloglogModel(beta[0], tuple(beta[1:]), tuple(means), tuple(scales))


Evaluator = Callable[[list[float]], tuple[float, list[float], list[list[float]]]]


def _python_evaluator(z: list[list[float]], labels: Sequence[int]) -> Evaluator:
    def evaluate(beta: list[float]) -> tuple[float, list[float], list[list[float]]]:
        k1 = len(beta)
        total = 0.0
        grad = [0.0] * k1
        info = [[0.0] * k1 for _ in range(k1)]
        for row, y in zip(z, labels, strict=True):
            x = [1.0, *row]
            ll, score, weight = _terms(sum(b * v for b, v in zip(beta, x, strict=True)), y)
            total += ll
            for i in range(k1):
                grad[i] += score * x[i]
                wi = weight * x[i]
                info_i = info[i]
                for j in range(i, k1):
                    info_i[j] += wi * x[j]
        for i in range(k1):
            for j in range(i):
                info[i][j] = info[j][i]
        return total, grad, info

    return evaluate


def _numpy_evaluator(
    rows: Sequence[Sequence[float]],
    means: Sequence[float],
    scales: Sequence[float],
    labels: Sequence[int],
) -> Evaluator:
    import numpy as np

    z = (np.asarray(rows, dtype=float) - np.asarray(means)) / np.asarray(scales)
    x = np.column_stack([np.ones(len(z)), z])
    y = np.asarray(labels, dtype=float)

    def evaluate(beta: list[float]) -> tuple[float, list[float], list[list[float]]]:
        eta = np.clip(x @ np.asarray(beta), _ETA_MIN, _ETA_MAX)
        h = np.exp(eta)
        mu = np.clip(-np.expm1(-h), 1e-12, 1.0 - 1e-12)
        dmu = h * (1.0 - mu)
        ll = float(np.where(y > 0, np.log(mu), -h).sum())
        score = (y - mu) * dmu / (mu * (1.0 - mu))
        weight = dmu * dmu / (mu * (1.0 - mu))
        grad = x.T @ score
        info = (x * weight[:, None]).T @ x
        return ll, [float(v) for v in grad], [[float(v) for v in row] for row in info]

    return evaluate


def fit_shape(
    etas: Sequence[float],
    first_days: Sequence[float | None],
    reference: int,
    horizons: Sequence[int],
    *,
    max_rows: int = 2000,
) -> float:
    """Fit the Weibull shape `kappa` that carries probabilities from `reference` to other days.

    Holding each row's `eta` fixed, maximise the likelihood of "ordered within h" at each of
    `horizons` under `P(h) = 1 - exp(-exp(eta) * (h / reference) ** kappa)`.

    Args:
        etas: Linear predictors of the training rows.
        first_days: Days from the (pseudo-)cutoff to each row's first order, `None` if none
            was observed within `reference`.
        reference: The horizon the regression was fitted at.
        horizons: Horizons (< reference) whose labels identify the shape.
        max_rows: Use at most about this many rows (an even stride through them).

    Returns:
        The shape, within [0.1, 3]; 1 (a constant hazard) when there is nothing to fit.
    """
    pairs = list(zip(etas, first_days, strict=True))
    # One scalar needs few rows: a fixed stride keeps the fit fast and deterministic.
    stride = max(1, len(pairs) // max_rows)
    pairs = pairs[::stride]
    if not pairs or not horizons:
        return 1.0

    def loglik(kappa: float) -> float:
        total = 0.0
        for h in horizons:
            scale = (h / reference) ** kappa
            for eta, d in pairs:
                p = min(max(probability(eta, scale), 1e-12), 1.0 - 1e-12)
                total += math.log(p) if d is not None and d < h else math.log1p(-p)
        return total

    lo, hi = 0.1, 3.0
    golden = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
    fa, fb = loglik(a), loglik(b)
    for _ in range(30):
        if fa > fb:
            hi, b, fb = b, a, fa
            a = hi - golden * (hi - lo)
            fa = loglik(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + golden * (hi - lo)
            fb = loglik(b)
    return (lo + hi) / 2.0
