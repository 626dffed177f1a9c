"""Credit limits: resolution (own, ancestors, customer group), shared pools, checks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.accounts.credit import CreditCheck, CreditPolicy, credit_pool
from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def account(id: str, **fields: Any) -> Account:
    return Account(AccountId(id), f"Account {id}", currency="GBP", **fields)


def by_id(*accounts: Account) -> dict[AccountId, Account]:
    return {a.id: a for a in accounts}


POLICY = CreditPolicy({"independent": gbp("5000"), "chains": gbp("20000")})


def test_own_limit_allows_what_fits_and_refuses_what_does_not() -> None:
    shop = account("SHOP", credit_limit=gbp("10000.00"))
    # 10,000.00 - 7,500.00 = 2,500.00 available; 2,000.00 fits.
    ok = POLICY.check(shop, gbp("7500.00"), gbp("2000.00"))
    assert ok == CreditCheck(
        allowed=True,
        limit=gbp("10000.00"),
        exposure=gbp("7500.00"),
        new_amount=gbp("2000.00"),
        available=gbp("2500.00"),
        source="account:SHOP",
        reason=ok.reason,
    )
    assert "£2,000.00 fits within" in ok.reason and "available £2,500.00" in ok.reason
    ok.raise_if_refused()  # allowed: nothing raised
    # 3,000.00 is 500.00 more than the 2,500.00 available.
    refused = POLICY.check(shop, gbp("7500.00"), gbp("3000.00"))
    assert not refused.allowed
    assert refused.available == gbp("2500.00")
    with pytest.raises(PolicyViolation, match="exceeds the available credit") as caught:
        refused.raise_if_refused()
    assert caught.value.details == {
        "limit": gbp("10000.00"),
        "exposure": gbp("7500.00"),
        "new_amount": gbp("3000.00"),
        "available": gbp("2500.00"),
        "source": "account:SHOP",
    }


def test_exactly_reaching_the_limit_is_allowed() -> None:
    shop = account("SHOP", credit_limit=gbp("1000"))
    assert POLICY.check(shop, gbp("600"), gbp("400")).allowed
    assert not POLICY.check(shop, gbp("600"), gbp("400.01")).allowed


def test_a_zero_limit_means_cash_only() -> None:
    shop = account("SHOP", credit_limit=gbp("0"))
    check = POLICY.check(shop, gbp("0"), gbp("0.01"))
    assert not check.allowed and check.limit == gbp("0") and check.source == "account:SHOP"


def test_over_the_limit_already_shows_negative_available() -> None:
    shop = account("SHOP", credit_limit=gbp("1000"))
    check = POLICY.check(shop, gbp("1250"), gbp("0"))
    assert check.available == gbp("-250")
    assert not check.allowed


def test_limit_falls_back_to_the_nearest_ancestor() -> None:
    hq = account("HQ", credit_limit=gbp("50000"))
    region = account("REGION", parent_id="HQ")
    branch = account("BRANCH", parent_id="REGION")
    everyone = by_id(hq, region, branch)
    check = POLICY.check(branch, gbp("49000"), gbp("1500"), accounts=everyone)
    # The branch inherits HQ's figure as its own line: 50,000 - 49,000 = 1,000 < 1,500.
    assert (check.limit, check.source, check.available) == (gbp("50000"), "parent:HQ", gbp("1000"))
    assert not check.allowed
    region.credit_limit = gbp("8000")  # a nearer ancestor with a limit wins
    assert POLICY.limit_for(branch, accounts=everyone) == (gbp("8000"), "parent:REGION")


def test_limit_falls_back_to_the_customer_group() -> None:
    group = account("GROUP")  # a buying group with no credit line of its own
    member = account("MEMBER", parent_id="GROUP", customer_group="independent")
    check = POLICY.check(member, gbp("4200"), gbp("800"), accounts=by_id(group, member))
    # 5,000 - 4,200 = 800 available: exactly fits.
    assert (check.allowed, check.limit, check.source) == (True, gbp("5000"), "group:independent")
    # Without a group of its own, the nearest ancestor's group applies.
    member.customer_group = None
    group.customer_group = "chains"
    assert POLICY.limit_for(member, accounts=by_id(group, member)) == (
        gbp("20000"),
        "group:chains",
    )


def test_no_limit_anywhere_is_allowed_and_says_so() -> None:
    check = POLICY.check(account("NEW", customer_group="unlisted"), gbp("9e6"), gbp("1e6"))
    assert check.allowed and check.limit is None and check.available is None
    assert check.source == "none"
    assert "has no credit limit" in check.reason


def test_sharing_accounts_draw_on_the_pool_heads_line() -> None:
    hq = account("HQ", credit_limit=gbp("60000"))
    north = account("NORTH", parent_id="HQ", shares_credit_with_group=True)
    # A sharing branch's own figure does not apply: the pool's line does.
    south = account("SOUTH", parent_id="HQ", shares_credit_with_group=True, credit_limit=gbp("999"))
    kiosk = account("KIOSK", parent_id="SOUTH", shares_credit_with_group=True)
    outlet = account("OUTLET", parent_id="HQ", credit_limit=gbp("5000"))  # its own line
    everyone = by_id(hq, north, south, kiosk, outlet)
    assert credit_pool(kiosk, everyone) == ["HQ", "KIOSK", "NORTH", "SOUTH"]
    assert credit_pool(outlet, everyone) == ["OUTLET"]
    # HQ's own orders draw on the same line its sharing branches use.
    assert credit_pool(hq, everyone) == ["HQ", "KIOSK", "NORTH", "SOUTH"]
    # Pool exposure 57,250.00; limit 60,000.00 -> 2,750.00 available; 3,400.00 is refused.
    check = POLICY.check(kiosk, gbp("57250.00"), gbp("3400.00"), accounts=everyone)
    assert (check.allowed, check.limit, check.available, check.source) == (
        False,
        gbp("60000"),
        gbp("2750.00"),
        "parent:HQ",
    )
    assert "shared with its group" in check.reason


def test_bad_inputs_are_named() -> None:
    shop = account("SHOP", credit_limit=gbp("100"))
    with pytest.raises(ValidationError) as caught:
        POLICY.check(shop, gbp("0"), gbp("-1"))
    assert caught.value.paths == ("new_amount",)
    with pytest.raises(ValidationError) as caught:
        POLICY.check(shop, gbp("0"), Money("1", "EUR"))
    assert caught.value.paths == ("new_amount",)
    with pytest.raises(ValidationError) as caught:
        POLICY.check(shop, Money("0", "EUR"), Money("1", "EUR"))
    assert caught.value.paths == ("exposure",)
    orphan = account("BRANCH", parent_id="HQ")
    with pytest.raises(ValidationError) as caught:
        POLICY.check(orphan, gbp("0"), gbp("1"))
    assert caught.value.paths == ("accounts",)
    with pytest.raises(ValidationError) as caught:
        POLICY.check(orphan, gbp("0"), gbp("1"), accounts={})
    assert caught.value.paths == ("parent_id",)
    with pytest.raises(ValidationError) as caught:
        CreditPolicy({"chains": gbp("-1")})
    assert caught.value.paths == ("group_limits['chains']",)


@given(
    limit=st.integers(0, 10**6),
    exposure=st.integers(-(10**5), 10**6),
    new=st.integers(0, 10**6),
)
def test_allowed_exactly_when_the_amount_fits(limit: int, exposure: int, new: int) -> None:
    shop = account("SHOP", credit_limit=Money(limit, "GBP"))
    check = POLICY.check(shop, Money(exposure, "GBP"), Money(new, "GBP"))
    assert check.allowed == (exposure + new <= limit)
    assert check.available == Money(limit - exposure, "GBP")
