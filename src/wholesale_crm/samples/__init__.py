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
from wholesale_crm.orders.model import Invoice, Order, Payment, Return
from wholesale_crm.pricing.model import PriceList
from wholesale_crm.samples import (
    accounts,
    activities,
    catalog,
    orders,
    pipeline,
    pricing,
    territories,
)
from wholesale_crm.samples.activities import ActivitiesSample
from wholesale_crm.samples.pipeline import PipelineSample
from wholesale_crm.samples.territories import TerritorySample
from wholesale_crm.territories.coverage import Coverage

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
    orders: list[Order]
    returns: list[Return]
    invoices: list[Invoice]
    payments: list[Payment]
    currency: str = "GBP"

    @property
    def account_owners(self) -> dict[str, str]:
        """Account id -> the rep who owns its territory on `as_of` (accounts with an owner)."""
        coverage = Coverage(self.territories.staff, self.territories.coverage)
        return {
            str(account.id): str(owner)
            for account in self.accounts
            if (owner := coverage.owner_of(account.id, self.as_of)) is not None
        }


def generate(seed: int = 7, *, as_of: date = DEFAULT_AS_OF) -> SampleWholesaler:
    """Generate the sample wholesaler for `seed`, with history up to `as_of` (exclusive)."""
    rng = random.Random(seed)
    account_list = accounts.build(rng)
    categories, products = catalog.build(rng)
    price_lists = pricing.build(rng, account_list, products, categories)
    territory_sample = territories.build(rng, account_list)
    pipeline_sample = pipeline.build(rng, account_list, as_of)
    activities_sample = activities.build(rng, account_list, as_of)
    history = orders.build(rng, account_list, products, as_of)
    return SampleWholesaler(
        seed=seed,
        as_of=as_of,
        accounts=account_list,
        categories=categories,
        products=products,
        price_lists=price_lists,
        territories=territory_sample,
        pipeline=pipeline_sample,
        activities=activities_sample,
        orders=history.orders,
        returns=history.returns,
        invoices=history.invoices,
        payments=history.payments,
    )
