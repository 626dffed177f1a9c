"""In-memory reference adapters: a store that behaves like a database, not a dict of objects.

`MemoryStore` keeps each aggregate as a serialized document (the library's converter, as JSON), so
changing an object outside a committed unit of work never changes what is stored, and every
`get` returns a fresh object. A `MemoryUnitOfWork` stages writes and applies them all at commit,
after checking every version; a rollback simply drops the staged writes.
"""

from __future__ import annotations

import bisect
import builtins
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar, cast

import attrs

from wholesale_crm.adapters.base import BaseUnitOfWork, Transaction
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from wholesale_crm.events import MessageBus
from wholesale_crm.repositories import Collection
from wholesale_crm.serialization import from_dict, to_dict

__all__ = ["MemoryRepository", "MemoryStore", "MemoryUnitOfWork"]

A = TypeVar("A", bound=Aggregate)
Keys = dict[str, frozenset[Any]]


def _encode(aggregate: Aggregate) -> str:
    # One string per aggregate rather than nested dicts: a store of a million order lines then
    # holds a few hundred thousand objects, not tens of millions, which keeps it compact and
    # keeps Python's garbage collector from rescanning it every time objects are created.
    return json.dumps(to_dict(aggregate), ensure_ascii=False, separators=(",", ":"))


def _keys_of(collection: Collection[Any], aggregate: Aggregate) -> Keys:
    return {ix.name: frozenset(ix.keys(aggregate)) for ix in collection.indexes}


@attrs.define
class _Row:
    version: int
    document: str  # the converter's document as compact JSON (see `_encode`)
    keys: Keys


class _Table:
    """Committed rows of one collection with their secondary indexes."""

    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection
        self.rows: dict[str, _Row] = {}
        self.postings: dict[str, dict[Any, set[str]]] = {ix.name: {} for ix in collection.indexes}
        # Ordered indexes also keep a sorted list of (key, id) for range queries.
        self.sorted: dict[str, list[tuple[Any, str]]] = {
            ix.name: [] for ix in collection.indexes if ix.ordered
        }

    def put(self, id: str, row: _Row | None) -> None:
        old = self.rows.pop(id, None)
        if old is not None:
            self._unindex(id, old.keys)
        if row is not None:
            self.rows[id] = row
            self._index(id, row.keys)

    def _index(self, id: str, keys: Keys) -> None:
        for name, values in keys.items():
            postings = self.postings[name]
            for key in values:
                postings.setdefault(key, set()).add(id)
                if name in self.sorted:
                    bisect.insort(self.sorted[name], (key, id))

    def _unindex(self, id: str, keys: Keys) -> None:
        for name, values in keys.items():
            postings = self.postings[name]
            for key in values:
                ids = postings[key]
                ids.discard(id)
                if not ids:
                    del postings[key]
                if name in self.sorted:
                    entries = self.sorted[name]
                    del entries[bisect.bisect_left(entries, (key, id))]


class MemoryStore:
    """The committed state of every collection: the in-memory 'database'.

    Share one store between several `MemoryUnitOfWork`s to model concurrent sessions.
    """

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}

    def table(self, collection: Collection[Any]) -> _Table:
        """The table of `collection`, created on first use."""
        table = self._tables.get(collection.name)
        if table is None:
            table = self._tables[collection.name] = _Table(collection)
        return table


@attrs.define
class _Staged:
    base_version: int | None  # version the write was based on; None for a new aggregate
    row: _Row | None  # None stages a delete


class _Transaction(Transaction):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store
        self.staged: dict[str, dict[str, _Staged]] = {}
        self.collections: dict[str, Collection[Any]] = {}
        # Index postings of the staged rows, per collection and index, so that a query inside
        # a large transaction costs what it returns, not the number of writes staged so far.
        # They are brought up to date lazily, by the first query after some writes, so that a
        # transaction that only writes (a bulk import) does not pay for them.
        self._postings: dict[str, dict[str, dict[Any, set[str]]]] = {}
        self._posted: dict[str, dict[str, Keys]] = {}  # the keys each staged id is posted under
        self._dirty: dict[str, set[str]] = {}  # ids staged since the postings were updated

    def staged_for(self, collection: Collection[Any]) -> dict[str, _Staged]:
        self.collections[collection.name] = collection
        return self.staged.setdefault(collection.name, {})

    def current(self, collection: Collection[Any], id: str) -> _Row | None:
        staged = self.staged.get(collection.name, {}).get(id)
        if staged is not None:
            return staged.row
        return self.store.table(collection).rows.get(id)

    def stage(self, collection: Collection[Any], aggregate: Aggregate, row: _Row | None) -> None:
        staged = self.staged_for(collection)
        previous = staged.get(aggregate.id)
        if previous is not None:
            base = previous.base_version
        else:
            committed = self.store.table(collection).rows.get(aggregate.id)
            base = committed.version if committed is not None else None
        staged[aggregate.id] = _Staged(base, row)
        self._dirty.setdefault(collection.name, set()).add(aggregate.id)

    def staged_postings(self, collection: Collection[Any], index: str) -> dict[Any, set[str]]:
        """Key -> staged ids filed under it in `index`, up to date with every staged write."""
        name = collection.name
        postings = self._postings.setdefault(name, {ix.name: {} for ix in collection.indexes})
        posted = self._posted.setdefault(name, {})
        staged = self.staged.get(name, {})
        for id in self._dirty.pop(name, ()):
            for ix, keys in posted.pop(id, {}).items():
                for key in keys:
                    postings[ix][key].discard(id)
            row = staged[id].row
            if row is not None:
                posted[id] = row.keys
                for ix, keys in row.keys.items():
                    for key in keys:
                        postings[ix].setdefault(key, set()).add(id)
        return postings[index]

    def commit(self) -> None:
        # Check every write before applying any, so a conflict leaves the store untouched.
        for name, writes in self.staged.items():
            table = self.store.table(self.collections[name])
            for id, write in writes.items():
                committed = table.rows.get(id)
                actual = committed.version if committed is not None else None
                if actual != write.base_version:
                    kind = self.collections[name].kind
                    if write.base_version is None:
                        raise DuplicateRecord(kind, id)
                    raise ConcurrencyConflict(kind, id, write.base_version, actual)
        for name, writes in self.staged.items():
            table = self.store.table(self.collections[name])
            for id, write in writes.items():
                table.put(id, write.row)


class MemoryRepository(Generic[A]):
    """The repository of one collection inside a `MemoryUnitOfWork`'s transaction."""

    def __init__(self, collection: Collection[A], transaction: Callable[[], _Transaction]) -> None:
        self.collection = collection
        self._transaction = transaction

    @property
    def _tx(self) -> _Transaction:
        return self._transaction()

    @property
    def _table(self) -> _Table:
        return self._tx.store.table(self.collection)

    def _load(self, id: str, row: _Row) -> A:
        aggregate = from_dict(self.collection.type, json.loads(row.document))
        aggregate.version = row.version
        return aggregate

    def get(self, id: str) -> A:
        """The aggregate with `id`; raises `NotFound`."""
        row = self._tx.current(self.collection, id)
        if row is None:
            raise NotFound(self.collection.kind, id)
        return self._load(id, row)

    def add(self, aggregate: A) -> None:
        """Stage a new aggregate; raises `DuplicateRecord` if the id is taken."""
        tx = self._tx
        if tx.current(self.collection, aggregate.id) is not None:
            raise DuplicateRecord(self.collection.kind, aggregate.id)
        tx.stage(self.collection, aggregate, self._row(aggregate, 1))
        tx.written(aggregate, 1)

    def save(self, aggregate: A) -> None:
        """Stage changes; raises `ConcurrencyConflict` on a stale version, `NotFound` if gone."""
        tx = self._tx
        self._check_version(tx, aggregate)
        tx.stage(self.collection, aggregate, self._row(aggregate, aggregate.version + 1))
        tx.written(aggregate, aggregate.version + 1)

    def delete(self, aggregate: A) -> None:
        """Stage removal; version-checked like `save`."""
        tx = self._tx
        self._check_version(tx, aggregate)
        tx.stage(self.collection, aggregate, None)
        tx.written(aggregate, None)

    def _check_version(self, tx: _Transaction, aggregate: A) -> None:
        current = tx.current(self.collection, aggregate.id)
        if current is None:
            raise NotFound(self.collection.kind, aggregate.id)
        if current.version != aggregate.version:
            raise ConcurrencyConflict(
                self.collection.kind, aggregate.id, aggregate.version, current.version
            )

    def _row(self, aggregate: A, version: int) -> _Row:
        return _Row(version, _encode(aggregate), _keys_of(self.collection, aggregate))

    def _ids(self) -> list[str]:
        tx = self._tx
        staged = tx.staged.get(self.collection.name, {})
        ids = set(self._table.rows)
        for id, write in staged.items():
            if write.row is None:
                ids.discard(id)
            else:
                ids.add(id)
        return sorted(ids)

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and self._tx.current(self.collection, id) is not None

    def __len__(self) -> int:
        return len(self._ids())

    def __iter__(self) -> Iterator[A]:
        for id in self._ids():
            row = self._tx.current(self.collection, id)
            if row is not None:
                yield self._load(id, row)

    def list(self) -> builtins.list[A]:
        """Every aggregate, ascending id."""
        return list(self)

    def find(self, index: str, key: Any) -> builtins.list[A]:
        """Aggregates filed under `key` in `index`, ascending id."""
        self.collection.index(index)
        tx = self._tx
        staged = tx.staged.get(self.collection.name, {})
        ids = {id for id in self._table.postings[index].get(key, ()) if id not in staged}
        ids.update(tx.staged_postings(self.collection, index).get(key, ()))
        return self._load_all(sorted(ids))

    def find_range(self, index: str, start: Any = None, end: Any = None) -> builtins.list[A]:
        """Aggregates with a key in `[start, end)` of an ordered index, by key then id."""
        if not self.collection.index(index).ordered:
            raise KeyError(f"index {index!r} of {self.collection.name} is not ordered")
        entries = self._table.sorted[index]
        lo = 0 if start is None else bisect.bisect_left(entries, (start,))
        hi = len(entries) if end is None else bisect.bisect_left(entries, (end,))
        first: dict[str, Any] = {}
        for key, id in entries[lo:hi]:
            first.setdefault(id, key)
        for id, write in self._tx.staged.get(self.collection.name, {}).items():
            first.pop(id, None)
            if write.row is not None:
                keys = [k for k in write.row.keys[index] if _in_range(k, start, end)]
                if keys:
                    first[id] = min(keys)
        ordered = sorted(first.items(), key=lambda item: (item[1], item[0]))
        return self._load_all([id for id, _ in ordered])

    def _load_all(self, ids: Iterable[str]) -> builtins.list[A]:
        tx = self._tx
        out = []
        for id in ids:
            row = tx.current(self.collection, id)
            if row is not None:
                out.append(self._load(id, row))
        return out


def _in_range(key: Any, start: Any, end: Any) -> bool:
    return (start is None or key >= start) and (end is None or key < end)


class MemoryUnitOfWork(BaseUnitOfWork[_Transaction]):
    """A unit of work over a `MemoryStore`.

    Writes are staged and applied all at once by `commit()`, after every version has been
    checked; a conflict found then applies nothing.

    Args:
        store: The store to work on; a new empty one by default.
        bus: Where committed events are published; a new `MessageBus` by default.
    """

    def __init__(self, store: MemoryStore | None = None, *, bus: MessageBus | None = None) -> None:
        super().__init__(bus)
        self.store = store if store is not None else MemoryStore()

    def _begin(self) -> _Transaction:
        return _Transaction(self.store)

    def _commit(self, tx: _Transaction) -> None:
        tx.commit()

    def _abandon(self, tx: _Transaction) -> None:
        tx.restore_versions()

    def _next(self, tx: _Transaction) -> _Transaction:
        return _Transaction(self.store)

    def _close(self, tx: _Transaction) -> None:
        """Nothing to release: the store lives on."""

    def _repository(self, collection: Collection[A]) -> MemoryRepository[A]:
        return MemoryRepository(collection, self._current)

    def repository(self, collection: Collection[A]) -> MemoryRepository[A]:
        """The repository of `collection` in this unit of work."""
        return cast(MemoryRepository[A], super().repository(collection))
