"""List validation: ties, overlapping tiers, cycles, references, currencies; found before pricing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import (
    Computation,
    FixedPrice,
    Formula,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
)
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.validation import validate_price_list, validate_price_lists

MARCH = DateRange(date(2026, 3, 1), date(2026, 4, 1))
APRIL = DateRange(date(2026, 4, 1), date(2026, 5, 1))


def test_two_rules_that_would_tie_name_both(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    tied = plist("BASE", "base", fixed("R1", "COLA", "3.00"), fixed("R2", "COLA", "3.20"))
    with pytest.raises(RuleError, match="rules R1 and R2 tie") as caught:
        validate_price_list(tied)
    assert caught.value.ids == ("BASE", "R1", "R2")


def test_the_tie_is_found_when_the_pricer_is_built_not_when_pricing(
    categories: tuple[Category, ...],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    tied = plist("BASE", "base", fixed("R1", "COLA", "3.00"), fixed("R2", "COLA", "3.20"))
    with pytest.raises(RuleError, match="tie"):
        Pricer([tied], categories=categories)


@pytest.mark.parametrize(
    ("product", "fields"),
    [
        ("COLA", {"priority": 1}),
        ("COLA", {"min_quantity": 10}),
        ("COLA", {"valid": APRIL}),
        ("GUM", {}),
    ],
    ids=["priority", "threshold", "validity", "target"],
)
def test_rules_that_differ_in_one_precedence_key_do_not_tie(
    product: str,
    fields: dict[str, object],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    second = fixed("R2", product, "2.80", **fields)  # cheaper, so it never makes prices rise
    validate_price_list(plist("BASE", "base", fixed("R1", "COLA", "3.00", valid=MARCH), second))


def test_overlapping_tiers_are_refused(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    low = fixed("T1", "COLA", "3.50", max_quantity=20)
    high = fixed("T2", "COLA", "3.10", min_quantity=12)
    with pytest.raises(RuleError, match=r"tiers T1 \[0, 20\) and T2 \[from 12\] overlap"):
        validate_price_list(plist("BASE", "base", low, high))
    touching = fixed("T2", "COLA", "3.10", min_quantity=20)
    validate_price_list(plist("BASE", "base", low, touching))


def test_a_fixed_price_must_be_in_the_lists_currency(
    rule: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    dollars = rule("R1", Target.product("COLA"), FixedPrice(Money("3.00", "USD")))
    with pytest.raises(ValidationError, match="list's currency EUR") as caught:
        validate_price_list(plist("BASE", "base", dollars))
    assert caught.value.paths == ("rules[R1].computation.price.currency",)


def test_unknown_currencies_are_refused_at_construction(plist: Callable[..., PriceList]) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        plist("BASE", "base", currency="EUX")
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money("1.00", "XYZ")


def test_unknown_products_and_categories_name_the_rule(
    categories: tuple[Category, ...],
    products: dict[str, Product],
    rule: Callable[..., PriceRule],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    known = {"product_ids": set(products), "category_ids": {c.id for c in categories}}
    with pytest.raises(ValidationError, match="rule R1: unknown product") as caught:
        validate_price_list(plist("BASE", "base", fixed("R1", "NOPE", "1.00")), **known)
    assert caught.value.paths == ("rules[R1].target.id",)
    bad_category = rule("R2", Target.category("TOYS"), PercentOff(5))
    with pytest.raises(ValidationError, match="rule R2: unknown category"):
        validate_price_list(plist("BASE", "base", bad_category), **known)
    with pytest.raises(ValidationError, match="unknown category"):
        Pricer([plist("BASE", "base", bad_category)], categories=categories)


def test_computing_from_a_base_list_needs_one(
    rule: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    from_base = rule("R1", Target.everything(), PercentOff(5, "base_list"))
    with pytest.raises(RuleError, match="has no base_list_id"):
        validate_price_list(plist("GRP", "group", from_base, customer_group="horeca"))


def test_an_unknown_base_list_is_refused(
    plist: Callable[..., PriceList], base_list: Callable[..., PriceList]
) -> None:
    group = plist("GRP", "group", customer_group="horeca", base_list_id="NOPE")
    with pytest.raises(ValidationError, match="unknown base list"):
        validate_price_lists([group, base_list()])


def test_cycles_between_chained_lists_are_refused(plist: Callable[..., PriceList]) -> None:
    a = plist("A", "group", customer_group="g1", base_list_id="B")
    b = plist("B", "group", customer_group="g2", base_list_id="C")
    c = plist("C", "base", base_list_id="A")
    with pytest.raises(RuleError, match="cycle: A -> B -> C -> A") as caught:
        validate_price_lists([a, b, c])
    assert caught.value.ids == ("A", "B", "C", "A")


def test_a_range_schedule_whose_price_rises_is_refused_naming_both_rules(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    rising = plist(
        "GRP",
        "group",
        fixed("R1", "COLA", "3.00"),
        fixed("R2", "COLA", "3.20", min_quantity=10),
        customer_group="horeca",
    )
    with pytest.raises(RuleError, match="range schedule of product COLA rises") as caught:
        validate_price_list(rising)
    assert caught.value.ids == ("GRP", "R1", "R2")
    assert "rule R2 (from 10) prices above rule R1 (from 0)" in str(caught.value)


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (PercentOff(10), PercentOff(5)),  # 10% off the list price, then only 5% off
        (PercentOff(10, "cost"), MarkupOnCost(5)),  # both on the cost: 0.90 x, then 1.05 x
    ],
    ids=["percent-off-list-price", "cost-based"],
)
def test_rising_percentages_of_the_same_base_are_refused(
    low: Computation,
    high: Computation,
    rule: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    rising = plist(
        "BASE",
        "base",
        rule("R1", Target.category("SODA"), low),
        rule("R2", Target.category("SODA"), high, min_quantity=24),
    )
    with pytest.raises(RuleError, match="category SODA rises"):
        validate_price_list(rising)


def test_a_bounded_tier_may_not_fall_back_to_a_dearer_price(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    # 4.00, then 3.50 for 10 to 19, then back to 4.00 from 20: buying 20 costs more each.
    a = fixed("A", "COLA", "4.00")
    b = fixed("B", "COLA", "3.50", min_quantity=10, max_quantity=20)
    with pytest.raises(RuleError, match=r"rule A \(from 0\) prices above rule B") as caught:
        validate_price_list(plist("BASE", "base", a, b))
    assert caught.value.ids == ("BASE", "B", "A")
    # With a tier from 20 that is no dearer, the schedule falls: 4.00, 3.50, 3.00.
    validate_price_list(plist("BASE", "base", a, b, fixed("C", "COLA", "3.00", min_quantity=20)))


@pytest.mark.parametrize(
    "other",
    [
        {"computation": Formula(discount=5), "min_quantity": 10},  # a formula: not comparable
        {"computation": PercentOff(5), "min_quantity": 10},  # fixed against percent: not compared
        {"computation": PercentOff(5, "base_list"), "min_quantity": 10},  # base list's price varies
        {"computation": FixedPrice(Money("3.20", "EUR")), "min_quantity": 10, "valid": APRIL},
    ],
    ids=["formula", "fixed-vs-percent", "base-list", "never-on-the-same-day"],
)
def test_what_cannot_be_compared_is_not_refused(
    other: dict[str, object],
    fixed: Callable[..., PriceRule],
    rule: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    rules = [fixed("R1", "COLA", "3.00", valid=MARCH), rule("R2", Target.product("COLA"), **other)]
    validate_price_list(plist("BASE", "base", *rules, base_list_id="OTHER"))


def test_a_slab_schedule_may_rise(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    # In a slab list the units from 10 on cost more, but the line total still never falls.
    rules = [fixed("R1", "COLA", "3.00"), fixed("R2", "COLA", "3.20", min_quantity=10)]
    validate_price_list(plist("BASE", "base", *rules, tiers="slab"))
