"""The conformance suite that every repository adapter runs unchanged.

Subclass `RepositoryContract` in a test module and provide four fixtures:

- `new_uow`: a callable returning a new unit of work over one shared, initially empty store
  (two calls model two concurrent sessions on the same database);
- `collection`: the `Collection` under test;
- `make`: a callable `make(n) -> aggregate` building a new aggregate whose id sorts by `n`;
- `change`: a callable `change(aggregate) -> None` altering it through its own methods.

Every adapter of the project runs these classes for each collection it stores (the project's
own tests parametrize `new_uow` over the memory, SQLite and PostgreSQL adapters); an adapter of
yours passes them too before the services will behave the same on it. The tests run one
session after another in a single thread, so a database adapter that locks rows works too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wholesale_crm.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from wholesale_crm.repositories import Collection, UnitOfWork
from wholesale_crm.serialization import to_dict

__all__ = ["RepositoryContract"]

NewUow = Callable[[], UnitOfWork]
Make = Callable[[int], Any]
Change = Callable[[Any], None]


def _save_and_commit(uow: UnitOfWork, collection: Collection[Any], aggregate: Any) -> None:
    uow.repository(collection).save(aggregate)
    uow.commit()


def _same(a: Any, b: Any) -> bool:
    return bool(to_dict(a) == to_dict(b))


class RepositoryContract:
    """Behaviour every repository and unit of work must show."""

    def _add(self, new_uow: NewUow, collection: Collection[Any], *aggregates: Any) -> None:
        with new_uow() as uow:
            for aggregate in aggregates:
                uow.repository(collection).add(aggregate)
            uow.commit()

    def test_add_then_get_returns_an_equal_copy(
        self, new_uow: NewUow, collection: Collection[Any], make: Make
    ) -> None:
        original = make(1)
        self._add(new_uow, collection, original)
        with new_uow() as uow:
            loaded = uow.repository(collection).get(original.id)
        assert loaded is not original
        assert _same(loaded, original)
        assert loaded.version == 1

    def test_get_unknown_id_raises_not_found(
        self, new_uow: NewUow, collection: Collection[Any]
    ) -> None:
        with new_uow() as uow, pytest.raises(NotFound) as caught:
            uow.repository(collection).get("no-such-id")
        assert caught.value.id == "no-such-id"

    def test_add_existing_id_raises_duplicate(
        self, new_uow: NewUow, collection: Collection[Any], make: Make
    ) -> None:
        self._add(new_uow, collection, make(1))
        with new_uow() as uow, pytest.raises(DuplicateRecord):
            uow.repository(collection).add(make(1))

    def test_changing_an_object_outside_a_commit_leaves_the_store_alone(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        aggregate = make(1)
        self._add(new_uow, collection, aggregate)
        before = to_dict(aggregate)
        change(aggregate)
        with new_uow() as uow:
            assert to_dict(uow.repository(collection).get(aggregate.id)) == before

    def test_save_bumps_the_version_and_stores_the_change(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        self._add(new_uow, collection, make(1))
        with new_uow() as uow:
            repo = uow.repository(collection)
            loaded = repo.get(make(1).id)
            change(loaded)
            repo.save(loaded)
            uow.commit()
        assert loaded.version == 2
        with new_uow() as uow:
            again = uow.repository(collection).get(loaded.id)
        assert _same(again, loaded)
        assert again.version == 2

    def test_stale_save_raises_concurrency_conflict(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        self._add(new_uow, collection, make(1))
        with new_uow() as first, new_uow() as second:
            mine = first.repository(collection).get(make(1).id)
            theirs = second.repository(collection).get(make(1).id)
            change(theirs)
            second.repository(collection).save(theirs)
            second.commit()
            change(mine)
            with pytest.raises(ConcurrencyConflict):
                first.repository(collection).save(mine)

    def test_conflicting_transaction_applies_nothing(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        self._add(new_uow, collection, make(1))
        with new_uow() as first:
            mine = first.repository(collection).get(make(1).id)
            with new_uow() as second:
                theirs = second.repository(collection).get(make(1).id)
                change(theirs)
                second.repository(collection).save(theirs)
                second.commit()
            first.repository(collection).add(make(2))
            change(mine)
            # An adapter may detect the conflict on save (SQL) or on commit (memory).
            with pytest.raises(ConcurrencyConflict):
                _save_and_commit(first, collection, mine)
        with new_uow() as uow:
            assert make(2).id not in uow.repository(collection)
            assert uow.repository(collection).get(make(1).id).version == 2

    def test_leaving_without_commit_rolls_back(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        self._add(new_uow, collection, make(1))
        with new_uow() as uow:
            before = to_dict(uow.repository(collection).get(make(1).id))
        with new_uow() as uow:
            repo = uow.repository(collection)
            loaded = repo.get(make(1).id)
            change(loaded)
            repo.save(loaded)
            repo.add(make(2))
            assert make(2).id in repo
        assert loaded.version == 1  # the object is back at the version it was loaded at
        with new_uow() as uow:
            repo = uow.repository(collection)
            assert to_dict(repo.get(make(1).id)) == before
            assert make(2).id not in repo
            assert len(repo) == 1

    def test_exception_in_block_rolls_back(
        self, new_uow: NewUow, collection: Collection[Any], make: Make
    ) -> None:
        def add_then_fail() -> None:
            with new_uow() as uow:
                uow.repository(collection).add(make(1))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            add_then_fail()
        with new_uow() as uow:
            assert len(uow.repository(collection)) == 0

    def test_delete_removes_and_is_version_checked(
        self, new_uow: NewUow, collection: Collection[Any], make: Make
    ) -> None:
        self._add(new_uow, collection, make(1), make(2))
        with new_uow() as uow:
            repo = uow.repository(collection)
            stale = repo.get(make(1).id)
            stale.version = 7
            with pytest.raises(ConcurrencyConflict):
                repo.delete(stale)
            repo.delete(repo.get(make(1).id))
            uow.commit()
        with new_uow() as uow:
            repo = uow.repository(collection)
            assert make(1).id not in repo
            assert [a.id for a in repo] == [make(2).id]
            with pytest.raises(NotFound):
                repo.delete(make(1))

    def test_iteration_is_in_ascending_id_order(
        self, new_uow: NewUow, collection: Collection[Any], make: Make
    ) -> None:
        self._add(new_uow, collection, make(3), make(1), make(2))
        with new_uow() as uow:
            repo = uow.repository(collection)
            repo.add(make(0))  # staged writes are visible inside the transaction
            ids = [a.id for a in repo]
            assert ids == sorted(ids) == [make(i).id for i in range(4)]
            assert [a.id for a in repo.list()] == ids
            assert len(repo) == 4

    def test_index_queries_agree_with_a_scan(
        self, new_uow: NewUow, collection: Collection[Any], make: Make, change: Change
    ) -> None:
        self._add(new_uow, collection, *(make(i) for i in range(6)))
        with new_uow() as uow:
            repo = uow.repository(collection)
            changed = repo.get(make(4).id)
            change(changed)
            repo.save(changed)
            everything = repo.list()
            for index in collection.indexes:
                keys = {k for a in everything for k in index.keys(a)}
                for key in keys:
                    expected = [a.id for a in everything if key in set(index.keys(a))]
                    assert [a.id for a in repo.find(index.name, key)] == expected
                if index.ordered and keys:
                    lo, hi = min(keys), max(keys)
                    firsts = {
                        a.id: min(in_range)
                        for a in everything
                        if (in_range := [k for k in index.keys(a) if lo <= k < hi])
                    }
                    expected = sorted(firsts, key=lambda id: (firsts[id], id))
                    assert [a.id for a in repo.find_range(index.name, lo, hi)] == expected
