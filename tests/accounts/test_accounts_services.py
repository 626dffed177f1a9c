"""Account services on the in-memory adapter: outcomes, events, and nothing changed on error."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from wholesale_crm.accounts.credit import CreditPolicy
from wholesale_crm.accounts.duplicates import DuplicateCandidate
from wholesale_crm.accounts.model import (
    Account,
    AccountOpened,
    AccountParentChanged,
    AccountsMerged,
    AccountStatus,
    AccountStatusChanged,
    Address,
    Contact,
    Site,
)
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.errors import (
    DuplicateRecord,
    NotFound,
    PolicyViolation,
    RuleError,
    ValidationError,
)
from wholesale_crm.events import MessageBus
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.samples.accounts import CREDIT_GROUP_LIMITS, build
from wholesale_crm.serialization import to_dict
from wholesale_crm.services import accounts as svc

ON = date(2026, 4, 1)
LEEDS = Address("GB", "LS1 4AP", "GB-LDS", "Leeds")


def acc(id: str, name: str, **fields: Any) -> Account:
    return Account(AccountId(id), name, currency="GBP", **fields)


@pytest.fixture
def uow() -> MemoryUnitOfWork:
    """HQ with two branches (one sharing its credit) and an unrelated account."""
    uow = MemoryUnitOfWork(bus=MessageBus())
    with uow:
        repo = uow.repository(ACCOUNTS)
        repo.add(acc("HQ", "Harbour Kitchen Group", credit_limit=Money("60000", "GBP")))
        repo.add(acc("B1", "Harbour Kitchen Leeds", parent_id="HQ", shares_credit_with_group=True))
        repo.add(acc("B2", "Harbour Kitchen Leith", parent_id="B1"))
        repo.add(
            acc(
                "SOLO",
                "Brightwell Catering Ltd",
                vat_number="GB123456789",
                sites=[Site("S1", "ship_to", LEEDS, is_default=True)],
                contacts=[Contact("C1", "Ann Okafor", email="ann@brightwell.co.uk")],
            )
        )
        uow.commit()
    uow.bus.published.clear()
    return uow


def snapshot(uow: MemoryUnitOfWork) -> list[Any]:
    with uow:
        return [(a.version, to_dict(a)) for a in uow.repository(ACCOUNTS)]


def get(uow: MemoryUnitOfWork, id: str) -> Account:
    with uow:
        return uow.repository(ACCOUNTS).get(id)


def refuses(
    uow: MemoryUnitOfWork, error: type[Exception], action: Callable[[], object]
) -> pytest.ExceptionInfo[Any]:
    """Run `action`, expect `error`, and check the store and the bus did not change."""
    before = snapshot(uow)
    with pytest.raises(error) as caught:
        action()
    assert snapshot(uow) == before
    assert uow.bus.published == []
    return caught


# -- opening --------------------------------------------------------------------------------


def test_open_account_stores_it_and_publishes_account_opened(uow: MemoryUnitOfWork) -> None:
    new = acc("B3", "Harbour Kitchen Ancoats", parent_id="HQ")
    opened = svc.open_account(uow, new, on=ON)
    assert opened.version == 1
    assert get(uow, "B3").parent_id == "HQ"
    assert uow.bus.published == [
        AccountOpened("B3", "Harbour Kitchen Ancoats", AccountStatus.PROSPECT, "HQ", ON)
    ]


def test_open_account_refuses_an_unknown_parent(uow: MemoryUnitOfWork) -> None:
    new = acc("B3", "Harbour Kitchen Ancoats", parent_id="GHOST")
    caught = refuses(uow, ValidationError, lambda: svc.open_account(uow, new, on=ON))
    assert caught.value.paths == ("parent_id",)
    assert new.pending_events == ()


def test_open_account_refuses_a_taken_id(uow: MemoryUnitOfWork) -> None:
    refuses(uow, DuplicateRecord, lambda: svc.open_account(uow, acc("SOLO", "Zed"), on=ON))


def test_open_account_refuses_a_likely_duplicate_until_confirmed(uow: MemoryUnitOfWork) -> None:
    new = acc("NEW", "BRIGHTWELL CATERING LIMITED", vat_number="gb 123456789")
    caught = refuses(uow, PolicyViolation, lambda: svc.open_account(uow, new, on=ON))
    # Same name (0.6) + same VAT number (0.6) = 1.2, capped at 1.
    assert caught.value.details == [
        DuplicateCandidate("SOLO", 1.0, ("same name", "same VAT number GB123456789"))
    ]
    assert "NEW may duplicate SOLO (1.00)" in str(caught.value)
    assert svc.screen_duplicates(uow, new) == caught.value.details
    svc.open_account(uow, new, on=ON, distinct_from=[AccountId("SOLO")])
    assert "NEW" in [a.id for a in svc.search_accounts(uow, "brightwell")]


# -- updates --------------------------------------------------------------------------------


def test_update_account(uow: MemoryUnitOfWork) -> None:
    updated = svc.update_account(uow, AccountId("SOLO"), {"tier": "A", "industry": "catering"})
    assert (updated.version, updated.tier, get(uow, "SOLO").industry) == (2, "A", "catering")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"name": ""}, "name"),
        ({"tier": "Z"}, "tier"),
        ({"credit_limit": Money("-100", "GBP")}, "credit_limit"),
        ({"status": "active"}, "status"),
    ],
)
def test_update_account_refuses_bad_values_and_changes_nothing(
    uow: MemoryUnitOfWork, changes: dict[str, Any], path: str
) -> None:
    caught = refuses(
        uow, ValidationError, lambda: svc.update_account(uow, AccountId("SOLO"), changes)
    )
    assert caught.value.paths == (path,)


def test_change_status(uow: MemoryUnitOfWork) -> None:
    svc.change_status(uow, AccountId("SOLO"), "active", on=ON)
    assert get(uow, "SOLO").status is AccountStatus.ACTIVE
    assert uow.bus.published == [
        AccountStatusChanged("SOLO", AccountStatus.PROSPECT, AccountStatus.ACTIVE, ON)
    ]
    uow.bus.published.clear()
    caught = refuses(
        uow,
        ValidationError,
        lambda: svc.change_status(uow, AccountId("SOLO"), "prospect", on=ON),
    )
    assert caught.value.paths == ("status",)


def test_unknown_account_is_not_found(uow: MemoryUnitOfWork) -> None:
    refuses(uow, NotFound, lambda: svc.change_status(uow, AccountId("NOPE"), "active", on=ON))


# -- hierarchy ------------------------------------------------------------------------------


def test_set_parent_moves_an_account(uow: MemoryUnitOfWork) -> None:
    svc.set_parent(uow, AccountId("SOLO"), AccountId("B2"))
    assert get(uow, "SOLO").parent_id == "B2"
    assert uow.bus.published == [AccountParentChanged("SOLO", None, "B2")]


def test_set_parent_refuses_a_cycle_naming_its_ids(uow: MemoryUnitOfWork) -> None:
    caught = refuses(uow, RuleError, lambda: svc.set_parent(uow, AccountId("HQ"), AccountId("B2")))
    assert caught.value.ids == ("HQ", "B2", "B1")


def test_set_parent_refuses_an_unknown_parent(uow: MemoryUnitOfWork) -> None:
    caught = refuses(
        uow, ValidationError, lambda: svc.set_parent(uow, AccountId("SOLO"), AccountId("GHOST"))
    )
    assert caught.value.paths == ("parent_id",)


# -- contacts and sites ---------------------------------------------------------------------


def test_contacts_and_sites(uow: MemoryUnitOfWork) -> None:
    svc.add_contact(uow, AccountId("SOLO"), Contact("C2", "Ben Byrne", primary=True))
    svc.contact_left(uow, AccountId("SOLO"), "C1", on=ON)
    svc.add_site(uow, AccountId("SOLO"), Site("B1", "bill_to", LEEDS, is_default=True))
    solo = get(uow, "SOLO")
    assert [c.id for c in solo.current_contacts] == ["C2"]
    assert solo.contact("C1").left_on == ON
    assert [s.id for s in solo.sites] == ["S1", "B1"]
    assert solo.version == 4


def test_contact_and_site_errors_change_nothing(uow: MemoryUnitOfWork) -> None:
    solo = AccountId("SOLO")
    refuses(uow, ValidationError, lambda: svc.add_contact(uow, solo, Contact("C1", "Again")))
    refuses(uow, ValidationError, lambda: svc.contact_left(uow, solo, "C9", on=ON))
    refuses(uow, ValidationError, lambda: svc.add_site(uow, solo, Site("S1", "ship_to", LEEDS)))


# -- merge ----------------------------------------------------------------------------------


def test_merge_accounts_leaves_nothing_pointing_at_the_removed_account(
    uow: MemoryUnitOfWork,
) -> None:
    result = svc.merge_accounts(uow, AccountId("HQ"), AccountId("B1"), on=ON)
    assert result.reparented == ("B2",)
    with uow:
        repo = uow.repository(ACCOUNTS)
        assert "B1" not in repo
        assert repo.find("parent", "B1") == []
        assert [a.id for a in repo.find("parent", "HQ")] == ["B2"]
        assert repo.get("HQ").merged_ids == ["B1"]
        assert repo.get("HQ").shares_credit_with_group  # kept: either had it
    assert AccountsMerged("HQ", "B1", ON, ("B2",)) in uow.bus.published


def test_merge_accounts_errors_change_nothing(uow: MemoryUnitOfWork) -> None:
    refuses(uow, NotFound, lambda: svc.merge_accounts(uow, AccountId("HQ"), "GHOST", on=ON))
    refuses(uow, ValidationError, lambda: svc.merge_accounts(uow, "HQ", AccountId("HQ"), on=ON))


# -- search ---------------------------------------------------------------------------------


def test_search_accounts_by_words_and_last_word_prefix(uow: MemoryUnitOfWork) -> None:
    assert [a.id for a in svc.search_accounts(uow, "harbour")] == ["HQ", "B1", "B2"]
    assert [a.id for a in svc.search_accounts(uow, "HARBOUR kitchen le")] == ["B1", "B2"]
    assert [a.id for a in svc.search_accounts(uow, "kitchen lee")] == ["B1"]
    assert [a.id for a in svc.search_accounts(uow, "harbour", limit=1)] == ["HQ"]
    assert svc.search_accounts(uow, "nowhere") == []
    svc.open_account(uow, Account(AccountId("DE1"), "Müller Bäckerei GmbH", currency="EUR"), on=ON)
    assert [a.id for a in svc.search_accounts(uow, "MULLER back")] == ["DE1"]
    with pytest.raises(ValidationError) as caught:
        svc.search_accounts(uow, " - ")
    assert caught.value.paths == ("query",)


# -- credit ---------------------------------------------------------------------------------


def test_check_credit_walks_up_the_stored_hierarchy(uow: MemoryUnitOfWork) -> None:
    policy = CreditPolicy()
    # B2 has no limit and does not share: it inherits HQ's 60,000 through B1 as its own line.
    check = svc.check_credit(
        uow, AccountId("B2"), Money("10000", "GBP"), Money("500", "GBP"), policy
    )
    assert (check.limit, check.source, check.available) == (
        Money("60000", "GBP"),
        "parent:HQ",
        Money("50000", "GBP"),
    )
    # B1 shares HQ's line: pool exposure 59,000 leaves 1,000; 1,500 is refused.
    caught = refuses(
        uow,
        PolicyViolation,
        lambda: svc.check_credit(
            uow, AccountId("B1"), Money("59000", "GBP"), Money("1500", "GBP"), policy
        ),
    )
    assert caught.value.details["available"] == Money("1000", "GBP")
    assert caught.value.details["source"] == "parent:HQ"


# -- on the sample data ---------------------------------------------------------------------


def test_services_on_the_sample_accounts() -> None:
    uow = MemoryUnitOfWork()
    samples = build(random.Random(7))
    with uow:
        for account in samples:
            uow.repository(ACCOUNTS).add(account)
        uow.commit()
    twin = next(a for a in samples if a.id == "ACC-041")
    candidates = svc.screen_duplicates(uow, twin)
    assert [c.account_id for c in candidates] == ["ACC-030"]
    result = svc.merge_accounts(uow, AccountId("ACC-030"), AccountId("ACC-041"), on=ON)
    assert result.merged_id == "ACC-041"
    assert [a.id for a in svc.search_accounts(uow, "rheinland gastro")] == [
        "ACC-020",  # rheinland gastro (GmbH dropped)
        "ACC-021",  # ... altstadt
        "ACC-022",  # ... hafencity
        "ACC-023",  # ... schwabing
    ]
    policy = CreditPolicy(CREDIT_GROUP_LIMITS)
    check = svc.check_credit(
        uow, AccountId("ACC-003"), Money("1200", "GBP"), Money("800", "GBP"), policy
    )
    assert (check.limit, check.source) == (Money("5000", "GBP"), "group:independent-uk")


def test_a_shared_credit_line_stays_in_one_currency() -> None:
    from wholesale_crm.adapters.memory import MemoryUnitOfWork
    from wholesale_crm.services import accounts as service

    uow = MemoryUnitOfWork()
    on = date(2026, 6, 1)
    service.open_account(uow, Account("HQ", "Harbour Kitchen Group", currency="GBP"), on=on)
    branch = Account(
        "BR", "Rheinland Branch", currency="EUR", parent_id="HQ", shares_credit_with_group=True
    )
    with pytest.raises(ValidationError, match="shares the credit line of HQ") as caught:
        service.open_account(uow, branch, on=on)
    assert caught.value.paths == ("currency",)
    leeds = Account("BR2", "Leeds Branch", currency="GBP", parent_id="HQ")
    service.open_account(uow, leeds, on=on)
    service.update_account(uow, "BR2", {"shares_credit_with_group": True})
    with pytest.raises(ValidationError, match="BR2 shares this account's credit line"):
        service.update_account(uow, "HQ", {"currency": "EUR"})
