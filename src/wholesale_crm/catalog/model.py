"""Products and categories."""

from __future__ import annotations

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.quantities import STANDARD_UNITS, Quantity, Unit
from wholesale_crm.validation import non_blank, non_negative, optional

__all__ = ["Category", "Product"]


@attrs.define(eq=False)
class Category(Aggregate):
    """A node of the category tree; `parent_id` is `None` at the top."""

    kind = "category"

    id: CategoryId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    parent_id: CategoryId | None = None

    def __attrs_post_init__(self) -> None:
        if self.parent_id == self.id:
            raise ValidationError.field("parent_id", self.parent_id, "cannot be its own parent")


@attrs.define(eq=False)
class Product(Aggregate):
    """A sellable product (its id is the SKU), sold in its base unit and in packs.

    `packs` are the other units the product is sold in, each a multiple of `base_unit`
    (a pack of 12, a case of 6 packs = 72). Prices are per base unit.
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
        if self.list_price and self.cost and self.list_price.currency != self.cost.currency:
            raise ValidationError.field(
                "cost.currency", self.cost.currency, "must be the list price's currency"
            )

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

    def in_base_units(self, quantity: Quantity) -> Quantity:
        """`quantity` in the base unit; `ValidationError` for units of other products."""
        if quantity.unit.code not in self.units or quantity.unit != self.units[quantity.unit.code]:
            raise ValidationError.field(
                "unit", quantity.unit.code, f"is not a unit of product {self.id}"
            )
        return quantity.to_base()
