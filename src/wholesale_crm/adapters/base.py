"""What every unit-of-work adapter shares: the transaction guard, the repository cache, the
versions to restore on rollback, and the events to publish after a commit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.events import Event, MessageBus
from wholesale_crm.repositories import Collection, Repository

__all__ = ["BaseUnitOfWork", "Transaction"]

A = TypeVar("A", bound=Aggregate)


class Transaction:
    """The adapter-independent bookkeeping of one transaction."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.touched: list[tuple[Aggregate, int]] = []  # (object, version it had before)

    def written(self, aggregate: Aggregate, version: int | None) -> None:
        """Note a write of `aggregate`: take its events, and move it to `version` if given."""
        if version is not None:
            self.touched.append((aggregate, aggregate.version))
            aggregate.version = version
        self.events.extend(aggregate.pull_events())

    def restore_versions(self) -> None:
        """Put every written object back at the version it had before the transaction."""
        for aggregate, version in reversed(self.touched):
            aggregate.version = version


TX = TypeVar("TX", bound=Transaction)


class BaseUnitOfWork(ABC, Generic[TX]):
    """A unit of work: `with uow:` opens a transaction, leaving it rolls back what is not
    committed, and `commit()` publishes the transaction's events once the data is stored.

    Subclasses say how a transaction begins, commits, is abandoned and ends, and build the
    repositories.
    """

    def __init__(self, bus: MessageBus | None) -> None:
        self.bus = bus if bus is not None else MessageBus()
        self._tx: TX | None = None
        self._repositories: dict[str, Any] = {}

    @abstractmethod
    def _begin(self) -> TX:
        """Open a transaction."""

    @abstractmethod
    def _commit(self, tx: TX) -> None:
        """Make the transaction's writes durable, all or none."""

    @abstractmethod
    def _abandon(self, tx: TX) -> None:
        """Drop the transaction's writes (and restore the objects' versions)."""

    @abstractmethod
    def _next(self, tx: TX) -> TX:
        """A fresh transaction after `tx` was committed or abandoned, on the same session."""

    @abstractmethod
    def _close(self, tx: TX) -> None:
        """End the session when the `with` block is left; `tx` was already abandoned."""

    @abstractmethod
    def _repository(self, collection: Collection[A]) -> Repository[A]:
        """Build the repository of `collection` for this unit of work."""

    def __enter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("this unit of work is already in a transaction")
        self._tx = self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tx is not None:
            self._abandon(self._tx)
            self._close(self._tx)
        self._tx = None

    def _current(self) -> TX:
        if self._tx is None:
            raise RuntimeError("use the unit of work inside a `with uow:` block")
        return self._tx

    def commit(self) -> None:
        """Store every write of the transaction at once, then publish its events.

        On a failure nothing is stored and the transaction is rolled back. Events go to the bus
        only once the data is stored; a handler's failure does not undo the commit.
        """
        tx = self._current()
        try:
            self._commit(tx)
        except Exception:
            self._abandon(tx)
            self._tx = self._next(tx)
            raise
        self._tx = self._next(tx)
        if tx.events:
            self.bus.publish(*tx.events)

    def rollback(self) -> None:
        """Drop every write since the last commit and restore the written objects' versions."""
        tx = self._current()
        self._abandon(tx)
        self._tx = self._next(tx)

    def repository(self, collection: Collection[A]) -> Repository[A]:
        """The repository of `collection` in this unit of work."""
        repo = self._repositories.get(collection.name)
        if repo is None:
            repo = self._repositories[collection.name] = self._repository(collection)
        return cast(Repository[A], repo)
