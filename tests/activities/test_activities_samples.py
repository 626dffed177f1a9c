"""The sample activities and the demo section built on them."""

from __future__ import annotations

import io
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.demo.activities import show
from wholesale_crm.samples import accounts as sample_accounts
from wholesale_crm.samples.activities import ActivitiesSample, build
from wholesale_crm.serialization import to_dict

AS_OF = date(2026, 6, 30)


def accounts() -> list[Account]:
    tiers = ["A", "B", "C", None]
    return [
        Account(f"ACC-{n:02d}", f"Account {n}", tier=tiers[n % 4], strategic=n == 5)  # type: ignore[arg-type]
        for n in range(1, 21)
    ]


def dump(sample: ActivitiesSample) -> list[object]:
    return [to_dict(x) for x in (*sample.interactions, *sample.follow_ups, *sample.cadences)]


def test_the_same_seed_gives_the_same_sample() -> None:
    first = build(random.Random(3), accounts(), AS_OF)
    again = build(random.Random(3), accounts(), AS_OF)
    other = build(random.Random(4), accounts(), AS_OF)
    assert dump(first) == dump(again)
    assert dump(first) != dump(other)


def test_the_sample_is_consistent() -> None:
    sample = build(random.Random(3), accounts(), AS_OF)
    assert all(i.occurred_at < sample.at for i in sample.interactions)
    planned = Counter(t.account_id for t in sample.follow_ups if t.call_plan_id)
    # Every account with a tier (15 of 20) has exactly one plan follow-up.
    assert len(planned) == 15
    assert set(planned.values()) == {1}
    assert [c.account_id for c in sample.cadences] == ["ACC-05"]
    assert {p.tier.value: p.every_days for p in sample.call_plans} == {"A": 14, "B": 30, "C": 90}
    assert all(not x.pending_events for x in (*sample.interactions, *sample.follow_ups))


@attrs.frozen
class Data:
    accounts: Sequence[Account]
    activities: ActivitiesSample


def test_demo_prints_a_day_view_and_a_timeline() -> None:
    rng = random.Random(7)
    shared = sample_accounts.build(rng)
    out = io.StringIO()
    show(Data(shared, build(rng, shared, AS_OF)), out)
    text = out.getvalue()
    assert "'s day on 2026-06-30" in text
    assert "overdue (" in text
    assert "due today (" in text
    assert "accounts out of plan (" in text
    assert "newest first" in text
