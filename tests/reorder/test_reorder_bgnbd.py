from __future__ import annotations

import csv
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.bgnbd import BGNBDModel, CustomerSummary, fit_bgnbd, summarise
from wholesale_crm.reorder.series import OrderSeries

CDNOW = BGNBDModel(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _cdnow(data_dir: Path) -> list[CustomerSummary]:
    path = data_dir / "cdnow_customers_summary.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    with path.open(newline="") as fh:
        return [
            CustomerSummary(int(r["frequency"]), float(r["recency"]), float(r["T"]))
            for r in csv.DictReader(fh)
        ]


@pytest.mark.parametrize("use_numpy", [False, None])
def test_recovers_published_cdnow_estimates(data_dir: Path, use_numpy: bool | None) -> None:
    fitted = fit_bgnbd(_cdnow(data_dir), use_numpy=use_numpy)
    assert (round(fitted.r, 2), round(fitted.alpha, 2)) == (0.24, 4.41)
    assert (round(fitted.a, 2), round(fitted.b, 2)) == (0.79, 2.43)
    assert abs(fitted.r - 0.243) < 0.005 and abs(fitted.alpha - 4.414) < 0.005
    assert abs(fitted.a - 0.793) < 0.005 and abs(fitted.b - 2.426) < 0.005


def test_numpy_and_python_likelihoods_agree() -> None:
    pytest.importorskip("numpy")
    from wholesale_crm.reorder import bgnbd

    customers = [CustomerSummary(x, float(x * 3), 40.0) for x in range(6)] * 3
    data = bgnbd._group(customers)
    params = [math.log(v) for v in (0.5, 3.0, 0.8, 2.0)]
    fast = bgnbd._neg_ll_numpy_factory(data)(params)
    assert fast == pytest.approx(bgnbd._neg_ll_python(params, data), rel=1e-12)
    assert -fast == pytest.approx(
        BGNBDModel(0.5, 3.0, 0.8, 2.0).log_likelihood(customers), rel=1e-12
    )


def test_no_repeat_customer_is_certainly_alive() -> None:
    assert CDNOW.probability_alive(CustomerSummary(0, 0.0, 30.0)) == 1.0


def test_long_silence_lowers_probability_alive() -> None:
    recent = CDNOW.probability_alive(CustomerSummary(5, 35.0, 38.0))
    silent = CDNOW.probability_alive(CustomerSummary(5, 5.0, 38.0))
    assert 0.0 < silent < recent < 1.0


def test_expected_purchases_matches_probability_for_short_horizons() -> None:
    # For a tiny t, at most one purchase is plausible, so E[N(t)] ~ P(N(t) >= 1).
    c = CustomerSummary(2, 30.43, 38.86)
    e = CDNOW.expected_purchases(0.01, c)
    p = CDNOW.probability_of_purchase(0.01, c)
    assert e == pytest.approx(p, rel=1e-3)
    assert CDNOW.expected_purchases(39, c) > CDNOW.expected_purchases(10, c) > 0


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 40),
    tx=st.floats(0, 100),
    extra=st.floats(0, 100),
    t1=st.floats(0, 500),
    t2=st.floats(0, 500),
)
def test_probability_in_unit_interval_and_monotone(
    x: int, tx: float, extra: float, t1: float, t2: float
) -> None:
    c = CustomerSummary(x, tx if x else 0.0, (tx if x else 0.0) + extra)
    lo, hi = sorted((t1, t2))
    p_lo, p_hi = CDNOW.probability_of_purchase(lo, c), CDNOW.probability_of_purchase(hi, c)
    assert 0.0 <= p_lo <= p_hi <= 1.0
    assert 0.0 <= CDNOW.probability_alive(c) <= 1.0
    assert math.isfinite(CDNOW.expected_purchases(hi, c))


def test_summarise_in_days() -> None:
    s = OrderSeries("A", "P", (date(2024, 1, 1), date(2024, 1, 11)), (Decimal(1), Decimal(1)))
    assert summarise(s, date(2024, 1, 31)) == CustomerSummary(1, 10.0, 30.0)
    with pytest.raises(ValidationError, match="after the last order"):
        summarise(s, date(2024, 1, 11))
    with pytest.raises(ValidationError):
        summarise(OrderSeries("A", "P", (), ()), date(2024, 1, 11))


@pytest.mark.parametrize(
    ("x", "tx", "t", "field"),
    [(-1, 0.0, 1.0, "frequency"), (1, 5.0, 4.0, "T"), (0, 2.0, 4.0, "recency")],
)
def test_summary_validation(x: int, tx: float, t: float, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        CustomerSummary(x, tx, t)
    assert err.value.paths == (field,)


def test_fit_refuses_unidentified_data() -> None:
    with pytest.raises(ValidationError):
        fit_bgnbd([])
    with pytest.raises(ValidationError, match="repeat"):
        fit_bgnbd([CustomerSummary(0, 0.0, 10.0)])
    with pytest.raises(ValidationError):
        BGNBDModel(r=0.0, alpha=1.0, a=1.0, b=1.0)
    with pytest.raises(ValidationError):
        CDNOW.probability_of_purchase(-1.0, CustomerSummary(0, 0.0, 1.0))
