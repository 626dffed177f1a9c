"""Money: exact arithmetic, currencies, rounding, allocation, formatting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.errors import CurrencyMismatch, ValidationError
from wholesale_crm.money import Money

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False)
cents = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0.1, "float"),
        (True, "bool"),
        ("abc", "not a number"),
        ("NaN", "finite"),
        (Decimal("Infinity"), "finite"),
        (None, "Decimal, int or numeric string"),
    ],
)
def test_bad_amounts_name_the_field_and_value(value: object, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as caught:
        Money(value, "EUR")  # type: ignore[arg-type]
    [problem] = caught.value.errors
    assert problem.path == "amount"
    assert problem.value is value or str(problem.value) == str(value)


@pytest.mark.parametrize("code", ["EURO", "eur", "ZZZ", "", 978])
def test_unknown_currencies_are_refused(code: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money("1", code)  # type: ignore[arg-type]
    assert caught.value.paths == ("currency",)


def test_arithmetic_within_a_currency() -> None:
    assert Money("1.10", "EUR") + Money("2.25", "EUR") == Money("3.35", "EUR")
    assert Money("1.10", "EUR") - Money("2.25", "EUR") == Money("-1.15", "EUR")
    assert Money("2.50", "EUR") * 3 == 3 * Money("2.50", "EUR") == Money("7.50", "EUR")
    assert Money("10", "EUR") * Decimal("0.15") == Money("1.50", "EUR")
    assert -Money("1", "EUR") == Money("-1", "EUR")
    assert sum([Money("1", "GBP"), Money("2", "GBP")]) == Money("3", "GBP")
    assert Money("1.0", "EUR") == Money("1.00", "EUR")
    assert hash(Money("1.0", "EUR")) == hash(Money("1.00", "EUR"))


def test_cross_currency_operations_raise() -> None:
    with pytest.raises(CurrencyMismatch):
        Money("1", "EUR") + Money("1", "USD")
    with pytest.raises(CurrencyMismatch):
        Money("1", "EUR") - Money("1", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money("1", "EUR") < Money("2", "USD")
    assert Money("1", "EUR") != Money("1", "USD")


def test_float_factor_raises_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        Money("1", "EUR") * 1.5
    with pytest.raises(TypeError, match="float"):
        Money("1", "EUR") / 2.0


def test_comparisons() -> None:
    small, big = Money("1.00", "EUR"), Money("2", "EUR")
    assert small < big <= big and big > small >= small
    assert max([small, big]) == big
    with pytest.raises(TypeError):
        _ = small < 5


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("10.005", "EUR", "10.01"),
        ("-10.005", "EUR", "-10.01"),
        ("1234.5", "JPY", "1235"),
        ("1.2345", "BHD", "1.235"),
        ("2.5", "EUR", "2.50"),
    ],
)
def test_round_to_minor_units_half_up(amount: str, currency: str, expected: str) -> None:
    rounded = Money(amount, currency).round()
    assert rounded.amount == Decimal(expected)
    assert str(rounded.amount) == expected


def test_round_with_an_explicit_mode() -> None:
    assert Money("10.005", "EUR").round(ROUND_HALF_EVEN) == Money("10.00", "EUR")
    assert Money("10.019", "EUR").round(ROUND_DOWN) == Money("10.01", "EUR")


def test_allocate_hand_worked() -> None:
    total = Money("100.00", "EUR")
    assert total.allocate([1, 1, 1]) == [
        Money("33.34", "EUR"),
        Money("33.33", "EUR"),
        Money("33.33", "EUR"),
    ]
    assert total.allocate([1, 1, 1], remainder="last") == [
        Money("33.33", "EUR"),
        Money("33.33", "EUR"),
        Money("33.34", "EUR"),
    ]
    # 1.5 and 3.5 cents: one cent left over, the tie goes to the earlier part.
    assert Money("0.05", "EUR").allocate([3, 7]) == [Money("0.02", "EUR"), Money("0.03", "EUR")]
    assert Money("-10.00", "EUR").allocate([1, 2]) == [Money("-3.33", "EUR"), Money("-6.67", "EUR")]
    assert Money("1000", "JPY").allocate([1, 1, 1]) == [
        Money(334, "JPY"),
        Money(333, "JPY"),
        Money(333, "JPY"),
    ]
    # An amount finer than the currency is split in its own finest unit, still exactly.
    assert sum(Money("0.1001", "EUR").allocate([1, 1])) == Money("0.1001", "EUR")


@pytest.mark.parametrize("ratios", [[], [1, -1], [0, 0], [0.5, 0.5]])
def test_allocate_refuses_bad_ratios(ratios: list[object]) -> None:
    with pytest.raises(ValidationError):
        Money("1", "EUR").allocate(ratios)  # type: ignore[arg-type]


def test_format_with_babel() -> None:
    assert Money("1234.5", "EUR").format("de_DE") == "1.234,50\xa0€"
    assert Money("1234.5", "GBP").format("en_GB") == "£1,234.50"
    assert Money("1234", "JPY").format("ja_JP") == "￥1,234"
    assert Money("0.1234", "EUR").format("en_GB", rounded=False) == "€0.1234"


@given(cents, cents, cents)
def test_addition_is_associative_and_commutative(a: Decimal, b: Decimal, c: Decimal) -> None:
    x, y, z = Money(a, "EUR"), Money(b, "EUR"), Money(c, "EUR")
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x


@given(
    amounts,
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any),
    st.sampled_from(["largest", "last"]),
    st.sampled_from(["EUR", "JPY", "BHD"]),
)
def test_allocate_always_sums_to_the_original(
    amount: Decimal, ratios: list[int], remainder: str, currency: str
) -> None:
    money = Money(amount, currency)
    parts = money.allocate(ratios, remainder=remainder)  # type: ignore[arg-type]
    assert len(parts) == len(ratios)
    assert sum(parts) == money
    exact = [money.amount * r / sum(ratios) for r in ratios]
    unit = Decimal(1).scaleb(min(-money.precision, int(money.amount.as_tuple().exponent)))
    # Each part is within one unit (or the total leftover, with "last") of its exact share.
    slack = unit * (len(ratios) if remainder == "last" else 1)
    assert all(abs(p.amount - e) <= slack for p, e in zip(parts, exact, strict=True))


@given(amounts, st.sampled_from(["EUR", "JPY", "BHD", "USD"]))
def test_rounding_is_idempotent_and_close(amount: Decimal, currency: str) -> None:
    once = Money(amount, currency).round()
    assert once.round() == once
    assert once.is_rounded()
    assert abs(once.amount - amount) <= Decimal(1).scaleb(-once.precision) / 2


def test_format_rounds_like_round() -> None:
    # babel alone would round half-even (0.12); the library's rule is HALF_UP everywhere.
    assert Money("0.125", "EUR").format("en_GB") == "€0.13"
    assert Money("1.005", "EUR").format("en_GB") == Money("1.005", "EUR").round().format("en_GB")


def test_amounts_beyond_the_decimal_context_are_refused() -> None:
    with pytest.raises(ValidationError, match="too large") as caught:
        Money("1e26", "EUR")
    assert caught.value.paths == ("amount",)
    big = Money("999999999999999999.99", "EUR")  # the largest accepted magnitude
    assert big.round() == big
    with pytest.raises(ValidationError, match="too large"):
        big + Money("0.01", "EUR")  # an error that names the problem, never decimal's own
