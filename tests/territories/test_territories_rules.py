"""Rules: criteria, the logic parser, postal ranges and prefixes, and errors naming the rule."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import ValidationError
from wholesale_crm.serialization import from_dict, to_dict
from wholesale_crm.territories.rules import (
    And,
    Criterion,
    Facts,
    Not,
    Or,
    Ref,
    Rule,
    facts_of,
    parse_logic,
    postal_range,
)


def rule(*criteria: Criterion, logic: str | None = None) -> Rule:
    return Rule("R-7", criteria, logic)


TIER_A = Criterion("tier", "in", ["A"])
FOOD = Criterion("industry", "in", ["Food"])
KEY = Criterion("tags", "in", ["key"])


def test_logic_parses_with_and_binding_tighter_than_or() -> None:
    assert parse_logic("1 AND 2 OR 3", 3) == Or((And((Ref(1), Ref(2))), Ref(3)))
    assert parse_logic("1 and (2 or not 3)", 3) == And((Ref(1), Or((Ref(2), Not(Ref(3))))))
    assert parse_logic(" ( ( 2 ) ) ", 2) == Ref(2)


@pytest.mark.parametrize(
    ("logic", "message"),
    [
        ("(1 AND 2", "ends too early"),
        ("1 AND 2)", "unexpected ')' at position 8"),
        ("1 OR 4", "refers to criterion 4; the rule has criteria 1 to 3"),
        ("1 2", "unexpected '2' at position 3"),
        ("AND 1", "expected a criterion number"),
        ("1 & 2", "unexpected '& 2' at position 2"),
        ("", "is empty"),
        ("1 AND 2", "does not use criteria 3"),
    ],
)
def test_malformed_logic_is_refused_naming_the_rule(logic: str, message: str) -> None:
    with pytest.raises(ValidationError, match="rule R-7: ") as caught:
        rule(TIER_A, FOOD, KEY, logic=logic)
    assert caught.value.paths == ("logic",)
    assert message in str(caught.value)
    assert caught.value.errors[0].value == logic


def test_the_logic_combines_the_criteria() -> None:
    key_accounts = rule(TIER_A, FOOD, KEY, logic="(1 AND 2) OR 3").compile()
    assert key_accounts(Facts(tier="a", industry="food"))
    assert not key_accounts(Facts(tier="a", industry="drinks"))
    assert key_accounts(Facts(tier="c", tags=frozenset({"key"})))
    all_of = rule(TIER_A, FOOD).compile()  # no logic: AND
    assert all_of(Facts(tier="a", industry="food"))
    assert not all_of(Facts(tier="a"))
    assert rule(TIER_A, FOOD, logic="1 AND NOT 2").matches(Facts(tier="a", industry="x"))


def test_unknown_field_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        rule(TIER_A, Criterion("colour", "in", ["red"]))
    assert caught.value.paths == ("criteria[1].field",)
    assert "rule R-7, criterion 2: is not a rule field" in str(caught.value)


@pytest.mark.parametrize(
    ("criterion", "path", "message"),
    [
        (Criterion("country", "prefix", ["G"]), "operator", "does not apply to country"),
        (Criterion("country", "in", []), "values", "at least one value"),
        (Criterion("revenue", "between", ["10"]), "values", "two values"),
        (Criterion("revenue", "between", ["10", "5"]), "values", "low < high"),
        (Criterion("revenue", "between", ["ten", ""]), "values", "not a decimal"),
    ],
)
def test_bad_criteria_are_refused(criterion: Criterion, path: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        rule(criterion)
    assert caught.value.paths == (f"criteria[0].{path}",)
    assert "rule R-7, criterion 1: " in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M9-M1", "low end of the range is above the high"),
        ("M1", "is not a postal range"),
        ("M1-N9", "same letters"),
        ("1-2-3", "is not a postal range"),
        ("M-M9", "is not a postal range"),
        ("M1A-M9", "is not a postal range"),
    ],
)
def test_malformed_postal_ranges_are_refused_naming_the_rule(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        rule(Criterion("postal_code", "range", ["M1-M2", text]))
    assert caught.value.paths == ("criteria[0].values[1]",)
    assert "rule R-7, criterion 1: " in str(caught.value)
    assert caught.value.errors[0].value == text


def test_postal_ranges_compare_the_number_after_the_letters() -> None:
    manchester = rule(Criterion("postal_code", "range", ["M1-M20"])).compile()
    assert manchester(Facts(postal_code="M4 5AB"))
    assert manchester(Facts(postal_code="M20 2AA"))
    assert not manchester(Facts(postal_code="M60 1AA"))
    assert not manchester(Facts(postal_code="MK1 1AA"))  # other letters
    berlin = rule(Criterion("postal_code", "range", ["10000-14999"])).compile()
    assert berlin(Facts(postal_code="10115"))
    assert not berlin(Facts(postal_code="20095"))
    assert postal_range("10000-14999").prefix == "1"
    assert postal_range("m1 - m9").prefix == "M"
    assert postal_range("M1-M20").prefix == "M"


def test_a_postal_prefix_with_a_trailing_space_stops_at_the_outward_code() -> None:
    broad = rule(Criterion("postal_code", "prefix", ["ls1"])).compile()
    narrow = rule(Criterion("postal_code", "prefix", ["LS1 "])).compile()
    assert broad(Facts(postal_code="LS1 4AP")) and broad(Facts(postal_code="LS12 3AB"))
    assert narrow(Facts(postal_code="LS1 4AP"))
    assert not narrow(Facts(postal_code="LS12 3AB"))


def test_not_in_treats_a_missing_value_as_none_of_them() -> None:
    not_public = rule(Criterion("segment", "not_in", ["public"])).compile()
    assert not_public(Facts(segment="retail"))
    assert not_public(Facts())
    assert not not_public(Facts(segment="public"))
    no_tag = rule(Criterion("tags", "not_in", ["closed"])).compile()
    assert no_tag(Facts(tags=frozenset({"x"})))
    assert not no_tag(Facts(tags=frozenset({"closed", "x"})))


def test_revenue_band_is_half_open_and_unknown_revenue_never_matches() -> None:
    band = rule(Criterion("revenue", "between", ["100000", "500000"])).compile()
    assert band(Facts(revenue=Decimal("100000")))
    assert band(Facts(revenue=Decimal("499999.99")))
    assert not band(Facts(revenue=Decimal("500000")))
    assert not band(Facts())
    open_band = rule(Criterion("revenue", "between", ["500000", ""])).compile()
    assert open_band(Facts(revenue=Decimal("9000000")))


def test_facts_come_from_the_primary_site_or_the_given_one(
    make_account: Callable[..., Account],
) -> None:
    acc = make_account(
        1,
        "GB",
        "m4  5ab",
        " North West ",
        ship_to=[("IE", "D02 X285", "Dublin")],
        tier="A",
        industry="Food",
        tags=["Key", "x"],
    )
    facts = facts_of(acc, revenue=Decimal(10))
    assert facts == Facts(
        country="GB",
        region="north west",
        postal_code="M4 5AB",
        industry="food",
        tier="a",
        tags=frozenset({"key", "x"}),
        revenue=Decimal(10),
    )
    assert facts_of(acc, acc.site("A1-S1")).country == "IE"


def test_rules_round_trip_through_the_converter() -> None:
    original = Rule("R-1", [TIER_A, KEY], "1 OR 2", inherited=True)
    data = to_dict(original)
    assert data["criteria"][0] == {"field": "tier", "operator": "in", "values": ["A"]}
    assert from_dict(Rule, data) == original


@given(st.lists(st.sampled_from(["1", "2", "3"]), min_size=1, max_size=6), st.data())
def test_parsed_logic_evaluates_like_python(numbers: list[str], data: st.DataObject) -> None:
    ops = [data.draw(st.sampled_from(["and", "or"])) for _ in numbers[1:]]
    text = numbers[0] + "".join(f" {op} {n}" for op, n in zip(ops, numbers[1:], strict=True))
    values = data.draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    expr = parse_logic(text.upper(), 3)

    def evaluate(e: object) -> bool:
        if isinstance(e, Ref):
            return values[e.n - 1]
        if isinstance(e, Not):
            return not evaluate(e.item)
        assert isinstance(e, And | Or)
        results = [evaluate(i) for i in e.items]
        return all(results) if isinstance(e, And) else any(results)

    python = text
    for n in "123":
        python = python.replace(n, str(values[int(n) - 1]))
    assert evaluate(expr) == eval(python)
