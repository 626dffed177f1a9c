"""The Account aggregate: construction, validation, lifecycle, profile, sites, contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from wholesale_crm.accounts.model import (
    Account,
    AccountOpened,
    AccountParentChanged,
    AccountProfileUpdated,
    AccountStatus,
    AccountStatusChanged,
    Address,
    Contact,
    ContactRole,
    Site,
    SiteRole,
    Tier,
)
from wholesale_crm.accounts.terms import NetDays
from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money
from wholesale_crm.serialization import from_dict, to_dict

ON = date(2026, 3, 2)
LEEDS = Address("gb", "LS1 4AP", "GB-LDS", "Leeds", "1 Park Row")


def account(**changes: Any) -> Account:
    fields: dict[str, Any] = {"id": "ACC-1", "name": "Brightwell Catering", "currency": "GBP"}
    fields.update(changes)
    return Account(**fields)


def test_a_new_account_is_a_prospect_with_sensible_defaults() -> None:
    a = account()
    assert a.status is AccountStatus.PROSPECT
    assert (a.locale, a.timezone, a.tier, a.strategic) == ("en_GB", "UTC", None, False)
    assert a.tags == [] and a.sites == [] and a.contacts == [] and a.merged_ids == []


def test_full_profile_round_trips_through_the_converter() -> None:
    a = account(
        legal_name="Brightwell Catering Ltd",
        vat_number="GB 123 4567 89",
        status="active",
        customer_group="independent-uk",
        industry="catering",
        segment="contract",
        tags=["vip", "north", "vip"],
        locale="en_GB",
        timezone="Europe/London",
        tier="A",
        strategic=True,
        credit_limit=Money("15000", "GBP"),
        sites=[Site("S1", "bill_to", LEEDS, is_default=True)],
        contacts=[Contact("C1", "Amira Okafor", "buyer", "amira@brightwell.co.uk", primary=True)],
        attributes={"delivery_window": "06:00-09:00"},
    )
    assert a.vat_number == "GB123456789"  # spaces dropped, one canonical spelling
    assert a.tags == ["north", "vip"]
    assert a.tier is Tier.A
    assert a.sites[0].address.country == "GB"  # upper-cased
    again = from_dict(Account, to_dict(a))
    assert to_dict(again) == to_dict(a)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"id": ""}, "id"),
        ({"name": "  "}, "name"),
        ({"currency": "XXY"}, "currency"),
        ({"locale": "xx_NOPE"}, "locale"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"tier": "D"}, "tier"),
        ({"status": "sleeping"}, "status"),
        ({"vat_number": "GB#1"}, "vat_number"),
        ({"credit_limit": Money("-1", "GBP")}, "credit_limit"),
        ({"credit_limit": Money("100", "EUR")}, "credit_limit"),
        ({"parent_id": "ACC-1"}, "parent_id"),
        ({"attributes": {" ": "x"}}, "attributes"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        account(**changes)
    assert caught.value.paths == (path,)


def test_a_missing_field_in_a_document_is_named() -> None:
    document = to_dict(account())
    del document["name"]
    with pytest.raises(ValidationError) as caught:
        from_dict(Account, document)
    assert caught.value.paths == ("$.name",)


def test_a_malformed_contact_email_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Contact("C1", "Amira Okafor", email="amira.at.brightwell")
    assert caught.value.paths == ("email",)


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Address("UK", "LS1 4AP")  # the ISO code is GB
    assert caught.value.paths == ("country",)


def test_two_defaults_of_one_role_or_two_primaries_are_refused() -> None:
    with pytest.raises(ValidationError, match="more than one default bill_to"):
        account(
            sites=[
                Site("S1", SiteRole.BILL_TO, LEEDS, is_default=True),
                Site("S2", SiteRole.BILL_TO, LEEDS, is_default=True),
            ]
        )
    with pytest.raises(ValidationError, match="more than one primary"):
        account(contacts=[Contact("C1", "A", primary=True), Contact("C2", "B", primary=True)])


# -- lifecycle ------------------------------------------------------------------------------


def test_status_moves_along_the_lifecycle_recording_events() -> None:
    a = account()
    a.change_status("active", on=ON)
    a.change_status(AccountStatus.DORMANT, on=date(2026, 9, 1))
    a.change_status("active", on=date(2026, 10, 1))
    a.change_status("closed", on=date(2026, 12, 31))
    assert a.pull_events() == [
        AccountStatusChanged("ACC-1", AccountStatus.PROSPECT, AccountStatus.ACTIVE, ON),
        AccountStatusChanged(
            "ACC-1", AccountStatus.ACTIVE, AccountStatus.DORMANT, date(2026, 9, 1)
        ),
        AccountStatusChanged(
            "ACC-1", AccountStatus.DORMANT, AccountStatus.ACTIVE, date(2026, 10, 1)
        ),
        AccountStatusChanged(
            "ACC-1", AccountStatus.ACTIVE, AccountStatus.CLOSED, date(2026, 12, 31)
        ),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [("prospect", "dormant"), ("active", "prospect"), ("closed", "active"), ("active", "active")],
)
def test_invalid_transitions_name_the_status_and_change_nothing(start: str, target: str) -> None:
    a = account(status=start)
    with pytest.raises(ValidationError) as caught:
        a.change_status(target, on=ON)
    assert caught.value.paths == ("status",)
    assert f"from {start} to {target}" in str(caught.value)
    assert a.status == start
    assert a.pending_events == ()


def test_mark_opened_records_the_opening() -> None:
    a = account(parent_id="ACC-0")
    a.mark_opened(on=ON)
    assert a.pull_events() == [
        AccountOpened("ACC-1", "Brightwell Catering", AccountStatus.PROSPECT, "ACC-0", ON)
    ]


# -- profile and parent ---------------------------------------------------------------------


def test_update_profile_changes_several_fields_and_names_them() -> None:
    a = account(industry="catering")
    a.update_profile(
        {"name": "Brightwell Events", "tier": "B", "industry": "catering", "vat_number": "gb1234"}
    )
    assert (a.name, a.tier, a.vat_number) == ("Brightwell Events", Tier.B, "GB1234")
    assert a.pull_events() == [AccountProfileUpdated("ACC-1", ("name", "tier", "vat_number"))]


def test_update_profile_is_all_or_nothing() -> None:
    a = account()
    with pytest.raises(ValidationError) as caught:
        a.update_profile({"name": "New name", "credit_limit": Money("-5", "GBP")})
    assert caught.value.paths == ("credit_limit",)
    assert a.name == "Brightwell Catering"
    assert a.credit_limit is None
    assert a.pending_events == ()


@pytest.mark.parametrize("field", ["status", "parent_id", "sites", "colour"])
def test_update_profile_refuses_fields_with_their_own_methods_or_unknown(field: str) -> None:
    with pytest.raises(ValidationError, match="is not a profile field") as caught:
        account().update_profile({field: "x"})
    assert caught.value.paths == (field,)


def test_payment_terms_are_a_profile_field_of_the_right_type() -> None:
    a = account()
    a.update_profile({"payment_terms": NetDays(30)})
    assert a.payment_terms == NetDays(30)
    with pytest.raises(ValidationError) as caught:
        a.update_profile({"payment_terms": "net 30"})
    assert caught.value.paths == ("payment_terms",)
    assert a.payment_terms == NetDays(30)


def test_changing_currency_must_bring_the_credit_limit_along() -> None:
    a = account(credit_limit=Money("1000", "GBP"))
    with pytest.raises(ValidationError) as caught:
        a.update_profile({"currency": "EUR"})
    assert caught.value.paths == ("credit_limit",)
    a.update_profile({"currency": "EUR", "credit_limit": Money("1150", "EUR")})
    assert a.credit_limit == Money("1150", "EUR")


def test_set_parent_records_the_move_once() -> None:
    a = account()
    a.set_parent("HQ")
    a.set_parent("HQ")  # no change, no event
    a.set_parent(None)
    assert a.pull_events() == [
        AccountParentChanged("ACC-1", None, "HQ"),
        AccountParentChanged("ACC-1", "HQ", None),
    ]
    with pytest.raises(ValidationError) as caught:
        a.set_parent("ACC-1")
    assert caught.value.paths == ("parent_id",)


def test_attributes_and_tags() -> None:
    a = account()
    a.set_attribute("delivery_window", "06:00-09:00")
    a.tag("north", "vip")
    a.untag("vip")
    assert a.attributes == {"delivery_window": "06:00-09:00"}
    assert a.tags == ["north"]
    with pytest.raises(ValidationError):
        a.set_attribute("", "x")
    with pytest.raises(ValidationError):
        a.tag(" ")


# -- sites and contacts ---------------------------------------------------------------------


def test_a_new_default_site_takes_over_its_role() -> None:
    a = account(sites=[Site("B1", "bill_to", LEEDS, is_default=True)])
    a.add_site(Site("S1", "ship_to", LEEDS))
    assert a.default_site("ship_to") == a.site("S1")  # the only one of its role
    a.add_site(Site("S2", "ship_to", Address("GB", "M1 1AE"), is_default=True))
    a.add_site(Site("B2", "bill_to", LEEDS, is_default=True))
    defaults = {s.id for s in a.sites if s.is_default}
    assert defaults == {"S2", "B2"}
    with pytest.raises(ValidationError) as caught:
        a.add_site(Site("S1", "ship_to", LEEDS))
    assert caught.value.paths == ("site.id",)


def test_a_contact_who_leaves_stays_in_history() -> None:
    a = account(contacts=[Contact("C1", "Amira Okafor", primary=True)])
    a.add_contact(Contact("C2", "Ben Byrne", ContactRole.ACCOUNTS_PAYABLE))
    a.contact_left("C1", on=ON)
    assert [c.id for c in a.contacts] == ["C1", "C2"]
    assert [c.id for c in a.current_contacts] == ["C2"]
    assert a.contact("C1").left_on == ON and not a.contact("C1").primary
    a.add_contact(Contact("C3", "Chloe Schmidt", primary=True))
    assert [c.id for c in a.contacts if c.primary] == ["C3"]
    with pytest.raises(ValidationError) as caught:
        a.contact_left("C9", on=ON)
    assert caught.value.paths == ("contact_id",)
