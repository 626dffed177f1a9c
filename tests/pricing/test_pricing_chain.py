"""The chain of lists for an account: every step, its order, inheritance and opt-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.chain import ListDirectory
from wholesale_crm.pricing.model import PriceList


@pytest.fixture
def lists(plist: Callable[..., PriceList], base_list: Callable[..., PriceList]) -> list[PriceList]:
    """Lists for every step of the chain of BR (a branch of HQ, horeca, territory NORTH)."""
    return [
        base_list(),
        plist("PROMO-ALL", "promotion"),
        plist("TERR-N", "territory", territory_id="NORTH"),
        plist("PROMO-N", "promotion", territory_id="NORTH"),
        plist("GRP", "group", customer_group="horeca"),
        plist("PROMO-GRP", "promotion", customer_group="horeca"),
        plist("HQ-LIST", "account", account_id="HQ"),
        plist("HQ-CON", "contract", account_id="HQ"),
        plist("BR-LIST", "account", account_id="BR"),
        plist("BR-CON-A", "contract", account_id="BR"),
        plist("BR-CON-B", "contract", account_id="BR", priority=5),
        plist("BR-PROMO", "promotion", account_id="BR", valid=DateRange(date(2026, 4, 1), None)),
        plist("OTHER", "group", customer_group="retail"),
    ]


def ids(links: list[object]) -> list[str]:
    return [link.price_list.id for link in links]  # type: ignore[attr-defined]


def test_the_full_chain_in_order(
    on: date, account: Callable[..., Account], lists: list[PriceList]
) -> None:
    hq, branch = account("HQ"), account("BR", parent_id="HQ")
    links = ListDirectory(lists).chain(branch, on, accounts={"HQ": hq}.get, territory="NORTH")
    assert ids(links) == [
        "BR-CON-B",  # contracts, higher priority first
        "BR-CON-A",
        "BR-PROMO",  # promotions for the account
        "BR-LIST",  # the account's own list
        "HQ-CON",  # the parent's contracts, promotions and list
        "HQ-LIST",
        "PROMO-GRP",  # the customer group
        "GRP",
        "PROMO-N",  # the territory, when configured
        "TERR-N",
        "PROMO-ALL",  # promotions for everyone
        "BASE",  # the base list
    ]
    assert [link.active for link in links if not link.active] == [False]
    assert str(links[2]) == "BR-PROMO (promotion for account BR, not valid on the date)"
    assert str(links[4]) == "HQ-CON (contract of parent account HQ)"


def test_without_territory_or_parent_lookup_those_steps_are_left_out(
    on: date, account: Callable[..., Account], lists: list[PriceList]
) -> None:
    links = ListDirectory(lists).chain(account("BR", parent_id="HQ"), on)
    assert "HQ-LIST" not in ids(links)
    assert "TERR-N" not in ids(links)


def test_an_account_list_can_opt_out_of_the_parents_lists(
    on: date,
    account: Callable[..., Account],
    plist: Callable[..., PriceList],
    lists: list[PriceList],
) -> None:
    own = plist("BR-LIST", "account", account_id="BR", inherit_parent=False)
    opted_out = [*(p for p in lists if p.id != "BR-LIST"), own]
    links = ListDirectory(opted_out).chain(
        account("BR", parent_id="HQ"), on, accounts={"HQ": account("HQ")}.get
    )
    assert "HQ-LIST" not in ids(links)
    assert ids(links)[-3:] == ["PROMO-GRP", "GRP", "PROMO-ALL", "BASE"][-3:]


def test_the_climb_goes_up_the_whole_hierarchy(
    on: date,
    account: Callable[..., Account],
    plist: Callable[..., PriceList],
    lists: list[PriceList],
) -> None:
    top = plist("TOP-LIST", "account", account_id="TOP")
    accounts = {"HQ": account("HQ", parent_id="TOP"), "TOP": account("TOP")}
    links = ListDirectory([*lists, top]).chain(
        account("BR", parent_id="HQ"), on, accounts=accounts.get
    )
    assert ids(links).index("HQ-LIST") < ids(links).index("TOP-LIST") < ids(links).index("GRP")


def test_a_hierarchy_cycle_is_a_rule_error(
    on: date, account: Callable[..., Account], lists: list[PriceList]
) -> None:
    accounts = {"HQ": account("HQ", parent_id="BR"), "BR": account("BR", parent_id="HQ")}
    with pytest.raises(RuleError, match="hierarchy cycle"):
        ListDirectory(lists).chain(accounts["BR"], on, accounts=accounts.get)


def test_an_account_without_group_gets_no_group_list(
    on: date, account: Callable[..., Account], lists: list[PriceList]
) -> None:
    links = ListDirectory(lists).chain(account("X", customer_group=None), on)
    assert ids(links) == ["PROMO-ALL", "BASE"]
