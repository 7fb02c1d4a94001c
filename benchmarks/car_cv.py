"""Car cross-validation benchmark on car_purchase.csv: one JSON line per pipeline.

Usage: python benchmarks/car_cv.py [--seed N] [PIPELINE ...]
(default: every car-purchase-* pipeline; the data folder is $KAGGLEKIT_DATA_DIR, else
../shared/datasets beside the project). 5-fold stratified shuffled CV, the same
car-preference preprocessing for every model.
Target (set when the car pipelines were built): the best car DNN's mean accuracy >= 0.905 (seed 0).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from kagglekit import evaluate, list_pipelines, load_dataset, make_pipeline

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipelines", nargs="*")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = args.pipelines or [s.name for s in list_pipelines()
                               if s.task.dataset == "car-purchase"]
    data = load_dataset("car-purchase", os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED)
    for name in names:
        start = time.perf_counter()
        result = evaluate(make_pipeline(name), data.X, data.y, folds=5, seed=args.seed,
                          name=name)
        print(json.dumps({
            "benchmark": "car_cv", "pipeline": name, "folds": 5, "seed": args.seed,
            "accuracy": round(result.mean, 4), "accuracy_std": round(result.std, 4),
            "roc_auc": round(result.scores["roc_auc"]["mean"], 4),
            "log_loss": round(result.scores["log_loss"]["mean"], 4),
            "fit_seconds": result.fit_seconds,
            "wall_seconds": round(time.perf_counter() - start, 2),
            "meets_target": result.mean >= 0.905 if name.endswith("-dnn") else None,
        }), flush=True)


if __name__ == "__main__":
    main()
