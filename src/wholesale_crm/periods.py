"""Date ranges and calendar periods.

`DateRange` is half-open, `[start, end)`, with either end open (`None`): the shape of every
effective-dated record in the library (price validity, territory coverage, ownership).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import attrs
from dateutil.relativedelta import relativedelta

from wholesale_crm.errors import ValidationError

__all__ = ["DateRange", "Granularity", "period_of"]

Granularity = Literal["month", "quarter", "year"]


def _optional_date(path: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise ValidationError.field(path, value, "must be a date (not a datetime) or None")

    return check


@attrs.frozen
class DateRange:
    """Dates `d` with `start <= d < end`; `None` leaves that side open.

    >>> DateRange(date(2025, 1, 1), date(2025, 2, 1)).contains(date(2025, 1, 31))
    True
    """

    start: date | None = attrs.field(default=None, validator=_optional_date("start"))
    end: date | None = attrs.field(default=None, validator=_optional_date("end"))

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError.field(
                "end", self.end, f"must not be before start {self.start.isoformat()}"
            )

    @classmethod
    def always(cls) -> DateRange:
        """The range open on both sides."""
        return cls(None, None)

    @property
    def is_empty(self) -> bool:
        """True for `[d, d)`, which holds no date."""
        return self.start is not None and self.start == self.end

    @property
    def days(self) -> int | None:
        """Number of dates in the range, `None` when it is open."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days

    def contains(self, day: date) -> bool:
        """True when `start <= day < end`."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    __contains__ = contains

    def overlaps(self, other: DateRange) -> bool:
        """True when some date lies in both ranges."""
        inter = self.intersection(other)
        return inter is not None

    def intersection(self, other: DateRange) -> DateRange | None:
        """The dates in both ranges, or `None` when they share none."""
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        start = max(starts) if starts else None
        end = min(ends) if ends else None
        if start is not None and end is not None and end <= start:
            return None
        if self.is_empty or other.is_empty:
            return None
        return DateRange(start, end)

    def __str__(self) -> str:
        left = self.start.isoformat() if self.start else "-inf"
        right = self.end.isoformat() if self.end else "+inf"
        return f"[{left}, {right})"


def period_of(day: date, granularity: Granularity) -> DateRange:
    """The calendar month, quarter or year holding `day`, as a `DateRange`."""
    if granularity == "month":
        start = day.replace(day=1)
        return DateRange(start, start + relativedelta(months=1))
    if granularity == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return DateRange(start, start + relativedelta(months=3))
    if granularity == "year":
        return DateRange(date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise ValidationError.field("granularity", granularity, "must be month, quarter or year")
