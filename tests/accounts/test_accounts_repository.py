"""The accounts collection on every adapter: the conformance suite plus its queries."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wholesale_crm.accounts.model import Account, Address, Contact, Site
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money
from wholesale_crm.repositories import Collection, UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.testing.conformance import RepositoryContract

NAMES = ["Acme Foods Ltd", "Brightwell Catering", "Acme Trading GmbH", "Müller Bäckerei"]


def make_account(n: int) -> Account:
    """Accounts that spread over every index: parents, groups, tiers, tags, name tokens."""
    return Account(
        AccountId(f"ACC-{n:03d}"),
        NAMES[n % len(NAMES)],
        vat_number=f"GB{n:09d}" if n % 2 else None,
        status="active" if n % 3 else "prospect",
        customer_group=["independent", "chains", None][n % 3],
        tier=["A", "B", "C", None][n % 4],
        parent_id=AccountId("ACC-000") if n and n % 2 == 0 else None,
        tags=["north"] if n % 2 else ["south", "vip"],
        currency="GBP",
        credit_limit=Money(1000 * n, "GBP") if n % 2 else None,
        sites=[Site(f"S{n}", "ship_to", Address("GB", f"LS{n} 1AA"))],
        contacts=[Contact(f"C{n}", "Someone", email=f"a@{'acme' if n % 2 else 'bw'}.co.uk")],
    )


def change_account(account: Account) -> None:
    account.update_profile({"name": account.name + " North", "tier": "A"})
    account.tag("changed")


class TestAccountRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Account]:
        return ACCOUNTS

    @pytest.fixture
    def make(self) -> Callable[[int], Account]:
        return make_account

    @pytest.fixture
    def change(self) -> Callable[[Account], None]:
        return change_account


@pytest.fixture
def stored(new_uow: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    with new_uow() as uow:
        for n in range(8):
            uow.repository(ACCOUNTS).add(make_account(n))
        uow.commit()
    return new_uow


def ids(accounts: list[Account]) -> list[str]:
    return [a.id for a in accounts]


def test_queries_by_parent_group_tier_status_and_tag(stored: Callable[[], UnitOfWork]) -> None:
    with stored() as uow:
        repo = uow.repository(ACCOUNTS)
        assert ids(repo.find("parent", "ACC-000")) == ["ACC-002", "ACC-004", "ACC-006"]
        assert ids(repo.find("customer_group", "chains")) == ["ACC-001", "ACC-004", "ACC-007"]
        assert ids(repo.find("tier", "A")) == ["ACC-000", "ACC-004"]
        assert ids(repo.find("status", "prospect")) == ["ACC-000", "ACC-003", "ACC-006"]
        assert ids(repo.find("tag", "vip")) == ["ACC-000", "ACC-002", "ACC-004", "ACC-006"]


def test_name_tokens_answer_word_and_prefix_queries(stored: Callable[[], UnitOfWork]) -> None:
    with stored() as uow:
        repo = uow.repository(ACCOUNTS)
        # "Acme Foods Ltd" is ACC-000 and ACC-004; "Acme Trading GmbH" ACC-002 and ACC-006.
        assert ids(repo.find("name_token", "acme")) == ["ACC-000", "ACC-002", "ACC-004", "ACC-006"]
        assert ids(repo.find("name_token", "ltd")) == []  # legal forms are not indexed
        assert ids(repo.find("name_token", "muller")) == ["ACC-003", "ACC-007"]
        # Prefix "tra" by range: every token in ["tra", "tra\U0010ffff").
        assert ids(repo.find_range("name_token", "tra", "tra\U0010ffff")) == [
            "ACC-002",
            "ACC-006",
        ]


def test_duplicate_keys_find_accounts_sharing_a_vat_number(
    stored: Callable[[], UnitOfWork],
) -> None:
    with stored() as uow:
        assert ids(uow.repository(ACCOUNTS).find("duplicate_key", "vat:GB000000003")) == ["ACC-003"]
