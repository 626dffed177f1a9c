"""How far the account-level features can rank at all: the predictor against two oracles.

Run: `python benchmarks/reorder_ceiling.py [path/to/online_retail_II_2009-2010.csv.gz]`.

Same data, cleaning, cutoffs and horizon as `reorder_backtest.py`. For every cutoff it scores
the accounts with two or more order days by the AUC of:

- the reorder predictor, trained on the history before the cutoff only (the honest figure);
- a 5-fold cross-validated oracle: the same complementary log-log model on the same account
  features, fitted on four fifths of the *evaluation labels themselves* and scored on the
  fifth (information no forecaster has: the very month it predicts);
- an in-sample oracle: fitted on all the evaluation labels and scored on them (an upper
  bound for any linear model on these features, overfitting included).

When the oracles stay under a target, no re-weighting of these features reaches it: what is
missing is information, not fitting.
"""

from __future__ import annotations

import bisect
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from reorder_backtest import CUTOFFS, FILE, HORIZON, load_online_retail

from wholesale_crm.reorder import metrics
from wholesale_crm.reorder.features import features_at, prepare
from wholesale_crm.reorder.glm import fit_cloglog
from wholesale_crm.reorder.predictor import ReorderPredictor
from wholesale_crm.reorder.series import OrderEvent, build_history

FOLDS = 5


def _account_rows(
    events: list[OrderEvent], cutoff: date
) -> tuple[list[str], list[tuple[float, ...]], list[int]]:
    """Account ids, features at the cutoff and labels (an order in the horizon after it)."""
    prep = prepare(build_history(events, cutoff + timedelta(days=HORIZON)), "account")
    day = cutoff.toordinal()
    ids, rows, labels = [], [], []
    for row in features_at(prep, day, HORIZON, 2):
        days = prep.days[row.index]
        ids.append(prep.keys[row.index][0])
        rows.append(row.values)
        labels.append(1 if bisect.bisect_left(days, day) < len(days) else 0)
    return ids, rows, labels


def _cross_validated(rows: list[tuple[float, ...]], labels: list[int]) -> list[float]:
    """Linear predictors of each row from a model fitted on the other folds."""
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    scores = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        train = [i for i in order if i not in held]
        model = fit_cloglog([rows[i] for i in train], [labels[i] for i in train])
        for i in held:
            scores[i] = model.linear(rows[i])
    return scores


def main(path: Path = FILE) -> None:
    """Print the three AUCs per cutoff and their means."""
    if not path.exists():
        sys.exit(f"data file not found: {path}")
    events = load_online_retail(path)
    print("| cutoff | accounts | predictor | 5-fold oracle | in-sample oracle |")
    print("|---|---|---|---|---|")
    sums = [0.0, 0.0, 0.0]
    for cutoff in CUTOFFS:
        ids, rows, labels = _account_rows(events, cutoff)
        history = build_history(events, cutoff)
        predicted = ReorderPredictor().forecast(history, "account", HORIZON)
        honest = metrics.auc(labels, [predicted[(i, None)].probability for i in ids])
        oracle_cv = metrics.auc(labels, _cross_validated(rows, labels))
        in_sample = fit_cloglog(rows, labels)
        oracle_in = metrics.auc(labels, [in_sample.linear(r) for r in rows])
        figures = [honest, oracle_cv, oracle_in]
        sums = [s + (f or 0.0) for s, f in zip(sums, figures, strict=True)]
        cells = " | ".join(f"{f:.3f}" if f is not None else "-" for f in figures)
        print(f"| {cutoff} | {len(rows)} | {cells} |")
    means = " | ".join(f"**{s / len(CUTOFFS):.3f}**" for s in sums)
    print(f"| mean | | {means} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FILE)
