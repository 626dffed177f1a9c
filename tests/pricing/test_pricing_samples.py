"""The sample price lists and the demo section."""

from __future__ import annotations

import io
import random
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.demo import pricing as demo
from wholesale_crm.pricing.model import PriceList
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.samples import accounts, catalog
from wholesale_crm.samples import pricing as samples
from wholesale_crm.serialization import to_dict


@attrs.frozen
class Sample:
    as_of: date
    accounts: list[Account]
    products: list[Product]
    categories: list[Category]
    price_lists: list[PriceList]


def sample(seed: int = 7) -> Sample:
    rng = random.Random(seed)
    categories, products = catalog.build(rng)
    people = accounts.build(rng)
    lists = samples.build(rng, people, products, categories)
    return Sample(date(2026, 6, 30), people, products, categories, lists)


def test_the_sample_lists_are_deterministic_and_valid() -> None:
    first, again = sample(), sample()
    assert [to_dict(p) for p in first.price_lists] == [to_dict(p) for p in again.price_lists]
    ids = [p.id for p in first.price_lists]
    assert ids == sorted(ids)
    assert {"BASE-GBP", "CON-HARBOUR-2026", "GRP-CHAIN-EU", "ACC-005-LIST"} <= set(ids)


def test_every_sample_account_can_price_every_active_product() -> None:
    data = sample(3)
    pricer = Pricer(
        data.price_lists,
        categories=data.categories,
        rates=samples.EXCHANGE_RATES,
        accounts=data.accounts,
        product_ids={p.id for p in data.products},
    )
    active = [(p, 1) for p in data.products if p.active]
    for account in data.accounts:
        results = pricer.price_many(account, active, on=data.as_of)
        assert all(r.unit_price.currency == account.currency for r in results)


def test_the_member_that_opts_out_does_not_get_the_buying_groups_list() -> None:
    data = sample()
    pricer = Pricer(data.price_lists, categories=data.categories, accounts=data.accounts)
    member = next(a for a in data.accounts if a.id == "ACC-005")
    chain = [link.price_list.id for link in pricer.chain(member, data.as_of)]
    assert "ACC-005-LIST" in chain
    assert "ACC-001-LIST" not in chain


def test_the_demo_prices_an_order_for_two_accounts_and_explains_a_line() -> None:
    out = io.StringIO()
    demo.show(sample(), out)
    text = out.getvalue()
    assert "(ACC-011, GBP, en_GB)" in text
    assert "(ACC-021, EUR, de_DE)" in text
    assert "Why:\nPrice of " in text
    assert "Chain consulted:" in text
