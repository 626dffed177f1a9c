"""Forecasts worked by hand, owner-time-zone dates, and the forecast invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pipeline.forecast import UNASSIGNED, RateTable, forecast
from wholesale_crm.pipeline.model import (
    ForecastCategory,
    Opportunity,
    OpportunityStatus,
    Stage,
    StageEntry,
)
from wholesale_crm.pipeline.timing import closing_this_period, overdue, owner_today
from wholesale_crm.samples.pipeline import new_business_pipeline

T0 = datetime(2026, 1, 2, 9, tzinfo=UTC)
PIPELINE = new_business_pipeline()
Q1 = DateRange(date(2026, 1, 1), date(2026, 4, 1))
Q2 = DateRange(date(2026, 4, 1), date(2026, 7, 1))


def opp(
    id: str,
    owner: str,
    stage: str,
    amount: str | None,
    close: date | None,
    *,
    currency: str = "EUR",
    override: int | None = None,
    account: str = "ACC-1",
) -> Opportunity:
    status = {"won": OpportunityStatus.WON, "lost": OpportunityStatus.LOST}.get(
        stage, OpportunityStatus.OPEN
    )
    closed = status is not OpportunityStatus.OPEN
    return Opportunity(
        id=id,
        name=id,
        account_id=account,
        owner_id=owner,
        pipeline_id=PIPELINE.id,
        stage_id=stage,
        history=[StageEntry(stage, T0, owner)],
        status=status,
        amount=Money(amount, currency) if amount is not None else None,
        expected_close=None if closed else close,
        closed_on=close if closed else None,
        lost_reason="price" if status is OpportunityStatus.LOST else None,
        probability_override=override,
    )


DEALS = [
    opp("O1", "ann", "discover", "1000", date(2026, 2, 10)),
    opp("O2", "ann", "propose", "2000", date(2026, 3, 31)),
    opp("O3", "bob", "negotiate", "3000", date(2026, 4, 1), override=90),
    opp("O4", "bob", "won", "500", date(2026, 1, 20)),
    opp("O5", "bob", "lost", "9999", date(2026, 2, 1)),
    opp("O6", "ann", "qualify", None, date(2026, 2, 1)),
    opp("O7", "cid", "discover", "1000", date(2026, 2, 1), currency="USD", account="ACC-2"),
]


def cells(result: object) -> list[tuple[object, ...]]:
    return [
        (r.period, r.key, r.currency, r.deals, r.unweighted.amount, r.weighted.amount)
        for r in result.rows  # type: ignore[attr-defined]
    ]


def test_quarterly_totals_keep_currencies_apart_and_skip_lost_deals() -> None:
    result = forecast(DEALS, PIPELINE)
    assert cells(result) == [
        (Q1, (), "EUR", 3, Decimal("3500.00"), Decimal("1750.00")),
        (Q1, (), "USD", 1, Decimal("1000.00"), Decimal("250.00")),
        (Q2, (), "EUR", 1, Decimal("3000.00"), Decimal("2700.00")),  # the 90 % override
    ]
    assert result.unplaced == ("O6",)
    assert result.total("EUR").weighted == Money("4450.00", "EUR")


def test_per_owner_and_category() -> None:
    result = forecast(DEALS, PIPELINE, by=("owner", "category"), within=Q1, rates=None)
    assert cells(result) == [
        (Q1, ("ann", "best_case"), "EUR", 1, Decimal("2000.00"), Decimal("1000.00")),
        (Q1, ("ann", "pipeline"), "EUR", 1, Decimal("1000.00"), Decimal("250.00")),
        (Q1, ("bob", "closed"), "EUR", 1, Decimal("500.00"), Decimal("500.00")),
        (Q1, ("cid", "pipeline"), "USD", 1, Decimal("1000.00"), Decimal("250.00")),
    ]


def test_rollup_to_fewer_dimensions() -> None:
    detailed = forecast(DEALS, PIPELINE, by=("owner", "category"), within=Q1)
    assert cells(detailed.rollup("owner")) == [
        (Q1, ("ann",), "EUR", 2, Decimal("3000.00"), Decimal("1250.00")),
        (Q1, ("bob",), "EUR", 1, Decimal("500.00"), Decimal("500.00")),
        (Q1, ("cid",), "USD", 1, Decimal("1000.00"), Decimal("250.00")),
    ]
    assert cells(detailed.rollup()) == cells(forecast(DEALS, PIPELINE, within=Q1))
    with pytest.raises(ValidationError, match="not among"):
        detailed.rollup("territory")


def test_weighted_sums_are_exact() -> None:
    odd = opp("Z", "ann", "discover", "10.01", date(2026, 2, 1), override=33)
    [row] = forecast([odd], PIPELINE).rows
    assert row.weighted == Money("3.3033", "EUR")
    assert row.weighted.round() == Money("3.30", "EUR")


def test_converted_with_a_rate_table_per_month() -> None:
    rates = RateTable("EUR", {"USD": "0.9"})
    result = forecast(DEALS, PIPELINE, granularity="month", rates=rates, within=Q1)
    feb = DateRange(date(2026, 2, 1), date(2026, 3, 1))
    assert [(r.period, r.unweighted.amount, r.weighted.amount) for r in result.rows] == [
        (DateRange(date(2026, 1, 1), date(2026, 2, 1)), Decimal("500.00"), Decimal("500.00")),
        (feb, Decimal("1900.00"), Decimal("475.00")),  # 1000 EUR + 900 EUR from 1000 USD
        (DateRange(date(2026, 3, 1), date(2026, 4, 1)), Decimal("2000.00"), Decimal("1000.00")),
    ]


def test_missing_rate_is_named() -> None:
    with pytest.raises(ValidationError, match="no rate from USD to EUR"):
        forecast(DEALS, PIPELINE, rates=RateTable("EUR", {}))
    with pytest.raises(ValidationError, match="greater than zero"):
        RateTable("EUR", {"USD": 0})


def test_per_territory_by_owner_or_account() -> None:
    by_owner = forecast(DEALS, PIPELINE, by=("territory",), territories={"ann": "north"})
    assert [(r.period, r.key, r.currency) for r in by_owner.rows] == [
        (Q1, ("north",), "EUR"),
        (Q1, (UNASSIGNED,), "EUR"),
        (Q1, (UNASSIGNED,), "USD"),
        (Q2, (UNASSIGNED,), "EUR"),
    ]
    by_account = forecast(
        DEALS, PIPELINE, by=("territory",), territories={"ACC-2": "west"}, territory_of="account"
    )
    assert [r.key for r in by_account.rows if r.currency == "USD"] == [("west",)]
    with pytest.raises(ValidationError, match="territories"):
        forecast(DEALS, PIPELINE, by=("territory",))


def test_omitted_stages_are_never_counted() -> None:
    pipeline = new_business_pipeline()
    pipeline.add_stage(
        Stage("parked", "Parked", 5, category=ForecastCategory.OMITTED), before="won"
    )
    parked = opp("P1", "ann", "parked", "100", date(2026, 2, 1))
    assert forecast([parked], pipeline).rows == ()


def test_unknown_dimension_and_stage_are_refused() -> None:
    with pytest.raises(ValidationError, match="must be among"):
        forecast(DEALS, PIPELINE, by=("colour",))  # type: ignore[arg-type]
    stray = opp("X", "ann", "qualify", "1", date(2026, 1, 1))
    stray.pipeline_id = "renewal"  # type: ignore[assignment]
    with pytest.raises(ValidationError, match="not a known pipeline"):
        forecast([stray], PIPELINE)


# -- owners' time zones -------------------------------------------------------------------------

ZONES = {"ann": "America/Los_Angeles", "bob": "Europe/Berlin"}


def test_due_today_at_2330_in_utc_minus_8_is_not_overdue() -> None:
    due = opp("D1", "ann", "discover", "1", date(2026, 2, 10))
    late_evening = datetime(2026, 2, 11, 7, 30, tzinfo=UTC)  # 23:30 on 10 Feb in Los Angeles
    assert owner_today("ann", late_evening, ZONES) == date(2026, 2, 10)
    assert overdue([due], late_evening, ZONES) == []
    assert overdue([due], late_evening) == [due]  # judged in UTC it would be late
    assert overdue([due], datetime(2026, 2, 11, 8, 0, tzinfo=UTC), ZONES) == [due]


def test_closing_this_month_is_the_owners_month() -> None:
    ann = opp("D1", "ann", "discover", "1", date(2026, 2, 27))
    bob = opp("D2", "bob", "discover", "1", date(2026, 2, 27))
    at = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)  # still 28 Feb in Los Angeles
    assert closing_this_period([ann, bob], at, ZONES) == [ann]
    assert closing_this_period([ann, bob], at, ZONES, granularity="quarter") == [ann, bob]


def test_owner_today_across_the_spring_daylight_saving_change() -> None:
    # Los Angeles moves from UTC-8 to UTC-7 at 02:00 on 8 March 2026.
    assert owner_today("ann", datetime(2026, 3, 8, 7, 59, tzinfo=UTC), ZONES) == date(2026, 3, 7)
    assert owner_today("ann", datetime(2026, 3, 8, 8, 0, tzinfo=UTC), ZONES) == date(2026, 3, 8)
    assert owner_today("ann", datetime(2026, 3, 9, 6, 30, tzinfo=UTC), ZONES) == date(2026, 3, 8)
    assert owner_today("ann", datetime(2026, 3, 9, 7, 0, tzinfo=UTC), ZONES) == date(2026, 3, 9)


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="IANA"):
        owner_today("ann", T0, {"ann": "Mars/Olympus"})


# -- properties -----------------------------------------------------------------------------------

DEAL = st.builds(
    lambda n, owner, stage, cents, currency, day, override: opp(
        f"O{n}", owner, stage, str(Decimal(cents) / 100), day, currency=currency, override=override
    ),
    st.integers(0, 10**6),
    st.sampled_from(["ann", "bob", "cid"]),
    st.sampled_from(["qualify", "discover", "propose", "negotiate", "won", "lost"]),
    st.integers(0, 10**9),
    st.sampled_from(["EUR", "USD", "JPY"]),
    st.dates(date(2025, 10, 1), date(2026, 12, 31)),
    st.none() | st.integers(0, 100),
)


@settings(max_examples=50)
@given(st.lists(DEAL, max_size=40), st.booleans())
def test_owner_breakdown_adds_up_and_weighted_never_exceeds_unweighted(
    deals: list[Opportunity], convert: bool
) -> None:
    rates = RateTable("EUR", {"USD": "0.9173", "JPY": "0.00613"}) if convert else None
    total = forecast(deals, PIPELINE, granularity="month", rates=rates)
    per_owner = forecast(deals, PIPELINE, granularity="month", by=("owner",), rates=rates)
    assert per_owner.totals() == list(total.rows)
    by_owner_sums: dict[object, Decimal] = {}
    for row in per_owner.rows:
        cell = (row.period, row.currency)
        by_owner_sums[cell] = by_owner_sums.get(cell, Decimal(0)) + row.weighted.amount
    assert by_owner_sums == {(r.period, r.currency): r.weighted.amount for r in total.rows}
    for row in per_owner.rows:
        assert Decimal(0) <= row.weighted.amount <= row.unweighted.amount
    counted = sum(r.deals for r in total.rows)
    assert counted == sum(1 for d in deals if d.status is not OpportunityStatus.LOST)
