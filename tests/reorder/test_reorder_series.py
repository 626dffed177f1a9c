from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.reorder.series import OrderEvent, OrderSeries, build_history

D = date(2024, 3, 1)


def ev(day: int, qty: str, acc: str = "A", prod: str = "P") -> OrderEvent:
    return OrderEvent(acc, prod, date(2024, 1, day), Decimal(qty))


def test_same_day_lines_are_one_order_day() -> None:
    h = build_history([ev(1, "2"), ev(1, "3"), ev(5, "1")], D)
    s = h.pairs[("A", "P")]
    assert s.days == (date(2024, 1, 1), date(2024, 1, 5))
    assert s.quantities == (Decimal(5), Decimal(1))


def test_returns_net_against_newest_orders_and_cancel_emptied_days() -> None:
    h = build_history([ev(1, "4"), ev(3, "2"), ev(4, "-3")], D)
    s = h.pairs[("A", "P")]
    # 3 returned: the 2 of Jan 3 are cancelled, 1 comes off Jan 1.
    assert s.days == (date(2024, 1, 1),)
    assert s.quantities == (Decimal(3),)


def test_same_day_cancellation_removes_the_order() -> None:
    h = build_history([ev(1, "4"), ev(2, "5"), ev(2, "-5")], D)
    assert h.pairs[("A", "P")].days == (date(2024, 1, 1),)


def test_return_with_nothing_to_net_is_dropped_and_zero_ignored() -> None:
    h = build_history([ev(1, "-4"), ev(2, "0")], D)
    assert h.pairs == {}
    assert h.accounts == {}


def test_events_on_or_after_as_of_are_ignored() -> None:
    h = build_history([ev(1, "1"), ev(10, "1")], date(2024, 1, 10))
    assert h.pairs[("A", "P")].days == (date(2024, 1, 1),)


def test_inactive_products_are_excluded_by_set_or_predicate() -> None:
    events = [ev(1, "1", prod="OLD"), ev(2, "1", prod="NEW")]
    assert set(build_history(events, D, active_products={"NEW"}).pairs) == {("A", "NEW")}
    by_rule = build_history(events, D, active_products=lambda p: p != "OLD")
    assert set(by_rule.pairs) == {("A", "NEW")}
    assert by_rule.accounts["A"].days == (date(2024, 1, 2),)


def test_account_series_sums_its_pairs_per_day() -> None:
    h = build_history([ev(1, "2", prod="X"), ev(1, "3", prod="Y"), ev(4, "1", prod="Y")], D)
    a = h.accounts["A"]
    assert a.days == (date(2024, 1, 1), date(2024, 1, 4))
    assert a.quantities == (Decimal(5), Decimal(1))
    assert set(h.series("account")) == {("A", None)}


def test_empty_history() -> None:
    h = build_history([], D)
    assert h.pairs == {} and h.accounts == {}


def test_input_order_does_not_matter(events: list[OrderEvent]) -> None:
    shuffled = events[:]
    random.Random(1).shuffle(shuffled)
    assert build_history(events, D) == build_history(shuffled, D)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"account_id": ""}, "account_id"),
        ({"product_id": " "}, "product_id"),
        ({"day": datetime(2024, 1, 1)}, "day"),
        ({"day": "2024-01-01"}, "day"),
        ({"quantity": 3}, "quantity"),
        ({"quantity": Decimal("NaN")}, "quantity"),
    ],
)
def test_order_event_validation(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "account_id": "A",
        "product_id": "P",
        "day": date(2024, 1, 1),
        "quantity": Decimal(1),
    }
    with pytest.raises(ValidationError) as err:
        OrderEvent(**{**base, **kwargs})  # type: ignore[arg-type]
    assert err.value.paths == (field,)


def test_series_validation_and_before() -> None:
    d1, d2 = date(2024, 1, 1), date(2024, 1, 2)
    with pytest.raises(ValidationError, match="strictly increasing"):
        OrderSeries("A", "P", (d2, d1), (Decimal(1), Decimal(1)))
    with pytest.raises(ValidationError, match="positive"):
        OrderSeries("A", "P", (d1,), (Decimal(0),))
    with pytest.raises(ValidationError, match="one entry per day"):
        OrderSeries("A", "P", (d1,), ())
    s = OrderSeries("A", "P", (d1, d2), (Decimal(1), Decimal(2)))
    assert s.before(d2).days == (d1,)
    assert len(s) == 2 and s.key == ("A", "P")


def test_bad_level_and_as_of() -> None:
    with pytest.raises(ValidationError):
        build_history([], "2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        build_history([], D).series("territory")  # type: ignore[arg-type]
