"""Which blend to use: greedy selection vs stacking vs a plain average vs the best single model.

Usage: python benchmarks/blend_methods.py [--max-rows N] [TABLE ...]

For each development table (../shared/datasets/tabular/, or $KAGGLEKIT_DATA_DIR/tabular),
three quick scikit-learn models (HistGradientBoosting, logistic regression / ridge, random
forest) give 5-fold out-of-fold predictions; every blend method is then measured honestly
(:func:`kagglekit.ensembling.blend_gain.blend_gain`: chosen on 4 folds' out-of-fold rows, scored
on the 5th) against the best single model chosen the same way. One JSON line per table and
metric: per method, the mean held-out score and the gain over the best single model
(positive = better) with its standard deviation over the folds.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline

from kagglekit.ensembling.blend_gain import blend_gain
from kagglekit.features.tabular import infer_columns, tabular_features

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
TABLES = {  # file: (target, id, drop, metrics)
    "wage": ("wage", "rownames", ("logwage",), ("rmse",)),
    "attrition": ("Attrition", "rownames", (), ("roc_auc", "accuracy")),
    "telco_churn": ("churn", "rownames", (), ("roc_auc", "accuracy")),
    "hpc_jobs": ("class", "rownames", (), ("log_loss", "accuracy")),
    "hotel_rates": ("avg_price_per_room", "rownames", (), ("rmse",)),
    "concrete": ("compressive_strength", "rownames", (), ("rmse",)),
    "flights": ("arr_delay", "rownames", ("arr_time", "air_time"), ("rmse",)),
}
METHODS = {"average": {}, "greedy": {}, "greedy_bagged": {"bags": 10, "init_best": 1},
           "stacked": {}, "auto": {}}


def models(task: str, seed: int) -> dict:
    if task != "regression":
        return {"hgb": HistGradientBoostingClassifier(random_state=seed),
                "logistic": LogisticRegression(max_iter=2000),
                "forest": RandomForestClassifier(200, min_samples_leaf=2, n_jobs=2,
                                                 random_state=seed)}
    return {"hgb": HistGradientBoostingRegressor(random_state=seed),
            "ridge": Ridge(),
            "forest": RandomForestRegressor(200, min_samples_leaf=2, max_features=0.5,
                                            n_jobs=2, random_state=seed)}


def out_of_fold(frame: pd.DataFrame, target: str, id_column: str, drop, seed: int):
    plan = infer_columns(frame, target, id_column=id_column, drop=drop)
    X, y = frame.drop(columns=[target]), frame[target].to_numpy()
    splitter = (StratifiedKFold(5, shuffle=True, random_state=seed)
                if plan.task != "regression" else KFold(5, shuffle=True, random_state=seed))
    splits = list(splitter.split(X, y))
    folds = np.empty(len(y), dtype=int)
    oof, seconds = {}, {}
    classes = np.unique(y) if plan.task != "regression" else None
    for name, model in models(plan.task, seed).items():
        start = time.perf_counter()
        out = (np.zeros((len(y), len(classes))) if classes is not None else np.zeros(len(y)))
        for i, (train, test) in enumerate(splits):
            folds[test] = i
            pipe = make_pipeline(tabular_features(plan), model).fit(X.iloc[train], y[train])
            out[test] = (pipe.predict_proba(X.iloc[test]) if classes is not None
                         else pipe.predict(X.iloc[test]))
        oof[name] = out
        seconds[name] = round(time.perf_counter() - start, 1)
    return oof, y, folds, classes, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", nargs="*", default=list(TABLES))
    parser.add_argument("--max-rows", type=int, default=30000,
                        help="sample bigger tables to this many rows (seeded)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED) / "tabular"
    for table in args.tables:
        target, id_column, drop, metrics = TABLES[table]
        frame = pd.read_csv(root / f"{table}.csv", low_memory=False)
        rows = len(frame)
        if rows > args.max_rows:
            frame = frame.sample(args.max_rows, random_state=args.seed).reset_index(drop=True)
        oof, y, folds, classes, seconds = out_of_fold(frame, target, id_column, drop,
                                                      args.seed)
        for metric in metrics:
            line = {"benchmark": "blend_methods", "table": table, "rows": len(frame),
                    "table_rows": rows, "metric": metric, "fit_seconds": seconds}
            for method, options in METHODS.items():
                start = time.perf_counter()
                gain = blend_gain(oof, y, folds, metric, method=method.split("_")[0],
                                  classes=classes, **options)
                line["best_single"] = round(float(np.mean(gain.best_single)), 5)
                line[method] = {"score": round(float(np.mean(gain.ensemble)), 5),
                                "gain": round(gain.mean, 5), "gain_std": round(gain.std, 5),
                                "seconds": round(time.perf_counter() - start, 2)}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
