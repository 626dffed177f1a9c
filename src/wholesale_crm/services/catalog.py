"""Catalogue use cases: products and the category tree, on any unit of work.

Every function that changes something does it in one transaction: on any error the
repositories are left exactly as they were. Queries return products in ascending SKU order.
"""

from __future__ import annotations

from datetime import date

from wholesale_crm.catalog.model import Category, Product, name_tokens
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.repositories import Repository, UnitOfWork
from wholesale_crm.repositories.catalog import CATEGORIES, PRODUCTS
from wholesale_crm.services import change_one

__all__ = [
    "add_category",
    "add_product",
    "category_tree",
    "deactivate_product",
    "delete_category",
    "move_category",
    "move_product",
    "products_in_category",
    "reactivate_product",
    "search_products",
    "update_product",
]


def _check_category(
    categories: Repository[Category], category_id: CategoryId | None, path: str
) -> None:
    if category_id is not None and category_id not in categories:
        raise ValidationError.field(path, category_id, "is not a known category")


# -- categories -----------------------------------------------------------------------------


def category_tree(uow: UnitOfWork) -> CategoryTree:
    """The whole category tree as stored."""
    with uow:
        return CategoryTree(uow.repository(CATEGORIES))


def add_category(uow: UnitOfWork, category: Category) -> Category:
    """Store a new category under an existing parent (or at the top).

    Raises:
        ValidationError: the parent is unknown.
        DuplicateRecord: a category with that id exists.
    """
    with uow:
        categories = uow.repository(CATEGORIES)
        _check_category(categories, category.parent_id, "parent_id")
        categories.add(category)
        uow.commit()
    return category


def move_category(
    uow: UnitOfWork, category_id: CategoryId, parent_id: CategoryId | None
) -> Category:
    """Put a category (with everything below it) under `parent_id`, or at the top for `None`.

    The move is checked by building the tree as it would be afterwards.

    Raises:
        NotFound: no such category.
        ValidationError: the new parent is unknown, or is the category itself.
        RuleError: the new parent lies below the category; `ids` names the cycle.
    """
    with uow:
        categories = uow.repository(CATEGORIES)
        category = categories.get(category_id)
        _check_category(categories, parent_id, "parent_id")
        category.move_to(parent_id)
        CategoryTree(category if c.id == category_id else c for c in categories)
        categories.save(category)
        uow.commit()
    return category


def delete_category(uow: UnitOfWork, category_id: CategoryId) -> None:
    """Remove an empty category.

    Raises:
        NotFound: no such category.
        PolicyViolation: it still has child categories or products; `details` lists them
            (`{"children": [...], "products": [...]}`).
    """
    with uow:
        categories = uow.repository(CATEGORIES)
        category = categories.get(category_id)
        children = [c.id for c in categories.find("parent", category_id)]
        products = [p.id for p in uow.repository(PRODUCTS).find("category", category_id)]
        if children or products:
            raise PolicyViolation(
                f"category {category_id} still holds {len(children)} categories and "
                f"{len(products)} products; move or delete them first",
                {"children": children, "products": products},
            )
        categories.delete(category)
        uow.commit()


# -- products -------------------------------------------------------------------------------


def add_product(uow: UnitOfWork, product: Product) -> Product:
    """Store a new product.

    Raises:
        ValidationError: its category is unknown.
        DuplicateRecord: a product with that SKU exists.
    """
    with uow:
        _check_category(uow.repository(CATEGORIES), product.category_id, "category_id")
        uow.repository(PRODUCTS).add(product)
        uow.commit()
    return product


def update_product(
    uow: UnitOfWork,
    product_id: ProductId,
    *,
    name: str | None = None,
    list_price: Money | None = None,
    cost: Money | None = None,
    on: date,
) -> Product:
    """Rename and/or reprice a product; `None` leaves a field as it is.

    A price change records `ProductRepriced` dated `on`.

    Raises:
        NotFound: no such product.
        ValidationError: nothing to change, a blank name, a negative price or cost, mixed
            currencies.
    """
    if name is None and list_price is None and cost is None:
        raise ValidationError.field("name", None, "give a name, list price or cost to change")
    with uow:
        products = uow.repository(PRODUCTS)
        product = products.get(product_id)
        if name is not None:
            product.rename(name)
        if list_price is not None or cost is not None:
            product.reprice(list_price=list_price, cost=cost, on=on)
        products.save(product)
        uow.commit()
    return product


def move_product(uow: UnitOfWork, product_id: ProductId, category_id: CategoryId | None) -> Product:
    """Put a product in another category (`None`: in none).

    Raises:
        NotFound: no such product.
        ValidationError: the category is unknown.
    """

    def move(product: Product) -> None:
        _check_category(uow.repository(CATEGORIES), category_id, "category_id")
        product.move_to(category_id)

    return change_one(uow, PRODUCTS, product_id, move)


def deactivate_product(uow: UnitOfWork, product_id: ProductId, *, on: date) -> Product:
    """Stop selling a product from `on` (it stays in the catalogue).

    Raises:
        NotFound: no such product.
        ValidationError: it is already inactive.
    """
    return change_one(uow, PRODUCTS, product_id, lambda product: product.deactivate(on=on))


def reactivate_product(uow: UnitOfWork, product_id: ProductId, *, on: date) -> Product:
    """Sell a deactivated product again from `on`.

    Raises:
        NotFound: no such product.
        ValidationError: it is already active.
    """
    return change_one(uow, PRODUCTS, product_id, lambda product: product.reactivate(on=on))


# -- queries --------------------------------------------------------------------------------


def products_in_category(
    uow: UnitOfWork,
    category_id: CategoryId,
    *,
    include_descendants: bool = True,
    active_only: bool = False,
) -> list[Product]:
    """Products filed in a category and, by default, in every category below it.

    Raises:
        ValidationError: the category is unknown.
    """
    with uow:
        tree = CategoryTree(uow.repository(CATEGORIES))
        tree.get(category_id)
        below = tree.descendants(category_id) if include_descendants else []
        products = uow.repository(PRODUCTS)
        found = [p for id in (category_id, *below) for p in products.find("category", id)]
    return sorted((p for p in found if p.active or not active_only), key=lambda p: p.id)


def search_products(uow: UnitOfWork, text: str, *, active_only: bool = False) -> list[Product]:
    """Products whose name holds every word of `text` (whole words, any case or accent).

    `"red bag"` finds "Jumbo Bag Red Retrospot" and "Lunch Bag Red Spotty"; "retro" does not
    find "retrospot" (words match whole; see `name_tokens`).

    Raises:
        ValidationError: `text` has no word to search for.
    """
    words = sorted(name_tokens(text))
    if not words:
        raise ValidationError.field("text", text, "give at least one word to search for")
    with uow:
        # One index lookup, then the other words checked on the loaded names: loading the
        # products of every word would cost more than filtering.
        found = uow.repository(PRODUCTS).find("name_token", words[0])
    wanted = set(words)
    return [p for p in found if wanted <= name_tokens(p.name) and (p.active or not active_only)]
