"""Prediction speed of saved Titanic pipelines, measured side by side in one run.

Prints one JSON line:

- single-row ``predict_proba`` p50 / p99 (ms) of the loaded DNN pipeline, the same pipeline with
  kagglekit's small-input paths switched off (SciKeras' ``Model.predict`` and scikit-learn's
  ColumnTransformer code: what it cost before), and the LogisticRegression pipeline with the
  same preprocessing;
- rows per second on 10,000 rows: the whole DNN pipeline, the Keras wrapper on the
  preprocessed array, and plain ``keras.Model.predict`` on that array.

Usage: ``python benchmarks/predict_latency.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit import load, load_dataset, make_pipeline, save
from kagglekit.models import keras as keras_layer
from kagglekit.pipelines import lean


def _latency_ms(func, repeats: int) -> dict:
    for _ in range(20):  # warm-up: graph tracing, caches
        func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    ms = np.array(times) * 1e3
    return {"p50": round(float(np.percentile(ms, 50)), 3),
            "p99": round(float(np.percentile(ms, 99)), 3)}


def _rows_per_s(func, rows: int, repeats: int = 5) -> float:
    func()
    best = min(_timed(func) for _ in range(repeats))
    return round(rows / best, 1)


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=500)
    args = parser.parse_args()

    data = load_dataset("titanic")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name in ("titanic-dnn", "titanic-logreg"):
            fitted = make_pipeline(name).fit(data.X, data.y)
            paths[name] = save(fitted, Path(folder) / f"{name}.joblib", name=name)
        dnn, logreg = load(paths["titanic-dnn"]), load(paths["titanic-logreg"])

    row = data.X_test.iloc[[0]]
    result = {"benchmark": "predict_latency", "repeats": args.repeats}
    result["dnn_row_ms"] = _latency_ms(lambda: dnn.predict_proba(row), args.repeats)
    result["logreg_row_ms"] = _latency_ms(lambda: logreg.predict_proba(row), args.repeats)
    saved = keras_layer.FAST_PATH_MAX_ROWS, lean.SMALL_ROWS
    keras_layer.FAST_PATH_MAX_ROWS, lean.SMALL_ROWS = 0, 0
    try:
        result["dnn_row_ms_without_fast_paths"] = _latency_ms(lambda: dnn.predict_proba(row),
                                                              max(args.repeats // 5, 50))
    finally:
        keras_layer.FAST_PATH_MAX_ROWS, lean.SMALL_ROWS = saved
    result["speedup_p50"] = round(result["dnn_row_ms_without_fast_paths"]["p50"]
                                  / result["dnn_row_ms"]["p50"], 1)
    result["dnn_minus_logreg_p50_ms"] = round(result["dnn_row_ms"]["p50"]
                                              - result["logreg_row_ms"]["p50"], 3)

    big = pd.concat([data.X_test] * 24, ignore_index=True).iloc[:10_000]
    features = dnn[:-1].transform(big)
    wrapper = dnn.steps[-1][1]
    matrix = np.asarray(features, dtype="float32")
    result["batch_rows"] = len(big)
    result["pipeline_rows_per_s"] = _rows_per_s(lambda: dnn.predict_proba(big), len(big))
    result["wrapper_rows_per_s"] = _rows_per_s(lambda: wrapper.predict_proba(features), len(big))
    result["model_predict_rows_per_s"] = _rows_per_s(
        lambda: wrapper.model_.predict(matrix, verbose=0), len(big))
    result["wrapper_vs_model_predict"] = round(result["wrapper_rows_per_s"]
                                               / result["model_predict_rows_per_s"], 2)
    result["pipeline_vs_model_predict"] = round(result["pipeline_rows_per_s"]
                                                / result["model_predict_rows_per_s"], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
