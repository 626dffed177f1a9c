"""The sample catalogue and its demo section."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.catalog.tree import CategoryTree
from wholesale_crm.demo import catalog as demo
from wholesale_crm.ids import CategoryId
from wholesale_crm.money import Money
from wholesale_crm.samples import catalog as samples
from wholesale_crm.serialization import from_dict, to_dict


def test_the_same_seed_gives_the_same_catalogue() -> None:
    first = samples.build(random.Random(7))
    again = samples.build(random.Random(7))
    other = samples.build(random.Random(8))
    assert to_dict(first) == to_dict(again)
    assert to_dict(first) != to_dict(other)


def test_a_three_level_tree_of_giftware_categories() -> None:
    categories, products = samples.build(random.Random(7))
    tree = CategoryTree(categories)
    assert len(tree) == 17
    assert tree.roots == ["BAGS", "HOME", "KITCHEN", "PARTY"]
    assert max(tree.depth(c.id) for c in categories) == 2
    assert tree.path(CategoryId("CAKE-CASES")) == ["KITCHEN", "BAKING", "CAKE-CASES"]
    assert all(p.category_id in tree for p in products)


def test_products_come_in_inner_packs_and_cases_priced_in_pounds() -> None:
    _, products = samples.build(random.Random(7))
    assert len(products) == 64
    assert len({p.id for p in products}) == 64
    assert sum(not p.active for p in products) == samples.INACTIVE_COUNT
    for product in products:
        inner, case = product.packs
        assert inner.code == f"PK{inner.factor}"
        assert case.code == "CASE"
        assert case.factor / inner.factor in (4, 6, 8)
        assert product.list_price is not None
        assert product.cost is not None
        assert product.list_price.currency == product.cost.currency == "GBP"
        low, high = (product.list_price * Decimal(pct) / 100 for pct in (45, 65))
        assert low.round() <= product.cost <= high.round()
        assert to_dict(from_dict(Product, to_dict(product))) == to_dict(product)
    bag = next(p for p in products if p.id == "85099B")
    assert (bag.name, bag.list_price) == ("Jumbo Bag Red Retrospot", Money("1.95", "GBP"))


@attrs.define
class Data:
    as_of: date
    currency: str
    categories: Sequence[Category]
    products: Sequence[Product]


def test_the_demo_prints_the_tree_packs_and_schedules() -> None:
    categories, products = samples.build(random.Random(7))
    out = io.StringIO()
    demo.show(Data(date(2026, 6, 30), "GBP", categories, products), out)
    text = out.getvalue()
    active = sum(p.active for p in products)
    assert f"17 categories, {active} active products" in text
    assert "\n  Bags: " in text
    assert "\n      Cake Cases: " in text
    assert "2% 10 days, net 30" in text
    # 2% of £1,234.56 = £24.69: £1,209.87 by Jun 30 + 10 days.
    assert "2026-07-30   £1,234.56  or £1,209.87 by 2026-07-10" in text
    assert "day 15 of the following month\n    2026-07-15   £1,234.56" in text
    # 40% = £493.82 (493.824 rounded down); the last part takes £1,234.56 - £493.82 = £740.74.
    assert "2026-07-30     £493.82\n    2026-08-30     £740.74" in text
