"""The message bus."""

from __future__ import annotations

import attrs
import pytest

from wholesale_crm.events import Event, MessageBus


@attrs.frozen
class Happened(Event):
    what: str


@attrs.frozen
class SpecialHappened(Happened):
    pass


def test_handlers_get_events_of_their_class_and_subclasses_in_order() -> None:
    bus = MessageBus()
    got: list[tuple[str, Event]] = []
    bus.subscribe(Happened, lambda e: got.append(("happened", e)))
    bus.subscribe(Event, lambda e: got.append(("any", e)))
    bus.publish(Happened("a"), SpecialHappened("b"))
    assert got == [
        ("happened", Happened("a")),
        ("any", Happened("a")),
        ("happened", SpecialHappened("b")),
        ("any", SpecialHappened("b")),
    ]
    assert bus.published == [Happened("a"), SpecialHappened("b")]


def test_handler_errors_surface_after_every_handler_ran() -> None:
    bus = MessageBus()
    ran: list[str] = []

    def boom(event: Happened) -> None:
        raise RuntimeError(f"cannot handle {event.what}")

    bus.subscribe(Happened, boom)
    bus.subscribe(Happened, lambda e: ran.append(e.what))
    with pytest.raises(ExceptionGroup) as caught:
        bus.publish(Happened("x"))
    assert ran == ["x"]
    assert [str(e) for e in caught.value.exceptions] == ["cannot handle x"]
