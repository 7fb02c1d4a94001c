"""Kaggle-sized competitions: reading, memory, the time budget and the score, one JSON line each.

Usage: python benchmarks/competition_scale.py --out DIR [--seed N] [--backend dask]
[--sizes 100k:300,1m:900] [--flights SECONDS] [--models M1,M2]

- ``synthetic-100k`` / ``synthetic-1m``: the seeded synthetic binary table of
  benchmarks/synthetic_competition.py with 100k / 1M training rows and 25k / 250k test rows
  (an 80/20 split), scored by ROC AUC against the Bayes-optimal AUC (the true logit's AUC on
  the test rows); ``SIZE:SECONDS`` gives each one's ``--time-limit``;
- ``flights``: the 327k-row table of ../shared/datasets/tabular as a competition (RMSE), at
  ``--flights`` seconds (default 300; 0 leaves it out).

Each run is a fresh Python process (so its peak memory is its own): it reads the three
files (timed), then runs the competition job. The line holds the read seconds, the peak
resident memory (GiB), the run's seconds against its limit, each model's seconds, trained
folds and skip reason, and the score.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from competitions import SHARED, TABLES, make_competition, score_submission  # noqa: E402
from synthetic_competition import synthetic_table  # noqa: E402

SIZES = {"100k": 100_000, "1m": 1_000_000}


def build_synthetic(out: Path, size: str, seed: int) -> tuple[Path, Path, float]:
    """The synthetic competition of ``SIZES[size]`` training rows under ``out``; returns its
    folder, its held-back labels and the Bayes-optimal AUC on its test rows."""
    from sklearn.metrics import roc_auc_score

    rows = SIZES[size]
    frame, logit = synthetic_table(rows + rows // 4, seed)
    name = f"synthetic-{size}"
    make_competition(frame, out, name, target="target", id_column="id", metric="roc_auc",
                     test_fraction=0.2, seed=seed)
    solution = pd.read_csv(out / f"{name}.solution.csv")
    bayes = roc_auc_score(solution["target"], logit[solution["id"].to_numpy()])
    return out / name, out / f"{name}.solution.csv", float(bayes)


def build_flights(out: Path, seed: int) -> tuple[Path, Path]:
    target, id_column, drop, metric, _ = TABLES["flights"]
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED) / "tabular"
    frame = pd.read_csv(root / "flights.csv", low_memory=False)
    make_competition(frame, out, "flights", target=target, id_column=id_column,
                     metric=metric, drop=drop, seed=seed)
    return out / "flights", out / "flights.solution.csv"


def child(folder: str, metric: str, time_limit: float, seed: int, backend: str,
          models: str | None) -> dict:
    """One competition run in this process: what the parent prints, less the score."""
    from kagglekit.jobs.competition import run_competition
    from kagglekit.jobs.competition_files import read_competition

    folder = Path(folder)
    start = time.perf_counter()
    train, test, _ = read_competition(folder.name, folder.parent)
    read = time.perf_counter() - start
    frame_gib = (train.memory_usage(deep=True).sum() + test.memory_usage(deep=True).sum()) / 2**30
    del train, test
    with tempfile.TemporaryDirectory() as subs:
        start = time.perf_counter()
        result = run_competition(folder.name, data_dir=folder.parent, metric=metric,
                                 time_limit=time_limit, seed=seed, submissions=subs,
                                 backend=backend, models=models.split(",") if models else None)
        seconds = time.perf_counter() - start
        (folder.parent / f"{folder.name}.submission.csv").write_bytes(
            Path(result.submission).read_bytes())
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"read_seconds": round(read, 1), "frames_gib": round(frame_gib, 2),
            "peak_rss_gib": round(peak_kib / 2**20, 2),
            "seconds": round(seconds, 1), "time_limit": time_limit,
            "within_limit": seconds <= 1.1 * time_limit,
            "models": {r.name: {"seconds": round(r.seconds, 1), "folds": r.trained_folds,
                                "seeds": r.seeds, "skipped": r.skipped,
                                "cv": None if r.skipped else round(r.mean, 5)}
                       for r in result.runs},
            "blend": {n: round(w, 3) for n, w in result.blend.weights.items() if w > 0},
            "cv": round(result.score, 5)}


def run(folder: Path, solution: Path, metric: str, time_limit: float, seed: int,
        backend: str, models: str | None) -> dict:
    """:func:`child` in a fresh process, then the submission scored on the held-back labels."""
    command = [sys.executable, __file__, "--child", str(folder), metric, str(time_limit),
               str(seed), backend, models or ""]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    line = json.loads(done.stdout.strip().splitlines()[-1])
    line["score"] = round(score_submission(folder.parent / f"{folder.name}.submission.csv",
                                           solution, metric), 5)
    return line


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        folder, metric, limit, seed, backend, models = sys.argv[2:8]
        print(json.dumps(child(folder, metric, float(limit), int(seed), backend,
                               models or None)), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="a new folder for the competitions")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", default="100k:300,1m:900",
                        help="SIZE:SECONDS pairs among 100k, 1m (default 100k:300,1m:900)")
    parser.add_argument("--flights", type=float, default=300.0,
                        help="flights' time limit in seconds (0: leave it out)")
    parser.add_argument("--backend", default="loky", choices=("loky", "dask"))
    parser.add_argument("--models", help="comma-separated models (default: the run's own)")
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        parser.error(f"--out {out} is not empty: give a new folder")
    pairs = [p.split(":") for p in args.sizes.split(",") if p]
    if any(len(p) != 2 or p[0] not in SIZES for p in pairs):
        parser.error(f"--sizes takes SIZE:SECONDS pairs, SIZE among {', '.join(SIZES)}")
    for size, limit in pairs:
        start = time.perf_counter()
        folder, solution, bayes = build_synthetic(out, size, args.seed)
        line = {"benchmark": "competition_scale", "table": folder.name, "seed": args.seed,
                "metric": "roc_auc", "backend": args.backend,
                "build_seconds": round(time.perf_counter() - start, 1),
                "bayes_auc": round(bayes, 5)}
        line.update(run(folder, solution, "roc_auc", float(limit), args.seed, args.backend,
                        args.models))
        if "score" in line:
            line["of_bayes"] = round(line["score"] / bayes, 4)
        print(json.dumps(line), flush=True)
    if args.flights:
        folder, solution = build_flights(out, args.seed)
        line = {"benchmark": "competition_scale", "table": "flights", "seed": args.seed,
                "metric": "rmse", "backend": args.backend}
        line.update(run(folder, solution, "rmse", args.flights, args.seed, args.backend,
                        args.models))
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
