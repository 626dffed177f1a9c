from __future__ import annotations

import math
import random

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.glm import fit_cloglog, fit_shape, probability


def _sample(n: int, seed: int = 3) -> tuple[list[list[float]], list[int]]:
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
        p = probability(-0.5 + 1.0 * x1 - 0.7 * x2)
        rows.append([x1, x2])
        labels.append(1 if rng.random() < p else 0)
    return rows, labels


def test_recovers_coefficients_pure_python() -> None:
    rows, labels = _sample(3000)
    m = fit_cloglog(rows, labels, l2=1e-6, use_numpy=False)
    # Undo the standardisation to compare with the generating coefficients.
    raw = [c / s for c, s in zip(m.coefficients, m.scales, strict=True)]
    assert raw == pytest.approx([1.0, -0.7], abs=0.12)
    assert m.linear([0.0, 0.0]) == pytest.approx(-0.5, abs=0.12)


def test_numpy_and_pure_python_agree() -> None:
    pytest.importorskip("numpy")
    rows, labels = _sample(400)
    a = fit_cloglog(rows, labels, use_numpy=False)
    b = fit_cloglog(rows, labels, use_numpy=True)
    assert a.intercept == pytest.approx(b.intercept, abs=1e-7)
    assert a.coefficients == pytest.approx(b.coefficients, abs=1e-7)


def test_constant_feature_does_not_break_the_fit() -> None:
    rows, labels = _sample(200)
    m = fit_cloglog([[*r, 1.0] for r in rows], labels, use_numpy=False)
    assert all(math.isfinite(c) for c in m.coefficients)


def test_shape_recovers_weibull_shape() -> None:
    rng = random.Random(5)
    etas, firsts = [], []
    for _ in range(3000):
        eta = rng.gauss(-1, 0.8)
        # Inverse-CDF draw from P(T <= t) = 1 - exp(-exp(eta) (t/30)^1.5).
        t = 30 * (-math.log(rng.random()) / math.exp(eta)) ** (1 / 1.5)
        etas.append(eta)
        firsts.append(t if t < 30 else None)
    assert fit_shape(etas, firsts, 30, (7, 14), max_rows=3000) == pytest.approx(1.5, abs=0.15)
    assert fit_shape([], [], 30, (7,)) == 1.0


def test_probability_is_clipped() -> None:
    assert probability(1000.0) == 1.0
    assert probability(-1000.0) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("rows", "labels"),
    [([], []), ([[1.0]], [2]), ([[1.0], [1.0, 2.0]], [0, 1]), ([[1.0]], [0, 1])],
    ids=["empty", "label", "ragged", "length"],
)
def test_bad_input(rows: list[list[float]], labels: list[int]) -> None:
    with pytest.raises(ValidationError):
        fit_cloglog(rows, labels)


def test_linear_checks_row_length() -> None:
    rows, labels = _sample(50)
    with pytest.raises(ValidationError):
        fit_cloglog(rows, labels).linear([1.0])
