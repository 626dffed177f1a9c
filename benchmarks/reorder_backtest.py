"""Backtest the reorder predictor and its baselines on the shared Online Retail II file.

Run: `python benchmarks/reorder_backtest.py [path/to/online_retail_II_2009-2010.csv.gz]`.
Prints the mean-over-cutoffs table, then per cutoff and per segment.

The file goes through the library's importer into an in-memory store, then through the order
history's `line_facts`/`order_events`; the issue's cleaning is a filter on top (see
`load_online_retail`).
"""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.imports.invoice_lines import import_invoice_lines
from wholesale_crm.imports.online_retail import ONLINE_RETAIL_CHARGES, ONLINE_RETAIL_II
from wholesale_crm.orders.history import line_facts, order_events
from wholesale_crm.reorder.backtest import SEGMENTS, backtest
from wholesale_crm.reorder.baselines import BGNBDBaseline, LastIntervalBaseline
from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import OrderEvent
from wholesale_crm.repositories.orders import ORDERS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILE = DATA / "online_retail_II_2009-2010.csv.gz"
CUTOFFS = (date(2010, 6, 1), date(2010, 8, 1), date(2010, 9, 1))
HORIZON = 30
_PRODUCT = re.compile(r"^\d{5}")


def load_online_retail(path: Path) -> list[OrderEvent]:
    """Order lines of the file, imported by the library and cleaned as the issue says.

    The importer already leaves out rows without a customer (and the charge codes), turns
    `C` invoices into returns and keeps only positive quantities on orders. On top: only
    orders are read (no `C` invoice, no return nets anything out), and a line is kept when its
    amount is above zero (a price above zero: every kept line has a quantity of at least one,
    so the two agree on this file) and its stock code starts with five digits. Lines of one
    (account, product, day) become one order day when the series are built.
    """
    uow = MemoryUnitOfWork(MemoryStore())
    import_invoice_lines(uow, path, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES)
    with uow:
        orders = uow.repository(ORDERS).list()
    facts = line_facts(orders)
    return list(order_events(f for f in facts if f.amount > 0 and _PRODUCT.match(f.product_id)))


def main(path: Path = FILE) -> None:
    """Load, backtest and print the tables."""
    if not path.exists():
        sys.exit(f"data file not found: {path}")
    start = time.perf_counter()
    events = load_online_retail(path)
    print(f"loaded {len(events)} cleaned lines in {time.perf_counter() - start:.1f} s")
    models = [LastIntervalBaseline(), BGNBDBaseline(), ReorderPredictor()]
    start = time.perf_counter()
    result = backtest(events, models, CUTOFFS, horizon=HORIZON)
    print(f"backtest in {time.perf_counter() - start:.1f} s\n")
    print(f"Mean over cutoffs {', '.join(map(str, CUTOFFS))}; H = {HORIZON} days\n")
    print(result.table())
    for cutoff in CUTOFFS:
        print(f"\nCutoff {cutoff}\n")
        print(result.table(cutoff))
    for label, *_ in SEGMENTS:
        print(f"\nMean over cutoffs, series with {label} past order days\n")
        print(result.table(None, label))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FILE)
