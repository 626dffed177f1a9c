"""The sample accounts and the accounts demo section."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

import attrs

from wholesale_crm.accounts.hierarchy import Hierarchy
from wholesale_crm.accounts.model import Account, AccountStatus
from wholesale_crm.demo.accounts import show
from wholesale_crm.samples.accounts import build
from wholesale_crm.serialization import from_dict, to_dict


@attrs.define
class Data:
    accounts: Sequence[Account]


def test_samples_are_deterministic_for_a_seed() -> None:
    first, again, other = (build(random.Random(s)) for s in (7, 7, 8))
    assert [to_dict(a) for a in first] == [to_dict(a) for a in again]
    assert [to_dict(a) for a in first] != [to_dict(a) for a in other]
    assert [a.id for a in first] == [a.id for a in other]  # same structure, other details


def test_samples_hold_the_advertised_structure() -> None:
    accounts = build(random.Random(7))
    assert len(accounts) == 40
    assert [a.id for a in accounts] == sorted(a.id for a in accounts)
    tree = Hierarchy(accounts)  # parents exist, no cycles
    assert len(tree.children("ACC-001")) == 8  # the buying group's members
    assert len(tree.children("ACC-010")) == 6  # UK head office branches
    assert {a.tier for a in accounts} >= {"A", "B", "C"}
    assert {a.sites[0].address.country for a in accounts} >= {"GB", "DE", "FR", "NL", "IE"}
    assert {a.status for a in accounts} == set(AccountStatus) - {AccountStatus.CLOSED}
    branches = [tree.get(i) for i in tree.children("ACC-010")]
    assert all(b.shares_credit_with_group and b.credit_limit is None for b in branches)
    for account in accounts:
        assert to_dict(from_dict(Account, to_dict(account))) == to_dict(account)
        assert account.pending_events == ()


def test_demo_prints_the_trees_a_credit_check_and_the_duplicate() -> None:
    out = io.StringIO()
    show(Data(build(random.Random(7))), out)
    text = out.getvalue()
    assert "ACC-010 Harbour Kitchen Group Ltd (London, GB) [A, strategic, limit £60,000.00]" in text
    assert " +- ACC-013 Harbour Kitchen Ancoats (Manchester, GB)" in text
    assert "credit REFUSED: ACC-013: £3,400.00 exceeds the available credit" in text
    assert "available £2,750.00" in text
    assert "prospect ACC-041 Brightwell Catering Limited may duplicate ACC-030" in text
