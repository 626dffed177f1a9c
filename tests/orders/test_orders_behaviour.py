"""Buying behaviour worked by hand on a small history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.orders.behaviour import BehaviourReport, Rfm, buying_behaviour, quintile_scores
from wholesale_crm.orders.history import LineFact, line_facts
from wholesale_crm.orders.model import Order, OrderLine, Return

AS_OF = date(2026, 7, 1)


def fact(doc: str, account: str, product: str, day: date, qty: int, amount: str) -> LineFact:
    return LineFact(doc, account, product, day, Decimal(qty), Decimal(amount), "GBP")


FACTS = [
    fact("O1", "A", "P1", date(2026, 1, 10), 10, "100.00"),
    fact("O1", "A", "P2", date(2026, 1, 10), 5, "50.00"),
    fact("O2", "A", "P1", date(2026, 3, 10), 10, "100.00"),
    fact("O3", "A", "P1", date(2026, 6, 20), 20, "200.00"),
    fact("R1", "A", "P1", date(2026, 6, 25), -5, "-50.00"),
    fact("O4", "B", "P2", date(2026, 6, 28), 1, "10.00"),
    fact("O5", "C", "P3", date(2025, 7, 1), 1, "1000.00"),
    fact("O6", "A", "P1", AS_OF, 1, "999.00"),  # the first day not observed: ignored
]


@pytest.fixture
def report() -> BehaviourReport:
    return buying_behaviour(
        reversed(FACTS), AS_OF, windows=(30, 90), categories={"P1": "lights", "P2": "frames"}
    )


def test_account_figures(report: BehaviourReport) -> None:
    a = report.accounts["A"]
    assert (a.first_order, a.last_order) == (date(2026, 1, 10), date(2026, 6, 20))
    assert (a.order_count, a.order_days, a.recency_days) == (3, 3, 11)
    assert a.mean_interval_days == Decimal("80.5")  # 161 days over 2 intervals
    assert a.revenue == Decimal("400.00")  # 450 ordered, 50 returned
    assert a.average_order_value == Decimal("133.33")
    assert (a.window(30).current, a.window(30).previous, a.window(30).change) == (
        Decimal("150.00"),
        Decimal("0"),
        None,
    )
    assert (a.window(90).current, a.window(90).previous) == (Decimal("150.00"), Decimal("250.00"))
    assert a.window(90).change == Decimal("-0.4000")
    assert a.seasonality[0] == Decimal("0.3333")  # January: 150 of 450 ordered
    assert a.seasonality[5] == Decimal("0.4444")  # June: 200 of 450
    assert a.top_products == (("P1", Decimal("350.00")), ("P2", Decimal("50.00")))
    assert a.category_mix == (("lights", Decimal("0.8750")), ("frames", Decimal("0.1250")))
    with pytest.raises(ValidationError, match="was not computed"):
        a.window(365)


def test_pair_figures(report: BehaviourReport) -> None:
    p = report.pairs[("A", "P1")]
    assert (p.order_count, p.order_days, p.quantity, p.revenue) == (
        3,
        3,
        Decimal(35),
        Decimal("350.00"),
    )
    assert p.mean_interval_days == Decimal("80.5")
    assert p.window(30).current == Decimal("150.00")
    assert sum(p.seasonality) == Decimal("1.0000")
    assert len(report.pairs) == 4
    assert set(report.pairs) == {("A", "P1"), ("A", "P2"), ("B", "P2"), ("C", "P3")}


def test_rfm_scores_are_quintiles_across_the_base(report: BehaviourReport) -> None:
    assert report.accounts["A"].rfm == Rfm(2, 4, 2)
    assert report.accounts["B"].rfm == Rfm(4, 1, 1)
    assert str(report.accounts["C"].rfm) == "114"


def test_quintiles_of_ten_and_ties() -> None:
    scores = quintile_scores({f"k{i}": i for i in range(10)})
    assert [scores[f"k{i}"] for i in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    tied = quintile_scores({"a": 1, "b": 1, "c": 1, "d": 1, "e": 2})
    assert tied == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 5}


def test_facts_come_from_orders_and_returns() -> None:
    order = Order("O1", "A", date(2026, 1, 10), "GBP", [OrderLine("P1", 3, "0.3333")])
    back = Return("R1", "A", date(2026, 1, 12), "GBP", [OrderLine("P1", 1, "0.3333")])
    report = buying_behaviour(line_facts([order, back]), AS_OF)
    assert report.accounts["A"].revenue == Decimal("0.67")  # 1.00 less 0.33


def test_an_account_in_two_currencies_is_refused() -> None:
    eur = LineFact("O9", "A", "P1", date(2026, 2, 1), Decimal(1), Decimal(1), "EUR")
    with pytest.raises(CurrencyMismatch, match="account A buys in GBP"):
        buying_behaviour([*FACTS, eur], AS_OF)


def test_windows_must_be_positive_days() -> None:
    with pytest.raises(ValidationError):
        buying_behaviour(FACTS, AS_OF, windows=(0,))


@st.composite
def histories(draw: st.DrawFn) -> list[LineFact]:
    facts = []
    for n in range(draw(st.integers(0, 25))):
        account = draw(st.sampled_from("ABC"))
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        returned = draw(st.booleans()) and n % 3 == 0
        for product in draw(st.lists(st.sampled_from(["P1", "P2", "P3"]), min_size=1, max_size=3)):
            qty = Decimal(draw(st.integers(1, 20)))
            amount = Decimal(draw(st.integers(0, 10_000))).scaleb(-2)
            sign = -1 if returned else 1
            facts.append(LineFact(f"D{n}", account, product, day, sign * qty, sign * amount, "GBP"))
    return facts


@settings(max_examples=50)
@given(histories())
def test_accounts_add_up_their_pairs(facts: list[LineFact]) -> None:
    report = buying_behaviour(facts, AS_OF, windows=(30, 365))
    for account_id, a in report.accounts.items():
        pairs = [p for key, p in report.pairs.items() if key[0] == account_id]
        seen = [f for f in facts if f.account_id == account_id and f.day < AS_OF]
        assert a.revenue == sum((f.amount for f in seen), Decimal(0))
        assert a.window(365).current == sum(
            (f.amount for f in seen if f.day >= AS_OF - timedelta(days=365)), Decimal(0)
        )
        assert a.order_count == len({f.document_id for f in seen if f.quantity > 0})
        assert max(p.last_order for p in pairs) == a.last_order
        assert 1 <= a.rfm.recency <= 5
