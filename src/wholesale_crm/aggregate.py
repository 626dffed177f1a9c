"""The base of every aggregate: identity by id, an optimistic-lock version, recorded events."""

from __future__ import annotations

from typing import ClassVar

import attrs

from wholesale_crm.events import Event

__all__ = ["Aggregate"]


@attrs.define(eq=False)
class Aggregate:
    """An entity stored as a whole; subclasses declare an `id` field.

    `version` is the stored version this object was loaded at (0 before it is first added);
    repositories compare it on save to refuse stale writes. Events recorded by the aggregate's
    methods wait in the object until a unit of work commits and publishes them.
    """

    kind: ClassVar[str] = "aggregate"
    """The human name of the aggregate, used in error messages (`"account"`)."""

    version: int = attrs.field(default=0, kw_only=True)
    _events: list[Event] = attrs.field(factory=list, init=False, repr=False)

    @property
    def id(self) -> str:  # pragma: no cover - every subclass defines an `id` field
        raise NotImplementedError

    def record(self, event: Event) -> None:
        """Remember `event` to publish when the unit of work commits."""
        self._events.append(event)

    @property
    def pending_events(self) -> tuple[Event, ...]:
        """Events recorded and not yet published."""
        return tuple(self._events)

    def pull_events(self) -> list[Event]:
        """Take the recorded events, leaving none behind."""
        events, self._events = self._events, []
        return events
