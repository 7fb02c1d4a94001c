"""How a run chooses its blend on small tables: the largest mean honest gain (a run's rule)
against the simplest choice whose gain beats the simpler one by more than its standard error.

Usage: python benchmarks/blend_choice.py --out DIR [--seeds 10,11,...] [--models M1,M2]
[TABLE ...]

For each small table (Titanic, car purchase, attrition) and each split seed, it builds a
Kaggle-style competition (80/20, stratified; benchmarks/competitions.py), runs the competition
job once (5 folds, no time limit), fits the best single model, the greedy blend and the
stacked blend on all out-of-fold rows, and scores each on the held-back rows. Both rules pick
from those three with the same honest gains, so their held-out scores differ only by what
they picked. One JSON line per table and seed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from competitions import SHARED, TABLES, make_competition, score_submission  # noqa: E402

SMALL = {
    # table: (file under the data folder, target, id, metric)
    "titanic": ("titanic/train.csv", "Survived", "PassengerId", "accuracy"),
    "car_purchase": ("car-purchase/car_purchase.csv", "Purchased", "User ID", "roc_auc"),
    "attrition": ("tabular/attrition.csv", "Attrition", "rownames", "roc_auc"),
}


def largest_mean_gain(gains: dict) -> str:
    """A run's rule (:func:`kagglekit.ensembling.blend_gain.choose_blend`): the method with the
    largest mean gain, if it is ≥ 0."""
    method = max(gains, key=lambda m: gains[m].mean)
    return method if gains[method].mean >= 0 else "best"


def simplest_sufficient(gains: dict) -> str:
    """The rule measured against it: the best single model, then greedy, then stacking; a
    method replaces the simpler one chosen so far only when its per-fold gain over it has a
    mean larger than its standard error (sample std / sqrt(K))."""
    method, current = "best", np.zeros(len(next(iter(gains.values())).gain))
    for name, gain in gains.items():
        difference = np.asarray(gain.gain) - current
        if difference.mean() > np.std(difference, ddof=1) / np.sqrt(len(difference)):
            method, current = name, np.asarray(gain.gain)
    return method


def held_out(result, folder: Path, solution: Path, metric: str) -> dict:
    """Each method fitted on all out-of-fold rows, scored on the held-back rows."""
    from kagglekit.ensembling.blend import fit_blend
    from kagglekit.submissions.sample import submission_frame

    done = [r for r in result.runs if not r.skipped]
    oof = {r.name: r.oof for r in done}
    test = pd.read_csv(folder / "test.csv", low_memory=False)
    scores = {}
    for method in ("best", "greedy", "stacked"):
        blend = fit_blend(oof, result.y, metric, method=method,
                          classes=None if result.layout.classes is None
                          else np.asarray(result.layout.classes))
        frame = submission_frame(result.layout, test[result.layout.id_column],
                                 blend.combine({r.name: r.test for r in done}), metric=metric)
        with tempfile.NamedTemporaryFile(suffix=".csv") as file:
            frame.to_csv(file.name, index=False)
            scores[method] = round(score_submission(file.name, solution, metric), 6)
    return scores


def main() -> None:
    from kagglekit.jobs.competition import run_competition

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", nargs="*", default=list(SMALL))
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", default="10,11,12,13,14,15")
    parser.add_argument("--models", default="linear,hgb,lgbm,catboost")
    args = parser.parse_args()
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED)
    for table in args.tables:
        file, target, id_column, metric = SMALL[table]
        drop = TABLES[table][2] if table in TABLES else ()
        frame = pd.read_csv(root / file, low_memory=False)
        for seed in map(int, args.seeds.split(",")):
            out = Path(args.out) / f"seed{seed}"
            make_competition(frame, out, table, target=target, id_column=id_column,
                             metric=metric, drop=drop, seed=seed)
            with tempfile.TemporaryDirectory() as scratch:
                result = run_competition(table, data_dir=out, metric=metric, folds=5, seed=0,
                                         models=args.models.split(","), submissions=scratch,
                                         runs_dir=scratch)
            scores = held_out(result, out / table, out / f"{table}.solution.csv", metric)
            old, new = largest_mean_gain(result.gains), simplest_sufficient(result.gains)
            print(json.dumps({
                "benchmark": "blend_choice", "table": table, "split_seed": seed,
                "metric": metric, "rows": len(result.y),
                "gains": {m: {"mean": round(g.mean, 6), "folds": g.gain}
                          for m, g in result.gains.items()},
                "held_out": scores, "largest_mean_gain": {"method": old, "score": scores[old]},
                "simplest_sufficient": {"method": new, "score": scores[new]}}), flush=True)


if __name__ == "__main__":
    main()
