from __future__ import annotations

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder import metrics


def test_auc_hand_worked() -> None:
    # Positives at 0.8 and 0.4; negatives at 0.6 and 0.2: pairs won 3 of 4.
    assert metrics.auc([1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2]) == pytest.approx(0.75)
    # A tie between a positive and a negative counts half: (1 + 0.5) / 2.
    assert metrics.auc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]) == pytest.approx(0.875)
    assert metrics.auc([1, 1, 0], [0.1, 0.2, 0.9]) == 0.0
    assert metrics.auc([1, 1], [0.1, 0.2]) is None


def test_precision_at_top_fraction() -> None:
    labels = [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    scores = [0.9, 0.8, 0.1, 0.7, 0.2, 0.3, 0.4, 0.5, 0.6, 0.05]
    assert metrics.precision_at(labels, scores, 0.1) == 1.0  # top 1: the 0.9
    assert metrics.precision_at(labels, scores, 0.3) == pytest.approx(2 / 3)
    assert metrics.precision_at([0, 1], [0.5, 0.5], 0.5) == 0.0  # ties: first position wins


def test_brier_and_ece_hand_worked() -> None:
    labels = [1, 0, 1, 0]
    probs = [0.9, 0.1, 0.6, 0.6]
    assert metrics.brier(labels, probs) == pytest.approx((0.01 + 0.01 + 0.16 + 0.36) / 4)
    # Bins: 0.1 -> bin 1 (rate 0, |0.1-0|=0.1, weight 1/4); 0.6 x2 -> bin 6 (rate 0.5,
    # |0.6-0.5|=0.1, weight 1/2); 0.9 -> bin 9 (rate 1, 0.1, weight 1/4).
    assert metrics.ece(labels, probs) == pytest.approx(0.1)
    assert metrics.ece([1], [1.0]) == 0.0  # p = 1 lands in the last bin


def test_mae_and_wape() -> None:
    assert metrics.mae([10, 20], [12, 15]) == pytest.approx(3.5)
    assert metrics.wape([10, 30], [12, 20]) == pytest.approx(12 / 40)
    assert metrics.wape([0, 0], [1, 1]) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: metrics.auc([], []),
        lambda: metrics.brier([1, 0], [0.5]),
        lambda: metrics.ece([2], [0.5]),
        lambda: metrics.precision_at([1], [0.5], 0.0),
        lambda: metrics.ece([1], [0.5], bins=0),
    ],
    ids=["empty", "misaligned", "label", "fraction", "bins"],
)
def test_bad_input(call: object) -> None:
    with pytest.raises(ValidationError):
        call()  # type: ignore[operator]
