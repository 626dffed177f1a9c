"""Visibility: own territories, managed subtrees, account teams, on a date."""

from __future__ import annotations

from datetime import date

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import AccessDenied
from wholesale_crm.periods import DateRange
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.model import Territory, TerritoryStaff
from wholesale_crm.territories.realignment import apply, plan
from wholesale_crm.territories.tree import TerritoryTree
from wholesale_crm.territories.visibility import Visibility

JAN, MAR, JUL = date(2025, 1, 1), date(2025, 3, 1), date(2025, 7, 1)


@pytest.fixture
def visibility(
    territories: list[Territory], accounts: list[Account], staff: list[TerritoryStaff]
) -> Visibility:
    records = {
        c.id: c
        for c in apply(plan(territories, accounts, Coverage(staff, []), on=JAN), {}, effective=JAN)
    }
    records["A7"].add_member("tom", "overlay", DateRange(JAN, JUL))
    return Visibility(TerritoryTree(territories), Coverage(staff, records.values()))


@pytest.mark.parametrize(
    ("user", "on", "expected"),
    [
        ("mia", MAR, ["A1"]),  # owner of MAN
        ("noah", MAR, ["A2"]),  # owner of NORTH: its own accounts only
        ("nina", MAR, ["A1", "A2"]),  # manager of NORTH: the whole subtree (A3 is in KEY)
        ("liam", MAR, ["A4"]),
        ("liam", JUL, []),  # lucy took LON over on JUL
        ("lucy", JUL, ["A4"]),
        ("uma", MAR, ["A6"]),  # inside sales on UK: accounts in UK itself
        ("tom", MAR, ["A7"]),  # on A7's team until JUL
        ("tom", JUL, []),
        ("nobody", MAR, []),
    ],
)
def test_accounts_a_user_may_see(
    visibility: Visibility, user: str, on: date, expected: list[str]
) -> None:
    assert visibility.accounts_of(user, on) == expected
    for account in ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]:
        assert visibility.can_access(user, account, on) == (account in expected)


def test_check_raises_access_denied_naming_user_and_account(visibility: Visibility) -> None:
    visibility.check("nina", "A1", MAR)
    with pytest.raises(AccessDenied, match="user 'mia' may not access account 'A4'") as caught:
        visibility.check("mia", "A4", MAR)
    assert (caught.value.user, caught.value.kind, caught.value.id) == ("mia", "account", "A4")
