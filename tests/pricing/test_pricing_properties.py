"""Properties: rule order does not matter, tiers are monotone, explanations match, prices are clean."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import event, given
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import RuleError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import (
    BaseSource,
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

cents = st.integers(0, 1000).map(lambda c: FixedPrice(Money(Decimal(c) / 100, "EUR")))
computations: st.SearchStrategy[Computation] = st.one_of(
    cents,
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


def targets(products: dict[str, Product], categories: tuple[Category, ...]) -> list[Target]:
    """Every product, every category and "all"."""
    return [
        *(Target.product(p) for p in sorted(products)),
        *(Target.category(c.id) for c in categories),
        Target.everything(),
    ]


@st.composite
def rule_sets(draw: st.DrawFn, targets: list[Target]) -> list[PriceRule]:
    """Rules with distinct (target, threshold, priority), so none tie."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(targets), st.sampled_from([0, 5, 10, 24]), st.integers(0, 2)),
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
    """The horeca group list GRP."""
    return PriceList("GRP", "Grp", "group", "EUR", rules, customer_group="horeca", **kw)  # type: ignore[arg-type]


def build(lists: list[PriceList], categories: tuple[Category, ...]) -> Pricer | RuleError:
    """A pricer, or the `RuleError` validation refused the lists with."""
    try:
        return Pricer(lists, categories=categories)
    except RuleError as error:
        return error


@given(data=st.data(), rng=st.randoms(use_true_random=False), quantity=quantities)
def test_the_result_does_not_depend_on_the_order_rules_were_added(
    data: st.DataObject,
    rng: object,
    quantity: object,
    on: date,
    categories: tuple[Category, ...],
    make_products: Callable[[], dict[str, Product]],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> None:
    products = make_products()
    rules = data.draw(rule_sets(targets(products, categories)))
    product = products[data.draw(st.sampled_from(sorted(products)))]
    shuffled = list(rules)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    first = build([group(rules), base_list()], categories)
    second = build([base_list(), group(shuffled)], categories)
    if isinstance(first, RuleError) or isinstance(second, RuleError):
        # A rising schedule is refused whatever the order the rules came in.
        assert isinstance(first, RuleError)
        assert isinstance(second, RuleError)
        return
    one, other = (p.price(account(), product, quantity, on=on) for p in (first, second))  # type: ignore[arg-type]
    assert (one.unit_amount, one.total_amount, one.price_list_id, one.rule_id) == (
        other.unit_amount,
        other.total_amount,
        other.price_list_id,
        other.rule_id,
    )


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
            FixedPrice(Money(Decimal(c) / 100, "EUR")),
            min_quantity=t,
        )
        for t, c in zip([0, *thresholds], prices, strict=True)
    ]


def unit_prices(pricer: Pricer, account: Account, product: Product, on: date) -> list[Decimal]:
    """COLA's unit price at every quantity from 0 to 94."""
    return [pricer.price(account, product, q, on=on).unit_amount for q in range(95)]


@given(
    own=falling_schedules("COLA", "G"),
    below=falling_schedules("COLA", "B"),
    overrides=st.booleans(),
)
def test_falling_range_schedules_are_accepted_and_never_raise_the_price(
    own: list[PriceRule],
    below: list[PriceRule],
    overrides: bool,
    on: date,
    categories: tuple[Category, ...],
    make_products: Callable[[], dict[str, Product]],
    account: Callable[..., Account],
    plist: Callable[..., PriceList],
) -> None:
    base = plist("BASE", "base", *(r for r in below if r.is_tier))
    pricer = Pricer([group(own, overrides_tiers_below=overrides), base], categories=categories)
    units = unit_prices(pricer, account(), make_products()["COLA"], on)
    assert units == sorted(units, reverse=True)


ON = date(2026, 3, 2)  # the pricing date of the `on` fixture, for validities around it
VALIDITIES = [
    DateRange(),
    DateRange(ON, None),
    DateRange(None, ON),
    DateRange(ON - timedelta(days=7), ON + timedelta(days=1)),
]


@st.composite
def comparable_schedules(draw: st.DrawFn, prefix: str, own_list: bool) -> list[PriceRule]:
    """Any tier schedule for COLA whose unit prices validation can compare: all fixed prices,
    all percentages off the list price, or all computed from the cost. Thresholds,
    priorities, validities and prices are arbitrary (rising, falling, overlapping); so are
    upper bounds in the list that prices the line, which starts with a rule from 0 so that
    every quantity has a price there. Tiers of the list below have no upper bound: above the
    bound of a tier below, the line goes back to the list above, which validation cannot
    compare (see `pricing.validation`)."""
    family = draw(
        st.sampled_from(
            [
                cents,
                st.integers(0, 100).map(PercentOff),
                st.one_of(
                    st.integers(0, 100).map(lambda p: PercentOff(p, BaseSource.COST)),
                    st.integers(0, 200).map(MarkupOnCost),
                ),
            ]
        )
    )
    thresholds = draw(st.lists(st.integers(1, 60), max_size=4))
    rules = []
    if own_list:
        rules.append(PriceRule(f"{prefix}0", Target.product("COLA"), draw(family)))
    for i, threshold in enumerate(thresholds, 1):
        bound = draw(st.one_of(st.none(), st.integers(1, 30))) if own_list else None
        rules.append(
            PriceRule(
                f"{prefix}{i}",
                Target.product("COLA"),
                draw(family),
                min_quantity=threshold,
                max_quantity=None if bound is None else threshold + bound,
                priority=draw(st.integers(0, 1)),
                valid=draw(st.sampled_from(VALIDITIES)),
            )
        )
    return rules


@given(
    own=comparable_schedules("G", True),
    below=comparable_schedules("B", False),
    overrides=st.booleans(),
)
def test_range_schedules_that_pass_validation_never_raise_the_unit_price(
    own: list[PriceRule],
    below: list[PriceRule],
    overrides: bool,
    on: date,
    categories: tuple[Category, ...],
    make_products: Callable[[], dict[str, Product]],
    account: Callable[..., Account],
    plist: Callable[..., PriceList],
) -> None:
    lists = [group(own, overrides_tiers_below=overrides), plist("BASE", "base", *below)]
    pricer = build(lists, categories)
    if isinstance(pricer, RuleError):
        event("refused by validation")  # a tie, overlapping tiers, or a rising schedule
        return
    units = unit_prices(pricer, account(), make_products()["COLA"], on)
    assert units == sorted(units, reverse=True)


@given(
    tiers=st.lists(
        st.tuples(st.integers(1, 60), computations), max_size=4, unique_by=lambda t: t[0]
    ),
    first=computations,
    product=st.sampled_from(["COLA", "CHIPS"]),
)
def test_slab_line_totals_never_fall_when_quantity_rises(
    tiers: list[tuple[int, Computation]],
    first: Computation,
    product: str,
    on: date,
    categories: tuple[Category, ...],
    make_products: Callable[[], dict[str, Product]],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> None:
    rules = [
        PriceRule(f"S{t}", Target.product(product), comp, min_quantity=t)
        for t, comp in [(0, first), *tiers]
    ]
    pricer = Pricer([group(rules, tiers="slab"), base_list()], categories=categories)
    item = make_products()[product]
    totals = [pricer.price(account(), item, q, on=on).total_amount for q in range(0, 70, 3)]
    assert totals == sorted(totals)


@given(data=st.data(), quantity=quantities, mode=st.sampled_from(["range", "slab"]))
def test_explanations_match_prices_and_prices_are_clean(
    data: st.DataObject,
    quantity: object,
    mode: str,
    on: date,
    categories: tuple[Category, ...],
    make_products: Callable[[], dict[str, Product]],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> None:
    products = make_products()
    rules = data.draw(rule_sets(targets(products, categories)))
    product = products[data.draw(st.sampled_from(sorted(products)))]
    pricer = build([group(rules, tiers=mode), base_list()], categories)
    if isinstance(pricer, RuleError):
        return  # a rising range schedule, refused (see the test above)
    result = pricer.price(account(), product, quantity, on=on)  # type: ignore[arg-type]
    explanation = result.explain()
    assert (explanation.unit_price, explanation.line_total) == (
        result.unit_price,
        result.line_total,
    )
    assert explanation.steps[-1].value in (result.unit_amount, result.total_amount)
    for money in (result.unit_price, result.line_total):
        assert money.amount >= 0
        assert money.is_rounded()
    (many,) = pricer.price_many(account(), [(product, quantity)], on=on)  # type: ignore[list-item]
    assert (many.unit_price, many.line_total, many.rule_id) == (
        result.unit_price,
        result.line_total,
        result.rule_id,
    )
    assert many.explain() == explanation
