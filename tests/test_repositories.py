"""Every adapter against the conformance suite, on a small test-only aggregate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest

from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ConcurrencyConflict
from wholesale_crm.events import Event, MessageBus
from wholesale_crm.repositories import Collection, Index
from wholesale_crm.testing.conformance import RepositoryContract


@attrs.frozen
class Renamed(Event):
    widget_id: str
    name: str


@attrs.define(eq=False)
class Widget(Aggregate):
    kind = "widget"
    id: str
    name: str
    tags: list[str] = attrs.Factory(list)
    made_on: date = date(2025, 1, 1)

    def rename(self, name: str) -> None:
        self.name = name
        self.tags.append("renamed")
        self.record(Renamed(self.id, name))


WIDGETS = Collection(
    "widgets",
    Widget,
    (
        Index("tag", lambda w: w.tags),
        Index("made_on", lambda w: [w.made_on], ordered=True),
    ),
)


def make_widget(n: int) -> Widget:
    return Widget(f"W{n:03d}", f"widget {n}", ["odd" if n % 2 else "even"], date(2025, 1, 1 + n))


class TestWidgetRepository(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Widget]:
        return WIDGETS

    @pytest.fixture
    def make(self) -> Callable[[int], Widget]:
        return make_widget

    @pytest.fixture
    def change(self) -> Callable[[Widget], None]:
        return lambda w: w.rename(w.name + "!")


def test_memory_detects_a_conflict_at_commit_and_applies_nothing() -> None:
    store = MemoryStore()
    with MemoryUnitOfWork(store) as setup:
        setup.repository(WIDGETS).add(make_widget(1))
        setup.commit()
    with MemoryUnitOfWork(store) as first, MemoryUnitOfWork(store) as second:
        mine = first.repository(WIDGETS).get("W001")
        first.repository(WIDGETS).add(make_widget(2))
        mine.rename("mine")
        first.repository(WIDGETS).save(mine)  # staged: no conflict yet
        theirs = second.repository(WIDGETS).get("W001")
        second.repository(WIDGETS).save(theirs)
        second.commit()
        with pytest.raises(ConcurrencyConflict):
            first.commit()
        assert mine.version == 1
    with MemoryUnitOfWork(store) as check:
        assert "W002" not in check.repository(WIDGETS)
        assert check.repository(WIDGETS).get("W001").name == "widget 1"


def test_events_are_published_only_after_commit() -> None:
    bus = MessageBus()
    seen: list[Event] = []
    bus.subscribe(Renamed, seen.append)
    uow = MemoryUnitOfWork(bus=bus)
    with uow:
        widget = make_widget(1)
        widget.rename("first")
        uow.repository(WIDGETS).add(widget)
        assert seen == []
        uow.commit()
    assert seen == [Renamed("W001", "first")]
    with uow:
        widget = uow.repository(WIDGETS).get("W001")
        widget.rename("second")
        uow.repository(WIDGETS).save(widget)
    assert seen == [Renamed("W001", "first")]  # rolled back: nothing published


def test_repositories_refuse_use_outside_a_transaction() -> None:
    uow = MemoryUnitOfWork()
    with pytest.raises(RuntimeError, match="with uow"):
        uow.repository(WIDGETS).get("W001")


def test_find_on_unknown_index_names_the_known_ones() -> None:
    with MemoryUnitOfWork() as uow, pytest.raises(KeyError, match="tag"):
        uow.repository(WIDGETS).find("colour", "red")


def test_range_query_is_half_open() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        for n in range(5):
            uow.repository(WIDGETS).add(make_widget(n))
        uow.commit()
    with uow:
        found = uow.repository(WIDGETS).find_range("made_on", date(2025, 1, 2), date(2025, 1, 4))
    assert [w.id for w in found] == ["W001", "W002"]
