"""Products and categories: units and packs, prices, lifecycle, events, serialization."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.catalog.model import (
    Category,
    CategoryMoved,
    Product,
    ProductDeactivated,
    ProductMoved,
    ProductReactivated,
    ProductRepriced,
    name_tokens,
)
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.quantities import STANDARD_UNITS, Quantity
from wholesale_crm.serialization import from_dict, to_dict

EACH = STANDARD_UNITS["EA"]
PK12 = EACH.pack("PK12", 12, "pack of 12")
CASE = PK12.pack("CASE", 6, "case of 6 packs")
ON = date(2025, 3, 1)


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def mug(**changes: object) -> Product:
    fields: dict[str, object] = {
        "id": ProductId("MUG-1"),
        "name": "Enamel Mug Cream",
        "category_id": CategoryId("TABLEWARE"),
        "packs": [PK12, CASE],
        "list_price": gbp("1.25"),
        "cost": gbp("0.60"),
    }
    fields.update(changes)
    return Product(**fields)  # type: ignore[arg-type]


# -- units and packs --------------------------------------------------------------------------


def test_a_case_of_six_packs_of_twelve_holds_72_each() -> None:
    product = mug()
    assert product.in_base_units(product.quantity(2, "CASE")) == Quantity(144, EACH)
    assert product.convert(product.quantity(3, "CASE"), "PK12") == Quantity(18, PK12)
    assert product.convert(product.quantity(36, "EA"), "PK12").amount == 3
    assert list(product.units) == ["EA", "PK12", "CASE"]


def test_packs_for_rounds_up_to_whole_packs() -> None:
    product = mug()
    assert product.packs_for(product.quantity(72), "CASE") == 1
    assert product.packs_for(product.quantity(73), "CASE") == 2
    assert product.packs_for(product.quantity(1), "PK12") == 1
    assert product.packs_for(product.quantity(0), "PK12") == 0


def test_list_price_per_pack_is_the_unit_price_times_the_factor() -> None:
    product = mug()
    assert product.list_price_per("PK12") == gbp("15.00")
    assert product.list_price_per("CASE") == gbp("90.00")
    assert mug(list_price=None, cost=None).list_price_per("CASE") is None


def test_a_unit_the_product_is_not_sold_in_is_refused_with_the_known_ones() -> None:
    product = mug()
    with pytest.raises(ValidationError) as caught:
        product.quantity(1, "PALLET")
    assert caught.value.paths == ("unit",)
    assert "EA, PK12, CASE" in str(caught.value)


def test_a_pack_of_another_product_with_the_same_code_is_refused() -> None:
    product = mug()
    other_pack = EACH.pack("PK12", 10)  # same code, different size: another product's pack
    with pytest.raises(ValidationError, match="not a unit of product MUG-1"):
        product.in_base_units(Quantity(1, other_pack))
    with pytest.raises(ValidationError, match="not a unit of product MUG-1"):
        product.convert(Quantity(1, other_pack), "EA")


def test_conversion_from_an_unrelated_unit_is_refused() -> None:
    product = mug()
    with pytest.raises(ValidationError) as caught:
        product.convert(Quantity(1, STANDARD_UNITS["KG"]), "EA")
    assert caught.value.paths == ("unit",)
    with pytest.raises(ValidationError):
        product.convert(product.quantity(1), "KG")


def test_packs_must_build_on_the_base_unit_and_be_listed_once() -> None:
    with pytest.raises(ValidationError) as caught:
        mug(packs=[STANDARD_UNITS["KG"].pack("SACK", 25)])
    assert caught.value.paths == ("packs[0].base",)
    with pytest.raises(ValidationError) as caught:
        mug(packs=[PK12, PK12])
    assert caught.value.paths == ("packs[1].code",)
    with pytest.raises(ValidationError) as caught:
        mug(base_unit=PK12, packs=[])
    assert caught.value.paths == ("base_unit",)


@given(
    count=st.integers(min_value=0, max_value=10_000),
    unit=st.sampled_from(["EA", "PK12", "CASE"]),
    via=st.sampled_from(["EA", "PK12", "CASE"]),
)
def test_converting_there_and_back_gives_the_same_quantity(count: int, unit: str, via: str) -> None:
    product = mug()
    start = product.quantity(count, unit)
    there = product.convert(start, via)
    back = product.convert(there, unit)
    assert back.unit == start.unit
    # Division by 72 can leave a repeating decimal: equal to the context's precision.
    assert abs(back.amount - start.amount) < Decimal("1e-20")
    assert abs(product.in_base_units(there).amount - count * start.unit.factor) < Decimal("1e-20")


# -- prices ---------------------------------------------------------------------------------


def test_negative_prices_are_refused_at_construction() -> None:
    with pytest.raises(ValidationError) as caught:
        mug(list_price=gbp("-1.00"))
    assert caught.value.paths == ("list_price",)
    with pytest.raises(ValidationError) as caught:
        mug(cost=gbp("-0.01"))
    assert caught.value.paths == ("cost",)


def test_cost_and_price_must_share_a_currency_even_when_zero() -> None:
    with pytest.raises(ValidationError) as caught:
        mug(list_price=gbp("0.00"), cost=Money("0.50", "EUR"))
    assert caught.value.paths == ("cost.currency",)


def test_reprice_changes_price_and_cost_and_records_the_old_and_new_figures() -> None:
    product = mug()
    product.reprice(list_price=gbp("1.35"), on=ON)
    product.reprice(cost=gbp("0.65"), on=ON)
    assert (product.list_price, product.cost) == (gbp("1.35"), gbp("0.65"))
    assert product.pending_events == (
        ProductRepriced("MUG-1", gbp("1.25"), gbp("1.35"), gbp("0.60"), gbp("0.60"), ON),
        ProductRepriced("MUG-1", gbp("1.35"), gbp("1.35"), gbp("0.60"), gbp("0.65"), ON),
    )


def test_reprice_to_the_same_figures_records_nothing() -> None:
    product = mug()
    product.reprice(list_price=gbp("1.25"), cost=gbp("0.60"), on=ON)
    assert product.pending_events == ()


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({}, "list_price"),
        ({"list_price": gbp("-1.25")}, "list_price"),
        ({"cost": gbp("-0.01")}, "cost"),
        ({"cost": Money("0.50", "EUR")}, "cost.currency"),
    ],
)
def test_bad_reprices_name_the_field_and_change_nothing(
    changes: dict[str, Money], path: str
) -> None:
    product = mug()
    with pytest.raises(ValidationError) as caught:
        product.reprice(**changes, on=ON)
    assert caught.value.paths == (path,)
    assert (product.list_price, product.cost) == (gbp("1.25"), gbp("0.60"))
    assert product.pending_events == ()


def test_rename_refuses_a_blank_name() -> None:
    product = mug()
    product.rename("Enamel Mug Blue")
    assert product.name == "Enamel Mug Blue"
    with pytest.raises(ValidationError) as caught:
        product.rename("  ")
    assert caught.value.paths == ("name",)
    assert product.name == "Enamel Mug Blue"


# -- lifecycle and category -----------------------------------------------------------------


def test_deactivate_and_reactivate_record_events() -> None:
    product = mug()
    product.deactivate(on=ON)
    assert not product.active
    product.reactivate(on=date(2025, 9, 1))
    assert product.active
    assert product.pull_events() == [
        ProductDeactivated("MUG-1", ON),
        ProductReactivated("MUG-1", date(2025, 9, 1)),
    ]


def test_deactivating_twice_or_reactivating_an_active_product_is_refused() -> None:
    product = mug()
    with pytest.raises(ValidationError, match="already active"):
        product.reactivate(on=ON)
    product.deactivate(on=ON)
    with pytest.raises(ValidationError, match="already inactive") as caught:
        product.deactivate(on=ON)
    assert caught.value.paths == ("active",)
    assert product.pending_events == (ProductDeactivated("MUG-1", ON),)


def test_move_to_records_the_old_and_new_category_once() -> None:
    product = mug()
    product.move_to(CategoryId("KITCHEN"))
    product.move_to(CategoryId("KITCHEN"))
    product.move_to(None)
    assert product.pending_events == (
        ProductMoved("MUG-1", "TABLEWARE", "KITCHEN"),
        ProductMoved("MUG-1", "KITCHEN", None),
    )


def test_category_move_records_an_event_and_refuses_itself_as_parent() -> None:
    category = Category(CategoryId("MUGS"), "Mugs", CategoryId("TABLEWARE"))
    category.move_to(CategoryId("KITCHEN"))
    category.move_to(CategoryId("KITCHEN"))
    assert category.pending_events == (CategoryMoved("MUGS", "TABLEWARE", "KITCHEN"),)
    with pytest.raises(ValidationError) as caught:
        category.move_to(CategoryId("MUGS"))
    assert caught.value.paths == ("parent_id",)
    assert category.parent_id == "KITCHEN"
    with pytest.raises(ValidationError):
        Category(CategoryId("MUGS"), "Mugs", CategoryId("MUGS"))


# -- search words and serialization ---------------------------------------------------------


def test_name_tokens_fold_case_and_accents_and_split_on_punctuation() -> None:
    assert name_tokens("Jumbo Bag, Red RETROSPOT") == {"jumbo", "bag", "red", "retrospot"}
    assert name_tokens("Crème brûlée set/6") == {"creme", "brulee", "set", "6"}
    assert name_tokens("Gin + Tonic") == {"gin", "tonic"}
    assert name_tokens(" -- ") == frozenset()


def test_a_product_with_packs_round_trips_through_the_converter() -> None:
    product = mug(active=False)
    again = from_dict(Product, to_dict(product))
    assert to_dict(again) == to_dict(product)
    assert again.unit("CASE") == CASE
    assert again.unit("CASE").factor == Decimal(72)


def test_a_bad_document_names_the_field() -> None:
    document = to_dict(mug())
    document["packs"][1]["factor"] = "-6"
    with pytest.raises(ValidationError) as caught:
        from_dict(Product, document)
    assert "$.packs[1]" in caught.value.paths[0]
