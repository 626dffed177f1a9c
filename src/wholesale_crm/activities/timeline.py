"""An account's timeline: interactions and other dated records, newest first, in pages.

Anything with an `id` and an aware `occurred_at` can join the timeline (the `Dated`
protocol): interactions as they are, and whatever the caller brings along (orders, stage
changes), directly or wrapped in a `DatedRecord`. Records are ordered by instant, newest
first, ties broken by id (descending), so ids must be unique across the merged sources
(prefixed ids such as `int-...` and `SO-...` are).

Pages carry a cursor, the position of their last record, not an offset: records added
later, newer than that position, never shift or repeat what the next page holds.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import operator
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Protocol

import attrs

from wholesale_crm.activities.model import as_utc, aware, utc
from wholesale_crm.clock import zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.validation import non_blank

__all__ = ["Dated", "DatedRecord", "TimelinePage", "timeline"]

_Key = tuple[datetime, str]


class Dated(Protocol):
    """A record that can appear on a timeline."""

    @property
    def id(self) -> str:
        """Unique across everything merged into one timeline."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """When it happened (timezone-aware)."""
        ...


@attrs.frozen
class DatedRecord:
    """A caller's record made fit for a timeline: an order, a stage change, an invoice.

    Attributes:
        id: Its id (`SO-1001`).
        occurred_at: When it happened (UTC; give any aware datetime).
        source: What kind of record it is (`"order"`).
        summary: One line to show.
    """

    id: str = attrs.field(validator=non_blank)
    occurred_at: datetime = attrs.field(converter=as_utc, validator=aware)
    source: str = attrs.field(validator=non_blank)
    summary: str = ""

    @classmethod
    def on(
        cls, day: date, timezone: str, *, id: str, source: str, summary: str = ""
    ) -> DatedRecord:
        """A record known only by its date: placed at the start of `day` in `timezone`."""
        return cls(id, datetime.combine(day, time(0), tzinfo=zone(timezone)), source, summary)


@attrs.frozen
class TimelinePage:
    """One page of a timeline, newest first; `next_cursor` is `None` on the last page."""

    items: tuple[Dated, ...]
    next_cursor: str | None


def _key(record: Dated) -> _Key:
    return (utc(record.occurred_at, "occurred_at"), record.id)


def _encode(key: _Key) -> str:
    raw = f"{key[0].isoformat()}|{key[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode(cursor: str) -> _Key:
    try:
        instant, _, id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().partition("|")
        return (utc(datetime.fromisoformat(instant), "cursor"), id)
    except (binascii.Error, UnicodeError, ValueError, AttributeError):
        raise ValidationError.field("cursor", cursor, "is not a timeline cursor") from None


def timeline(*sources: Iterable[Dated], limit: int = 20, cursor: str | None = None) -> TimelinePage:
    """Merge `sources` into one timeline and return the page after `cursor`, newest first.

    Args:
        *sources: Interactions and any other dated records, in any order.
        limit: The most records on a page (at least 1).
        cursor: `next_cursor` of the previous page; `None` for the first page.

    Raises:
        ValidationError: a bad `limit` or cursor, or a record with a naive `occurred_at`.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError.field("limit", limit, "must be a whole number >= 1")
    position = None if cursor is None else _decode(cursor)
    keyed: Iterable[tuple[_Key, Dated]] = ((_key(r), r) for source in sources for r in source)
    if position is not None:
        keyed = ((k, r) for k, r in keyed if k < position)
    # Only the page (and one more, to know whether another page follows) is ever sorted.
    top = heapq.nlargest(limit + 1, keyed, key=operator.itemgetter(0))
    page = top[:limit]
    more = len(top) > limit
    return TimelinePage(tuple(r for _, r in page), _encode(page[-1][0]) if more else None)
