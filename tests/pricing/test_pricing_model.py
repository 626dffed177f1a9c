"""Price lists and rules: construction checks, rule changes, events, serialization."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import (
    BaseSource,
    FixedPrice,
    Formula,
    ListKind,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceListChanged,
    PriceRule,
    Target,
    TierMode,
)
from wholesale_crm.serialization import from_dict, to_dict


def test_targets_need_an_id_except_everything() -> None:
    assert str(Target.product("COLA")) == "product COLA"
    assert str(Target.everything()) == "all products"
    with pytest.raises(ValidationError, match="needs an id"):
        Target("category")
    with pytest.raises(ValidationError, match="must be empty"):
        Target("all", "COLA")


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: FixedPrice(Money("-0.01", "EUR")), "price"),
        (lambda: PercentOff(Decimal("100.5")), "percent"),
        (lambda: PercentOff(-1), "percent"),
        (lambda: MarkupOnCost(-5), "percent"),
        (lambda: Formula(discount=101), "discount"),
        (lambda: Formula(round_to=0), "round_to"),
        (lambda: Formula(min_margin=30, max_margin=20), "min_margin"),
        (lambda: Formula(min_margin=-1), "min_margin"),
    ],
    ids=[
        "negative-price",
        "discount-over-100",
        "negative-discount",
        "negative-markup",
        "formula-discount-over-100",
        "zero-step",
        "min-margin-above-max",
        "negative-margin",
    ],
)
def test_bad_computations_name_the_field(build: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.paths == (path,)


def test_floats_are_refused() -> None:
    with pytest.raises(ValidationError, match="float"):
        PercentOff(10.5)  # type: ignore[arg-type]


def test_a_tier_upper_bound_must_be_above_its_threshold(fixed: Callable[..., PriceRule]) -> None:
    with pytest.raises(ValidationError, match="rule R1: must be above min_quantity 10"):
        fixed("R1", "COLA", "3.00", min_quantity=10, max_quantity=10)
    tier = fixed("R1", "COLA", "3.00", min_quantity=10, max_quantity=24)
    assert [tier.covers(Decimal(q)) for q in (9, 10, 23, 24)] == [False, True, True, False]
    assert tier.is_tier


def test_rule_ids_are_unique_within_a_list(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    with pytest.raises(ValidationError, match="used twice"):
        plist("BASE", "base", fixed("R1", "COLA", "3"), fixed("R1", "GUM", "1"))


@pytest.mark.parametrize(
    ("kind", "audience", "message"),
    [
        ("contract", {}, "needs account_id"),
        ("group", {"account_id": "A1"}, "needs customer_group"),
        ("base", {"customer_group": "horeca"}, "needs no audience"),
        ("territory", {"territory_id": "T1", "account_id": "A1"}, "no other audience"),
        ("promotion", {"territory_id": "T1", "account_id": "A1"}, "at most one audience"),
    ],
)
def test_each_kind_names_its_audience(
    kind: str, audience: dict[str, str], message: str, plist: Callable[..., PriceList]
) -> None:
    with pytest.raises(ValidationError, match=message):
        plist("L1", kind, **audience)


def test_only_account_lists_opt_out_and_no_list_is_its_own_base(
    plist: Callable[..., PriceList],
) -> None:
    with pytest.raises(ValidationError, match="only an account list"):
        plist("G", "group", customer_group="horeca", inherit_parent=False)
    with pytest.raises(ValidationError, match="its own base"):
        plist("B", "base", base_list_id="B")
    assert plist("A", "account", account_id="ACC1", inherit_parent=False).audience == (
        "account",
        "ACC1",
    )


def test_rule_changes_record_events(
    eur: Callable[[str], Money],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
) -> None:
    price_list = plist("BASE", "base", fixed("R1", "COLA", "3.00"))
    price_list.add_rule(fixed("R2", "GUM", "0.50"))
    price_list.replace_rule(fixed("R1", "COLA", "3.20"))
    price_list.remove_rule("R2")
    assert [r.id for r in price_list.rules] == ["R1"]
    assert price_list.rule("R1").computation == FixedPrice(eur("3.20"))
    assert [e.change for e in price_list.pull_events()] == ["added", "replaced", "removed"]
    with pytest.raises(ValidationError, match="already a rule"):
        price_list.add_rule(fixed("R1", "GUM", "1"))
    with pytest.raises(ValidationError, match="not a rule of price list BASE"):
        price_list.remove_rule("R9")
    assert PriceListChanged("BASE", "added", "R2") == PriceListChanged("BASE", "added", "R2")


def test_a_list_round_trips_through_the_converter(
    rule: Callable[..., PriceRule],
    fixed: Callable[..., PriceRule],
) -> None:
    original = PriceList(
        "HORECA",
        "Horeca",
        ListKind.GROUP,
        "EUR",
        [
            fixed("R1", "COLA", "3.10", min_quantity=24, valid=DateRange.always()),
            rule(
                "R2", Target.category("SODA"), Formula(BaseSource.COST, 0, "0.05", "-0.01", 10, 80)
            ),
            rule("R3", Target.everything(), MarkupOnCost(40), priority=2, note="floor"),
            rule("R4", Target.everything(), PercentOff(5, "base_list"), priority=1),
        ],
        tiers=TierMode.SLAB,
        base_list_id="BASE",
        customer_group="horeca",
    )
    document = to_dict(original)
    assert document["rules"][1]["computation"]["type"] == "Formula"
    again = from_dict(PriceList, document)
    assert to_dict(again) == document
    assert again.rules == original.rules


def test_a_document_with_a_bad_rule_points_at_it(
    fixed: Callable[..., PriceRule], plist: Callable[..., PriceList]
) -> None:
    document = to_dict(plist("BASE", "base", fixed("R1", "COLA", "3.00")))
    document["rules"][0]["computation"]["price"]["amount"] = "-1"
    with pytest.raises(ValidationError) as caught:
        from_dict(PriceList, document)
    assert caught.value.paths[0].startswith("$.rules[0].computation")


def test_descriptions_read_as_words() -> None:
    formula = Formula(discount=15, round_to="0.05", surcharge="-0.01", min_margin=10)
    assert str(formula) == (
        "list_price x (1 - 15%) -> round to 0.05 -> + surcharge -0.01 "
        "-> margin over cost [10%, no maximum]"
    )
    assert str(PriceRule("R1", Target.product("COLA"), FixedPrice(Money("3.10", "EUR")), 24)) == (
        "rule R1 (product COLA, from 24: fixed price 3.10 EUR)"
    )
