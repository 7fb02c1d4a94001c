"""Titanic cross-validation benchmark: one JSON line per pipeline (5-fold, seed 0).

Usage: python benchmarks/titanic_cv.py [PIPELINE ...]  (default: every titanic-* pipeline)
Target (set when the Titanic pipelines were built): the best pipeline's mean accuracy >= 0.83.
"""

from __future__ import annotations

import json
import sys
import time

from kagglekit import evaluate, list_pipelines, load_dataset, make_pipeline


def main(names: list[str]) -> None:
    names = names or [s.name for s in list_pipelines() if s.task.dataset == "titanic"]
    data = load_dataset("titanic")
    for name in names:
        start = time.perf_counter()
        result = evaluate(make_pipeline(name), data.X, data.y, folds=5, seed=0, name=name)
        print(json.dumps({
            "benchmark": "titanic_cv", "pipeline": name, "folds": 5, "seed": 0,
            "accuracy": round(result.mean, 4), "accuracy_std": round(result.std, 4),
            "roc_auc": round(result.scores["roc_auc"]["mean"], 4),
            "log_loss": round(result.scores["log_loss"]["mean"], 4),
            "fit_seconds": result.fit_seconds,
            "wall_seconds": round(time.perf_counter() - start, 2),
            "meets_target": result.mean >= 0.83,
        }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
