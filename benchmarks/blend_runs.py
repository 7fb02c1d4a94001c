"""Two runs with different model sets, then `kagglekit blend`, scored on held-back labels.

Usage: python benchmarks/blend_runs.py --out DIR [--seed N] [--time-limit S]
[--first M1,M2] [--second M3,M4] [TABLE ...]

For each development table (benchmarks/competitions.py builds the competition folder and its
held-back labels with split seed ``--seed``) it runs, as a user does, each command timed from
its start to its exit:

1. ``kagglekit run --competition TABLE --models FIRST --time-limit S --no-report``
2. ``kagglekit run --competition TABLE --models SECOND --time-limit S --no-report``
3. ``kagglekit blend TABLE`` (both runs: the same files, folds and seed)

and prints one JSON line per table: each step's out-of-fold CV (the blend's on the rows it was
chosen on, and its honest gain), its held-out score and its seconds, and whether the blend
is at least as good as the better run on the held-out rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from competitions import SHARED, TABLES, make_competition, score_submission  # noqa: E402

from kagglekit.evaluation.metrics import get_metric  # noqa: E402


def kagglekit(*args, env) -> tuple[dict, float]:
    """Run one kagglekit command; its run folder's run.json and its seconds."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kagglekit.cli", *args], env=env, check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    path = next(line.split(":", 1)[1].strip() for line in done.stdout.splitlines()
                if line.startswith("run:"))
    return json.loads((Path(path) / "run.json").read_text()), seconds


def step(info: dict, seconds: float, solution: Path, metric: str) -> dict:
    return {"cv": round(info["blend"]["oof_score"], 6), "method": info["blend"]["method"],
            "gains": {m: round(g["mean"], 6) for m, g in info["blend"]["honest_gain"].items()},
            "weights": {n: round(w, 3) for n, w in info["blend"]["weights"].items() if w > 0},
            "held_out": round(score_submission(info["submission"], solution, metric), 6),
            "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", nargs="*", default=[t for t in TABLES if t != "flights"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--first", default="linear,hgb")
    parser.add_argument("--second", default="lgbm,catboost")
    args = parser.parse_args()
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED) / "tabular"
    out = Path(args.out)
    env = {**os.environ, "KAGGLEKIT_RUNS_DIR": str(out / "runs"),
           "KAGGLEKIT_DATA_DIR": str(out)}
    for table in args.tables:
        target, id_column, drop, metric, per_class = TABLES[table]
        frame = pd.read_csv(root / f"{table}.csv", low_memory=False)
        make_competition(frame, out, table, target=target, id_column=id_column, metric=metric,
                         drop=drop, class_columns=per_class, seed=args.seed)
        solution = out / f"{table}.solution.csv"
        common = ["run", "--competition", table, "--metric", metric, "--time-limit",
                  str(args.time_limit), "--no-report", "--quiet", "--seed", "0"]
        first = step(*kagglekit(*common, "--models", args.first, env=env), solution, metric)
        second = step(*kagglekit(*common, "--models", args.second, env=env), solution, metric)
        blended = step(*kagglekit("blend", table, env=env), solution, metric)
        sign = get_metric(metric).sign
        better = max(first["held_out"], second["held_out"], key=lambda s: sign * s)
        print(json.dumps({"benchmark": "blend_runs", "table": table, "split_seed": args.seed,
                          "metric": metric, "time_limit": args.time_limit,
                          "first": {"models": args.first, **first},
                          "second": {"models": args.second, **second}, "blend": blended,
                          "blend_minus_better_run": round(sign * (blended["held_out"] - better),
                                                          6)}), flush=True)


if __name__ == "__main__":
    main()
