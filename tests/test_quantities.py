"""Units of measure and quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.quantities import STANDARD_UNITS, Quantity, Unit, unit

EA, KG, G = STANDARD_UNITS["EA"], STANDARD_UNITS["KG"], STANDARD_UNITS["G"]
BOX = EA.pack("BOX12", 12)
CASE = BOX.pack("CASE", 6)


def test_packs_convert_to_the_base_unit() -> None:
    assert CASE.factor == 72 and CASE.base == "EA"
    assert Quantity(2, BOX).to_base() == Quantity(24, EA)
    assert Quantity(1, CASE).convert(BOX) == Quantity(6, BOX)
    assert Quantity(500, G).convert(KG) == Quantity(Decimal("0.5"), KG)
    assert Quantity(1, BOX) + Quantity(6, EA) == Quantity(Decimal("1.5"), BOX)
    assert Quantity(1, BOX) > Quantity(11, EA)


def test_unrelated_units_refuse_to_convert() -> None:
    with pytest.raises(ValidationError, match="unrelated") as caught:
        Quantity(1, KG).convert(BOX)
    assert caught.value.paths == ("unit",)
    with pytest.raises(ValidationError):
        _ = Quantity(1, KG) < Quantity(1, EA)


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Quantity(-1, EA), "amount"),
        (lambda: Quantity(1.5, EA), "amount"),
        (lambda: Unit("BOX", "EA", 0), "factor"),
        (lambda: Unit("EA", "EA", 2), "factor"),
        (lambda: Unit("", "EA", 2), "code"),
        (lambda: unit("GALLON"), "unit"),
    ],
    ids=["negative", "float", "zero-factor", "base-with-factor", "blank-code", "unknown-unit"],
)
def test_bad_units_and_quantities(build: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.paths == (path,)


def test_unit_lookup_prefers_a_products_own_packs() -> None:
    assert unit("DOZ") == STANDARD_UNITS["DOZ"]
    assert unit("BOX12", {"BOX12": BOX}) == BOX


@given(
    st.decimals(min_value=0, max_value=10**6, places=3),
    st.sampled_from([EA, BOX, CASE, STANDARD_UNITS["DOZ"]]),
    st.sampled_from([EA, BOX, CASE, STANDARD_UNITS["DOZ"]]),
)
def test_conversion_through_the_base_unit_round_trips(amount: Decimal, a: Unit, b: Unit) -> None:
    q = Quantity(amount, a)
    assert q.to_base().convert(a) == q
    # Between packs a division may not terminate: exact to the 28 digits of the context.
    assert abs(q.convert(b).base_amount - q.base_amount) <= q.base_amount * Decimal("1e-25")
