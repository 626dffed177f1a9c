"""The engine: precedence inside a list, each computation by hand, the chain walk, explanations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import RuleError
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import (
    BaseSource,
    Computation,
    Formula,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
)
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.quantities import Quantity, Unit


@pytest.fixture
def group(plist: Callable[..., PriceList]) -> Callable[..., PriceList]:
    """`group(*rules, **fields)`: the horeca group list GRP."""

    def build(*rules: PriceRule, **kw: object) -> PriceList:
        return plist("GRP", "group", *rules, customer_group="horeca", **kw)

    return build


@pytest.fixture
def price(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
) -> Callable[..., tuple[str, str]]:
    """`price(lists, product, quantity=1, **account_fields)`: (unit price, "list/rule") for
    ACC1 on the test date."""

    def price_line(
        lists: list[PriceList], product: str, quantity: object = 1, **kw: object
    ) -> tuple[str, str]:
        result = Pricer(lists, categories=categories).price(
            account(**kw),
            products[product],
            quantity,  # type: ignore[arg-type]
            on=on,
        )
        return str(result.unit_price.amount), f"{result.price_list_id}/{result.rule_id}"

    return price_line


@pytest.fixture
def specificity(
    group: Callable[..., PriceList],
    rule: Callable[..., PriceRule],
    fixed: Callable[..., PriceRule],
) -> PriceList:
    """A group list with a rule at every level of specificity."""
    return group(
        rule("ALL", Target.everything(), PercentOff(5)),
        rule("FOOD", Target.category("FOOD"), PercentOff(8)),
        rule("DRINKS", Target.category("DRINKS"), PercentOff(10)),
        rule("SODA-24", Target.category("SODA"), PercentOff(20), min_quantity=24),
        fixed("COLA", "COLA", "3.50"),
    )


@pytest.mark.parametrize(
    ("product", "quantity", "expected"),
    [
        ("COLA", 1, ("3.50", "GRP/COLA")),  # the product rule is the most specific
        ("COLA", 24, ("3.50", "GRP/COLA")),  # specificity comes before the threshold
        ("WATER", 1, ("0.90", "GRP/DRINKS")),  # 1.00 - 10%
        ("CHIPS", 1, ("2.30", "GRP/FOOD")),  # 2.50 - 8%: the deepest category that holds it
        ("GUM", 1, ("0.76", "GRP/ALL")),  # 0.80 - 5%: no category, only "all" applies
    ],
)
def test_specificity_product_then_deeper_category_then_all(
    product: str,
    quantity: int,
    expected: tuple[str, str],
    base_list: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
    specificity: PriceList,
) -> None:
    assert price([specificity, base_list()], product, quantity) == expected


def test_threshold_then_priority(
    rule: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
    specificity: PriceList,
) -> None:
    no_product_rule = group(*(r for r in specificity.rules if r.id != "COLA"))
    assert price([no_product_rule, base_list()], "COLA", 23) == ("3.60", "GRP/DRINKS")
    assert price([no_product_rule, base_list()], "COLA", 24) == ("3.20", "GRP/SODA-24")
    prioritised = group(
        rule("LOW", Target.everything(), PercentOff(5)),
        rule("HIGH", Target.everything(), PercentOff(7), priority=1),
    )
    assert price([prioritised, base_list()], "GUM") == ("0.74", "GRP/HIGH")  # 0.80 - 7% = 0.744


def test_the_list_order_of_rules_does_not_matter(
    base_list: Callable[..., PriceList],
    products: dict[str, Product],
    group: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
    specificity: PriceList,
) -> None:
    reversed_rules = group(*reversed(specificity.rules))
    for product in products:
        if product != "NEW":
            assert price([reversed_rules, base_list()], product) == price(
                [specificity, base_list()], product
            )


@pytest.mark.parametrize(
    ("computation", "product", "expected"),
    [
        # 4.00 x 0.85 = 3.40 -> step 0.05: 3.40 -> -0.01: 3.39 -> min margin 10% over 2.00: 2.20
        (Formula(discount=15, round_to="0.05", surcharge="-0.01", min_margin=10), "COLA", "3.39"),
        # 4.00 x 0.50 = 2.00 -> 1.99 -> clamped up to 2.00 x 1.10 = 2.20
        (Formula(discount=50, surcharge="-0.01", min_margin=10), "COLA", "2.20"),
        # 4.00 clamped down to 2.00 x 1.50 = 3.00
        (Formula(max_margin=50), "COLA", "3.00"),
        # 4.00 x 0.87 = 3.48 -> 69.6 steps of 0.05 -> 70 -> 3.50 -> 3.49
        (Formula(discount=13, round_to="0.05", surcharge="-0.01"), "COLA", "3.49"),
        # cost 2.00 x 1.35
        (MarkupOnCost(35), "COLA", "2.70"),
        # 2.50 x 0.875 = 2.1875 -> 2.19, half up
        (PercentOff("12.5"), "CHIPS", "2.19"),
        # percent off cost: 1.00 x 0.9
        (PercentOff(10, BaseSource.COST), "CHIPS", "0.90"),
        # 1.00 x 0 - 0.01 = -0.01 -> floored at 0.00
        (Formula(discount=100, surcharge="-0.01"), "WATER", "0.00"),
        # round to whole euros: 2.50 -> 3 (half up)
        (Formula(round_to="1.00"), "CHIPS", "3.00"),
    ],
    ids=[
        "formula",
        "clamp-min-margin",
        "clamp-max-margin",
        "round-to-step",
        "markup",
        "percent-off",
        "percent-off-cost",
        "floor-at-zero",
        "whole-units",
    ],
)
def test_computations_worked_by_hand(
    computation: Computation,
    product: str,
    expected: str,
    rule: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
) -> None:
    assert (
        price([group(rule("R", Target.everything(), computation)), base_list()], product)[0]
        == expected
    )


def test_formula_explanation_lists_every_step(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    rule: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
) -> None:
    formula = Formula(discount=15, round_to="0.05", surcharge="-0.01", min_margin=10)
    pricer = Pricer(
        [group(rule("R", Target.everything(), formula)), base_list()], categories=categories
    )
    result = pricer.price(account(), products["COLA"], 12, on=on)
    steps = [(s.label, s.value) for s in result.explain().steps]
    assert steps == [
        ("base: list price of COLA in EUR", Decimal("4.00")),
        ("x (1 - 15%)", Decimal("3.4000")),
        ("round to a multiple of 0.05", Decimal("3.40")),
        ("+ surcharge -0.01", Decimal("3.39")),
        ("clamp to margin over cost 2.00: [2.200, no maximum]", Decimal("3.39")),
        ("round to the EUR minor unit (0.01)", Decimal("3.39")),
        ("line total 12 x 3.39", Decimal("40.68")),
    ]
    assert result.line_total.amount == Decimal("40.68")
    assert result.explain().base == "list price of COLA in EUR: 4.00"


def test_a_formula_clamping_margins_needs_a_cost(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    rule: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
) -> None:
    clamp = group(rule("R", Target.everything(), Formula(min_margin=10)))
    fallback = base_list()
    result = Pricer([clamp, fallback], categories=categories).price(
        account(), products["GUM"], 1, on=on
    )
    assert (result.price_list_id, result.unit_price.amount) == ("BASE", Decimal("0.80"))
    assert "product GUM has no cost" in str(result.explain())


def test_fall_through_to_the_next_list_when_no_rule_applies(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
    specificity: PriceList,
) -> None:
    contract = plist("CON", "contract", fixed("C1", "COLA", "2.95"), account_id="ACC1")
    lists = [contract, specificity, base_list()]
    assert price(lists, "COLA") == ("2.95", "CON/C1")
    assert price(lists, "CHIPS") == ("2.30", "GRP/FOOD")
    pricer = Pricer(lists, categories=categories)
    explanation = pricer.price(account(), products["CHIPS"], 1, on=on).explain()
    assert "CON: no rule applies: fall through to the next list" in str(explanation)
    assert explanation.chain == (
        "CON (contract of account ACC1)",
        "GRP (group horeca)",
        "BASE (base list)",
    )


def test_rules_and_lists_out_of_date_are_passed_over_with_the_reason(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
) -> None:
    april = DateRange(date(2026, 4, 1), None)
    promo = plist("PROMO", "promotion", fixed("P1", "COLA", "2.50", valid=april))
    old = plist(
        "OLD", "promotion", fixed("P2", "COLA", "2.00"), valid=DateRange(None, date(2026, 1, 1))
    )
    pricer = Pricer([promo, old, base_list()], categories=categories)
    result = pricer.price(account(), products["COLA"], 1, on=on)
    assert (result.price_list_id, str(result.unit_price.amount)) == ("BASE", "4.00")
    rejected = [str(r) for r in result.explain().rejected]
    assert "PROMO/P1: not valid on 2026-03-02 (valid [2026-04-01, +inf))" in rejected
    assert "OLD: list not valid on 2026-03-02" in rejected
    assert pricer.price(
        account(), products["COLA"], 1, on=date(2026, 4, 1)
    ).unit_price.amount == Decimal("2.50")


def test_a_base_list_price_is_a_base(
    rule: Callable[..., PriceRule],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
) -> None:
    base = base_list(fixed("B1", "COLA", "3.80"))
    grp = group(rule("G1", Target.everything(), PercentOff(10, "base_list")), base_list_id="BASE")
    assert price([grp, base], "COLA") == ("3.42", "GRP/G1")  # 3.80 - 10%
    assert price([grp, base], "CHIPS") == ("2.25", "GRP/G1")  # 2.50 (base: list price) - 10%


def test_a_specific_list_does_not_hide_volume_tiers_below_it(
    on: date,
    box12: Unit,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
    price: Callable[..., tuple[str, str]],
) -> None:
    base = base_list(
        fixed("T24", "COLA", "3.10", min_quantity=24), fixed("T6", "COLA", "3.90", min_quantity=6)
    )
    grp = group(fixed("G1", "COLA", "3.50"))
    assert price([grp, base], "COLA", 12) == ("3.50", "GRP/G1")  # 3.90 at 6+ is dearer
    assert price([grp, base], "COLA", 24) == ("3.10", "BASE/T24")
    assert price([grp, base], "COLA", Quantity(2, box12)) == ("3.10", "BASE/T24")  # 24 each
    result = Pricer([grp, base], categories=categories).price(
        account(), products["COLA"], 24, on=on
    )
    assert "GRP/G1: volume tier T24 of list BASE below it (from 24) gives 3.10 < 3.50" in str(
        result.explain()
    )
    overriding = group(fixed("G1", "COLA", "3.50"), overrides_tiers_below=True)
    assert price([overriding, base], "COLA", 24) == ("3.50", "GRP/G1")


def test_the_next_tier_that_would_lower_the_price(
    on: date,
    rule: Callable[..., PriceRule],
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
) -> None:
    base = base_list(fixed("T24", "COLA", "3.10", min_quantity=24))
    grp = group(
        fixed("G1", "COLA", "3.50"),
        # 4.00 - 10% = 3.60: dearer from 10 on (a formula, so validation cannot compare it)
        rule("G10", Target.product("COLA"), Formula(discount=10), min_quantity=10, priority=1),
    )
    pricer = Pricer([grp, base], categories=categories)
    explanation = pricer.price(account(), products["COLA"], 12, on=on).explain()
    assert str(explanation.next_tier) == "order 24 EA or more: 3.10 each"
    assert "Next tier: order 24 EA or more: 3.10 each" in str(explanation)
    assert pricer.price(account(), products["COLA"], 24, on=on).explain().next_tier is None


def test_a_product_no_list_prices_is_a_rule_error_with_the_reasons(
    on: date,
    account: Callable[..., Account],
    categories: tuple[Category, ...],
    base_list: Callable[..., PriceList],
) -> None:
    new = Product("NEW", "New product", "SODA")
    with pytest.raises(RuleError, match="no price for NEW for account ACC1") as caught:
        Pricer([base_list()], categories=categories).price(account(), new, 1, on=on)
    assert "product NEW has no list price" in str(caught.value)
    assert caught.value.ids == ("ACC1", "NEW")


def test_explanation_text_reads_top_to_bottom(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
) -> None:
    contract = plist("CON", "contract", fixed("C1", "COLA", "2.95"), account_id="ACC1")
    text = str(
        Pricer([contract, base_list()], categories=categories)
        .price(account(), products["COLA"], 3, on=on)
        .explain()
    )
    assert text.splitlines() == [
        "Price of COLA for ACC1: 3 EA on 2026-03-02 in EUR",
        "Chain consulted:",
        "  1. CON (contract of account ACC1)",
        "  2. BASE (base list)",
        "Used: price list CON, rule C1 (product COLA: fixed price 2.95 EUR)",
        "Base: fixed price of rule C1",
        "Steps:",
        "  fixed price of rule C1 -> 2.95 EUR",
        "  round to the EUR minor unit (0.01) -> 2.95 EUR",
        "  line total 3 x 2.95 -> 8.85 EUR",
        "Unit price: 2.95 EUR; line total: 8.85 EUR",
    ]


@pytest.fixture
def chain_steps(
    plist: Callable[..., PriceList],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
) -> list[PriceList]:
    """A list at every step of the chain of ACC1 (a branch of HQ, territory NORTH)."""
    return [
        plist("CON", "contract", fixed("R", "COLA", "2.90"), account_id="ACC1"),
        plist("PROMO-ACC", "promotion", fixed("R", "COLA", "2.95"), account_id="ACC1"),
        plist("OWN", "account", fixed("R", "COLA", "3.00"), account_id="ACC1"),
        plist("HQ-CON", "contract", fixed("R", "COLA", "3.05"), account_id="HQ"),
        plist("HQ-PROMO", "promotion", fixed("R", "COLA", "3.08"), account_id="HQ"),
        plist("HQ-OWN", "account", fixed("R", "COLA", "3.10"), account_id="HQ"),
        plist("PROMO-GRP", "promotion", fixed("R", "COLA", "3.15"), customer_group="horeca"),
        plist("GRP", "group", fixed("R", "COLA", "3.20"), customer_group="horeca"),
        plist("PROMO-TERR", "promotion", fixed("R", "COLA", "3.25"), territory_id="NORTH"),
        plist("TERR", "territory", fixed("R", "COLA", "3.30"), territory_id="NORTH"),
        plist("PROMO-ALL", "promotion", fixed("R", "COLA", "3.35")),
        base_list(),
    ]


EXPECTED_STEPS = [
    "2.90",
    "2.95",
    "3.00",
    "3.05",
    "3.08",
    "3.10",
    "3.15",
    "3.20",
    "3.25",
    "3.30",
    "3.35",
    "4.00",
]


CHAIN_STEP_IDS = [
    "CON",
    "PROMO-ACC",
    "OWN",
    "HQ-CON",
    "HQ-PROMO",
    "HQ-OWN",
    "PROMO-GRP",
    "GRP",
    "PROMO-TERR",
    "TERR",
    "PROMO-ALL",
    "BASE",
]


@pytest.mark.parametrize("first", range(len(CHAIN_STEP_IDS)), ids=CHAIN_STEP_IDS)
def test_each_step_of_the_chain_prices_when_the_steps_above_do_not(
    first: int,
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    chain_steps: list[PriceList],
) -> None:
    pricer = Pricer(
        chain_steps[first:],
        categories=categories,
        accounts=[account("HQ")],
        territories={"ACC1": "NORTH"},
    )
    result = pricer.price(account(parent_id="HQ"), products["COLA"], 1, on=on)
    assert (result.price_list_id, str(result.unit_price.amount)) == (
        chain_steps[first].id,
        EXPECTED_STEPS[first],
    )


def test_a_list_below_that_overrides_tiers_stops_the_scan_for_tiers(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
) -> None:
    grp = group(fixed("G1", "COLA", "3.50"))
    terr = plist(
        "TERR",
        "territory",
        fixed("T1", "COLA", "3.60"),
        territory_id="NORTH",
        overrides_tiers_below=True,
    )
    base = base_list(fixed("T24", "COLA", "3.10", min_quantity=24))
    pricer = Pricer([grp, terr, base], categories=categories, territories={"ACC1": "NORTH"})
    assert pricer.price(account(), products["COLA"], 24, on=on).unit_price.amount == Decimal("3.50")
    without = Pricer([grp, base], categories=categories)
    assert without.price(account(), products["COLA"], 24, on=on).unit_price.amount == Decimal(
        "3.10"
    )


def test_an_opted_out_account_does_not_inherit_its_parents_prices(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
) -> None:
    hq = plist("HQ-OWN", "account", fixed("R", "COLA", "3.10"), account_id="HQ")
    own = plist("OWN", "account", account_id="ACC1", inherit_parent=False)
    pricer = Pricer([hq, own, base_list()], categories=categories, accounts=[account("HQ")])
    assert pricer.price(account(parent_id="HQ"), products["COLA"], 1, on=on).price_list_id == "BASE"


def test_an_explanation_describes_the_decision_even_if_the_account_changes_later(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
    group: Callable[..., PriceList],
) -> None:
    pricer = Pricer([group(fixed("G1", "COLA", "3.50")), base_list()], categories=categories)
    buyer = account()
    (line,) = pricer.price_many(buyer, [(products["COLA"], 2)], on=on)
    buyer.customer_group = "retail"  # explained later: the chain it was priced with still holds
    explanation = line.explain()
    assert (explanation.price_list_id, explanation.rule_id) == ("GRP", "G1")
    assert explanation.chain == ("GRP (group horeca)", "BASE (base list)")
    assert explanation.line_total == line.line_total
