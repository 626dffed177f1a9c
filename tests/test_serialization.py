"""The converter: exact round trips, tagged unions, document-path errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.quantities import STANDARD_UNITS, Quantity, Unit
from wholesale_crm.serialization import from_dict, from_json, to_dict, to_json


@attrs.frozen
class Fixed:
    price: Money


@attrs.frozen
class PercentOff:
    percent: Decimal


@attrs.frozen
class Line:
    sku: str
    quantity: Quantity
    rule: Fixed | PercentOff
    note: str | None = None


@attrs.frozen
class Doc:
    lines: list[Line]
    on: date
    at: datetime
    valid: DateRange


EA = STANDARD_UNITS["EA"]
DOC = Doc(
    [
        Line("A", Quantity(Decimal("1.5"), EA), Fixed(Money("2.30", "EUR"))),
        Line("B", Quantity(2, EA.pack("BOX12", 12)), PercentOff(Decimal("12.5")), "promo"),
    ],
    date(2026, 1, 31),
    datetime(2026, 1, 31, 9, 30, tzinfo=UTC),
    DateRange(date(2026, 1, 1), None),
)


def test_documents_have_the_promised_shape() -> None:
    data = to_dict(DOC)
    assert data["lines"][0]["rule"] == {
        "type": "Fixed",
        "price": {"amount": "2.30", "currency": "EUR"},
    }
    assert data["lines"][1]["rule"] == {"type": "PercentOff", "percent": "12.5"}
    assert data["lines"][0]["quantity"]["amount"] == "1.5"
    assert data["on"] == "2026-01-31"
    assert data["at"] == "2026-01-31T09:30:00+00:00"
    assert data["valid"] == {"start": "2026-01-01", "end": None}
    assert from_json(Doc, to_json(DOC)) == DOC


def test_json_numbers_are_read_exactly() -> None:
    assert from_json(Money, '{"amount": 0.1, "currency": "EUR"}').amount == Decimal("0.1")


def test_every_problem_is_reported_with_its_path() -> None:
    data = to_dict(DOC)
    data["lines"][0]["quantity"]["amount"] = "-3"
    data["lines"][1]["rule"] = {"type": "Markup", "percent": "1"}
    data["lines"][1]["colour"] = "red"
    data["at"] = "2026-01-31T09:30:00"
    del data["on"]
    with pytest.raises(ValidationError) as caught:
        from_dict(Doc, data)
    assert set(caught.value.paths) == {
        "$.lines[0].quantity.amount",
        "$.lines[1].rule.type",
        "$.lines[1].colour",
        "$.on",
        "$.at",
    }
    by_path = {e.path: e for e in caught.value.errors}
    assert by_path["$.lines[1].colour"].value == "red"
    assert by_path["$.at"].message.startswith("must be timezone-aware")


def test_invalid_json_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        from_json(Doc, "{nope")


@pytest.mark.parametrize(
    "value",
    [
        Money("12.30", "EUR"),
        Money("-0.0001", "BHD"),
        Quantity(Decimal("0.5"), STANDARD_UNITS["KG"]),
        Unit("CASE", "EA", 72, "case"),
        DateRange(None, date(2026, 1, 1)),
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-8))),
    ],
)
def test_kernel_values_round_trip(value: Any) -> None:
    assert from_json(type(value), to_json(value)) == value


decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12
)
currencies = st.sampled_from(["EUR", "GBP", "JPY", "BHD", "USD", "CHF"])
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))


@given(decimals, currencies)
def test_money_round_trips(amount: Decimal, currency: str) -> None:
    money = Money(amount, currency)
    assert from_json(Money, to_json(money)) == money


@given(dates, dates)
def test_date_ranges_round_trip(a: date, b: date) -> None:
    rng = DateRange(min(a, b), max(a, b))
    assert from_json(DateRange, to_json(rng)) == rng


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
shaped = st.fixed_dictionaries(
    {},
    optional={
        "lines": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "sku": json_values,
                    "quantity": st.fixed_dictionaries(
                        {}, optional={"amount": json_values, "unit": json_values}
                    ),
                    "rule": st.fixed_dictionaries(
                        {},
                        optional={
                            "type": st.sampled_from(["Fixed", "PercentOff", "X"]),
                            "percent": json_values,
                        },
                    ),
                },
            ),
            max_size=3,
        ),
        "on": json_values | dates.map(date.isoformat),
        "at": json_values,
        "valid": json_values,
    },
)


@given(json_values | shaped)
def test_any_json_document_structures_or_raises_validation_error(document: Any) -> None:
    text = json.dumps(document)
    try:
        from_json(Doc, text)
    except ValidationError as error:
        assert error.errors and all(e.path.startswith("$") for e in error.errors)
