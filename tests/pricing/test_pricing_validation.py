"""List validation: ties, overlapping tiers, cycles, references, currencies; found before pricing."""

from __future__ import annotations

from datetime import date

import pytest
from pricing_world import CATEGORIES, base_list, fixed, plist, products, rule

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import FixedPrice, PercentOff, Target
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.validation import validate_price_list, validate_price_lists

MARCH = DateRange(date(2026, 3, 1), date(2026, 4, 1))
APRIL = DateRange(date(2026, 4, 1), date(2026, 5, 1))


def test_two_rules_that_would_tie_name_both() -> None:
    tied = plist("BASE", "base", fixed("R1", "COLA", "3.00"), fixed("R2", "COLA", "3.20"))
    with pytest.raises(RuleError, match="rules R1 and R2 tie") as caught:
        validate_price_list(tied)
    assert caught.value.ids == ("BASE", "R1", "R2")


def test_the_tie_is_found_when_the_pricer_is_built_not_when_pricing() -> None:
    tied = plist("BASE", "base", fixed("R1", "COLA", "3.00"), fixed("R2", "COLA", "3.20"))
    with pytest.raises(RuleError, match="tie"):
        Pricer([tied], categories=CATEGORIES)


@pytest.mark.parametrize(
    "second",
    [
        fixed("R2", "COLA", "3.20", priority=1),
        fixed("R2", "COLA", "3.20", min_quantity=10),
        fixed("R2", "COLA", "3.20", valid=APRIL),
        fixed("R2", "GUM", "3.20"),
    ],
    ids=["priority", "threshold", "validity", "target"],
)
def test_rules_that_differ_in_one_precedence_key_do_not_tie(second: object) -> None:
    validate_price_list(plist("BASE", "base", fixed("R1", "COLA", "3.00", valid=MARCH), second))  # type: ignore[arg-type]


def test_overlapping_tiers_are_refused() -> None:
    low = fixed("T1", "COLA", "3.50", max_quantity=20)
    high = fixed("T2", "COLA", "3.10", min_quantity=12)
    with pytest.raises(RuleError, match=r"tiers T1 \[0, 20\) and T2 \[from 12\] overlap"):
        validate_price_list(plist("BASE", "base", low, high))
    touching = fixed("T2", "COLA", "3.10", min_quantity=20)
    validate_price_list(plist("BASE", "base", low, touching))


def test_a_fixed_price_must_be_in_the_lists_currency() -> None:
    dollars = rule("R1", Target.product("COLA"), FixedPrice(Money("3.00", "USD")))
    with pytest.raises(ValidationError, match="list's currency EUR") as caught:
        validate_price_list(plist("BASE", "base", dollars))
    assert caught.value.paths == ("rules[R1].computation.price.currency",)


def test_unknown_currencies_are_refused_at_construction() -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        plist("BASE", "base", currency="EUX")
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money("1.00", "XYZ")


def test_unknown_products_and_categories_name_the_rule() -> None:
    known = {"product_ids": set(products()), "category_ids": {c.id for c in CATEGORIES}}
    with pytest.raises(ValidationError, match="rule R1: unknown product") as caught:
        validate_price_list(plist("BASE", "base", fixed("R1", "NOPE", "1.00")), **known)
    assert caught.value.paths == ("rules[R1].target.id",)
    bad_category = rule("R2", Target.category("TOYS"), PercentOff(5))
    with pytest.raises(ValidationError, match="rule R2: unknown category"):
        validate_price_list(plist("BASE", "base", bad_category), **known)
    with pytest.raises(ValidationError, match="unknown category"):
        Pricer([plist("BASE", "base", bad_category)], categories=CATEGORIES)


def test_computing_from_a_base_list_needs_one() -> None:
    from_base = rule("R1", Target.everything(), PercentOff(5, "base_list"))
    with pytest.raises(RuleError, match="has no base_list_id"):
        validate_price_list(plist("GRP", "group", from_base, customer_group="horeca"))


def test_an_unknown_base_list_is_refused() -> None:
    group = plist("GRP", "group", customer_group="horeca", base_list_id="NOPE")
    with pytest.raises(ValidationError, match="unknown base list"):
        validate_price_lists([group, base_list()])


def test_cycles_between_chained_lists_are_refused() -> None:
    a = plist("A", "group", customer_group="g1", base_list_id="B")
    b = plist("B", "group", customer_group="g2", base_list_id="C")
    c = plist("C", "base", base_list_id="A")
    with pytest.raises(RuleError, match="cycle: A -> B -> C -> A") as caught:
        validate_price_lists([a, b, c])
    assert caught.value.ids == ("A", "B", "C", "A")
