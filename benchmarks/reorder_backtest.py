"""Backtest the reorder predictor and its baselines on the shared Online Retail II file.

Run: `python benchmarks/reorder_backtest.py [path/to/online_retail_II_2009-2010.csv.gz]`.
Prints the mean-over-cutoffs table, then per cutoff and per segment.

The loader below applies the issue's cleaning with the standard library only; it is kept apart
from the harness so the library's importer can replace it.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from wholesale_crm.reorder.backtest import SEGMENTS, backtest
from wholesale_crm.reorder.baselines import BGNBDBaseline, LastIntervalBaseline
from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import OrderEvent

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILE = DATA / "online_retail_II_2009-2010.csv.gz"
CUTOFFS = (date(2010, 6, 1), date(2010, 8, 1), date(2010, 9, 1))
HORIZON = 30
_PRODUCT = re.compile(r"^\d{5}")


def load_online_retail(path: Path) -> Iterator[OrderEvent]:
    """Order lines of the file, cleaned as the issue says.

    Kept: a customer id, an invoice not starting with `C`, quantity > 0, price > 0, a stock
    code starting with five digits. Lines of one (account, product, day) become one order day
    when the series are built.
    """
    days: dict[str, date] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            customer = row["Customer ID"].strip()
            if not customer or row["Invoice"].startswith("C"):
                continue
            if not _PRODUCT.match(row["StockCode"]):
                continue
            quantity = Decimal(row["Quantity"])
            if quantity <= 0 or Decimal(row["Price"]) <= 0:
                continue
            stamp = row["InvoiceDate"][:10]
            day = days.get(stamp)
            if day is None:
                day = days[stamp] = date.fromisoformat(stamp)
            account = customer[:-2] if customer.endswith(".0") else customer
            yield OrderEvent(account, row["StockCode"], day, quantity)


def main(path: Path = FILE) -> None:
    """Load, backtest and print the tables."""
    if not path.exists():
        sys.exit(f"data file not found: {path}")
    start = time.perf_counter()
    events = list(load_online_retail(path))
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
