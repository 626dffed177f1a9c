from __future__ import annotations

import math

import pytest

from wholesale_crm.reorder.optimize import nelder_mead


def test_minimises_rosenbrock() -> None:
    def rosen(p: list[float]) -> float:
        x, y = p
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    best, value = nelder_mead(rosen, [-1.2, 1.0])
    assert best == pytest.approx([1.0, 1.0], abs=1e-4)
    assert value < 1e-8


def test_non_finite_objective_is_avoided() -> None:
    def f(p: list[float]) -> float:
        return math.nan if p[0] > 3 else (p[0] - 2) ** 2

    best, _ = nelder_mead(f, [0.0])
    assert best[0] == pytest.approx(2.0, abs=1e-4)
