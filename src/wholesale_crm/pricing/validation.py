"""What a price list must satisfy before it is saved, checked once so pricing never has to.

`validate_price_lists` runs every check over a set of lists (the `Pricer` runs it when it is
built; the pricing service runs it before saving). Errors name the list and the rule(s):

- two rules that would tie (same target, threshold and priority, overlapping validity):
  `RuleError` naming both rules;
- overlapping tiers (same target and priority, overlapping validity, the lower tier's
  `max_quantity` above the higher tier's threshold): `RuleError` naming both rules;
- a rising range schedule (below): `RuleError` naming the two rules;
- cycles between lists chained through `base_list_id`: `RuleError` naming the lists;
- a rule computing from the base list in a list without one: `RuleError`;
- a fixed price in a currency other than its list's, unknown products, unknown categories,
  an unknown base list: `ValidationError` naming the rule's field.

Negative prices, discounts over 100%, a minimum margin above the maximum and unknown currency
codes are refused earlier, when the rule is built (`pricing.model`).

**Rising range schedules.** In a `range` list, buying more must never raise the unit price.
The rules of one target (one product, one category, or "all") form a schedule; the check walks
it on every date where the set of valid rules changes and at every quantity where a rule starts
or ends, takes the rule that wins there (highest threshold reached, then priority), and
compares the unit prices of the winners, in quantity order, wherever they can be compared
without a product, a quantity or a rate:

- two fixed prices (in the list's currency): by amount;
- two rules priced off the same base, the product's list price or its cost: `PercentOff` of
  the list price by `1 - percent / 100`; `PercentOff` of the cost and `MarkupOnCost` (both
  multiply the cost) by `1 - percent / 100` and `1 + percent / 100`.

A winner at a larger quantity with a higher unit price than a winner at a smaller one is a
`RuleError` naming both rules. Not compared (so not refused): formulas (their rounding and
margin clamp depend on the product), a fixed price against a percentage, percentages of the
base list (its price can itself change with quantity), rules of different targets (a product
rule that ends at a bound and leaves the line to a dearer category rule), what lies beyond
one list (a bounded volume tier of a list below undercuts the list above only up to its
bound, then the line goes back to the dearer list above), and slab lists, where each unit
keeps its own tier's price and the line total never falls anyway.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.pricing.model import (
    BaseSource,
    FixedPrice,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
    TargetScope,
    TierMode,
)

__all__ = ["validate_price_list", "validate_price_lists"]


def validate_price_lists(
    lists: Iterable[PriceList],
    *,
    product_ids: Container[str] | None = None,
    category_ids: Container[str] | None = None,
) -> None:
    """Check every list on its own and the chaining between them.

    Args:
        lists: The lists, which must include every list they chain to.
        product_ids: Known products; `None` skips the product check.
        category_ids: Known categories; `None` skips the category check.

    Raises:
        RuleError: ties, overlapping tiers, base-list cycles.
        ValidationError: unknown references and currency mismatches.
    """
    by_id: dict[str, PriceList] = {plist.id: plist for plist in lists}
    for plist in by_id.values():
        validate_price_list(plist, lists=by_id, product_ids=product_ids, category_ids=category_ids)


def validate_price_list(
    plist: PriceList,
    *,
    lists: Mapping[str, PriceList] | None = None,
    product_ids: Container[str] | None = None,
    category_ids: Container[str] | None = None,
) -> None:
    """Check one list; with `lists` (by id), also its base list and the chain it starts.

    Raises:
        RuleError: ties, overlapping tiers, base-list cycles.
        ValidationError: unknown references and currency mismatches.
    """
    for rule in plist.rules:
        _check_rule(plist, rule, product_ids, category_ids)
    by_target: dict[Target, list[PriceRule]] = {}
    for rule in plist.rules:
        by_target.setdefault(rule.target, []).append(rule)
    for rules in by_target.values():
        for first, second in combinations(sorted(rules, key=lambda r: r.id), 2):
            _check_pair(plist, first, second)
        if plist.tiers is TierMode.RANGE:
            _check_falling(plist, rules)
    if lists is not None:
        _check_base_chain(plist, lists)


def _where(plist: PriceList, rule: PriceRule) -> str:
    return f"price list {plist.id} rule {rule.id}"


def _check_rule(
    plist: PriceList,
    rule: PriceRule,
    product_ids: Container[str] | None,
    category_ids: Container[str] | None,
) -> None:
    computation = rule.computation
    path = f"rules[{rule.id}]"
    if isinstance(computation, FixedPrice) and computation.price.currency != plist.currency:
        raise ValidationError.field(
            f"{path}.computation.price.currency",
            computation.price.currency,
            f"{_where(plist, rule)}: a fixed price must be in the list's currency {plist.currency}",
        )
    base = getattr(computation, "base", None)
    if base is BaseSource.BASE_LIST and plist.base_list_id is None:
        raise RuleError(
            f"{_where(plist, rule)} computes from the base list, but the list has no base_list_id",
            (plist.id, rule.id),
        )
    target = rule.target
    known = {TargetScope.PRODUCT: product_ids, TargetScope.CATEGORY: category_ids}.get(target.scope)
    if known is not None and target.id not in known:
        raise ValidationError.field(
            f"{path}.target.id", target.id, f"{_where(plist, rule)}: unknown {target.scope}"
        )


def _check_pair(plist: PriceList, first: PriceRule, second: PriceRule) -> None:
    if first.priority != second.priority or not first.valid.overlaps(second.valid):
        return
    ids = (plist.id, first.id, second.id)
    if first.min_quantity == second.min_quantity:
        raise RuleError(
            f"price list {plist.id}: rules {first.id} and {second.id} tie (same target "
            f"{first.target}, threshold {first.min_quantity} and priority {first.priority} "
            f"on overlapping dates); give one a different priority, threshold or validity",
            ids,
        )
    low, high = sorted((first, second), key=lambda r: r.min_quantity)
    if low.max_quantity is not None and low.max_quantity > high.min_quantity:
        raise RuleError(
            f"price list {plist.id}: tiers {low.id} [{low.min_quantity}, {low.max_quantity}) "
            f"and {high.id} [from {high.min_quantity}] overlap for {low.target}",
            ids,
        )


_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _unit_price(rule: PriceRule) -> tuple[str, Decimal] | None:
    """What a rule's unit price can be compared by, with no product at hand: the kind of
    price and a figure that rises with it; `None` when it cannot be compared."""
    comp = rule.computation
    if isinstance(comp, FixedPrice):
        return "fixed", comp.price.amount
    if isinstance(comp, MarkupOnCost):
        return BaseSource.COST, _ONE + comp.percent / _HUNDRED
    if isinstance(comp, PercentOff) and comp.base is not BaseSource.BASE_LIST:
        return comp.base, _ONE - comp.percent / _HUNDRED
    return None


def _check_falling(plist: PriceList, rules: list[PriceRule]) -> None:
    """Refuse a range schedule of one target whose unit price rises with quantity (module
    docs)."""
    if sum(_unit_price(rule) is not None for rule in rules) < 2:
        return
    bounds = sorted({d for r in rules for d in (r.valid.start, r.valid.end) if d is not None})
    # One day in each stretch of dates with the same valid rules (`None`: no rule is dated).
    days: list[date | None] = [*bounds] if bounds else [None]
    if bounds and bounds[0] > date.min:
        days.insert(0, bounds[0] - timedelta(days=1))
    for day in days:
        valid = [r for r in rules if day is None or r.valid.contains(day)]
        quantities = sorted(
            {Decimal(0)}
            | {r.min_quantity for r in valid}
            | {r.max_quantity for r in valid if r.max_quantity is not None}
        )
        winners: list[PriceRule] = []
        for quantity in quantities:
            reached = [r for r in valid if r.covers(quantity)]
            if reached:
                winner = max(reached, key=lambda r: (r.min_quantity, r.priority))
                if not winners or winners[-1] is not winner:
                    winners.append(winner)
        for earlier, later in combinations(winners, 2):
            low, high = _unit_price(earlier), _unit_price(later)
            if low is not None and high is not None and low[0] == high[0] and high[1] > low[1]:
                raise RuleError(
                    f"price list {plist.id}: the range schedule of {later.target} rises: rule "
                    f"{later.id} (from {later.min_quantity}) prices above rule {earlier.id} "
                    f"(from {earlier.min_quantity}); buying more must never raise the unit price",
                    (plist.id, earlier.id, later.id),
                )


def _check_base_chain(plist: PriceList, lists: Mapping[str, PriceList]) -> None:
    path = [plist.id]
    current = plist
    while current.base_list_id is not None:
        following = lists.get(current.base_list_id)
        if following is None:
            raise ValidationError.field(
                "base_list_id",
                current.base_list_id,
                f"price list {current.id}: unknown base list",
            )
        if following.id in path:
            cycle = [*path[path.index(following.id) :], following.id]
            raise RuleError(f"price lists chain in a cycle: {' -> '.join(cycle)}", cycle)
        path.append(following.id)
        current = following
