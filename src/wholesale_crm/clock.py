"""Time sources and time-zone helpers.

Domain code never reads the wall clock: services take an `as_of` date or a `Clock`, and tests
pass a `FixedClock`. Instants are timezone-aware UTC `datetime`s; a person's "today" is computed
in their own IANA time zone.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wholesale_crm.errors import ValidationError

__all__ = ["Clock", "FixedClock", "SystemClock", "require_aware", "zone"]


class Clock(Protocol):
    """Something that tells the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self, tz: str = "UTC") -> date:
        """The current calendar date in the IANA time zone `tz`."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)

    def today(self, tz: str = "UTC") -> date:
        """Today's date in the IANA time zone `tz`."""
        return self.now().astimezone(zone(tz)).date()


class FixedClock:
    """A clock that shows a set instant until moved, for tests and reproducible runs."""

    def __init__(self, at: datetime) -> None:
        self._at = require_aware(at, "at").astimezone(UTC)

    def now(self) -> datetime:
        """The set instant."""
        return self._at

    def today(self, tz: str = "UTC") -> date:
        """The set instant's date in the IANA time zone `tz`."""
        return self._at.astimezone(zone(tz)).date()

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        self._at += delta

    def set(self, at: datetime) -> None:
        """Move the clock to `at`."""
        self._at = require_aware(at, "at").astimezone(UTC)


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(name: Any, path: str = "timezone") -> ZoneInfo:
    """The `ZoneInfo` for an IANA name such as `"Europe/Berlin"`; `ValidationError` if unknown."""
    if not isinstance(name, str) or not name:
        raise ValidationError.field(path, name, "must be an IANA time zone name")
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError.field(path, name, "is not a known IANA time zone") from None


def require_aware(value: Any, path: str) -> datetime:
    """Return `value` if it is a timezone-aware `datetime`, else raise `ValidationError`."""
    if not isinstance(value, datetime):
        raise ValidationError.field(path, value, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.field(path, value, "must be timezone-aware (naive datetime given)")
    return value
