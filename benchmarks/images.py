"""Image benchmark: each image pipeline trained on the official 60,000 training images and
scored on the 10,000 test images (``kagglekit evaluate NAME --holdout``), against the issue's
targets. One JSON line per pipeline.

Usage: python benchmarks/images.py [NAME ...]   (default: all; data from ../shared/datasets
or $KAGGLEKIT_DATA_DIR)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TARGETS = {
    "mnist-mlp": ("mnist-mlp (classic)", 0.980),
    "mnist-mlp-wide": ("best MNIST MLP", 0.986),
    "mnist-mlp-ensemble": ("best MNIST MLP", 0.986),
    "mnist-cnn": ("mnist-cnn", 0.994),
    "mnist-cnn-augmented": ("best MNIST (augmentation and/or ensemble)", 0.996),
    "mnist-cnn-ensemble": ("best MNIST (augmentation and/or ensemble)", 0.996),
    "fashion-mlp": ("fashion-mlp", 0.895),
    "fashion-cnn": ("fashion-cnn", 0.925),
    "fashion-cnn-augmented": ("best Fashion (augmentation and/or ensemble)", 0.935),
    "fashion-cnn-ensemble": ("best Fashion (augmentation and/or ensemble)", 0.935),
    "fashion-pca-logreg": ("baseline (scikit-learn only)", None),
}
"""The issue's target row each pipeline competes in, and its test accuracy (None: a baseline).
A "best ..." row is met when any of its pipelines reaches it."""


def main(names: list[str]) -> None:
    from kagglekit import make_pipeline
    from kagglekit.data import load_dataset
    from kagglekit.evaluation.holdout import evaluate_holdout
    from kagglekit.pipelines import get_spec

    data_dir = os.environ.get("KAGGLEKIT_DATA_DIR") or \
        Path(__file__).resolve().parents[2] / "shared" / "datasets"
    for name in names or list(TARGETS):
        dataset = load_dataset(get_spec(name).task.dataset, data_dir)
        result = evaluate_holdout(make_pipeline(name), dataset.X, dataset.y, dataset.X_test,
                                  dataset.y_test, name=name,
                                  class_names=dataset.class_names)
        row, target = TARGETS.get(name, (None, None))
        print(json.dumps({"benchmark": "images", "pipeline": name,
                          "test_accuracy": result["accuracy"], "target_row": row,
                          "target": target,
                          "met": None if target is None else result["accuracy"] >= target,
                          "members": result["members"],
                          "train_seconds": result["train_seconds"],
                          "epochs_run": result["epochs_run"], "n_weights": result["n_weights"],
                          "test_accuracy_by_epoch": (result["history"] or {}).get(
                              "test_accuracy"),
                          "monitor_seconds": result["monitor_seconds"],
                          "cpus": os.cpu_count()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
