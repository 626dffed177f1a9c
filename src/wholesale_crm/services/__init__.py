"""Use cases: each loads through a unit of work, calls the domain, saves, and commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.repositories import Collection, UnitOfWork

__all__ = ["change_one"]

A = TypeVar("A", bound=Aggregate)


def change_one(
    uow: UnitOfWork, collection: Collection[A], id: str, change: Callable[[A], None]
) -> A:
    """Load one aggregate, apply `change` to it, save and commit, all in one unit of work.

    `change` runs inside the transaction, so it may read other repositories of `uow` and raise
    to refuse: any error leaves the store as it was.
    """
    with uow:
        repo = uow.repository(collection)
        aggregate = repo.get(id)
        change(aggregate)
        repo.save(aggregate)
        uow.commit()
    return aggregate
