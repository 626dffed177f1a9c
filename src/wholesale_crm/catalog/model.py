"""Products and categories.

A `Product` (its id is the SKU) is priced per base unit and sold in that unit and in packs: an
inner pack of 12, a case of 6 inner packs (72 each). Its quantities convert between those units
only; a unit of another product, or of another base, is refused. Categories form a tree (see
`catalog.tree`); moving one is checked against the whole tree by the catalogue service.

Change products and categories through their methods: they validate and record events.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.quantities import STANDARD_UNITS, Quantity, Unit
from wholesale_crm.validation import non_blank, non_negative, optional

__all__ = [
    "Category",
    "CategoryMoved",
    "Product",
    "ProductDeactivated",
    "ProductMoved",
    "ProductReactivated",
    "ProductRepriced",
    "name_tokens",
]

_WORD = re.compile(r"[^\W_]+")


def name_tokens(text: str) -> frozenset[str]:
    """The search words of `text`, as the product name index and `search_products` use them.

    Case-folded, accents removed, split on anything that is not a letter or a digit:
    `"Jumbo Bag, Red Retrospot"` gives `{"jumbo", "bag", "red", "retrospot"}`.
    """
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return frozenset(_WORD.findall(plain))


@attrs.frozen
class CategoryMoved(Event):
    """A category was moved under another parent (`None`: to the top)."""

    category_id: CategoryId
    old_parent_id: CategoryId | None
    new_parent_id: CategoryId | None


@attrs.frozen
class ProductDeactivated(Event):
    """A product stopped being sold on a date; it stays in history and can come back."""

    product_id: ProductId
    on: date


@attrs.frozen
class ProductReactivated(Event):
    """A deactivated product is sold again from a date."""

    product_id: ProductId
    on: date


@attrs.frozen
class ProductRepriced(Event):
    """A product's list price or cost (per base unit) changed on a date."""

    product_id: ProductId
    old_list_price: Money | None
    new_list_price: Money | None
    old_cost: Money | None
    new_cost: Money | None
    on: date


@attrs.frozen
class ProductMoved(Event):
    """A product moved to another category (pricing rules that target categories follow it)."""

    product_id: ProductId
    old_category_id: CategoryId | None
    new_category_id: CategoryId | None


@attrs.define(eq=False)
class Category(Aggregate):
    """A node of the category tree; `parent_id` is `None` at the top."""

    kind = "category"

    id: CategoryId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    parent_id: CategoryId | None = None

    def __attrs_post_init__(self) -> None:
        _check_parent(self.id, self.parent_id)

    def move_to(self, parent_id: CategoryId | None) -> None:
        """Put this category under `parent_id` (`None`: at the top), recording `CategoryMoved`.

        Only the trivial cycle (itself) is caught here; the catalogue service checks the move
        against the whole tree (`services.catalog.move_category`).
        """
        _check_parent(self.id, parent_id)
        if parent_id == self.parent_id:
            return
        old, self.parent_id = self.parent_id, parent_id
        self.record(CategoryMoved(self.id, old, parent_id))


def _check_parent(id: CategoryId, parent_id: CategoryId | None) -> None:
    if parent_id == id:
        raise ValidationError.field("parent_id", parent_id, "a category cannot be its own parent")


@attrs.define(eq=False)
class Product(Aggregate):
    """A sellable product (its id is the SKU), sold in its base unit and in packs.

    `packs` are the other units the product is sold in, each a multiple of `base_unit`
    (a pack of 12, a case of 6 packs = 72). Prices are per base unit. `active` is false once
    the product is no longer sold (`deactivate`); it stays in the catalogue for history.
    """

    kind = "product"

    id: ProductId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    category_id: CategoryId | None = None
    base_unit: Unit = STANDARD_UNITS["EA"]
    packs: list[Unit] = attrs.Factory(list)
    list_price: Money | None = attrs.field(default=None, validator=optional(non_negative))
    cost: Money | None = attrs.field(default=None, validator=optional(non_negative))
    active: bool = True

    def __attrs_post_init__(self) -> None:
        if self.base_unit.code != self.base_unit.base:
            raise ValidationError.field(
                "base_unit", self.base_unit.code, "must be a base unit (factor 1 of itself)"
            )
        seen = {self.base_unit.code}
        for i, pack in enumerate(self.packs):
            if pack.base != self.base_unit.code:
                raise ValidationError.field(
                    f"packs[{i}].base", pack.base, f"must be the base unit {self.base_unit.code}"
                )
            if pack.code in seen:
                raise ValidationError.field(f"packs[{i}].code", pack.code, "is listed twice")
            seen.add(pack.code)
        _check_same_currency(self.list_price, self.cost)

    # -- units ------------------------------------------------------------------------------

    @property
    def units(self) -> dict[str, Unit]:
        """The units this product is sold in, by code: its base unit and its packs."""
        return {self.base_unit.code: self.base_unit, **{p.code: p for p in self.packs}}

    def unit(self, code: str) -> Unit:
        """The unit `code` of this product; `ValidationError` naming the known ones."""
        found = self.units.get(code)
        if found is None:
            raise ValidationError.field(
                "unit", code, f"is not a unit of product {self.id} ({', '.join(self.units)})"
            )
        return found

    def quantity(self, amount: object, unit: str | None = None) -> Quantity:
        """A quantity of this product, in `unit` (its base unit by default)."""
        return Quantity(amount, self.unit(unit) if unit else self.base_unit)

    def _own(self, quantity: Quantity) -> Quantity:
        if self.units.get(quantity.unit.code) != quantity.unit:
            raise ValidationError.field(
                "unit", quantity.unit.code, f"is not a unit of product {self.id}"
            )
        return quantity

    def in_base_units(self, quantity: Quantity) -> Quantity:
        """`quantity` in the base unit; `ValidationError` for units of other products."""
        return self._own(quantity).to_base()

    def convert(self, quantity: Quantity, to: str) -> Quantity:
        """`quantity` expressed in this product's unit `to` (`3 CASE` -> `18 INNER`).

        The result may be fractional (`5 EA` is `0.41666... INNER12`): use `packs_for` to
        round up to whole packs.

        Raises:
            ValidationError: `quantity` is in a unit that is not this product's, or `to` is not
                one of its units.
        """
        return self._own(quantity).convert(self.unit(to))

    def packs_for(self, quantity: Quantity, pack: str) -> int:
        """The whole number of `pack` units needed to hold `quantity` (rounded up)."""
        return math.ceil(self.convert(quantity, pack).amount)

    def list_price_per(self, unit: str) -> Money | None:
        """The list price of one `unit` (a case of 72 at 0.55 each: 39.60), unrounded."""
        if self.list_price is None:
            return None
        return self.list_price * self.unit(unit).factor

    # -- changes ----------------------------------------------------------------------------

    def rename(self, name: str) -> None:
        """Give the product a new name (its SKU, the id, never changes)."""
        self.name = name  # the attrs validator refuses a blank name

    def move_to(self, category_id: CategoryId | None) -> None:
        """Put the product in another category, recording `ProductMoved`.

        The service checks that the category exists; the model cannot see other aggregates.
        """
        if category_id == self.category_id:
            return
        old, self.category_id = self.category_id, category_id
        self.record(ProductMoved(self.id, old, category_id))

    def reprice(
        self, *, list_price: Money | None = None, cost: Money | None = None, on: date
    ) -> None:
        """Change the list price and/or the cost per base unit, recording `ProductRepriced`.

        `None` leaves a figure unchanged. Both must be non-negative and in one currency.

        Raises:
            ValidationError: nothing to change, a negative figure, or mixed currencies; the
                product is left as it was.
        """
        if list_price is None and cost is None:
            raise ValidationError.field("list_price", None, "give a new list price or cost")
        new_price = self.list_price if list_price is None else list_price
        new_cost = self.cost if cost is None else cost
        for path, value in (("list_price", new_price), ("cost", new_cost)):
            if value is not None and value.is_negative:
                raise ValidationError.field(path, value, "must not be negative")
        _check_same_currency(new_price, new_cost)
        if (new_price, new_cost) == (self.list_price, self.cost):
            return
        event = ProductRepriced(self.id, self.list_price, new_price, self.cost, new_cost, on)
        self.list_price, self.cost = new_price, new_cost
        self.record(event)

    def deactivate(self, *, on: date) -> None:
        """Stop selling the product from `on`, recording `ProductDeactivated`.

        Raises:
            ValidationError: the product is already inactive.
        """
        if not self.active:
            raise ValidationError.field("active", False, f"product {self.id} is already inactive")
        self.active = False
        self.record(ProductDeactivated(self.id, on))

    def reactivate(self, *, on: date) -> None:
        """Sell the product again from `on`, recording `ProductReactivated`.

        Raises:
            ValidationError: the product is already active.
        """
        if self.active:
            raise ValidationError.field("active", True, f"product {self.id} is already active")
        self.active = True
        self.record(ProductReactivated(self.id, on))


def _check_same_currency(list_price: Money | None, cost: Money | None) -> None:
    if list_price is not None and cost is not None and list_price.currency != cost.currency:
        raise ValidationError.field(
            "cost.currency",
            cost.currency,
            f"must be the list price's currency {list_price.currency}",
        )
