"""A small UK territory tree, its accounts and staff, worked out by hand for the tests.

    UK (country, R-UK: country GB, inherited)
    +-- NORTH (region, R-NORTH: region North West or Yorkshire)
    |    +-- MAN (district, R-MAN: postal M1-M20)
    |    +-- LEEDS (district, R-LEEDS: postal prefix LS)
    +-- SOUTH (region, R-SOUTH: region London or South East)
    |    +-- LON (district, R-LON: postal prefix EC or WC)
    +-- NAT (national, no rules)
         +-- KEY (key accounts, R-KEY: (tier A AND industry food) OR tag key)

Accounts and where the rules put them:
    A1 Manchester M4 5AB, North West        -> MAN   (deepest of UK, NORTH, MAN)
    A2 Manchester M60 1AA, North West       -> NORTH (M60 is outside M1-M20)
    A3 Leeds LS1 4AP, Yorkshire, A, food    -> KEY   (LEEDS and KEY are both depth 2: priority)
    A4 London EC1A 1BB, London              -> LON
    A5 Dublin, IE                           -> unmatched
    A6 GB, no region, ZZ1 1ZZ               -> UK
    A7 London WC2N 5DU, London, tag key     -> KEY
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest

from wholesale_crm.accounts.model import Account, Address, Site
from wholesale_crm.ids import AccountId, RuleId, SiteId, TerritoryId, UserId
from wholesale_crm.periods import DateRange
from wholesale_crm.territories.model import (
    DISTRICT,
    KEY_ACCOUNTS,
    REGION,
    Territory,
    TerritoryStaff,
    TerritoryType,
)
from wholesale_crm.territories.rules import Criterion, Rule

COUNTRY = TerritoryType("country", 0)
NATIONAL = TerritoryType("national", 5)


def uk_territories() -> list[Territory]:
    """The tree drawn in the module docstring (fresh objects on every call)."""

    def rule(id: str, *criteria: Criterion, logic: str | None = None, inherited: bool = False):
        return Rule(RuleId(id), criteria, logic, inherited)

    def t(id: str, type: TerritoryType, parent: str | None, *rules: Rule) -> Territory:
        return Territory(
            TerritoryId(id),
            id.title(),
            type,
            TerritoryId(parent) if parent else None,
            list(rules),
        )

    return [
        t("UK", COUNTRY, None, rule("R-UK", Criterion("country", "in", ["GB"]), inherited=True)),
        t(
            "NORTH",
            REGION,
            "UK",
            rule("R-NORTH", Criterion("region", "in", ["North West", "Yorkshire"])),
        ),
        t("MAN", DISTRICT, "NORTH", rule("R-MAN", Criterion("postal_code", "range", ["M1-M20"]))),
        t("LEEDS", DISTRICT, "NORTH", rule("R-LEEDS", Criterion("postal_code", "prefix", ["LS"]))),
        t(
            "SOUTH",
            REGION,
            "UK",
            rule("R-SOUTH", Criterion("region", "in", ["London", "South East"])),
        ),
        t(
            "LON",
            DISTRICT,
            "SOUTH",
            rule("R-LON", Criterion("postal_code", "prefix", ["EC", "WC"])),
        ),
        t("NAT", NATIONAL, "UK"),
        t(
            "KEY",
            KEY_ACCOUNTS,
            "NAT",
            rule(
                "R-KEY",
                Criterion("tier", "in", ["A"]),
                Criterion("industry", "in", ["food"]),
                Criterion("tags", "in", ["key"]),
                logic="(1 AND 2) OR 3",
            ),
        ),
    ]


def account(
    n: int,
    country: str,
    postal: str = "",
    region: str = "",
    *,
    ship_to: Sequence[tuple[str, str, str]] = (),
    **fields: Any,
) -> Account:
    """Account `A<n>` with a bill-to site at the address, and optional ship-to sites."""
    sites = [Site(SiteId(f"A{n}-B"), "bill_to", Address(country, postal, region), is_default=True)]
    sites += [
        Site(SiteId(f"A{n}-S{i}"), "ship_to", Address(c, p, r))
        for i, (c, p, r) in enumerate(ship_to, 1)
    ]
    return Account(AccountId(f"A{n}"), f"Account {n}", sites=sites, **fields)


def uk_accounts() -> list[Account]:
    """The accounts of the module docstring."""
    return [
        account(1, "GB", "M4 5AB", "North West"),
        account(2, "GB", "M60 1AA", "North West"),
        account(3, "GB", "LS1 4AP", "Yorkshire", tier="A", industry="food"),
        account(4, "GB", "EC1A 1BB", "London"),
        account(5, "IE", "D02 X285", "Dublin"),
        account(6, "GB", "ZZ1 1ZZ"),
        account(7, "GB", "WC2N 5DU", "London", tags=["key"]),
    ]


def uk_staff() -> list[TerritoryStaff]:
    """Owners and a manager; LON changes owner on 2025-07-01."""
    start = date(2025, 1, 1)
    staff = {id: TerritoryStaff(TerritoryId(id)) for id in ("MAN", "NORTH", "LON", "KEY", "UK")}
    staff["MAN"].assign(UserId("mia"), "owner", DateRange(start))
    staff["NORTH"].assign(UserId("noah"), "owner", DateRange(start))
    staff["NORTH"].assign(UserId("nina"), "manager", DateRange(start))
    staff["LON"].assign(UserId("liam"), "owner", DateRange(start, date(2025, 7, 1)))
    staff["LON"].assign(UserId("lucy"), "owner", DateRange(date(2025, 7, 1)))
    staff["KEY"].assign(UserId("kate"), "owner", DateRange(start))
    staff["UK"].assign(UserId("uma"), "inside_sales", DateRange(start))
    return list(staff.values())


@pytest.fixture
def territories() -> list[Territory]:
    return uk_territories()


@pytest.fixture
def accounts() -> list[Account]:
    return uk_accounts()


@pytest.fixture
def staff() -> list[TerritoryStaff]:
    return uk_staff()


@pytest.fixture
def make_account() -> Callable[..., Account]:
    return account
