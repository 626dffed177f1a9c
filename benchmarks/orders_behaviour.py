"""Buying behaviour for every account and account-product pair of the real file, after import.

    .venv/bin/python benchmarks/orders_behaviour.py

Imports Online Retail II into the in-memory repositories, then times, separately: streaming
the line facts back out of the store (`services.orders.iter_lines`, which loads every order
through the converter), the behaviour pass (`buying_behaviour`, all accounts and pairs), reading
every pair's figures (`PairBehaviour` objects are built when read), and the reorder events.
Streaming is timed a second time with the cyclic garbage collector paused, to show how much of
it the collector takes (it scans the store's documents again and again); the other figures
are with the collector running, as an application would have it.
"""

from __future__ import annotations

import gc
import time
from datetime import date
from pathlib import Path

from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.imports.invoice_lines import import_invoice_lines
from wholesale_crm.imports.online_retail import ONLINE_RETAIL_CHARGES, ONLINE_RETAIL_II
from wholesale_crm.orders.behaviour import buying_behaviour
from wholesale_crm.orders.history import order_events
from wholesale_crm.services.orders import iter_lines

FILE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / ("online_retail_II_2009-2010.csv.gz")
)
AS_OF = date(2010, 12, 10)


class Timer:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s wall, {self.cpu:6.2f} s cpu"


def main() -> None:
    if not FILE.exists():
        print(f"skipped: {FILE} is not there")
        return
    uow = MemoryUnitOfWork()
    with Timer() as t:
        import_invoice_lines(uow, FILE, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES)
    print(f"import                         {t}")
    with Timer() as t:
        facts = list(iter_lines(uow, date(2009, 12, 1), AS_OF))
    print(f"stream {len(facts)} line facts out  {t}")
    gc.disable()
    try:
        with Timer() as t:
            again = sum(1 for _ in iter_lines(uow, date(2009, 12, 1), AS_OF))
    finally:
        gc.enable()
    print(f"  the same, collector paused ({again}) {t}")
    with Timer() as t:
        report = buying_behaviour(facts, AS_OF)
    print(f"behaviour: {len(report.accounts)} accounts, {len(report.pairs)} pairs {t}")
    with Timer() as t:
        intervals = sum(1 for p in report.pairs.values() if p.mean_interval_days is not None)
    print(f"read every pair ({intervals} with an interval) {t}")
    with Timer() as t:
        events = sum(1 for _ in order_events(facts))
    print(f"{events} reorder OrderEvents         {t}")


if __name__ == "__main__":
    main()
