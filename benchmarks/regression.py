"""Regression benchmark on the generated data: one JSON line per pipeline with 5-fold CV
RMSE / MAE on the training range and RMSE / MAE on the labelled test set (for ``shift``:
x in [100, 200), outside the training range, so it measures extrapolation).

Usage: python benchmarks/regression.py [PIPELINE ...]  (default: every regression pipeline)
Target (issue 4): shift-linear test RMSE < 0.01; shift-relu's is larger.
"""

from __future__ import annotations

import json
import sys
import time

from kagglekit import evaluate, list_pipelines, load_dataset, make_pipeline
from kagglekit.pipelines import get_spec


def main(names: list[str]) -> None:
    names = names or [s.name for s in list_pipelines() if s.task.kind == "regression"]
    for name in names:
        data = load_dataset(get_spec(name).task.dataset)
        start = time.perf_counter()
        result = evaluate(make_pipeline(name), data.X, data.y, folds=5, seed=0, name=name,
                          holdout=(data.X_test, data.y_test))
        print(json.dumps({
            "benchmark": "regression", "pipeline": name, "dataset": data.name,
            "cv_rmse": _g(result.mean), "cv_rmse_std": _g(result.std),
            "cv_mae": _g(result.scores["mae"]["mean"]),
            "test_rmse": result.holdout["rmse"], "test_mae": result.holdout["mae"],
            "test_rows": result.holdout["rows"],
            "wall_seconds": round(time.perf_counter() - start, 2),
        }), flush=True)


def _g(value: float) -> float:
    return float(f"{value:.4g}")


if __name__ == "__main__":
    main(sys.argv[1:])
