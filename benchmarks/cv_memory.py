"""Peak memory of a Keras cross-validation: 2 folds vs 10 folds, with and without clearing
the Keras session after each fold. Prints one JSON line.

Each CV runs in its own fresh Python process and reports that process's peak resident set
size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), so runs cannot inflate each other.
"Without" replaces :func:`kagglekit.models.memory.release_keras` by a no-op in that process.

Usage: python benchmarks/cv_memory.py [--epochs N] [--pipeline NAME]
Target (issue 5): peak RSS of the 10-fold run / the 2-fold run <= 1.2 (with the release).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

TARGET_RATIO = 1.2


def child(pipeline: str, folds: int, epochs: int, release: bool) -> None:
    """One CV in this process; prints its peak RSS (MiB) and fold scores as JSON."""
    from kagglekit import evaluate, load_dataset, make_pipeline
    from kagglekit.evaluation import cv
    from kagglekit.pipelines import get_spec

    if not release:
        cv.release_keras = lambda estimator: False
    data = load_dataset(get_spec(pipeline).task.dataset)
    start = time.perf_counter()
    result = evaluate(make_pipeline(pipeline, epochs=epochs), data.X, data.y, folds=folds,
                      seed=0, name=pipeline)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"peak_rss_mib": round(peak_kib / 1024, 1), "folds": result.folds,
                      "seconds": round(time.perf_counter() - start, 1)}))


def measure(pipeline: str, folds: int, epochs: int, release: bool) -> dict:
    command = [sys.executable, __file__, "--child", "--pipeline", pipeline,
               "--folds", str(folds), "--epochs", str(epochs)]
    if not release:
        command.append("--no-release")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", default="titanic-dnn")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--folds", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-release", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.pipeline, args.folds, args.epochs, not args.no_release)
        return
    runs = {}
    for label, release in (("release", True), ("no_release", False)):
        runs[label] = {folds: measure(args.pipeline, folds, args.epochs, release)
                       for folds in (2, 10)}
    peaks = {label: {str(f): r["peak_rss_mib"] for f, r in by_folds.items()}
             for label, by_folds in runs.items()}
    ratios = {label: round(p["10"] / p["2"], 3) for label, p in peaks.items()}
    print(json.dumps({
        "benchmark": "cv_memory", "pipeline": args.pipeline, "epochs": args.epochs, "seed": 0,
        "peak_rss_mib": peaks, "ratio_10_over_2": ratios,
        "seconds": {label: {str(f): r["seconds"] for f, r in by_folds.items()}
                    for label, by_folds in runs.items()},
        "same_fold_scores_with_and_without_release": all(
            runs["release"][f]["folds"] == runs["no_release"][f]["folds"] for f in (2, 10)),
        "target_ratio": TARGET_RATIO, "meets_target": ratios["release"] <= TARGET_RATIO,
    }))


if __name__ == "__main__":
    main()
