"""Time and memory of the whole reorder pipeline on the shared Online Retail II file.

Run: `python benchmarks/reorder_pipeline.py [path] [--pure-python]`. Prints the seconds spent
loading the file, building the series, fitting and predicting every pair with two or more
order days as of the day after the last invoice, the CPU time, and peak resident memory.

The file is imported (the library's importer into an in-memory store, then the order
history's events) in a child process, so that the pipeline's own peak memory is measured apart
from the import's; both are printed.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from reorder_backtest import FILE, load_online_retail

from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import build_history

AS_OF = date(2010, 12, 10)


def _peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(who).ru_maxrss / 1024


def main(path: Path, use_numpy: bool | None) -> None:
    """Run the pipeline once and print its figures."""
    if not path.exists():
        sys.exit(f"data file not found: {path}")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(1) as pool:
        events = pool.submit(load_online_retail, path).result()
    t1 = time.perf_counter()
    load_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1 = time.process_time()
    history = build_history(events, AS_OF)
    t2 = time.perf_counter()
    predictions = ReorderPredictor(use_numpy=use_numpy).predict(history, "pair")
    t4 = time.perf_counter()
    cpu4 = time.process_time()
    print(
        f"lines loaded:        {len(events)} in {t1 - t0:.2f} s "
        f"(importer and order history, CPU {load_cpu.ru_utime + load_cpu.ru_stime:.2f} s, "
        f"peak {_peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB)"
    )
    print(
        f"series built:        {len(history.pairs)} pairs, {len(history.accounts)} accounts "
        f"in {t2 - t1:.2f} s"
    )
    print(
        f"fit and predict:     {len(predictions)} pairs in {t4 - t2:.2f} s "
        f"(numpy: {use_numpy is not False})"
    )
    print(f"pipeline (series + fit + predict): {t4 - t1:.2f} s; with loading {t4 - t0:.2f} s")
    # CPU time is the figure to compare on a shared machine: wall time includes waiting.
    print(f"pipeline CPU time:   {cpu4 - cpu1:.2f} s")
    print(f"peak memory (RSS):   {_peak_mib():.0f} MiB (the pipeline's process)")


if __name__ == "__main__":
    # One core, as the target says: keep numpy's BLAS from spreading over threads (numpy is
    # imported lazily by the fit, after this).
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else FILE, False if "--pure-python" in sys.argv else None)
