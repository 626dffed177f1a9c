"""Ports: what the services need from storage, whatever stores it.

A `Collection` names a kind of aggregate and the indexes that its queries use. A `Repository`
loads and stores the aggregates of one collection; a `UnitOfWork` groups repositories into one
transaction::

    with uow:
        account = uow.repository(ACCOUNTS).get("ACC-1")
        account.rename("Acme Trading")
        uow.repository(ACCOUNTS).save(account)
        uow.commit()   # leaving the block without commit() rolls back

Saving is optimistic: each aggregate carries the `version` it was loaded at, and saving a stale
version raises `ConcurrencyConflict`. Listing and index queries return aggregates in ascending id
order (range queries: by key, then id), in every adapter.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from wholesale_crm.aggregate import Aggregate

__all__ = ["Collection", "Index", "Repository", "UnitOfWork"]

A = TypeVar("A", bound=Aggregate)


@attrs.frozen
class Index(Generic[A]):
    """A secondary index: the keys under which an aggregate is found.

    Args:
        name: The name queries use (`"parent"`).
        keys: Returns the aggregate's keys for this index; an empty result leaves it out,
            several keys file it under each (an account under each of its tags).
        ordered: Keys are comparable and the index answers range queries.
    """

    name: str
    keys: Callable[[A], Iterable[Any]]
    ordered: bool = False


@attrs.frozen
class Collection(Generic[A]):
    """A kind of aggregate as storage sees it: a name, the class, its indexes."""

    name: str
    type: type[A]
    indexes: tuple[Index[A], ...] = ()

    def index(self, name: str) -> Index[A]:
        """The index called `name`; `KeyError` names the ones that exist."""
        for index in self.indexes:
            if index.name == name:
                return index
        raise KeyError(f"{self.name} has no index {name!r}; it has {self.index_names}")

    @property
    def index_names(self) -> list[str]:
        """Names of the indexes, in declaration order."""
        return [i.name for i in self.indexes]

    @property
    def kind(self) -> str:
        """The aggregate's human name, for messages."""
        return self.type.kind


class Repository(Protocol[A]):
    """Loads and stores the aggregates of one collection inside a unit of work."""

    collection: Collection[A]

    def get(self, id: str) -> A:
        """The aggregate with `id`; raises `NotFound`."""
        ...

    def add(self, aggregate: A) -> None:
        """Store a new aggregate (its version becomes 1); raises `DuplicateRecord`."""
        ...

    def save(self, aggregate: A) -> None:
        """Store changes; raises `ConcurrencyConflict` when `aggregate.version` is stale."""
        ...

    def delete(self, aggregate: A) -> None:
        """Remove the aggregate; version-checked like `save`."""
        ...

    def __contains__(self, id: object) -> bool:
        """True when an aggregate with that id exists."""
        ...

    def __len__(self) -> int:
        """Number of aggregates stored."""
        ...

    def __iter__(self) -> Iterator[A]:
        """Every aggregate, ascending id, loaded one at a time."""
        ...

    def list(self) -> builtins.list[A]:
        """Every aggregate, ascending id."""
        ...

    def find(self, index: str, key: Any) -> builtins.list[A]:
        """Aggregates filed under `key` in `index`, ascending id."""
        ...

    def find_range(self, index: str, start: Any = None, end: Any = None) -> builtins.list[A]:
        """Aggregates with a key in `[start, end)` of an ordered index, by key then id.

        `None` leaves a side open. An aggregate with several keys in the range appears once,
        at its lowest.
        """
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories; a context manager that rolls back on exit."""

    def __enter__(self) -> Self:
        """Begin a transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def commit(self) -> None:
        """Make every change of the transaction durable at once, then publish its events."""
        ...

    def rollback(self) -> None:
        """Discard every change since the last commit."""
        ...

    def repository(self, collection: Collection[A]) -> Repository[A]:
        """The repository of `collection` bound to this unit of work."""
        ...
