"""Merging a duplicate into its survivor: what moves, clashes, hierarchy, events."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.accounts.merge import MergeResult, merge
from wholesale_crm.accounts.model import (
    Account,
    AccountParentChanged,
    AccountProfileUpdated,
    AccountsMerged,
    Address,
    Contact,
    Site,
)
from wholesale_crm.accounts.terms import EndOfMonth
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money

ON = date(2026, 5, 4)
BIRMINGHAM = Address("GB", "B1 1AA", "GB-BIR", "Birmingham", "1 Broad Street")
SOLIHULL = Address("GB", "B91 3QB", "GB-SOL", "Solihull", "9 Station Road")


def survivor() -> Account:
    return Account(
        AccountId("KEEP"),
        "Brightwell Catering Ltd",
        currency="GBP",
        tags=["catering"],
        attributes={"delivery_window": "06:00-09:00", "po_required": "yes"},
        sites=[
            Site("B1", "bill_to", BIRMINGHAM, is_default=True),
            Site("S1", "ship_to", BIRMINGHAM, is_default=True),
        ],
        contacts=[
            Contact("C1", "Greta de Vries", email="greta@brightwell.co.uk"),
            Contact("C2", "Hamza Lefevre", primary=True),
        ],
        merged_ids=[AccountId("OLDER")],
    )


def duplicate() -> Account:
    return Account(
        AccountId("DUP"),
        "Brightwell Catering Limited",
        currency="GBP",
        vat_number="GB123456789",
        industry="catering",
        strategic=True,
        credit_limit=Money("15000", "GBP"),
        payment_terms=EndOfMonth(30),
        tags=["midlands"],
        attributes={"delivery_window": "07:00-10:00", "gate_code": "4471"},
        sites=[
            Site("B1", "bill_to", BIRMINGHAM, is_default=True),  # same place, same id: once
            Site("S1", "ship_to", SOLIHULL, is_default=True),  # same id, another place
            Site("S7", "ship_to", SOLIHULL),
        ],
        contacts=[
            Contact("C1", "Ines Patel", email="ines@brightwell.co.uk", primary=True),
            Contact("C3", "Ben Byrne", left_on=date(2025, 12, 31)),
        ],
        merged_ids=[AccountId("OLDEST")],
    )


def test_merge_moves_everything_and_reports_the_clashes() -> None:
    keep, dup = survivor(), duplicate()
    child = Account(AccountId("BRANCH"), "Brightwell Solihull", parent_id=AccountId("DUP"))
    result = merge(keep, dup, children=[child], on=ON)
    assert result == MergeResult(
        survivor_id="KEEP",
        merged_id="DUP",
        moved_contacts=("DUP/C1", "C3"),
        moved_sites=("DUP/S1", "S7"),
        renamed_contacts=(("C1", "DUP/C1"),),
        renamed_sites=(("S1", "DUP/S1"),),
        reparented=("BRANCH",),
        attribute_conflicts=("delivery_window",),
    )
    assert [c.id for c in keep.contacts] == ["C1", "C2", "DUP/C1", "C3"]
    assert [c.id for c in keep.contacts if c.primary] == ["C2"]  # the survivor's primary stays
    assert keep.contact("C3").left_on == date(2025, 12, 31)  # history moves too
    assert [s.id for s in keep.sites] == ["B1", "S1", "DUP/S1", "S7"]
    assert [s.id for s in keep.sites if s.is_default] == ["B1", "S1"]
    assert keep.site("DUP/S1").address == SOLIHULL
    assert keep.tags == ["catering", "midlands"]
    assert keep.attributes == {
        "delivery_window": "06:00-09:00",  # the survivor's value wins
        "po_required": "yes",
        "gate_code": "4471",
    }
    # Empty profile fields are filled from the duplicate; flags are kept if either has them.
    assert keep.vat_number == "GB123456789"
    assert keep.industry == "catering"
    assert keep.credit_limit == Money("15000", "GBP")
    assert keep.payment_terms == EndOfMonth(30)
    assert keep.strategic
    assert keep.merged_ids == ["OLDER", "DUP", "OLDEST"]
    assert child.parent_id == "KEEP"
    assert keep.pull_events() == [
        AccountProfileUpdated(
            "KEEP", ("credit_limit", "industry", "payment_terms", "strategic", "vat_number")
        ),
        AccountsMerged("KEEP", "DUP", ON, ("BRANCH",), (("S1", "DUP/S1"),), (("C1", "DUP/C1"),)),
    ]
    assert child.pull_events() == [AccountParentChanged("BRANCH", "DUP", "KEEP")]


def test_moved_primary_and_defaults_stay_when_the_survivor_has_none() -> None:
    keep = Account(AccountId("KEEP"), "Brightwell")
    dup = duplicate()
    merge(keep, dup, on=ON)
    assert [c.id for c in keep.contacts if c.primary] == ["C1"]
    assert [s.id for s in keep.sites if s.is_default] == ["B1", "S1"]


def test_a_survivor_under_the_duplicate_takes_the_duplicates_parent() -> None:
    dup = Account(AccountId("DUP"), "Acme Group", parent_id=AccountId("TOP"))
    keep = Account(AccountId("KEEP"), "Acme Group Ltd", parent_id=AccountId("DUP"))
    sibling = Account(AccountId("SIB"), "Acme North", parent_id=AccountId("DUP"))
    result = merge(keep, dup, children=[keep, sibling], on=ON)
    assert keep.parent_id == "TOP"
    assert sibling.parent_id == "KEEP"
    assert result.reparented == ("SIB",)


def test_clashing_renamed_ids_get_a_counter() -> None:
    keep = Account(
        AccountId("KEEP"),
        "Acme",
        contacts=[Contact("C1", "A"), Contact("DUP/C1", "B")],
    )
    dup = Account(AccountId("DUP"), "Acme", contacts=[Contact("C1", "C")])
    result = merge(keep, dup, on=ON)
    assert result.renamed_contacts == (("C1", "DUP/C1-2"),)


def test_refusals() -> None:
    keep = survivor()
    with pytest.raises(ValidationError) as caught:
        merge(keep, keep, on=ON)
    assert caught.value.paths == ("duplicate_id",)
    closed = Account(AccountId("SHUT"), "Closed", status="closed")
    with pytest.raises(ValidationError) as caught:
        merge(closed, duplicate(), on=ON)
    assert caught.value.paths == ("survivor_id",)
    stranger = Account(AccountId("X"), "Stranger", parent_id=AccountId("ELSEWHERE"))
    with pytest.raises(ValidationError) as caught:
        merge(survivor(), duplicate(), children=[stranger], on=ON)
    assert caught.value.paths == ("children",)


# -- a merge never loses a contact ----------------------------------------------------------

contact_ids = st.sampled_from(["C1", "C2", "C3", "DUP/C1", "C4"])
contacts_strategy = st.lists(
    st.builds(
        Contact,
        contact_ids,
        st.sampled_from(["Ann", "Bob", "Cy"]),
        email=st.sampled_from([None, "a@x.com"]),
        primary=st.booleans(),
        left_on=st.sampled_from([None, date(2025, 1, 31)]),
    ),
    max_size=5,
    unique_by=lambda c: c.id,
).filter(lambda cs: sum(c.primary and c.left_on is None for c in cs) <= 1)


@given(contacts_strategy, contacts_strategy)
def test_a_merge_never_loses_a_contact(mine: list[Contact], theirs: list[Contact]) -> None:
    keep = Account(AccountId("KEEP"), "Acme", contacts=mine)
    dup = Account(AccountId("DUP"), "Acme", contacts=theirs)
    merge(keep, dup, on=ON)

    def person(c: Contact) -> str:
        return f"{c.name}|{c.role}|{c.email}|{c.left_on}"

    assert len(keep.contacts) == len(mine) + len(theirs)
    assert sorted(map(person, keep.contacts)) == sorted(map(person, [*mine, *theirs]))
    assert len({c.id for c in keep.contacts}) == len(keep.contacts)  # ids stay unique
    assert sum(c.primary and c.is_current for c in keep.contacts) <= 1
