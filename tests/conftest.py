"""Shared pytest configuration: hypothesis profiles and the adapters every contract runs on.

`new_uow` is parametrized over the in-memory adapter, SQLite, and PostgreSQL when
`WHOLESALE_CRM_POSTGRES_URL` names a database (`.ci/run` starts one and sets it), so every
`RepositoryContract` subclass runs unchanged on each adapter.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.repositories import UnitOfWork

settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

POSTGRES_URL = os.environ.get("WHOLESALE_CRM_POSTGRES_URL")
ADAPTERS = ["memory", "sqlite", *(["postgres"] if POSTGRES_URL else [])]


@pytest.fixture(params=ADAPTERS)
def new_uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    """A factory of units of work over one fresh, empty store of the adapter under test."""
    if request.param == "memory":
        store = MemoryStore()
        yield lambda: MemoryUnitOfWork(store)
        return
    from wholesale_crm.adapters.sql import SqlStore, SqlUnitOfWork

    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}" if request.param == "sqlite" else POSTGRES_URL
    assert url is not None
    sql = SqlStore(url)
    sql.drop_all()
    sql = SqlStore(sql.engine)
    yield lambda: SqlUnitOfWork(sql)
    sql.engine.dispose()
