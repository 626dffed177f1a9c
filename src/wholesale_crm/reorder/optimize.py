"""A small derivative-free minimiser (Nelder-Mead), so model fits need no SciPy."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = ["nelder_mead"]


def _safe(f: Callable[[list[float]], float], x: list[float]) -> float:
    # A non-finite objective (overflow far from the optimum) is treated as "very bad" so the
    # simplex simply moves away from it instead of propagating NaN.
    value = f(x)
    return value if math.isfinite(value) else math.inf


def nelder_mead(
    f: Callable[[list[float]], float],
    x0: Sequence[float],
    *,
    step: float = 0.5,
    xtol: float = 1e-9,
    ftol: float = 1e-12,
    max_iter: int = 20_000,
    restarts: int = 2,
) -> tuple[list[float], float]:
    """Minimise `f` from `x0` with the Nelder-Mead simplex method.

    The search restarts from the best point found (`restarts` times) because a collapsed
    simplex can stall short of the minimum; a restart costs little and makes the fit reliable.

    Args:
        f: The objective, taking a list of floats.
        x0: The starting point.
        step: Size of the initial simplex along each axis.
        xtol: Stop when every vertex is within this distance of the best, per coordinate...
        ftol: ...and the objective values of the simplex differ by at most this much,
            relative to the best value.
        max_iter: Iteration cap per run.
        restarts: How many times to restart from the best point.

    Returns:
        The best point and its objective value.
    """
    best = list(map(float, x0))
    best_f = _safe(f, best)
    for _ in range(restarts + 1):
        best, best_f = _run(f, best, best_f, step, xtol, ftol, max_iter)
    return best, best_f


def _run(
    f: Callable[[list[float]], float],
    x0: list[float],
    f0: float,
    step: float,
    xtol: float,
    ftol: float,
    max_iter: int,
) -> tuple[list[float], float]:
    n = len(x0)
    simplex = [x0] + [[x0[j] + (step if j == i else 0.0) for j in range(n)] for i in range(n)]
    values = [f0] + [_safe(f, v) for v in simplex[1:]]
    for _ in range(max_iter):
        order = sorted(range(n + 1), key=values.__getitem__)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        spread_x = max(abs(v[j] - simplex[0][j]) for v in simplex[1:] for j in range(n))
        if spread_x <= xtol and abs(values[-1] - values[0]) <= ftol * (1.0 + abs(values[0])):
            break
        centroid = [sum(v[j] for v in simplex[:-1]) / n for j in range(n)]
        worst = simplex[-1]
        reflected = [c + (c - w) for c, w in zip(centroid, worst, strict=True)]
        fr = _safe(f, reflected)
        if fr < values[0]:
            expanded = [c + 2.0 * (c - w) for c, w in zip(centroid, worst, strict=True)]
            fe = _safe(f, expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            outside = fr < values[-1]
            base = reflected if outside else worst
            contracted = [c + 0.5 * (b - c) for c, b in zip(centroid, base, strict=True)]
            fc = _safe(f, contracted)
            if fc < min(fr, values[-1]) or (outside and fc <= fr):
                simplex[-1], values[-1] = contracted, fc
            else:
                best = simplex[0]
                simplex = [best] + [
                    [b + 0.5 * (x - b) for b, x in zip(best, v, strict=True)] for v in simplex[1:]
                ]
                values = [values[0]] + [_safe(f, v) for v in simplex[1:]]
    i = min(range(n + 1), key=values.__getitem__)
    return simplex[i], values[i]
