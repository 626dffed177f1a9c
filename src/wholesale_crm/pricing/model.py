"""Price lists and the rules they hold.

A `PriceList` is an aggregate: a currency, a validity, a kind (base, group, account, contract,
promotion, territory) with the audience it is for, and its `PriceRule`s. A rule targets a
product, a category (and everything below it) or every product; applies from a quantity
threshold (in the product's base unit, half-open `[min_quantity, max_quantity)`) during its
validity; carries a priority; and computes a unit price with one of four computations:

- `FixedPrice`: a price in the list's currency;
- `PercentOff`: a percentage off a base (list price, cost, or the chained base list's price);
- `MarkupOnCost`: cost plus a percentage;
- `Formula`: base x (1 - discount) -> round to a step -> + surcharge -> clamp to a minimum and
  maximum margin over cost.

Field-level checks happen here, at construction; checks that look at several rules or at other
lists (ties, overlapping tiers, cycles, unknown products) live in `pricing.validation`.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, PriceListId, RuleId, TerritoryId
from wholesale_crm.money import Money, to_decimal, validate_currency
from wholesale_crm.periods import DateRange
from wholesale_crm.validation import enum_value, non_blank, non_negative, optional, percentage

__all__ = [
    "BaseSource",
    "Computation",
    "FixedPrice",
    "Formula",
    "ListKind",
    "MarkupOnCost",
    "PercentOff",
    "PriceList",
    "PriceListChanged",
    "PriceRule",
    "Target",
    "TargetScope",
    "TierMode",
]


class ListKind(enum.StrEnum):
    """What a price list is for; the kind decides its place in an account's chain."""

    BASE = "base"
    GROUP = "group"
    ACCOUNT = "account"
    CONTRACT = "contract"
    PROMOTION = "promotion"
    TERRITORY = "territory"


class TierMode(enum.StrEnum):
    """How a list's quantity thresholds price a line.

    `RANGE`: every unit gets the price of the tier the line's quantity reaches. `SLAB`: each
    unit is priced in its own tier, like tax brackets (units 0-10 at one price, 10-24 at the
    next, ...).
    """

    RANGE = "range"
    SLAB = "slab"


class TargetScope(enum.StrEnum):
    """What a rule targets: one product, a category with its descendants, or everything."""

    PRODUCT = "product"
    CATEGORY = "category"
    ALL = "all"


class BaseSource(enum.StrEnum):
    """Where a computed price starts from."""

    LIST_PRICE = "list_price"
    COST = "cost"
    BASE_LIST = "base_list"
    """The price of the same product, quantity and date in the list's `base_list_id`."""


def _number(value: object) -> Decimal:
    # The attrs validators that follow name the field; this only refuses floats and junk.
    return to_decimal(value, "number")


def _optional_number(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "number")


def _target_scope(value: object) -> TargetScope:
    return enum_value(TargetScope, value, "scope")


@attrs.frozen
class Target:
    """What a rule applies to; build it with `Target.product`, `.category` or `.everything`."""

    scope: TargetScope = attrs.field(converter=_target_scope)
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.scope is TargetScope.ALL and self.id is not None:
            raise ValidationError.field("target.id", self.id, "must be empty for scope all")
        if self.scope is not TargetScope.ALL and (not isinstance(self.id, str) or not self.id):
            raise ValidationError.field("target.id", self.id, f"a {self.scope} target needs an id")

    @classmethod
    def product(cls, product_id: str) -> Target:
        """Target one product."""
        return cls(TargetScope.PRODUCT, product_id)

    @classmethod
    def category(cls, category_id: str) -> Target:
        """Target a category and every category below it."""
        return cls(TargetScope.CATEGORY, category_id)

    @classmethod
    def everything(cls) -> Target:
        """Target every product."""
        return cls(TargetScope.ALL)

    def __str__(self) -> str:
        return "all products" if self.id is None else f"{self.scope} {self.id}"


def _base_source(value: object) -> BaseSource:
    return enum_value(BaseSource, value, "base")


@attrs.frozen
class FixedPrice:
    """A fixed unit price, in the list's currency."""

    price: Money = attrs.field(validator=non_negative)

    def __str__(self) -> str:
        return f"fixed price {self.price}"


@attrs.frozen
class PercentOff:
    """`percent` off the base: `base x (1 - percent / 100)`."""

    percent: Decimal = attrs.field(converter=_number, validator=percentage)
    base: BaseSource = attrs.field(default=BaseSource.LIST_PRICE, converter=_base_source)

    def __str__(self) -> str:
        return f"{self.percent}% off {self.base}"


@attrs.frozen
class MarkupOnCost:
    """Cost plus `percent`: `cost x (1 + percent / 100)`."""

    percent: Decimal = attrs.field(converter=_number, validator=non_negative)

    def __str__(self) -> str:
        return f"cost + {self.percent}%"


def _positive_step(_: object, __: object, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError.field("round_to", value, "must be greater than zero")


@attrs.frozen
class Formula:
    """`base x (1 - discount%)` -> round to `round_to` -> `+ surcharge` -> clamp the margin.

    Margins are over cost, in percent of cost: with `min_margin=10` the price is at least
    `cost x 1.10`. `round_to` (0.05, 1.00) rounds half up to a multiple of the step;
    `surcharge` (-0.01 for "x.99" prices) is an amount in the order's currency.
    """

    base: BaseSource = attrs.field(default=BaseSource.LIST_PRICE, converter=_base_source)
    discount: Decimal = attrs.field(default=Decimal(0), converter=_number, validator=percentage)
    round_to: Decimal | None = attrs.field(
        default=None, converter=_optional_number, validator=_positive_step
    )
    surcharge: Decimal = attrs.field(default=Decimal(0), converter=_number)
    min_margin: Decimal | None = attrs.field(
        default=None, converter=_optional_number, validator=optional(non_negative)
    )
    max_margin: Decimal | None = attrs.field(
        default=None, converter=_optional_number, validator=optional(non_negative)
    )

    def __attrs_post_init__(self) -> None:
        if (
            self.min_margin is not None
            and self.max_margin is not None
            and self.min_margin > self.max_margin
        ):
            raise ValidationError.field(
                "min_margin",
                self.min_margin,
                f"must not be above max_margin {self.max_margin}",
            )

    @property
    def needs_cost(self) -> bool:
        """True when the formula clamps to a margin, which needs the product's cost."""
        return self.min_margin is not None or self.max_margin is not None

    def __str__(self) -> str:
        parts = [f"{self.base} x (1 - {self.discount}%)"]
        if self.round_to is not None:
            parts.append(f"round to {self.round_to}")
        if self.surcharge:
            parts.append(f"+ surcharge {self.surcharge}")
        if self.needs_cost:
            high = "no maximum" if self.max_margin is None else f"{self.max_margin}%"
            parts.append(f"margin over cost [{self.min_margin or 0}%, {high}]")
        return " -> ".join(parts)


Computation = FixedPrice | PercentOff | MarkupOnCost | Formula
"""The four ways a rule computes a unit price."""


def _non_negative_quantity(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise ValidationError.field(attribute.name, value, "must not be negative")


@attrs.frozen
class PriceRule:
    """One pricing rule of a list.

    Args:
        id: Unique within its list; named by every error and explanation.
        target: Product, category (with descendants) or everything.
        computation: How the unit price is computed.
        min_quantity: The tier threshold in the product's base unit: the rule applies from this
            quantity on (`0`: any quantity).
        max_quantity: Optional exclusive upper bound of the tier.
        valid: The dates on which the rule applies (half-open).
        priority: Decides between rules with the same target and threshold; higher wins.
        note: Free text shown in explanations ("spring promotion").
    """

    id: RuleId = attrs.field(validator=non_blank)
    target: Target
    computation: Computation
    min_quantity: Decimal = attrs.field(
        default=Decimal(0), converter=_number, validator=_non_negative_quantity
    )
    max_quantity: Decimal | None = attrs.field(default=None, converter=_optional_number)
    valid: DateRange = attrs.Factory(DateRange)
    priority: int = 0
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.max_quantity is not None and self.max_quantity <= self.min_quantity:
            raise ValidationError.field(
                "max_quantity",
                self.max_quantity,
                f"rule {self.id}: must be above min_quantity {self.min_quantity}",
            )

    def covers(self, quantity: Decimal) -> bool:
        """True when `quantity` (base units) lies in `[min_quantity, max_quantity)`."""
        return self.min_quantity <= quantity and (
            self.max_quantity is None or quantity < self.max_quantity
        )

    @property
    def is_tier(self) -> bool:
        """True for a volume tier: a rule that starts above zero."""
        return self.min_quantity > 0

    def __str__(self) -> str:
        tier = f", from {self.min_quantity}" if self.min_quantity else ""
        return f"rule {self.id} ({self.target}{tier}: {self.computation})"


@attrs.frozen
class PriceListChanged(Event):
    """A rule was added to, replaced in or removed from a price list."""

    price_list_id: PriceListId
    change: str
    rule_id: RuleId


def _list_kind(value: object) -> ListKind:
    return enum_value(ListKind, value, "list_kind")


def _tier_mode(value: object) -> TierMode:
    return enum_value(TierMode, value, "tiers")


def _currency(_: object, __: object, value: str) -> None:
    validate_currency(value)


_AUDIENCE: dict[ListKind, str | None] = {
    ListKind.BASE: None,
    ListKind.GROUP: "customer_group",
    ListKind.ACCOUNT: "account_id",
    ListKind.CONTRACT: "account_id",
    ListKind.TERRITORY: "territory_id",
}


@attrs.define(eq=False)
class PriceList(Aggregate):
    """A price list: currency, validity, kind and audience, tier mode and rules.

    The audience fields say whom the list is for: `account_id` for account and contract lists,
    `customer_group` for group lists, `territory_id` for territory lists; a promotion names at
    most one of them (none: every account); a base list names none.

    Args:
        overrides_tiers_below: When this list prices a line, the volume tiers of the lists
            below it in the chain are not consulted (by default they are, and the lower price
            wins: a specific list never hides the tiers of a list below it).
        base_list_id: The list whose price rules with `BaseSource.BASE_LIST` start from.
        inherit_parent: Account lists only: `False` stops the account inheriting the price
            lists of its parent account.
        priority: Orders lists that sit at the same step of a chain (two contracts of one
            account): higher first, then ascending id.
    """

    kind = "price_list"

    id: PriceListId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    list_kind: ListKind = attrs.field(converter=_list_kind)
    currency: str = attrs.field(validator=_currency)
    rules: list[PriceRule] = attrs.Factory(list)
    valid: DateRange = attrs.Factory(DateRange)
    tiers: TierMode = attrs.field(default=TierMode.RANGE, converter=_tier_mode)
    overrides_tiers_below: bool = False
    base_list_id: PriceListId | None = None
    account_id: AccountId | None = None
    customer_group: str | None = None
    territory_id: TerritoryId | None = None
    inherit_parent: bool = True
    priority: int = 0

    def __attrs_post_init__(self) -> None:
        named = [f for f in ("account_id", "customer_group", "territory_id") if getattr(self, f)]
        expected = _AUDIENCE.get(self.list_kind)
        if self.list_kind is ListKind.PROMOTION:
            if len(named) > 1:
                raise ValidationError.field(
                    named[1], getattr(self, named[1]), "a promotion names at most one audience"
                )
        elif named != ([expected] if expected else []):
            wrong = next((f for f in named if f != expected), expected or "")
            raise ValidationError.field(
                wrong,
                getattr(self, wrong),
                f"a {self.list_kind} list needs {expected or 'no audience'}"
                + (" and no other audience" if expected else ""),
            )
        if not self.inherit_parent and self.list_kind is not ListKind.ACCOUNT:
            raise ValidationError.field(
                "inherit_parent", False, "only an account list can opt out of its parent's lists"
            )
        if self.base_list_id == self.id:
            raise ValidationError.field(
                "base_list_id", self.base_list_id, "a list cannot be its own base"
            )
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.id in seen:
                raise ValidationError.field(f"rules[{i}].id", rule.id, "is used twice in the list")
            seen.add(rule.id)

    def rule(self, rule_id: str) -> PriceRule:
        """The rule `rule_id`; `ValidationError` if the list has none such."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise ValidationError.field("rule_id", rule_id, f"is not a rule of price list {self.id}")

    def add_rule(self, rule: PriceRule) -> None:
        """Add a rule; its id must be new to the list. Validate the list before saving it."""
        if any(r.id == rule.id for r in self.rules):
            raise ValidationError.field("rule.id", rule.id, f"already a rule of {self.id}")
        self.rules.append(rule)
        self.record(PriceListChanged(self.id, "added", rule.id))

    def replace_rule(self, rule: PriceRule) -> None:
        """Replace the rule with the same id."""
        self.rules[self.rules.index(self.rule(rule.id))] = rule
        self.record(PriceListChanged(self.id, "replaced", rule.id))

    def remove_rule(self, rule_id: str) -> None:
        """Remove the rule `rule_id`."""
        self.rules.remove(self.rule(rule_id))
        self.record(PriceListChanged(self.id, "removed", RuleId(rule_id)))

    @property
    def audience(self) -> tuple[str, str | None]:
        """Whom the list is for: `("account", id)`, `("group", name)`, `("territory", id)`, or
        `("everyone", None)` for base lists and promotions without an audience."""
        for label, value in (
            ("account", self.account_id),
            ("group", self.customer_group),
            ("territory", self.territory_id),
        ):
            if value:
                return label, value
        return "everyone", None
