"""Sample price lists: a base list with volume tiers, group lists, contracts, a promotion.

The chain each sample account sees (see `pricing.chain`):

- every account: the **base list** `BASE-GBP` (list price, and 5-12% off from 48 units of a
  few products, drawn by the seed) and the **spring promotion** `PROMO-SPRING` (15% off
  bunting in March-May 2026);
- customer groups: `independent-uk` (5% off, rounded to 0.05 then -0.01, at least 25% over
  cost), `buying-group` (8% off), `chain-uk` (12% off kitchen and bags, slab tiers on
  shoppers), `public-sector` (cost + 60%), and two EUR lists: `independent-eu` (list price
  converted) and `chain-eu` (10% off, rounded to 0.10);
- contracts: Harbour Kitchen Group (`ACC-010`, inherited by its branches) has fixed GBP prices
  for three products; Rheinland Gastro (`ACC-020`) fixed EUR prices for two;
- the buying group's own list (`ACC-001`, inherited by its members) takes 3% off the group
  list; member `ACC-005` has its own list and opts out of the buying group's.

`EXCHANGE_RATES` converts the GBP catalogue for the EUR accounts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.ids import AccountId, PriceListId, RuleId
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.exchange import ExchangeRate
from wholesale_crm.pricing.model import (
    BaseSource,
    Computation,
    FixedPrice,
    Formula,
    ListKind,
    MarkupOnCost,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
    TierMode,
)

__all__ = ["EXCHANGE_RATES", "build"]

EXCHANGE_RATES: tuple[ExchangeRate, ...] = (
    ExchangeRate("GBP", "EUR", "1.17", date(2026, 1, 1)),
    ExchangeRate("GBP", "EUR", "1.16", date(2026, 4, 1)),
    ExchangeRate("GBP", "EUR", "1.18", date(2026, 6, 1)),
)
"""GBP to EUR, effective-dated, for the EUR accounts."""

SPRING = DateRange(date(2026, 3, 1), date(2026, 6, 1))


def _rule(id: str, target: Target, computation: Computation, **kw: Any) -> PriceRule:
    return PriceRule(RuleId(id), target, computation, **kw)


def _list(id: str, kind: ListKind, currency: str, rules: list[PriceRule], **kw: Any) -> PriceList:
    return PriceList(PriceListId(id), id.replace("-", " ").title(), kind, currency, rules, **kw)


def _share_of_list_price(product: Product, rng: random.Random, low: int, high: int) -> Decimal:
    """`low`-`high`% of the product's list price, rounded to pence."""
    price = product.list_price or Money.zero("GBP")
    return (price * Decimal(rng.randint(low, high)) / 100).round().amount


def build(
    rng: random.Random,
    accounts: Sequence[Account],
    products: Sequence[Product],
    categories: Sequence[Category],
) -> list[PriceList]:
    """The sample price lists (ascending id) for the sample accounts and catalogue.

    Lists for accounts or categories missing from the inputs are left out, so a smaller
    sample still gets a consistent set. The same `rng` state gives the same lists.
    """
    sellable = sorted((p for p in products if p.active and p.list_price), key=lambda p: p.id)
    category_ids = {c.id for c in categories}
    account_ids = {a.id for a in accounts}
    everything = Target.everything()

    base = [_rule("LIST", everything, PercentOff(0))]
    for product in rng.sample(sellable, min(6, len(sellable))):
        base.append(
            _rule(
                f"VOL-{product.id}",
                Target.product(product.id),
                PercentOff(rng.randint(5, 12)),
                min_quantity=48,
            )
        )
    lists = [_list("BASE-GBP", ListKind.BASE, "GBP", base)]
    if "BUNTING" in category_ids:
        promo = _rule("SPRING-BUNTING", Target.category("BUNTING"), PercentOff(15), valid=SPRING)
        lists.append(_list("PROMO-SPRING", ListKind.PROMOTION, "GBP", [promo], valid=SPRING))

    lists.append(
        _list(
            "GRP-INDEPENDENT-UK",
            ListKind.GROUP,
            "GBP",
            [
                _rule(
                    "G1",
                    everything,
                    Formula(discount=5, round_to="0.05", surcharge="-0.01", min_margin=25),
                )
            ],
            customer_group="independent-uk",
        )
    )
    lists.append(
        _list(
            "GRP-BUYING",
            ListKind.GROUP,
            "GBP",
            [_rule("G1", everything, PercentOff(8))],
            customer_group="buying-group",
        )
    )
    chain_rules = [
        _rule(f"G-{c}", Target.category(c), PercentOff(12))
        for c in ("KITCHEN", "BAGS")
        if c in category_ids
    ]
    lists.append(
        _list("GRP-CHAIN-UK", ListKind.GROUP, "GBP", chain_rules, customer_group="chain-uk")
    )
    if "SHOPPERS" in category_ids:
        slabs = [
            _rule(
                f"S{threshold}",
                Target.category("SHOPPERS"),
                PercentOff(off),
                min_quantity=threshold,
            )
            for threshold, off in ((0, 12), (50, 18), (100, 25))
        ]
        lists.append(
            _list(
                "GRP-CHAIN-UK-SHOPPERS",
                ListKind.GROUP,
                "GBP",
                slabs,
                customer_group="chain-uk",
                tiers=TierMode.SLAB,
                priority=1,
            )
        )
    lists.append(
        _list(
            "GRP-PUBLIC",
            ListKind.GROUP,
            "GBP",
            [_rule("G1", everything, MarkupOnCost(60))],
            customer_group="public-sector",
        )
    )
    lists.append(
        _list(
            "GRP-INDEPENDENT-EU",
            ListKind.GROUP,
            "EUR",
            [_rule("G1", everything, PercentOff(0))],
            customer_group="independent-eu",
        )
    )
    lists.append(
        _list(
            "GRP-CHAIN-EU",
            ListKind.GROUP,
            "EUR",
            [_rule("G1", everything, Formula(discount=10, round_to="0.10"))],
            customer_group="chain-eu",
        )
    )

    if "ACC-010" in account_ids:
        fixed = [
            _rule(
                f"C-{p.id}",
                Target.product(p.id),
                FixedPrice(Money(_share_of_list_price(p, rng, 80, 90), "GBP")),
            )
            for p in rng.sample(sellable, min(3, len(sellable)))
        ]
        lists.append(
            _list(
                "CON-HARBOUR-2026", ListKind.CONTRACT, "GBP", fixed, account_id=AccountId("ACC-010")
            )
        )
    if "ACC-020" in account_ids:
        fixed = [
            _rule(
                f"C-{p.id}",
                Target.product(p.id),
                FixedPrice(Money(_share_of_list_price(p, rng, 100, 110), "EUR")),
            )
            for p in rng.sample(sellable, min(2, len(sellable)))
        ]
        lists.append(
            _list(
                "CON-RHEINLAND-2026",
                ListKind.CONTRACT,
                "EUR",
                fixed,
                account_id=AccountId("ACC-020"),
            )
        )
    if "ACC-001" in account_ids:
        lists.append(
            _list(
                "ACC-001-LIST",
                ListKind.ACCOUNT,
                "GBP",
                [_rule("A1", everything, PercentOff(3, BaseSource.BASE_LIST))],
                account_id=AccountId("ACC-001"),
                base_list_id=PriceListId("GRP-BUYING"),
            )
        )
    if "ACC-005" in account_ids:
        own = [_rule("A1", everything, Formula(discount=2, round_to="0.05", min_margin=30))]
        lists.append(
            _list(
                "ACC-005-LIST",
                ListKind.ACCOUNT,
                "GBP",
                own,
                account_id=AccountId("ACC-005"),
                inherit_parent=False,
            )
        )
    return sorted(lists, key=lambda p: p.id)
