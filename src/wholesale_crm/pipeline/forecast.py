"""Weighted and unweighted pipeline forecasts per period, owner, territory and category.

Open deals are placed in the period of their expected close date and weighted by the
probability in use (override or stage default); won deals are placed by their close date at
100 %. Lost deals and deals in an `omitted` stage are never counted. Amounts in several
currencies are either converted with a `RateTable` or kept in separate rows: never added
blindly.

Sums are exact: a weighted amount carries the decimals of amount x probability (and a
converted one those of the rate), so every breakdown adds up to the total to the last digit.
Round for display with `Money.round()`. Compute one forecast with every dimension you need
and `rollup` it to the others: the rows are few, the deals many.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import attrs

from wholesale_crm.errors import ValidationError
from wholesale_crm.money import Money, currency_precision, to_decimal, validate_currency
from wholesale_crm.periods import DateRange, Granularity, period_of
from wholesale_crm.pipeline.history import pipelines_by_id, unknown_stage
from wholesale_crm.pipeline.model import (
    ForecastCategory,
    Opportunity,
    OpportunityStatus,
    Pipeline,
)

__all__ = [
    "UNASSIGNED",
    "Dimension",
    "Forecast",
    "ForecastRow",
    "RateTable",
    "conversion_for",
    "convert_amount",
    "forecast",
]

Dimension = Literal["owner", "territory", "category", "pipeline", "account", "stage"]
"""What a forecast can be broken down by."""

UNASSIGNED = "unassigned"
"""The territory key of deals whose owner (or account) has no territory in the mapping."""

_DIMENSIONS: frozenset[str] = frozenset(Dimension.__args__)  # type: ignore[attr-defined]
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


@functools.lru_cache(maxsize=64)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_precision(currency))


def _rates(value: Mapping[str, Any]) -> dict[str, Decimal]:
    rates = {}
    for code, rate in value.items():
        validate_currency(code, f"rates[{code!r}]")
        rates[code] = to_decimal(rate, f"rates[{code}]")
        if rates[code] <= 0:
            raise ValidationError.field(f"rates[{code}]", rate, "must be greater than zero")
    return rates


@attrs.frozen
class RateTable:
    """Exchange rates into one reporting currency.

    `rates["USD"] = Decimal("0.92")` with `currency="EUR"` means 1 USD = 0.92 EUR. The
    reporting currency itself needs no entry.
    """

    currency: str = attrs.field(validator=lambda _, __, v: validate_currency(v))
    rates: dict[str, Decimal] = attrs.field(converter=_rates)

    def rate(self, currency: str) -> Decimal:
        """How many units of the reporting currency one unit of `currency` is worth."""
        if currency == self.currency:
            return Decimal(1)
        try:
            return self.rates[currency]
        except KeyError:
            raise ValidationError.field(
                "rates", currency, f"has no rate from {currency} to {self.currency}"
            ) from None

    def convert(self, money: Money) -> Money:
        """`money` in the reporting currency, rounded to its minor units."""
        return Money(money.amount * self.rate(money.currency), self.currency).round()


def convert_amount(amount: Decimal, currency: str, rates: RateTable | None) -> tuple[Decimal, str]:
    """An amount in the reporting currency (or unchanged without rates), rounded."""
    rate, target, quantum = conversion_for(currency, rates)
    return (amount * rate).quantize(quantum, ROUND_HALF_UP), target


@attrs.frozen
class ForecastRow:
    """One cell of a forecast: a period, a breakdown key and a currency.

    Attributes:
        period: The month or quarter (half-open date range).
        key: Values of the forecast's dimensions, in the order asked for (`("ann",)`).
        currency: All amounts of the row are in it.
        deals: Number of deals counted.
        unweighted: Sum of the amounts.
        weighted: Sum of amount x probability.
    """

    period: DateRange
    key: tuple[str, ...]
    currency: str
    deals: int
    unweighted: Money
    weighted: Money


@attrs.frozen
class Forecast:
    """A forecast table, rows sorted by period, key and currency.

    Attributes:
        granularity: `"month"` or `"quarter"` (or `"year"`).
        dimensions: The breakdown, e.g. `("owner",)`; empty for totals only.
        rows: The non-empty cells.
        unplaced: Open deals left out because they have no amount or no expected close date.
    """

    granularity: Granularity
    dimensions: tuple[Dimension, ...]
    rows: tuple[ForecastRow, ...]
    unplaced: tuple[str, ...]

    def rollup(self, *dimensions: Dimension) -> Forecast:
        """The same forecast broken down by fewer dimensions (none: totals per period).

        Raises:
            ValidationError: a dimension the forecast was not computed by.
        """
        for d in dimensions:
            if d not in self.dimensions:
                raise ValidationError.field(
                    "dimensions", d, f"is not among the forecast's {list(self.dimensions)}"
                )
        keep = [self.dimensions.index(d) for d in dimensions]
        sums: dict[tuple[date, tuple[str, ...], str], list[Any]] = {}
        periods: dict[date, DateRange] = {}
        for r in self.rows:
            start = r.period.start or date.min
            periods[start] = r.period
            key = (start, tuple(r.key[i] for i in keep), r.currency)
            cell = sums.setdefault(key, [0, Decimal(0), Decimal(0)])
            cell[0] += r.deals
            cell[1] += r.unweighted.amount
            cell[2] += r.weighted.amount
        rows = tuple(
            ForecastRow(periods[start], key, currency, n, Money(u, currency), Money(w, currency))
            for (start, key, currency), (n, u, w) in sorted(sums.items(), key=lambda i: i[0])
        )
        return Forecast(self.granularity, tuple(dimensions), rows, self.unplaced)

    def totals(self) -> list[ForecastRow]:
        """One row per period and currency, summed over every dimension (key `()`)."""
        return list(self.rollup().rows)

    def total(self, currency: str, period: DateRange | None = None) -> ForecastRow:
        """The total in `currency`, of one period or of all periods (then `period` spans them)."""
        rows = [r for r in self.rows if r.currency == currency and period in (None, r.period)]
        spanned = period or DateRange(
            min((r.period.start for r in rows if r.period.start), default=None),
            max((r.period.end for r in rows if r.period.end), default=None),
        )
        return ForecastRow(
            spanned,
            (),
            currency,
            sum(r.deals for r in rows),
            Money(sum((r.unweighted.amount for r in rows), Decimal(0)), currency),
            Money(sum((r.weighted.amount for r in rows), Decimal(0)), currency),
        )


def forecast(
    opportunities: Iterable[Opportunity],
    pipelines: Pipeline | Iterable[Pipeline],
    *,
    granularity: Granularity = "quarter",
    by: Sequence[Dimension] = (),
    within: DateRange | None = None,
    rates: RateTable | None = None,
    territories: Mapping[str, str] | None = None,
    territory_of: Literal["owner", "account"] = "owner",
) -> Forecast:
    """Sum weighted and unweighted amounts per period and breakdown.

    Args:
        opportunities: The deals to forecast.
        pipelines: Their pipelines (stage probabilities and categories).
        granularity: Period size, `"month"` or `"quarter"`.
        by: Breakdown dimensions, e.g. `("owner",)` or `("territory", "category")`.
        within: Only deals whose expected (open) or actual (won) close date is in this range.
        rates: Convert every amount into one currency; without it each currency keeps its
            own rows.
        territories: `owner -> territory` (or `account -> territory` with
            `territory_of="account"`), needed for the `territory` dimension; deals not in it
            fall under `UNASSIGNED`.
        territory_of: Which id `territories` is keyed by.

    Raises:
        ValidationError: an unknown dimension, a deal of an unknown pipeline, a currency
            missing from `rates`, or `territory` asked for without a mapping.
    """
    dims = tuple(by)
    for d in dims:
        if d not in _DIMENSIONS:
            raise ValidationError.field("by", d, f"must be among {sorted(_DIMENSIONS)}")
    if "territory" in dims and territories is None:
        raise ValidationError.field("territories", None, "is required to forecast by territory")
    index = pipelines_by_id(pipelines)
    # Everything looked up per deal is prepared once: the loop runs over 100,000s of deals.
    stage_info = {
        (p.id, s.id): (s.probability / _HUNDRED, s.category.value)
        for p in index.values()
        for s in p.stages
        if s.category is not ForecastCategory.OMITTED
    }
    known = {(p.id, s.id) for p in index.values() for s in p.stages}
    getters = [_getter(d, territories, territory_of) for d in dims]
    periods: dict[date, DateRange] = {}
    starts: dict[date, date] = {}
    conversions: dict[str, tuple[Decimal, str, Decimal]] = {}
    # cell -> probability factor -> [deals, amount]: one addition per deal, weighting at the end
    cells: dict[tuple[date, tuple[str, ...], str], dict[Decimal, list[Any]]] = {}
    unplaced = []
    lost, won = OpportunityStatus.LOST, OpportunityStatus.WON
    for o in opportunities:
        status = o.status
        if status is lost:
            continue
        info = stage_info.get((o.pipeline_id, o.stage_id))
        if info is None:
            if (o.pipeline_id, o.stage_id) in known:
                continue  # an omitted stage
            raise unknown_stage(index, o)
        factor, category = info
        if status is won:
            day, factor = o.closed_on, _ONE
        else:
            day = o.expected_close
            if o.probability_override is not None:
                factor = o.probability_override / _HUNDRED
        money = o.amount
        if day is None or money is None:
            unplaced.append(o.id)
            continue
        if within is not None and not within.contains(day):
            continue
        start = starts.get(day)
        if start is None:
            period = period_of(day, granularity)
            start = starts[day] = period.start or day
            periods[start] = period
        conversion = conversions.get(money.currency)
        if conversion is None:
            conversion = conversions[money.currency] = conversion_for(money.currency, rates)
        rate, currency, _ = conversion
        amount = money.amount if rates is None else money.amount * rate
        place = (start, tuple([get(o, category) for get in getters]), currency)
        cell = cells.get(place)
        if cell is None:
            cell = cells[place] = {}
        tally = cell.get(factor)
        if tally is None:
            cell[factor] = [1, amount]
        else:
            tally[0] += 1
            tally[1] += amount
    rows = []
    for (start, key, currency), tallies in sorted(cells.items(), key=lambda item: item[0]):
        n = sum(t[0] for t in tallies.values())
        unweighted = sum((t[1] for t in tallies.values()), Decimal(0))
        weighted = sum((f * t[1] for f, t in tallies.items()), Decimal(0))
        total, expected = Money(unweighted, currency), Money(weighted, currency)
        rows.append(ForecastRow(periods[start], key, currency, n, total, expected))
    return Forecast(granularity, dims, tuple(rows), tuple(unplaced))


def conversion_for(currency: str, rates: RateTable | None) -> tuple[Decimal, str, Decimal]:
    """The rate, target currency and rounding quantum for amounts in `currency`.

    Reports look this up once per currency rather than once per deal.
    """
    if rates is None:
        return _ONE, currency, _quantum(currency)
    return rates.rate(currency), rates.currency, _quantum(rates.currency)


def _getter(
    dimension: str, territories: Mapping[str, str] | None, territory_of: str
) -> Callable[[Opportunity, str], str]:
    """How to read one breakdown dimension off a deal (given its forecast category)."""
    if dimension == "owner":
        return lambda o, _: o.owner_id
    if dimension == "category":
        return lambda _, category: category
    if dimension == "territory":
        mapping = territories or {}
        if territory_of == "owner":
            return lambda o, _: mapping.get(o.owner_id, UNASSIGNED)
        return lambda o, _: mapping.get(o.account_id, UNASSIGNED)
    if dimension == "pipeline":
        return lambda o, _: o.pipeline_id
    if dimension == "account":
        return lambda o, _: o.account_id
    return lambda o, _: o.stage_id
