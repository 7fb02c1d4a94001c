"""Adversarial validation on the development tables: the AUC of random 80/20 splits (where no
warning should come) and of shifted ones (where one should), for choosing the threshold.

Usage: python benchmarks/shift.py [--seeds 5] [TABLE ...]

For each table of ../shared/datasets/tabular (the target and the columns to drop removed, the
id column ignored): ``--seeds`` random 80/20 splits; a strong shift, test.csv = the top 20 %
of the numeric column that matters most (largest absolute Spearman correlation with the
target, or with its codes); and a mild one, the top 40 % of the numeric column with at least
20 values that matters least; and a soft one on that column, where each row is a test row
with a chance rising with its rank (0 to 40 %). One JSON line per split: the AUC, whether
the shifted column is among the three named, and the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.evaluation.shift import adversarial_validation

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
TABLES = {"wage": ("wage", "rownames", ("logwage",)), "attrition": ("Attrition", "rownames", ()),
          "telco_churn": ("churn", "rownames", ()), "hpc_jobs": ("class", "rownames", ()),
          "hotel_rates": ("avg_price_per_room", "rownames", ()),
          "concrete": ("compressive_strength", "rownames", ()),
          "flights": ("arr_delay", "rownames", ("arr_time", "air_time"))}


def shifted_columns(X: pd.DataFrame, y: pd.Series) -> tuple[str, str]:
    """The numeric column that matters most and the one (with 20+ values) that matters least."""
    target = y if pd.api.types.is_numeric_dtype(y) else pd.Series(pd.factorize(y)[0])
    numeric = [c for c in X if pd.api.types.is_numeric_dtype(X[c]) and X[c].nunique() >= 20]
    corr = {c: abs(X[c].rank().corr(target.rank())) for c in numeric}
    corr = {c: v for c, v in corr.items() if np.isfinite(v)}
    return max(corr, key=corr.get), min(corr, key=corr.get)


def line(table, kind, train, test, id_column, column=None):
    start = time.perf_counter()
    shift = adversarial_validation(train, test, ignore=[id_column])
    named = list(shift.columns)[:3]
    return {"benchmark": "shift", "table": table, "kind": kind, "column": column,
            "auc": shift.auc, "named": named,
            "column_named": None if column is None else column in named,
            "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", nargs="*", default=list(TABLES))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED) / "tabular"
    for table in args.tables:
        target, id_column, drop = TABLES[table]
        frame = pd.read_csv(root / f"{table}.csv", low_memory=False).drop(columns=list(drop))
        frame = frame.dropna(subset=[target])
        X, y = frame.drop(columns=[target]), frame[target]
        for seed in range(args.seeds):
            test = np.random.default_rng(seed).random(len(X)) < 0.2
            print(json.dumps(line(table, f"random seed {seed}", X[~test], X[test],
                                  id_column)), flush=True)
        strong, mild = shifted_columns(X.drop(columns=[id_column]), y)
        for kind, column, share in (("top 20 %", strong, 0.2), ("top 40 %", mild, 0.4)):
            rank = X[column].rank(method="first", pct=True)  # ties split, so share holds
            test = (rank > 1 - share).to_numpy()
            print(json.dumps(line(table, kind, X[~test], X[test], id_column, column)),
                  flush=True)
        # A soft shift: every row may be a test row, with a chance rising with the column's
        # rank (0 at the bottom, 40 % at the top; 20 % on average).
        rank = X[mild].rank(pct=True).fillna(0.5).to_numpy()
        test = np.random.default_rng(0).random(len(X)) < 0.4 * rank
        print(json.dumps(line(table, "soft 20 %", X[~test], X[test], id_column, mild)),
              flush=True)


if __name__ == "__main__":
    main()
