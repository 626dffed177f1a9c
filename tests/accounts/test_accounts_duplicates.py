"""Duplicate detection: name normalisation, scoring by hand, blocking, properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.accounts.duplicates import (
    DuplicateCandidate,
    DuplicateIndex,
    blocking_keys,
    find_duplicates,
    normalise_name,
    score_pair,
    screening_keys,
)
from wholesale_crm.accounts.model import Account, Address, Contact, Site
from wholesale_crm.ids import AccountId


def account(
    id: str,
    name: str,
    *,
    vat: str | None = None,
    emails: tuple[str, ...] = (),
    postcodes: tuple[str, ...] = (),
) -> Account:
    return Account(
        AccountId(id),
        name,
        vat_number=vat,
        contacts=[Contact(f"{id}-C{i}", "Someone", email=e) for i, e in enumerate(emails)],
        sites=[Site(f"{id}-S{i}", "ship_to", Address("GB", p)) for i, p in enumerate(postcodes)],
    )


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("ACME Ltd", "acme"),
        ("Acme Limited.", "acme"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Brasserie Lumière S.A.R.L.", "brasserie lumiere"),
        ("Smith & Sons plc", "smith sons"),
        ("Smith and Sons PLC", "smith sons"),
        ("The Green Grocer, Inc.", "green grocer"),
        ("De Gouden Lepel B.V.", "de gouden lepel"),
        ("Société Générale S.A.", "societe generale"),
        ("Taberna El Olivo S.L.", "taberna el olivo"),
        ("O'Brien's Bakery LLC", "obriens bakery"),
        ("Ltd", "ltd"),  # nothing but a legal form: kept rather than emptied
        ("SA Foods", "sa foods"),  # legal forms go only from the end
    ],
)
def test_normalise_name(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


def test_similar_names_score_by_bigram_overlap() -> None:
    # northgate: no or rt th hg ga at te (8 bigrams); foods: fo oo od ds (4); food: fo oo od (3).
    # Shared 8 + 3 = 11; Dice = 2 * 11 / (12 + 11) = 22/23 = 0.9565; 0.6 x 0.9565 = 0.574.
    new = account("NEW", "Northgate Food Limited")
    old = account("OLD", "Northgate Foods Ltd")
    assert score_pair(new, old) == DuplicateCandidate("OLD", 0.574, ("similar name (0.96)",))
    assert find_duplicates(new, [old]) == []  # below the default threshold of 0.6
    assert [c.account_id for c in find_duplicates(new, [old], threshold=0.5)] == ["OLD"]


def test_signals_add_up_and_are_explained() -> None:
    new = account(
        "NEW",
        "Northgate Food Limited",
        emails=("ann@northgate-food.co.uk", "bob@gmail.com"),
        postcodes=("m4 1hn",),
    )
    old = account(
        "OLD",
        "Northgate Foods Ltd",
        emails=("cy@northgate-food.co.uk", "dee@gmail.com"),
        postcodes=("M41HN",),
    )
    # 0.574 (name) + 0.3 (domain) + 0.2 (postcode) = 1.074, capped at 1.
    assert score_pair(new, old) == DuplicateCandidate(
        "OLD",
        1.0,
        (
            "similar name (0.96)",
            "shared email domain northgate-food.co.uk",  # gmail.com is free mail: ignored
            "shared postal code GB M41HN",
        ),
    )


def test_same_vat_number_alone_reaches_the_threshold() -> None:
    new = account("NEW", "Brightwell Events", vat="GB 123 456 789")
    old = account("OLD", "Kelvin Kitchen", vat="GB123456789")
    assert score_pair(new, old) == DuplicateCandidate("OLD", 0.6, ("same VAT number GB123456789",))
    assert [c.account_id for c in find_duplicates(new, [old])] == ["OLD"]


def test_different_vat_numbers_count_against() -> None:
    # Same name (0.6) but two VAT registrations (-0.3): two legal entities, 0.3.
    new = account("NEW", "Acme GmbH", vat="DE111111111")
    old = account("OLD", "ACME Ltd", vat="GB222222222")
    candidate = score_pair(new, old)
    assert candidate.score == 0.3
    assert candidate.reasons == ("same name", "different VAT numbers DE111111111 / GB222222222")


def test_free_mail_and_unrelated_names_do_not_match() -> None:
    new = account("NEW", "Penrose Farm Shop", emails=("penrose@gmail.com",))
    old = account("OLD", "Kelvin Street Kitchen", emails=("kelvin@gmail.com",))
    assert score_pair(new, old) == DuplicateCandidate("OLD", 0.0, ())


def test_names_of_punctuation_only_do_not_match_each_other() -> None:
    assert normalise_name("---") == ""
    assert score_pair(account("A", "---"), account("B", "***")).score == 0.0


def test_results_are_sorted_by_score_then_id_and_exclude_the_candidate() -> None:
    new = account("NEW", "Acme Trading", vat="GB999999999")
    existing = [
        account("B", "Acme Trading Ltd"),  # same name: 0.6
        account("A", "ACME trading"),  # same name: 0.6
        account("C", "Acme Trading", vat="GB999999999"),  # name + VAT: 1.0
        account("NEW", "Acme Trading"),  # the candidate itself, stored already
        account("D", "Zenith Supplies"),
    ]
    found = find_duplicates(new, existing)
    assert [(c.account_id, c.score) for c in found] == [("C", 1.0), ("A", 0.6), ("B", 0.6)]


def test_blocking_keys() -> None:
    a = account(
        "A",
        "Brightwell Catering Ltd",
        vat="GB123456789",
        emails=("x@brightwell.co.uk", "y@gmail.com"),
        postcodes=("B1 1AA",),
    )
    grams = "at br ca el er gh ht ig in ll ng ri te tw we"  # bigrams of both words, sorted
    assert blocking_keys(a) == [
        "email:brightwell.co.uk",
        f"grams:{grams}",
        "name:brightwell",
        "name:catering",
        "postal:GB B11AA",
        "prefix:brig",
        "prefix:cate",
        "vat:GB123456789",
    ]
    # From the threshold of 0.6 up, the strong keys alone find every candidate.
    assert screening_keys(a) == [
        "email:brightwell.co.uk",
        f"grams:{grams}",
        "postal:GB B11AA",
        "vat:GB123456789",
    ]
    assert screening_keys(a, threshold=0.5) == blocking_keys(a)


def test_reordered_words_match_through_the_bigram_key() -> None:
    # Same bigrams, other order: similarity 1.0, score 0.6, found on the strong keys alone.
    found = find_duplicates(account("NEW", "Foods Acme"), [account("OLD", "Acme Foods Ltd")])
    assert found == [DuplicateCandidate("OLD", 0.6, ("same name",))]


def test_a_typo_late_in_a_word_is_still_found_through_the_prefix_key() -> None:
    new = account("NEW", "Brightwel Cateirng")
    old = account("OLD", "Brightwell Catering")
    found = find_duplicates(new, [old], threshold=0.0)
    assert [c.account_id for c in found] == ["OLD"]


def test_index_skips_keys_shared_by_too_many_accounts() -> None:
    stores = [
        account(f"S{i}", f"Foods {word}") for i, word in enumerate(["North", "South", "West"])
    ]
    candidate = account("NEW", "Foods")
    # "foods" (and its prefix "food") files all three: over a block of 2 it is not used.
    assert find_duplicates(candidate, DuplicateIndex(stores, max_block=2), threshold=0) == []
    found = find_duplicates(candidate, DuplicateIndex(stores, max_block=3), threshold=0)
    assert sorted(c.account_id for c in found) == ["S0", "S1", "S2"]


def test_index_add_replace_and_remove() -> None:
    index = DuplicateIndex()
    index.add(account("A", "Acme"))
    index.add(account("A", "Zenith"))  # replaces the earlier version
    assert len(index) == 1
    assert find_duplicates(account("NEW", "Acme"), index) == []
    assert [c.account_id for c in find_duplicates(account("NEW", "Zenith"), index)] == ["A"]
    index.remove(AccountId("A"))
    index.remove(AccountId("GONE"))  # unknown: ignored
    assert len(index) == 0 and list(index) == []


# -- properties -----------------------------------------------------------------------------

WORDS = ["Acme", "Northgate", "Foods", "Food", "Müller", "Brightwell", "Ltd", "GmbH", "& Co.", "-"]
accounts_strategy = st.builds(
    account,
    st.sampled_from(["A", "B", "C", "D"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
    vat=st.sampled_from([None, "GB123456789", "DE987654321"]),
    emails=st.lists(
        st.sampled_from(["a@gmail.com", "b@acme.co.uk", "c@northgate.de"]), max_size=2
    ).map(tuple),
    postcodes=st.lists(st.sampled_from(["LS1 4AP", "M4 1HN", "ls14ap"]), max_size=2).map(tuple),
)


@given(accounts_strategy, accounts_strategy)
def test_scoring_is_symmetric_and_bounded(a: Account, b: Account) -> None:
    ab, ba = score_pair(a, b), score_pair(b, a)
    assert ab.score == ba.score
    assert ab.reasons == ba.reasons
    assert 0.0 <= ab.score <= 1.0


@given(accounts_strategy, st.lists(accounts_strategy, max_size=6), st.randoms())
def test_screening_does_not_depend_on_input_order(
    candidate: Account, existing: list[Account], rng: random.Random
) -> None:
    unique = list({a.id: a for a in existing}.values())
    shuffled = unique[:]
    rng.shuffle(shuffled)
    assert find_duplicates(candidate, unique, threshold=0.3) == find_duplicates(
        candidate, shuffled, threshold=0.3
    )


@given(accounts_strategy, st.lists(accounts_strategy, max_size=6), st.sampled_from([0.6, 0.8]))
def test_blocking_finds_what_comparing_with_everyone_finds(
    candidate: Account, existing: list[Account], threshold: float
) -> None:
    unique = list({a.id: a for a in existing}.values())
    everyone = [score_pair(candidate, other) for other in unique if other.id != candidate.id]
    expected = sorted(
        (c for c in everyone if c.score >= threshold), key=lambda c: (-c.score, c.account_id)
    )
    assert find_duplicates(candidate, unique, threshold=threshold) == expected
