"""The catalogue's collections: products and categories, with the indexes their queries use."""

from __future__ import annotations

from wholesale_crm.catalog.model import Category, Product, name_tokens
from wholesale_crm.repositories import Collection, Index

__all__ = ["CATEGORIES", "PRODUCTS"]

PRODUCTS: Collection[Product] = Collection(
    "products",
    Product,
    (
        Index("category", lambda p: [p.category_id] if p.category_id else []),
        Index("active", lambda p: [p.active]),
        Index("name_token", lambda p: name_tokens(p.name)),
    ),
)
"""Products by SKU; indexed by category, by active flag and by the words of their name."""

CATEGORIES: Collection[Category] = Collection(
    "categories",
    Category,
    (Index("parent", lambda c: [c.parent_id] if c.parent_id else []),),
)
"""Categories by id; indexed by parent (top categories are not filed under it)."""
