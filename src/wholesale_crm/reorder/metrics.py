"""Scoring metrics for reorder forecasts, in pure Python.

Every function takes aligned sequences and raises `ValidationError` on empty or misaligned
input; a metric that is undefined for the data (AUC with one class, WAPE with no volume)
returns `None` rather than NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from wholesale_crm.errors import ValidationError

__all__ = ["auc", "brier", "ece", "mae", "precision_at", "wape"]


def _check(values: Sequence[float], other: Sequence[float], name: str) -> None:
    if not values:
        raise ValidationError.field(name, [], "needs at least one value")
    if len(values) != len(other):
        raise ValidationError.field(name, len(other), f"must have {len(values)} values")


def _check_labels(labels: Sequence[int]) -> None:
    if any(y not in (0, 1) for y in labels):
        raise ValidationError.field("labels", sorted(set(labels)), "must be 0 or 1")


def auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance a random positive outranks a random negative.

    Ties count half (average ranks). `None` when only one class is present.
    """
    _check(labels, scores, "scores")
    _check_labels(labels)
    order = sorted(range(len(scores)), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        average_rank = (i + j) / 2.0 + 1.0
        rank_sum += average_rank * sum(labels[order[k]] for k in range(i, j + 1))
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def precision_at(labels: Sequence[int], scores: Sequence[float], fraction: float = 0.1) -> float:
    """Share of positives among the top `fraction` by score (at least one item).

    Ties at the boundary are broken by position, so the result is deterministic.
    """
    _check(labels, scores, "scores")
    _check_labels(labels)
    if not 0.0 < fraction <= 1.0:
        raise ValidationError.field("fraction", fraction, "must be within (0, 1]")
    k = max(1, math.ceil(fraction * len(labels) - 1e-9))
    top = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    return sum(labels[i] for i in top) / k


def brier(labels: Sequence[int], probabilities: Sequence[float]) -> float:
    """Mean squared difference between probability and outcome (lower is better)."""
    _check(labels, probabilities, "probabilities")
    _check_labels(labels)
    return sum((p - y) ** 2 for y, p in zip(labels, probabilities, strict=True)) / len(labels)


def ece(labels: Sequence[int], probabilities: Sequence[float], bins: int = 10) -> float:
    """Expected calibration error over equal-width probability bins.

    The weighted mean, over bins, of |mean probability - observed rate|; a probability of
    exactly 1 falls in the last bin.
    """
    _check(labels, probabilities, "probabilities")
    _check_labels(labels)
    if bins < 1:
        raise ValidationError.field("bins", bins, "must be at least 1")
    count = [0] * bins
    prob_sum = [0.0] * bins
    pos_sum = [0] * bins
    for y, p in zip(labels, probabilities, strict=True):
        b = min(int(p * bins), bins - 1)
        count[b] += 1
        prob_sum[b] += p
        pos_sum[b] += y
    n = len(labels)
    return sum(abs(prob_sum[b] - pos_sum[b]) / n for b in range(bins) if count[b])


def mae(actual: Sequence[float], predicted: Sequence[float]) -> float:
    """Mean absolute error."""
    _check(actual, predicted, "predicted")
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)


def wape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Weighted absolute percentage error: sum |a - p| / sum |a|; `None` with no volume."""
    _check(actual, predicted, "predicted")
    volume = sum(abs(a) for a in actual)
    if volume == 0:
        return None
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / volume
