"""Scale of the tabular network: train seconds and peak memory (RSS) on synthetic mixed tables
of 10k, 100k and 1M rows and on flights.csv (327k rows), with kagglekit's HGB beside it.

A synthetic table has 8 numeric columns, 4 categorical ones with 5, 15, 25 and 35 levels and
a non-linear binary target; each model also scores ROC AUC on 20,000 more rows of it (flights:
RMSE on a 10 % split). Every (table, model) runs in its own process, so its peak RSS is its
own. One JSON line per (table, model) on stdout.

Usage: python benchmarks/tabular_scale.py [--rows 10000,100000,1000000] [--flights]
       [--models net,hgb] [--net-seconds SECONDS]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FLIGHTS = ROOT.parent / "shared" / "datasets" / "tabular" / "flights.csv"
LEVELS = (5, 15, 25, 35)


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """8 numeric + 4 categorical columns and a non-linear binary target ``y``."""
    rng = np.random.default_rng(seed)
    numeric = rng.normal(size=(rows, 8)).astype(np.float32)
    codes = [rng.integers(0, k, rows) for k in LEVELS]
    effects = [np.random.default_rng(100 + j).normal(0, 1, k) for j, k in enumerate(LEVELS)]
    logit = (np.sin(2 * numeric[:, 0]) + numeric[:, 1] * numeric[:, 2]
             + np.abs(numeric[:, 3]) - 0.8 + 0.5 * np.maximum(numeric[:, 4], 0)
             + sum(e[c] for e, c in zip(effects, codes, strict=True)) * 0.7
             + 0.5 * numeric[:, 5] * effects[0][codes[0]])
    y = rng.random(rows) < 1 / (1 + np.exp(-2 * logit))
    frame = pd.DataFrame(numeric, columns=[f"x{i}" for i in range(8)])
    for j, c in enumerate(codes):
        frame[f"c{j}"] = pd.Series(np.array([f"L{i}" for i in range(LEVELS[j])])[c])
    frame["y"] = np.where(y, "yes", "no")
    return frame


def one(table: str, model: str, net_seconds: float | None) -> dict:
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    if table == "flights":
        frame = pd.read_csv(FLIGHTS)
        target, drop = "arr_delay", ("arr_time", "air_time")
        test = frame.sample(frac=0.1, random_state=0)
        train = frame.drop(index=test.index)
        plan = infer_columns(train, target, id_column="rownames", drop=drop)
    else:
        rows = int(table)
        train, test = synthetic(rows, seed=0), synthetic(20_000, seed=1)
        target = "y"
        plan = infer_columns(train, target)
    pipeline = tabular_pipeline(plan, model if model == "net" else "hgb")
    if model == "net" and net_seconds:
        pipeline.set_params(model__max_seconds=net_seconds)
    X, y = train.drop(columns=[target]), train[target]
    from threadpoolctl import threadpool_limits

    # HGB: one OpenMP thread (on 2 shared cores its barriers stall; see tabular_suite.py)
    with threadpool_limits(1 if model == "hgb" else None, user_api="openmp"):
        start = time.perf_counter()
        pipeline.fit(X, y)
        seconds = time.perf_counter() - start
    row = {"table": table, "model": model, "rows": len(train),
           "train_seconds": round(seconds, 1)}
    if plan.task == "regression":
        error = pipeline.predict(test.drop(columns=[target])) - test[target].to_numpy()
        row["rmse"] = round(float(np.sqrt(np.mean(error ** 2))), 4)
    else:
        from sklearn.metrics import roc_auc_score

        proba = pipeline.predict_proba(test.drop(columns=[target]))[:, 1]
        row["roc_auc"] = round(float(roc_auc_score(test[target] == "yes", proba)), 4)
    net = pipeline.steps[-1][1]
    if hasattr(net, "steps_run_"):
        row.update({"batch_size": net.batch_size_, "epochs": net.epochs_run_,
                    "best_epoch": net.best_epoch_, "stopped_by_time": net.stopped_by_time_})
    row["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--flights", action="store_true", help="also flights.csv")
    parser.add_argument("--models", default="net,hgb")
    parser.add_argument("--net-seconds", type=float, default=None)
    parser.add_argument("--one", nargs=2, metavar=("TABLE", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(*args.one, args.net_seconds)), flush=True)
        return
    tables = [t for t in args.rows.split(",") if t]
    if args.flights:
        if FLIGHTS.is_file():
            tables.append("flights")
        else:
            print(json.dumps({"table": "flights", "skipped": f"{FLIGHTS} not found"}))
    for table in tables:
        for model in args.models.split(","):
            command = [sys.executable, __file__, "--one", table, model]
            if args.net_seconds:
                command += ["--net-seconds", str(args.net_seconds)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            print(lines[-1] if lines else json.dumps(
                {"table": table, "model": model, "error": done.stderr[-500:]}), flush=True)


if __name__ == "__main__":
    main()
