"""Catalogue services on the in-memory adapter: changes, refusals that leave the store alone, queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import (
    Category,
    CategoryMoved,
    Product,
    ProductDeactivated,
    ProductMoved,
    ProductReactivated,
    ProductRepriced,
)
from wholesale_crm.errors import (
    CRMError,
    DuplicateRecord,
    NotFound,
    PolicyViolation,
    RuleError,
    ValidationError,
)
from wholesale_crm.events import MessageBus
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.repositories.catalog import CATEGORIES, PRODUCTS
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import catalog as svc

ON = date(2025, 6, 2)


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


C = CategoryId
P = ProductId


# HOME
#   DECOR
#     SIGNS       21181 Please One Person Metal Sign, 21175 Gin + Tonic Diet Metal Sign
#   LIGHTING      85123A White Hanging Heart T-Light Holder, 21733 Red Hanging Heart ...
# BAGS            85099B Jumbo Bag Red Retrospot, 20725 Lunch Bag Red Spotty (inactive)
CATEGORIES_ROWS = [
    ("HOME", None),
    ("DECOR", "HOME"),
    ("SIGNS", "DECOR"),
    ("LIGHTING", "HOME"),
    ("BAGS", None),
]
PRODUCT_ROWS = [
    ("21181", "Please One Person Metal Sign", "SIGNS", "2.10", True),
    ("21175", "Gin + Tonic Diet Metal Sign", "SIGNS", "2.10", True),
    ("85123A", "White Hanging Heart T-Light Holder", "LIGHTING", "2.95", True),
    ("21733", "Red Hanging Heart T-Light Holder", "LIGHTING", "2.95", True),
    ("85099B", "Jumbo Bag Red Retrospot", "BAGS", "1.95", True),
    ("20725", "Lunch Bag Red Spotty", "BAGS", "1.65", False),
]


@pytest.fixture
def bus() -> MessageBus:
    return MessageBus()


@pytest.fixture
def uow(bus: MessageBus) -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork(bus=bus)
    with uow:
        for id, parent in CATEGORIES_ROWS:
            uow.repository(CATEGORIES).add(
                Category(C(id), id.title(), C(parent) if parent else None)
            )
        for sku, name, category, price, active in PRODUCT_ROWS:
            uow.repository(PRODUCTS).add(
                Product(P(sku), name, C(category), list_price=gbp(price), active=active)
            )
        uow.commit()
    bus.published.clear()
    return uow


def snapshot(uow: MemoryUnitOfWork) -> dict[str, Any]:
    with uow:
        return {
            "categories": [(c.version, to_dict(c)) for c in uow.repository(CATEGORIES)],
            "products": [(p.version, to_dict(p)) for p in uow.repository(PRODUCTS)],
        }


def refused(uow: MemoryUnitOfWork, error: type[CRMError], call: Callable[[], object]) -> CRMError:
    """Run `call`, expect `error`, and check the store is exactly as before."""
    before = snapshot(uow)
    with pytest.raises(error) as caught:
        call()
    assert snapshot(uow) == before
    return caught.value


def ids(products: list[Product]) -> list[str]:
    return [p.id for p in products]


# -- categories -----------------------------------------------------------------------------


def test_category_tree_loads_what_is_stored(uow: MemoryUnitOfWork) -> None:
    tree = svc.category_tree(uow)
    assert tree.roots == ["BAGS", "HOME"]
    assert tree.path(C("SIGNS")) == ["HOME", "DECOR", "SIGNS"]


def test_add_category_under_a_known_parent(uow: MemoryUnitOfWork) -> None:
    svc.add_category(uow, Category(C("DOORMATS"), "Door Mats", C("DECOR")))
    assert svc.category_tree(uow).children(C("DECOR")) == ["DOORMATS", "SIGNS"]


def test_add_category_refuses_an_unknown_parent_or_a_taken_id(uow: MemoryUnitOfWork) -> None:
    error = refused(
        uow,
        ValidationError,
        lambda: svc.add_category(uow, Category(C("DOORMATS"), "Door Mats", C("GARDEN"))),
    )
    assert isinstance(error, ValidationError)
    assert error.paths == ("parent_id",)
    assert error.errors[0].value == "GARDEN"
    refused(uow, DuplicateRecord, lambda: svc.add_category(uow, Category(C("HOME"), "Again")))


def test_move_category_takes_its_subtree_along_and_publishes_the_move(
    uow: MemoryUnitOfWork, bus: MessageBus
) -> None:
    svc.move_category(uow, C("DECOR"), C("BAGS"))
    tree = svc.category_tree(uow)
    assert tree.path(C("SIGNS")) == ["BAGS", "DECOR", "SIGNS"]
    assert ids(svc.products_in_category(uow, C("BAGS"))) == ["20725", "21175", "21181", "85099B"]
    svc.move_category(uow, C("DECOR"), None)
    assert svc.category_tree(uow).roots == ["BAGS", "DECOR", "HOME"]
    assert bus.published == [
        CategoryMoved("DECOR", "HOME", "BAGS"),
        CategoryMoved("DECOR", "BAGS", None),
    ]


def test_moving_a_category_below_itself_is_a_rule_error_naming_the_cycle(
    uow: MemoryUnitOfWork, bus: MessageBus
) -> None:
    error = refused(uow, RuleError, lambda: svc.move_category(uow, C("HOME"), C("SIGNS")))
    assert isinstance(error, RuleError)
    assert error.ids == ("DECOR", "HOME", "SIGNS")
    assert str(error) == "category cycle: DECOR -> HOME -> SIGNS -> DECOR (each under the next)"
    assert bus.published == []


@pytest.mark.parametrize(
    ("category", "parent", "error", "path"),
    [
        ("HOME", "HOME", ValidationError, "parent_id"),
        ("HOME", "GARDEN", ValidationError, "parent_id"),
        ("GARDEN", "HOME", NotFound, None),
    ],
)
def test_move_category_refusals_leave_the_store_alone(
    uow: MemoryUnitOfWork, category: str, parent: str, error: type[CRMError], path: str | None
) -> None:
    caught = refused(uow, error, lambda: svc.move_category(uow, C(category), C(parent)))
    if path is not None:
        assert isinstance(caught, ValidationError)
        assert caught.paths == (path,)


def test_delete_category_is_refused_while_it_has_children_or_products(
    uow: MemoryUnitOfWork,
) -> None:
    error = refused(uow, PolicyViolation, lambda: svc.delete_category(uow, C("HOME")))
    assert isinstance(error, PolicyViolation)
    assert error.details == {"children": ["DECOR", "LIGHTING"], "products": []}
    error = refused(uow, PolicyViolation, lambda: svc.delete_category(uow, C("SIGNS")))
    assert isinstance(error, PolicyViolation)
    assert error.details == {"children": [], "products": ["21175", "21181"]}
    assert "0 categories and 2 products" in str(error)
    refused(uow, NotFound, lambda: svc.delete_category(uow, C("GARDEN")))


def test_delete_an_empty_category(uow: MemoryUnitOfWork) -> None:
    svc.move_product(uow, P("21181"), C("DECOR"))
    svc.move_product(uow, P("21175"), None)
    svc.delete_category(uow, C("SIGNS"))
    assert svc.category_tree(uow).children(C("DECOR")) == []
    assert ids(svc.products_in_category(uow, C("DECOR"))) == ["21181"]


# -- products -------------------------------------------------------------------------------


def test_add_product_in_a_known_category(uow: MemoryUnitOfWork) -> None:
    svc.add_product(uow, Product(P("47566"), "Party Bunting", C("DECOR")))
    assert ids(svc.products_in_category(uow, C("DECOR"), include_descendants=False)) == ["47566"]


def test_add_product_refuses_an_unknown_category_or_a_taken_sku(uow: MemoryUnitOfWork) -> None:
    error = refused(
        uow,
        ValidationError,
        lambda: svc.add_product(uow, Product(P("47566"), "Party Bunting", C("PARTY"))),
    )
    assert isinstance(error, ValidationError)
    assert error.paths == ("category_id",)
    refused(uow, DuplicateRecord, lambda: svc.add_product(uow, Product(P("21181"), "Another sign")))


def test_update_product_renames_and_reprices(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    updated = svc.update_product(
        uow, P("85123A"), name="White Hanging Heart Holder", list_price=gbp("3.25"), on=ON
    )
    assert updated.version == 2
    with uow:
        stored = uow.repository(PRODUCTS).get("85123A")
    assert (stored.name, stored.list_price) == ("White Hanging Heart Holder", gbp("3.25"))
    assert bus.published == [ProductRepriced("85123A", gbp("2.95"), gbp("3.25"), None, None, ON)]
    assert ids(svc.search_products(uow, "holder")) == ["21733", "85123A"]
    assert ids(svc.search_products(uow, "t-light")) == ["21733"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"list_price": Money("-1.00", "GBP")}, "list_price"),
        ({"cost": Money("1.00", "EUR")}, "cost.currency"),
        ({"name": " ", "list_price": Money("3.00", "GBP")}, "name"),
    ],
)
def test_update_product_refusals_leave_the_store_alone(
    uow: MemoryUnitOfWork, bus: MessageBus, changes: dict[str, Any], path: str
) -> None:
    error = refused(
        uow, ValidationError, lambda: svc.update_product(uow, P("85123A"), **changes, on=ON)
    )
    assert isinstance(error, ValidationError)
    assert error.paths == (path,)
    assert bus.published == []
    refused(uow, NotFound, lambda: svc.update_product(uow, P("NOPE"), name="x", on=ON))


def test_update_product_needs_something_to_change(uow: MemoryUnitOfWork) -> None:
    error = refused(uow, ValidationError, lambda: svc.update_product(uow, P("85123A"), on=ON))
    assert isinstance(error, ValidationError)
    assert error.paths == ("name",)


def test_move_product(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    svc.move_product(uow, P("85099B"), C("DECOR"))
    assert bus.published == [ProductMoved("85099B", "BAGS", "DECOR")]
    error = refused(uow, ValidationError, lambda: svc.move_product(uow, P("85099B"), C("PARTY")))
    assert isinstance(error, ValidationError)
    assert error.paths == ("category_id",)


def test_deactivate_and_reactivate(uow: MemoryUnitOfWork, bus: MessageBus) -> None:
    svc.deactivate_product(uow, P("21733"), on=ON)
    assert ids(svc.products_in_category(uow, C("HOME"), active_only=True)) == [
        "21175",
        "21181",
        "85123A",
    ]
    refused(uow, ValidationError, lambda: svc.deactivate_product(uow, P("21733"), on=ON))
    svc.reactivate_product(uow, P("21733"), on=date(2025, 9, 1))
    refused(uow, ValidationError, lambda: svc.reactivate_product(uow, P("21733"), on=ON))
    refused(uow, NotFound, lambda: svc.deactivate_product(uow, P("NOPE"), on=ON))
    assert bus.published == [
        ProductDeactivated("21733", ON),
        ProductReactivated("21733", date(2025, 9, 1)),
    ]


# -- queries --------------------------------------------------------------------------------


def test_products_in_a_category_include_its_descendants(uow: MemoryUnitOfWork) -> None:
    assert ids(svc.products_in_category(uow, C("HOME"))) == ["21175", "21181", "21733", "85123A"]
    assert ids(svc.products_in_category(uow, C("DECOR"))) == ["21175", "21181"]
    assert ids(svc.products_in_category(uow, C("DECOR"), include_descendants=False)) == []
    assert ids(svc.products_in_category(uow, C("BAGS"))) == ["20725", "85099B"]
    assert ids(svc.products_in_category(uow, C("BAGS"), active_only=True)) == ["85099B"]


def test_products_in_an_unknown_category_is_a_validation_error(uow: MemoryUnitOfWork) -> None:
    with pytest.raises(ValidationError) as caught:
        svc.products_in_category(uow, C("GARDEN"))
    assert caught.value.paths == ("category_id",)


def test_search_finds_names_holding_every_word(uow: MemoryUnitOfWork) -> None:
    assert ids(svc.search_products(uow, "RED")) == ["20725", "21733", "85099B"]
    assert ids(svc.search_products(uow, "red bag")) == ["20725", "85099B"]
    assert ids(svc.search_products(uow, "bag, red", active_only=True)) == ["85099B"]
    assert ids(svc.search_products(uow, "metal sign gin")) == ["21175"]
    assert ids(svc.search_products(uow, "retro")) == []  # whole words only


def test_search_needs_a_word(uow: MemoryUnitOfWork) -> None:
    with pytest.raises(ValidationError) as caught:
        svc.search_products(uow, " + ")
    assert caught.value.paths == ("text",)


def test_the_store_reads_the_same_after_a_refused_move(
    uow: MemoryUnitOfWork, bus: MessageBus
) -> None:
    refused(uow, RuleError, lambda: svc.move_category(uow, C("DECOR"), C("SIGNS")))
    assert svc.category_tree(uow).path(C("SIGNS")) == ["HOME", "DECOR", "SIGNS"]
    assert ids(svc.products_in_category(uow, C("DECOR"))) == ["21175", "21181"]
    assert bus.published == []
