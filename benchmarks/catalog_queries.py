"""Time the catalogue's tree, repository queries and payment schedules on synthetic data.

Run: `python benchmarks/catalog_queries.py`. Prints one line per measurement.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from wholesale_crm.accounts.terms import (
    EarlyPaymentDiscount,
    InstallmentPart,
    Installments,
    NetDays,
    PaymentTerms,
)
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.repositories.catalog import CATEGORIES, PRODUCTS
from wholesale_crm.services import catalog

WORDS = [
    "red",
    "blue",
    "jumbo",
    "lunch",
    "bag",
    "heart",
    "holder",
    "metal",
    "sign",
    "cake",
    "stand",
    "mug",
    "tin",
    "set",
    "vintage",
]


def timed(label: str, runs: int, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    for _ in range(runs):
        result = call()
    per_run = (time.perf_counter() - start) / runs
    print(f"{label:<58} {per_run * 1000:9.2f} ms")
    return result


def forest(rng: random.Random, size: int) -> list[Category]:
    records = [Category(CategoryId("C00000"), "root")]
    for i in range(1, size):
        parent = records[rng.randrange(max(0, i - 50), i)].id if rng.random() < 0.95 else None
        records.append(Category(CategoryId(f"C{i:05d}"), f"category {i}", parent))
    return records


def main() -> None:
    rng = random.Random(1)
    big = forest(rng, 10_000)
    tree = timed("CategoryTree of 10,000 categories", 5, lambda: CategoryTree(big))
    print(f"  (deepest level {max(tree.depth(c.id) for c in big)})")
    timed("descendants of the root (10,000 categories)", 20, lambda: tree.descendants(big[0].id))

    categories = forest(rng, 200)
    products = [
        Product(
            ProductId(f"SKU{n:05d}"),
            " ".join(rng.sample(WORDS, 4)),
            rng.choice(categories).id,
            list_price=Money("1.95", "GBP"),
            active=rng.random() < 0.9,
        )
        for n in range(20_000)
    ]
    uow = MemoryUnitOfWork()

    def load() -> None:
        with uow:
            for category in categories:
                uow.repository(CATEGORIES).add(category)
            for product in products:
                uow.repository(PRODUCTS).add(product)
            uow.commit()

    timed("store 200 categories + 20,000 products (one commit)", 1, load)
    found = timed(
        "products_in_category(root), 20,000 products",
        3,
        lambda: catalog.products_in_category(uow, categories[0].id),
    )
    print(f"  ({len(found)} products under the root)")
    found = timed(
        "search_products('red bag'), 20,000 products",
        3,
        lambda: catalog.search_products(uow, "red bag"),
    )
    print(f"  ({len(found)} matches)")

    invoices = [
        (
            date(2025, 1, 1) + timedelta(days=rng.randrange(730)),
            Money(rng.randrange(10**7), "GBP") / 100,
        )
        for _ in range(10_000)
    ]
    kinds: list[PaymentTerms] = [
        NetDays(30, EarlyPaymentDiscount(2, 10)),
        Installments(
            [
                InstallmentPart("33.33", 30),
                InstallmentPart("33.33", 60),
                InstallmentPart("33.34", 90),
            ]
        ),
    ]
    for terms in kinds:
        timed(
            f"10,000 schedules: {terms.describe()[:36]}",
            1,
            lambda terms=terms: [terms.schedule(d, a) for d, a in invoices],
        )


if __name__ == "__main__":
    main()
