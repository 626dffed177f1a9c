"""Half-open date ranges and calendar periods."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.errors import ValidationError
from wholesale_crm.periods import DateRange, period_of

JAN = DateRange(date(2026, 1, 1), date(2026, 2, 1))


def test_contains_is_half_open() -> None:
    assert JAN.contains(date(2026, 1, 1)) and date(2026, 1, 31) in JAN
    assert not JAN.contains(date(2026, 2, 1))
    assert DateRange(None, date(2026, 1, 1)).contains(date(1900, 1, 1))
    assert DateRange.always().contains(date(2999, 1, 1))
    assert JAN.days == 31 and DateRange(date(2026, 1, 1)).days is None


def test_overlap_and_intersection() -> None:
    feb = DateRange(date(2026, 2, 1), date(2026, 3, 1))
    assert not JAN.overlaps(feb) and JAN.intersection(feb) is None
    mid = DateRange(date(2026, 1, 15), None)
    assert JAN.intersection(mid) == DateRange(date(2026, 1, 15), date(2026, 2, 1))
    assert JAN.overlaps(DateRange.always())
    empty = DateRange(date(2026, 1, 10), date(2026, 1, 10))
    assert empty.is_empty and not empty.overlaps(JAN)


@pytest.mark.parametrize(
    ("start", "end", "path"),
    [
        (date(2026, 2, 1), date(2026, 1, 1), "end"),
        (datetime(2026, 1, 1), None, "start"),
        ("2026-01-01", None, "start"),
    ],
)
def test_bad_ranges(start: object, end: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DateRange(start, end)  # type: ignore[arg-type]
    assert caught.value.paths == (path,)


def test_calendar_periods() -> None:
    assert period_of(date(2026, 2, 14), "month") == DateRange(date(2026, 2, 1), date(2026, 3, 1))
    assert period_of(date(2026, 12, 31), "quarter") == DateRange(
        date(2026, 10, 1), date(2027, 1, 1)
    )
    assert period_of(date(2026, 5, 5), "year") == DateRange(date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(ValidationError):
        period_of(date(2026, 5, 5), "week")  # type: ignore[arg-type]


optional_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def ranges(draw: st.DrawFn) -> DateRange:
    a, b = draw(optional_dates), draw(optional_dates)
    if a is not None and b is not None and b < a:
        a, b = b, a
    return DateRange(a, b)


@given(ranges(), ranges(), st.dates(min_value=date(1999, 1, 1), max_value=date(2031, 12, 31)))
def test_intersection_holds_exactly_the_common_dates(a: DateRange, b: DateRange, day: date) -> None:
    both = a.intersection(b)
    assert (both is not None and both.contains(day)) == (a.contains(day) and b.contains(day))
    assert a.overlaps(b) == b.overlaps(a) == (both is not None)
