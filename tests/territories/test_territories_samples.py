"""The sample territories and the demo section."""

from __future__ import annotations

import io
import random
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.demo import territories as demo
from wholesale_crm.samples import accounts as account_samples
from wholesale_crm.samples import territories as territory_samples
from wholesale_crm.serialization import to_dict
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.engine import AssignmentEngine


def sample_accounts() -> list[Account]:
    return account_samples.build(random.Random(7))


def test_the_sample_is_deterministic() -> None:
    one = territory_samples.build(random.Random(3), sample_accounts())
    two = territory_samples.build(random.Random(3), sample_accounts())
    assert to_dict(one.coverage) == to_dict(two.coverage)
    assert to_dict(one.territories) == to_dict(two.territories)
    assert one.revenue == two.revenue


def test_the_sample_history_records_both_realignments() -> None:
    accounts = sample_accounts()
    sample = territory_samples.build(random.Random(3), accounts)
    coverage = Coverage(sample.staff, sample.coverage)
    glasgow = next(a for a in accounts if a.sites[0].address.region == "GB-GLG")
    assert coverage.territory_of(glasgow.id, date(2025, 9, 30)) == "UK"
    assert coverage.territory_of(glasgow.id, date(2025, 10, 1)) == "UK-SCO"
    assert coverage.owner_of(glasgow.id, date(2025, 10, 1)) == "rep-ines"
    # Re-running the current rules finds every account where the history has it today.
    today = date(2026, 6, 30)
    result = AssignmentEngine(sample.territories).assign(accounts)
    assert result.unmatched == ()
    for assignment in result.assignments:
        assert (
            coverage.territory_of(assignment.subject.account_id, today) == assignment.territory_id
        )
    assert AssignmentEngine(sample.proposed).assign(accounts).unmatched == ()


@attrs.frozen
class Data:
    as_of: date
    accounts: list[Account]
    territories: territory_samples.TerritorySample


def test_the_demo_prints_the_tree_a_history_and_the_plan() -> None:
    accounts = sample_accounts()
    data = Data(date(2026, 6, 30), accounts, territory_samples.build(random.Random(3), accounts))
    out = io.StringIO()
    demo.show(data, out)
    text = out.getvalue()
    assert "Territories on 2026-06-30" in text
    assert "[2025-10-01, +inf): UK-SCO, rep-ines" in text
    assert "Proposed realignment from 2026-07-01" in text
    assert "UK-N-LDS (rep-chloe) -> UK-N-MAN (rep-amira)" in text
