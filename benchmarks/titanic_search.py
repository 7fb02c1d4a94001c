"""Titanic search benchmark: one JSON line comparing a 20-trial search with the registered
settings on the same folds.

Usage: python benchmarks/titanic_search.py [--method random|bayes] [--trials N] [--seed N]
Pipeline titanic-hgb, space benchmarks/titanic_hgb_space.yaml, 5-fold stratified shuffled CV.
Target (issue 5): the best trial's mean accuracy >= the registered settings' mean accuracy.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kagglekit import load_dataset, make_pipeline
from kagglekit.tuning.search import search_pipeline

SPACE = Path(__file__).resolve().parent / "titanic_hgb_space.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("random", "bayes"), default="random")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = load_dataset("titanic")
    result = search_pipeline(make_pipeline("titanic-hgb"), data.X, data.y, SPACE,
                             method=args.method, trials=args.trials, folds=5, seed=args.seed,
                             name="titanic-hgb")
    print(json.dumps({
        "benchmark": "titanic_search", "pipeline": "titanic-hgb", "method": args.method,
        "trials": len(result.trials), "folds": 5, "seed": args.seed,
        "default_accuracy": round(result.default.mean, 4),
        "default_accuracy_std": round(result.default.std, 4),
        "best_accuracy": round(result.best.mean, 4),
        "best_accuracy_std": round(result.best.std, 4),
        "gain": round(result.gain, 4), "best_trial": result.best.trial,
        "best_params": result.best.params,
        "seconds": round(result.seconds, 1),
        "meets_target": result.gain >= 0,
    }), flush=True)


if __name__ == "__main__":
    main()
