"""Properties: rule order does not matter, tiers are monotone, explanations match, prices are clean."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pricing_world import CATEGORIES, ON, account, base_list, eur, plist, products

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

P = products()
TARGETS = [
    *(Target.product(p) for p in P),
    *(Target.category(c.id) for c in CATEGORIES),
    Target.everything(),
]

cents = st.integers(0, 1000).map(lambda c: eur(str(Decimal(c) / 100)))
computations: st.SearchStrategy[Computation] = st.one_of(
    cents.map(FixedPrice),
    st.integers(0, 100).map(PercentOff),
    st.integers(0, 200).map(MarkupOnCost),
    st.builds(
        Formula,
        discount=st.integers(0, 100),
        round_to=st.sampled_from([None, "0.05", "1.00"]),
        surcharge=st.sampled_from(["0", "-0.01", "-0.50", "0.25"]),
        min_margin=st.sampled_from([None, 0, 15]),
        max_margin=st.sampled_from([None, 20, 80]),
    ),
)
quantities = st.one_of(st.integers(0, 100), st.decimals("0", "100", places=2))


@st.composite
def rule_sets(draw: st.DrawFn) -> list[PriceRule]:
    """Rules with distinct (target, threshold, priority), so none tie."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(TARGETS), st.sampled_from([0, 5, 10, 24]), st.integers(0, 2)),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    return [
        PriceRule(f"R{i}", target, draw(computations), min_quantity=threshold, priority=priority)
        for i, (target, threshold, priority) in enumerate(keys)
    ]


def group(rules: list[PriceRule], **kw: object) -> PriceList:
    return plist("GRP", "group", *rules, customer_group="horeca", **kw)  # type: ignore[arg-type]


def figures(pricer: Pricer, product: str, quantity: object) -> tuple[Decimal, Decimal, str, str]:
    result = pricer.price(account(), P[product], quantity, on=ON)  # type: ignore[arg-type]
    return result.unit_amount, result.total_amount, result.price_list_id, result.rule_id


@given(rule_sets(), st.randoms(use_true_random=False), st.sampled_from(sorted(P)), quantities)
def test_the_result_does_not_depend_on_the_order_rules_were_added(
    rules: list[PriceRule], rng: object, product: str, quantity: object
) -> None:
    shuffled = list(rules)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    first = Pricer([group(rules), base_list()], categories=CATEGORIES)
    second = Pricer([base_list(), group(shuffled)], categories=CATEGORIES)
    assert figures(first, product, quantity) == figures(second, product, quantity)


@st.composite
def falling_schedules(draw: st.DrawFn, product: str, prefix: str) -> list[PriceRule]:
    """A tier schedule for one product whose prices fall as the threshold rises."""
    thresholds = sorted(draw(st.sets(st.integers(1, 60), max_size=4)))
    prices = sorted(
        draw(
            st.lists(
                st.integers(0, 800), min_size=len(thresholds) + 1, max_size=len(thresholds) + 1
            )
        ),
        reverse=True,
    )
    return [
        PriceRule(
            f"{prefix}{t}",
            Target.product(product),
            FixedPrice(eur(str(Decimal(c) / 100))),
            min_quantity=t,
        )
        for t, c in zip([0, *thresholds], prices, strict=True)
    ]


@given(falling_schedules("COLA", "G"), falling_schedules("COLA", "B"), st.booleans())
def test_range_tiers_never_raise_the_unit_price_when_buying_more(
    own: list[PriceRule], below: list[PriceRule], overrides: bool
) -> None:
    base = plist("BASE", "base", *(r for r in below if r.is_tier))
    pricer = Pricer([group(own, overrides_tiers_below=overrides), base], categories=CATEGORIES)
    units = [
        pricer.price(account(), P["COLA"], q, on=ON).unit_price.amount for q in range(0, 64, 3)
    ]
    assert units == sorted(units, reverse=True)


@given(
    st.lists(st.tuples(st.integers(1, 60), computations), max_size=4, unique_by=lambda t: t[0]),
    computations,
    st.sampled_from(["COLA", "CHIPS"]),
)
def test_slab_line_totals_never_fall_when_quantity_rises(
    tiers: list[tuple[int, Computation]], first: Computation, product: str
) -> None:
    rules = [
        PriceRule(f"S{t}", Target.product(product), comp, min_quantity=t)
        for t, comp in [(0, first), *tiers]
    ]
    pricer = Pricer([group(rules, tiers="slab"), base_list()], categories=CATEGORIES)
    totals = [
        pricer.price(account(), P[product], q, on=ON).line_total.amount for q in range(0, 70, 3)
    ]
    assert totals == sorted(totals)


@given(rule_sets(), st.sampled_from(sorted(P)), quantities, st.sampled_from(["range", "slab"]))
def test_explanations_match_prices_and_prices_are_clean(
    rules: list[PriceRule], product: str, quantity: object, mode: str
) -> None:
    pricer = Pricer([group(rules, tiers=mode), base_list()], categories=CATEGORIES)
    result = pricer.price(account(), P[product], quantity, on=ON)  # type: ignore[arg-type]
    explanation = result.explain()
    assert (explanation.unit_price, explanation.line_total) == (
        result.unit_price,
        result.line_total,
    )
    assert explanation.steps[-1].value in (result.unit_amount, result.total_amount)
    for money in (result.unit_price, result.line_total):
        assert money.amount >= 0
        assert money.is_rounded()
    (many,) = pricer.price_many(account(), [(P[product], quantity)], on=ON)  # type: ignore[list-item]
    assert (many.unit_price, many.line_total, many.rule_id) == (
        result.unit_price,
        result.line_total,
        result.rule_id,
    )
    assert many.explain() == explanation
