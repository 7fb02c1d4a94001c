"""AutoGluon-Tabular as a benchmark anchor, run in its own virtual environment (never a
kagglekit dependency, and this script imports nothing of kagglekit).

Usage: AG_PYTHON benchmarks/autogluon_anchor.py FOLDER METRIC TIME_LIMIT OUT_CSV [--seed N]

FOLDER holds a competition's train.csv, test.csv and sample_submission.csv (as
benchmarks/competitions.py builds them). It fits ``TabularPredictor(...).fit(train,
presets="medium_quality", time_limit=TIME_LIMIT)`` on train.csv without the id column, with
the metric as AutoGluon's ``eval_metric``, predicts test.csv and writes OUT_CSV in the
sample's layout: labels, the probability of the second sorted class (one column), one
probability column per class, or values. It prints one JSON line: seconds, AutoGluon's
version, whether torch was importable (without it AutoGluon leaves its own networks out),
and the models of its leaderboard.

The environment: ``python3.11 -m venv VENV && VENV/bin/pip install
'autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AG_METRIC = {"rmse": "root_mean_squared_error", "mae": "mean_absolute_error",
             "roc_auc": "roc_auc", "accuracy": "accuracy", "log_loss": "log_loss"}
"""kagglekit's metric names -> AutoGluon's."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("metric", choices=sorted(AG_METRIC))
    parser.add_argument("time_limit", type=float)
    parser.add_argument("out_csv")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import autogluon.tabular
    from autogluon.tabular import TabularPredictor

    folder = Path(args.folder)
    train = pd.read_csv(folder / "train.csv", low_memory=False)
    test = pd.read_csv(folder / "test.csv", low_memory=False)
    sample = pd.read_csv(folder / "sample_submission.csv")
    id_column = sample.columns[0]
    target = next(c for c in train.columns if c not in test.columns)
    regression = args.metric in ("rmse", "mae")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as models:
        predictor = TabularPredictor(
            label=target, eval_metric=AG_METRIC[args.metric], path=models, verbosity=0,
            problem_type="regression" if regression else None,
        ).fit(train.drop(columns=[id_column]), presets="medium_quality",
              time_limit=args.time_limit, ag_args_fit={"random_seed": args.seed})
        rows = test.drop(columns=[id_column])
        out = pd.DataFrame({id_column: test[id_column]})
        if regression or args.metric == "accuracy":
            out[target] = predictor.predict(rows).to_numpy()
        else:
            proba = predictor.predict_proba(rows)
            classes = sorted(proba.columns)
            if len(sample.columns) == 2:  # one probability: the second sorted class's
                out[target] = proba[classes[1]].to_numpy()
            else:
                by_name = {str(c): c for c in proba.columns}
                for column in sample.columns[1:]:
                    out[column] = proba[by_name[str(_label(column))]].to_numpy(dtype=float)
        board = predictor.leaderboard(silent=True)
    seconds = time.perf_counter() - start
    out.to_csv(args.out_csv, index=False)
    print(json.dumps({"seconds": round(seconds, 1), "autogluon": autogluon.tabular.__version__,
                      "torch": importlib.util.find_spec("torch") is not None,
                      "models": list(board["model"])}), flush=True)


def _label(column: str):
    try:
        value = float(column)
    except ValueError:
        return column
    return int(value) if np.isfinite(value) and value.is_integer() else column


if __name__ == "__main__":
    main()
