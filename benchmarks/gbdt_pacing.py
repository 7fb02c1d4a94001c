"""LightGBM and CatBoost under a short time budget, with and without the learning rate fitted
to the pace (kagglekit.models.gbdt.paced_learning_rate), on one 80/20 split of a built
competition's train.csv.

Usage: python benchmarks/gbdt_pacing.py TRAIN_CSV TARGET ID_COLUMN [--seconds 6]
[--models lgbm,catboost]

One JSON line per (model, pacing): RMSE on the held-out rows (a regression target), the rate
boosting ended with, the kept round and the fit's seconds.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

import kagglekit.models.gbdt as gbdt
from kagglekit.features.tabular import infer_columns
from kagglekit.pipelines.tabular import tabular_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_csv")
    parser.add_argument("target")
    parser.add_argument("id_column")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--models", default="lgbm,catboost")
    args = parser.parse_args()
    train = pd.read_csv(args.train_csv, low_memory=False)
    plan = infer_columns(train, args.target, id_column=args.id_column, task="regression")
    X, y = train.drop(columns=[args.target]), train[args.target].to_numpy(dtype=float)
    held = np.random.default_rng(0).random(len(y)) < 0.2
    paced = gbdt.LEARNING_BUDGET
    for model in args.models.split(","):
        for budget in (paced, 0.0):  # 0: the rate is never raised
            gbdt.LEARNING_BUDGET = budget
            pipe = tabular_pipeline(plan, model).set_params(model__max_seconds=args.seconds)
            start = time.perf_counter()
            pipe.fit(X[~held], y[~held])
            seconds = time.perf_counter() - start
            rmse = float(np.sqrt(np.mean((pipe.predict(X[held]) - y[held]) ** 2)))
            fitted = pipe.steps[-1][1]
            print(json.dumps({"benchmark": "gbdt_pacing", "model": model, "rows": len(y),
                              "max_seconds": args.seconds, "paced": budget > 0,
                              "rmse": round(rmse, 4), "learning_rate": fitted.learning_rate_,
                              "rounds": fitted.n_rounds_, "fit_seconds": round(seconds, 1)}),
                  flush=True)
    gbdt.LEARNING_BUDGET = paced


if __name__ == "__main__":
    main()
