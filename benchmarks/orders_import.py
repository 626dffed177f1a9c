"""Import the real Online Retail II file into the in-memory repositories, against pandas.

Each run is a fresh child process, so each peak memory (the process's maximum resident set
size, interpreter included) is its own. The contenders take turns, `REPEAT` runs each, and the
best run of each is compared: on a shared machine the best is the least disturbed.

    .venv/bin/python benchmarks/orders_import.py [REPEAT]

Prints wall and CPU seconds and peak memory for `pandas.read_csv` of the file and for
`import_invoice_lines` with the ready-made mapping (best and median of the runs), and the
ratios of the best runs.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILE = DATA / "online_retail_II_2009-2010.csv.gz"


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(which: str) -> dict[str, object]:
    if which == "pandas":
        import pandas as pd

        wall, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(FILE)
        result: dict[str, object] = {"rows": len(frame)}
    else:
        from wholesale_crm.adapters.memory import MemoryUnitOfWork
        from wholesale_crm.imports.invoice_lines import import_invoice_lines
        from wholesale_crm.imports.online_retail import ONLINE_RETAIL_CHARGES, ONLINE_RETAIL_II

        uow = MemoryUnitOfWork()
        wall, cpu = time.perf_counter(), time.process_time()
        report = import_invoice_lines(
            uow, FILE, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES
        )
        result = {"rows": report.rows_read, "summary": report.summary()}
    result.update(
        wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, peak_mb=_peak_mb()
    )
    return result


def run(which: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", which], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def best(runs: list[dict[str, object]], key: str) -> float:
    return min(float(r[key]) for r in runs)  # type: ignore[arg-type]


def median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


def main(repeat: int) -> None:
    if not FILE.exists():
        print(f"skipped: {FILE} is not there")
        return
    pandas: list[dict[str, object]] = []
    ours: list[dict[str, object]] = []
    for _ in range(repeat):
        pandas.append(run("pandas"))
        ours.append(run("import"))
    print(f"file: {FILE.name}, {ours[0]['rows']} data rows, best (median) of {repeat} runs")
    print(f"{'':<22}{'wall s':>15}{'cpu s':>15}{'peak MB':>10}")
    for name, r in (("pandas.read_csv", pandas), ("import_invoice_lines", ours)):
        wall, cpu = (
            f"{best(r, 'wall'):.2f} ({median(r, 'wall'):.2f})",
            f"{best(r, 'cpu'):.2f} ({median(r, 'cpu'):.2f})",
        )
        print(f"{name:<22}{wall:>15}{cpu:>15}{best(r, 'peak_mb'):>10.0f}")
    for key in ("wall", "cpu", "peak_mb"):
        print(f"ratio {key:<8} {best(ours, key) / best(pandas, key):.1f}x")
    print(ours[0]["summary"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) == 2 else 3)
