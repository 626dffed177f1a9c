"""A small fictional wholesaler, generated deterministically from a seed.

The demo, the docs and the examples run on it, anywhere, without outside files::

    data = generate(seed=7)

The same seed always gives the same records. Each capability of the library adds its records
in a module of this package (`samples.accounts`, `samples.catalog`, ...).
"""

from __future__ import annotations

import random
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.pricing.model import PriceList
from wholesale_crm.samples import accounts, activities, catalog, pipeline, pricing, territories
from wholesale_crm.samples.activities import ActivitiesSample
from wholesale_crm.samples.pipeline import PipelineSample
from wholesale_crm.samples.territories import TerritorySample

__all__ = ["SampleWholesaler", "generate"]

DEFAULT_AS_OF = date(2026, 6, 30)


@attrs.define
class SampleWholesaler:
    """Everything the generator made, as domain objects ready to add to repositories."""

    seed: int
    as_of: date
    accounts: list[Account]
    categories: list[Category]
    products: list[Product]
    price_lists: list[PriceList]
    territories: TerritorySample
    pipeline: PipelineSample
    activities: ActivitiesSample
    currency: str = "GBP"


def generate(seed: int = 7, *, as_of: date = DEFAULT_AS_OF) -> SampleWholesaler:
    """Generate the sample wholesaler for `seed`, with history up to `as_of` (exclusive)."""
    rng = random.Random(seed)
    account_list = accounts.build(rng)
    categories, products = catalog.build(rng)
    return SampleWholesaler(
        seed=seed,
        as_of=as_of,
        accounts=account_list,
        categories=categories,
        products=products,
        price_lists=pricing.build(rng, account_list, products, categories),
        territories=territories.build(rng, account_list),
        pipeline=pipeline.build(rng, account_list, as_of),
        activities=activities.build(rng, account_list, as_of),
    )
