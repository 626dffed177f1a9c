"""Throughput of the storage adapters: add, get, index lookup and a full scan of accounts.

Run: `.venv/bin/python benchmarks/storage_adapters.py [N]` (default 20,000 accounts).
Set WHOLESALE_CRM_POSTGRES_URL to include PostgreSQL.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from wholesale_crm.accounts.model import Account
from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.repositories import Collection, Index, UnitOfWork

ACCOUNTS = Collection(
    "bench_accounts",
    Account,
    (Index("group", lambda a: [a.customer_group] if a.customer_group else []),),
)


def run(name: str, new_uow: Callable[[], UnitOfWork], n: int) -> None:
    accounts = [
        Account(f"ACC-{i:06d}", f"Account {i}", customer_group=f"G{i % 50}") for i in range(n)
    ]
    started = time.perf_counter()
    with new_uow() as uow:
        repo = uow.repository(ACCOUNTS)
        for account in accounts:
            repo.add(account)
        uow.commit()
    added = time.perf_counter()
    with new_uow() as uow:
        repo = uow.repository(ACCOUNTS)
        for i in range(0, n, 10):
            repo.get(f"ACC-{i:06d}")
        got = time.perf_counter()
        found = sum(len(repo.find("group", f"G{g}")) for g in range(5))
        looked = time.perf_counter()
        scanned = sum(1 for _ in repo)
        done = time.perf_counter()
    assert scanned == n
    assert found == n // 10
    print(
        f"{name:10s} add {n / (added - started):>9,.0f}/s  get {n / 10 / (got - added):>9,.0f}/s  "
        f"find {found / (looked - got):>9,.0f} rows/s  scan {n / (done - looked):>9,.0f}/s"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"storage adapters, {n:,} accounts")
    store = MemoryStore()
    run("memory", lambda: MemoryUnitOfWork(store), n)
    from wholesale_crm.adapters.sql import SqlStore, SqlUnitOfWork

    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqlStore(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        run("sqlite", lambda: SqlUnitOfWork(sqlite), n)
        sqlite.engine.dispose()
    url = os.environ.get("WHOLESALE_CRM_POSTGRES_URL")
    if url:
        postgres = SqlStore(url)
        postgres.drop_all()
        postgres = SqlStore(postgres.engine)
        run("postgres", lambda: SqlUnitOfWork(postgres), n)
        postgres.drop_all()


if __name__ == "__main__":
    main()
