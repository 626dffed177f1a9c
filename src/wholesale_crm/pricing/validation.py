"""What a price list must satisfy before it is saved, checked once so pricing never has to.

`validate_price_lists` runs every check over a set of lists (the `Pricer` runs it when it is
built; the pricing service runs it before saving). Errors name the list and the rule(s):

- two rules that would tie (same target, threshold and priority, overlapping validity):
  `RuleError` naming both rules;
- overlapping tiers (same target and priority, overlapping validity, the lower tier's
  `max_quantity` above the higher tier's threshold): `RuleError` naming both rules;
- cycles between lists chained through `base_list_id`: `RuleError` naming the lists;
- a rule computing from the base list in a list without one: `RuleError`;
- a fixed price in a currency other than its list's, unknown products, unknown categories,
  an unknown base list: `ValidationError` naming the rule's field.

Negative prices, discounts over 100%, a minimum margin above the maximum and unknown currency
codes are refused earlier, when the rule is built (`pricing.model`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from itertools import combinations

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.pricing.model import (
    BaseSource,
    FixedPrice,
    PriceList,
    PriceRule,
    Target,
    TargetScope,
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
