"""SQL adapter: SQLAlchemy 2 Core, one code path for SQLite and PostgreSQL.

Aggregates are stored as the JSON documents the library's converter makes, in one table of
documents keyed by `(collection, id)` with a `version` column for optimistic locking, and one
table of index entries `(collection, index, key, id)` that answers the collections' queries.
Conflicts are found when a stale aggregate is saved (`UPDATE ... WHERE version = :expected`),
inside the database's own transaction.

Keys of an ordered index are compared as text: strings, dates, datetimes (as UTC), integers and
tuples of those sort as they do in Python. Needs the `sql` extra (SQLAlchemy); PostgreSQL also
needs a driver such as psycopg.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from wholesale_crm.adapters.base import BaseUnitOfWork, Transaction
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from wholesale_crm.events import MessageBus
from wholesale_crm.repositories import Collection
from wholesale_crm.serialization import from_dict, to_dict

__all__ = ["SqlRepository", "SqlStore", "SqlUnitOfWork", "encode_key"]

A = TypeVar("A", bound=Aggregate)

# PostgreSQL sorts text by locale unless told otherwise; "C" gives Python's code-point order.
_Text = sa.String().with_variant(sa.String(collation="C"), "postgresql")
_Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

metadata = sa.MetaData()
documents = sa.Table(
    "crm_documents",
    metadata,
    sa.Column("collection", _Text, primary_key=True),
    sa.Column("id", _Text, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", _Json, nullable=False),
)
index_entries = sa.Table(
    "crm_index_entries",
    metadata,
    sa.Column("collection", _Text, primary_key=True),
    sa.Column("index_name", _Text, primary_key=True),
    sa.Column("key", _Text, primary_key=True),
    sa.Column("id", _Text, primary_key=True),
    sa.Index("crm_index_entries_by_id", "collection", "id"),
)

_INT_OFFSET = 10**18  # integers are stored shifted to be non-negative, zero-padded


def encode_key(key: Any) -> str:
    """The text under which an index key is stored; order-preserving for one key type."""
    if isinstance(key, tuple):
        return "\x1f".join(encode_key(part) for part in key)
    if isinstance(key, enum.Enum):
        return encode_key(key.value)
    if isinstance(key, bool):
        return "1" if key else "0"
    if isinstance(key, int):
        return f"{key + _INT_OFFSET:020d}"
    if isinstance(key, datetime):
        return key.astimezone(UTC).isoformat()
    if isinstance(key, date):
        return key.isoformat()
    if isinstance(key, str):
        return key
    raise TypeError(f"index keys must be str, int, bool, date, datetime or tuples; got {key!r}")


class SqlStore:
    """A database holding the library's collections; creates its two tables if missing.

    Args:
        url_or_engine: A SQLAlchemy URL (`"sqlite:///crm.db"`, `"postgresql+psycopg://..."`)
            or an `Engine`. `"sqlite://"` is a private in-memory database on one connection.
    """

    def __init__(self, url_or_engine: str | Engine) -> None:
        if isinstance(url_or_engine, str):
            if url_or_engine in ("sqlite://", "sqlite:///:memory:"):
                url_or_engine = sa.create_engine(url_or_engine, poolclass=sa.StaticPool)
            else:
                url_or_engine = sa.create_engine(url_or_engine)
        self.engine = url_or_engine
        metadata.create_all(self.engine)

    def drop_all(self) -> None:
        """Remove the library's tables and everything in them."""
        metadata.drop_all(self.engine)


class _Transaction(Transaction):
    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection


class SqlRepository(Generic[A]):
    """The repository of one collection inside a `SqlUnitOfWork`'s transaction."""

    def __init__(self, collection: Collection[A], uow: SqlUnitOfWork) -> None:
        self.collection = collection
        self._uow = uow

    @property
    def _tx(self) -> _Transaction:
        return self._uow._current()

    def _where(self, id: str | None = None) -> Any:
        clause = documents.c.collection == self.collection.name
        return clause if id is None else sa.and_(clause, documents.c.id == id)

    def _load(self, version: int, document: dict[str, Any]) -> A:
        aggregate = from_dict(self.collection.type, document)
        aggregate.version = version
        return aggregate

    def _version(self, id: str) -> int | None:
        row = self._tx.connection.execute(
            sa.select(documents.c.version).where(self._where(id))
        ).first()
        return None if row is None else int(row.version)

    def get(self, id: str) -> A:
        """The aggregate with `id`; raises `NotFound`."""
        row = self._tx.connection.execute(
            sa.select(documents.c.version, documents.c.document).where(self._where(id))
        ).first()
        if row is None:
            raise NotFound(self.collection.kind, id)
        return self._load(row.version, row.document)

    def add(self, aggregate: A) -> None:
        """Insert a new aggregate; raises `DuplicateRecord` if the id is taken."""
        tx = self._tx
        if self._version(aggregate.id) is not None:
            raise DuplicateRecord(self.collection.kind, aggregate.id)
        tx.connection.execute(
            documents.insert().values(
                collection=self.collection.name,
                id=aggregate.id,
                version=1,
                document=to_dict(aggregate),
            )
        )
        self._write_index(aggregate)
        tx.written(aggregate, 1)

    def save(self, aggregate: A) -> None:
        """Update; raises `ConcurrencyConflict` on a stale version, `NotFound` if gone."""
        tx = self._tx
        new = aggregate.version + 1
        result = tx.connection.execute(
            documents.update()
            .where(self._where(aggregate.id), documents.c.version == aggregate.version)
            .values(version=new, document=to_dict(aggregate))
        )
        if result.rowcount != 1:
            self._raise_stale(aggregate)
        self._write_index(aggregate)
        tx.written(aggregate, new)

    def delete(self, aggregate: A) -> None:
        """Delete; version-checked like `save`."""
        tx = self._tx
        result = tx.connection.execute(
            documents.delete().where(
                self._where(aggregate.id), documents.c.version == aggregate.version
            )
        )
        if result.rowcount != 1:
            self._raise_stale(aggregate)
        self._clear_index(aggregate.id)
        tx.written(aggregate, None)

    def _raise_stale(self, aggregate: A) -> None:
        actual = self._version(aggregate.id)
        if actual is None:
            raise NotFound(self.collection.kind, aggregate.id)
        raise ConcurrencyConflict(self.collection.kind, aggregate.id, aggregate.version, actual)

    def _clear_index(self, id: str) -> None:
        self._tx.connection.execute(
            index_entries.delete().where(
                index_entries.c.collection == self.collection.name, index_entries.c.id == id
            )
        )

    def _write_index(self, aggregate: A) -> None:
        self._clear_index(aggregate.id)
        rows = [
            {
                "collection": self.collection.name,
                "index_name": index.name,
                "key": key,
                "id": aggregate.id,
            }
            for index in self.collection.indexes
            for key in sorted({encode_key(k) for k in index.keys(aggregate)})
        ]
        if rows:
            self._tx.connection.execute(index_entries.insert(), rows)

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and self._version(id) is not None

    def __len__(self) -> int:
        count = self._tx.connection.execute(
            sa.select(sa.func.count()).select_from(documents).where(self._where())
        ).scalar_one()
        return int(count)

    def __iter__(self) -> Iterator[A]:
        statement = (
            sa.select(documents.c.version, documents.c.document)
            .where(self._where())
            .order_by(documents.c.id)
            .execution_options(yield_per=500)  # stream: large histories need not fit in memory
        )
        for row in self._tx.connection.execute(statement):
            yield self._load(row.version, row.document)

    def list(self) -> builtins.list[A]:
        """Every aggregate, ascending id."""
        return list(self)

    def _entries(self, index: str) -> Any:
        return sa.and_(
            index_entries.c.collection == self.collection.name,
            index_entries.c.index_name == index,
            documents.c.collection == index_entries.c.collection,
            documents.c.id == index_entries.c.id,
        )

    def find(self, index: str, key: Any) -> builtins.list[A]:
        """Aggregates filed under `key` in `index`, ascending id."""
        self.collection.index(index)
        statement = (
            sa.select(documents.c.version, documents.c.document)
            .where(self._entries(index), index_entries.c.key == encode_key(key))
            .order_by(documents.c.id)
        )
        return self._load_rows(self._tx.connection.execute(statement))

    def find_range(self, index: str, start: Any = None, end: Any = None) -> builtins.list[A]:
        """Aggregates with a key in `[start, end)` of an ordered index, by key then id."""
        if not self.collection.index(index).ordered:
            raise KeyError(f"index {index!r} of {self.collection.name} is not ordered")
        conditions = [self._entries(index)]
        if start is not None:
            conditions.append(index_entries.c.key >= encode_key(start))
        if end is not None:
            conditions.append(index_entries.c.key < encode_key(end))
        first_key = sa.func.min(index_entries.c.key).label("first_key")
        statement = (
            sa.select(documents.c.version, documents.c.document, documents.c.id, first_key)
            .where(*conditions)
            .group_by(documents.c.id, documents.c.version, documents.c.document)
            .order_by(first_key, documents.c.id)
        )
        return self._load_rows(self._tx.connection.execute(statement))

    def _load_rows(self, rows: Iterable[Any]) -> builtins.list[A]:
        return [self._load(row.version, row.document) for row in rows]


class SqlUnitOfWork(BaseUnitOfWork[_Transaction]):
    """A unit of work on one database connection and transaction.

    Args:
        store: The database.
        bus: Where committed events are published; a new `MessageBus` by default.
    """

    def __init__(self, store: SqlStore, *, bus: MessageBus | None = None) -> None:
        super().__init__(bus)
        self.store = store

    def _begin(self) -> _Transaction:
        connection = self.store.engine.connect()
        connection.begin()
        return _Transaction(connection)

    def _commit(self, tx: _Transaction) -> None:
        tx.connection.commit()

    def _abandon(self, tx: _Transaction) -> None:
        tx.connection.rollback()
        tx.restore_versions()

    def _next(self, tx: _Transaction) -> _Transaction:
        tx.connection.begin()
        return _Transaction(tx.connection)

    def _close(self, tx: _Transaction) -> None:
        tx.connection.close()

    def _repository(self, collection: Collection[A]) -> SqlRepository[A]:
        return SqlRepository(collection, self)

    def repository(self, collection: Collection[A]) -> SqlRepository[A]:
        """The repository of `collection` in this unit of work."""
        return cast(SqlRepository[A], super().repository(collection))
