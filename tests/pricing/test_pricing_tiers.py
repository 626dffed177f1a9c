"""Volume tiers: range and slab schedules, base units, slab totals rounded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import ValidationError
from wholesale_crm.pricing.model import PercentOff, PriceList, PriceRule, Target
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.tiers import base_quantity, slab_segments, thresholds_above
from wholesale_crm.quantities import STANDARD_UNITS, Quantity, Unit


@pytest.fixture
def cola_tiers(fixed: Callable[..., PriceRule]) -> tuple[PriceRule, ...]:
    """COLA at 4.00, 3.50 from 10, 3.10 from 24."""
    return (
        fixed("T0", "COLA", "4.00"),
        fixed("T10", "COLA", "3.50", min_quantity=10),
        fixed("T24", "COLA", "3.10", min_quantity=24),
    )


@pytest.fixture
def tiered(plist: Callable[..., PriceList]) -> Callable[..., PriceList]:
    """`tiered(mode, *rules)`: the horeca group list TIERS in tier mode `mode`."""

    def build(mode: str, *rules: PriceRule) -> PriceList:
        return plist("TIERS", "group", *rules, customer_group="horeca", tiers=mode)

    return build


@pytest.fixture
def line(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> Callable[..., tuple[Decimal, Decimal, str]]:
    """`line(price_list, product, quantity)`: (unit price, line total, rule) over the base list."""

    def price_line(
        price_list: PriceList, product: str, quantity: object
    ) -> tuple[Decimal, Decimal, str]:
        result = Pricer([price_list, base_list()], categories=categories).price(
            account(),
            products[product],
            quantity,  # type: ignore[arg-type]
            on=on,
        )
        return result.unit_price.amount, result.line_total.amount, result.rule_id

    return price_line


def test_range_tiers_price_every_unit_at_the_tier_reached(
    cola_tiers: tuple[PriceRule, ...],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    schedule = tiered("range", *cola_tiers)
    assert line(schedule, "COLA", 9) == (Decimal("4.00"), Decimal("36.00"), "T0")
    assert line(schedule, "COLA", 10) == (Decimal("3.50"), Decimal("35.00"), "T10")
    assert line(schedule, "COLA", 30) == (Decimal("3.10"), Decimal("93.00"), "T24")


def test_slab_tiers_price_each_unit_in_its_own_tier(
    cola_tiers: tuple[PriceRule, ...],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    schedule = tiered("slab", *cola_tiers)
    # 10 x 4.00 + 14 x 3.50 + 6 x 3.10 = 40.00 + 49.00 + 18.60 = 107.60; 107.60 / 30 = 3.5866..
    assert line(schedule, "COLA", 30) == (Decimal("3.59"), Decimal("107.60"), "T24")
    assert line(schedule, "COLA", 10) == (Decimal("4.00"), Decimal("40.00"), "T0")
    assert line(schedule, "COLA", 0) == (Decimal("4.00"), Decimal("0.00"), "T0")


def test_a_slab_total_is_rounded_once_from_unrounded_unit_prices(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    rule: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    schedule = tiered(
        "slab",
        rule("S0", Target.product("CHIPS"), PercentOff(0)),
        rule("S10", Target.product("CHIPS"), PercentOff("12.5"), min_quantity=10),
    )
    # 10 x 2.50 + 10 x 2.1875 = 46.875 -> 46.88 (rounding 2.1875 first would give 46.90)
    assert line(schedule, "CHIPS", 20)[1] == Decimal("46.88")
    explanation = Pricer([schedule, base_list()], categories=categories).price(
        account(), products["CHIPS"], 20, on=on
    )
    labels = [s.label for s in explanation.explain().steps]
    assert "slab [10, 20): 10 x 2.18750 (rule S10)" in labels
    assert "line total rounded once" in labels


def test_a_slab_list_with_a_gap_falls_through(
    fixed: Callable[..., PriceRule],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    gap = tiered("slab", fixed("T10", "COLA", "3.50", min_quantity=10))
    assert line(gap, "COLA", 20) == (Decimal("4.00"), Decimal("80.00"), "LIST")


def test_slab_next_tier_names_the_units_from_the_threshold(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
    cola_tiers: tuple[PriceRule, ...],
    tiered: Callable[..., PriceList],
) -> None:
    pricer = Pricer([tiered("slab", *cola_tiers), base_list()], categories=categories)
    explanation = pricer.price(account(), products["COLA"], 12, on=on).explain()
    assert str(explanation.next_tier) == "units from 24 EA on: 3.10 each"


def test_quantities_are_converted_to_the_base_unit_first(
    box12: Unit,
    products: dict[str, Product],
    cola_tiers: tuple[PriceRule, ...],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    schedule = tiered("range", *cola_tiers)
    assert line(schedule, "COLA", Quantity(2, box12)) == (Decimal("3.10"), Decimal("74.40"), "T24")
    assert base_quantity(products["COLA"], Quantity(3, box12)) == Decimal(36)
    assert base_quantity(products["COLA"], "1.5") == Decimal("1.5")
    with pytest.raises(ValidationError, match="not a unit of product CHIPS"):
        base_quantity(products["CHIPS"], Quantity(1, box12))
    with pytest.raises(ValidationError, match="must not be negative"):
        base_quantity(products["CHIPS"], -1)
    with pytest.raises(ValidationError, match="must not be negative"):
        base_quantity(products["CHIPS"], Quantity(-1, STANDARD_UNITS["EA"]))


def test_segments_and_thresholds() -> None:
    cuts = [Decimal(10), Decimal(24)]
    assert slab_segments(cuts, Decimal(12)) == [(0, 10), (10, 12)]
    assert slab_segments(cuts, Decimal(10)) == [(0, 10)]
    assert slab_segments(cuts, Decimal("2.5")) == [(0, Decimal("2.5"))]
    assert slab_segments(cuts, Decimal(0)) == []
    assert thresholds_above([Decimal(24), Decimal(10), Decimal(24)], Decimal(10)) == [24]


def test_a_bounded_slab_tier_ends_where_it_says(
    fixed: Callable[..., PriceRule],
    tiered: Callable[..., PriceList],
    line: Callable[..., tuple[Decimal, Decimal, str]],
) -> None:
    schedule = tiered(
        "slab",
        fixed("T0", "COLA", "4.00"),
        fixed("PROMO", "COLA", "2.00", min_quantity=5, max_quantity=10, priority=1),
    )
    # 5 x 4.00 + 5 x 2.00 + 2 x 4.00 (the promotion tier ends at 10) = 38.00
    assert line(schedule, "COLA", 12)[1] == Decimal("38.00")
