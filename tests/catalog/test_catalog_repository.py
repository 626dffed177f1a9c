"""The catalogue's collections on the in-memory adapter pass the conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.quantities import STANDARD_UNITS
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.catalog import CATEGORIES, PRODUCTS
from wholesale_crm.testing.conformance import RepositoryContract

PK6 = STANDARD_UNITS["EA"].pack("PK6", 6)


def make_product(n: int) -> Product:
    return Product(
        ProductId(f"SKU{n:03d}"),
        f"Lunch Bag {'Red' if n % 2 else 'Blue'} Spot {n}",
        CategoryId(f"C{n % 3}") if n % 4 else None,
        packs=[PK6, PK6.pack("CASE", 4)],
        list_price=Money("1.65", "GBP"),
        cost=Money("0.80", "GBP"),
        active=n % 5 != 0,
    )


def change_product(product: Product) -> None:
    product.rename(product.name + " Woodland")
    product.move_to(CategoryId("C9"))
    product.reprice(list_price=Money("1.75", "GBP"), on=date(2025, 1, 1))


def make_category(n: int) -> Category:
    return Category(
        CategoryId(f"CAT{n:03d}"), f"Category {n}", CategoryId(f"P{n % 2}") if n else None
    )


def change_category(category: Category) -> None:
    category.move_to(CategoryId("ELSEWHERE"))


class TestProductRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Product]:
        return PRODUCTS

    @pytest.fixture
    def make(self) -> Callable[[int], Product]:
        return make_product

    @pytest.fixture
    def change(self) -> Callable[[Product], None]:
        return change_product


class TestCategoryRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Category]:
        return CATEGORIES

    @pytest.fixture
    def make(self) -> Callable[[int], Category]:
        return make_category

    @pytest.fixture
    def change(self) -> Callable[[Category], None]:
        return change_category


def test_products_are_filed_under_each_word_of_their_name() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        for n in range(4):
            uow.repository(PRODUCTS).add(make_product(n))
        uow.commit()
    with uow:
        products = uow.repository(PRODUCTS)
        assert [p.id for p in products.find("name_token", "red")] == ["SKU001", "SKU003"]
        assert [p.id for p in products.find("category", "C1")] == ["SKU001"]
        assert [p.id for p in products.find("active", False)] == ["SKU000"]
