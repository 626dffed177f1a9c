"""Domain events and the synchronous message bus that hands them to subscribers.

Aggregates record events as they change (`Aggregate.record`); a unit of work collects them and
publishes them through a `MessageBus` only after its commit succeeded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["Event", "Handler", "MessageBus"]


@attrs.frozen
class Event:
    """Base class of domain events: frozen attrs classes named in the past tense."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


class MessageBus:
    """Hands each published event to the handlers subscribed to its class or a base class.

    Handlers run synchronously, in the order they subscribed. A failing handler does not stop
    the others; after all have run, the failures are raised together as an `ExceptionGroup`,
    so an error is never swallowed.
    """

    def __init__(self) -> None:
        self._handlers: defaultdict[type[Event], list[Handler]] = defaultdict(list)
        self.published: list[Event] = []
        """Every event published so far, in order (handy in tests and notebooks)."""

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Call `handler` with every published event of `event_type` (or a subclass)."""
        self._handlers[event_type].append(handler)

    def publish(self, *events: Event) -> None:
        """Deliver `events` in order.

        Raises:
            ExceptionGroup: one or more handlers raised; every handler still ran.
        """
        failures: list[Exception] = []
        for event in events:
            self.published.append(event)
            for cls in type(event).__mro__:
                for handler in self._handlers.get(cls, ()):
                    try:
                        handler(event)
                    except Exception as exc:  # collected and re-raised below
                        failures.append(exc)
        if failures:
            raise ExceptionGroup("event handlers failed", failures)
