"""Leak detection: a planted leak is named, honest data raises no alarm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kagglekit.evaluation import leakage
from kagglekit.evaluation.leakage import find_leaks, single_column_scores

rng = np.random.default_rng(0)
N = 3000


def _features():
    return pd.DataFrame({
        "id": np.arange(N),
        "a": rng.normal(size=N),
        "b": rng.normal(size=N),
        "city": rng.choice(["x", "y", "z", None], N),
        "many": rng.integers(0, 2000, N).astype(str),  # high cardinality, no signal
    })


def test_a_planted_numeric_leak_in_a_regression_is_named():
    X = _features()
    y = 2 * X.a + rng.normal(0, 1, N)
    X["after"] = np.exp(y / 3) + rng.normal(0, 1e-3, N)  # a monotone function of the target

    leaks = find_leaks(X, y, id_column="id")

    assert [leak.column for leak in leaks] == ["after"]
    assert leaks[0].metric == "r2" and leaks[0].score >= 0.99


def test_a_planted_categorical_leak_in_a_binary_target_is_named():
    X = _features()
    y = np.where(X.a + rng.normal(0, 1, N) > 0, "yes", "no")
    outcome = np.where(y == "yes", "closed", "open")
    flip = rng.random(N) < 0.002
    X["status"] = np.where(flip, "open", outcome)

    leaks = find_leaks(X, y, id_column="id")

    assert [leak.column for leak in leaks] == ["status"]
    assert leaks[0].metric == "roc_auc"


def test_a_multiclass_leak_uses_auc_not_accuracy():
    X = _features()
    # 98 % of one class: any column gets ~0.98 accuracy, but only the leak gets AUC ~1.
    y = np.where(rng.random(N) < 0.98, "common", rng.choice(["r1", "r2"], N))
    X["code"] = pd.Series(y).map({"common": 0, "r1": 1, "r2": 2}).to_numpy() + \
        rng.normal(0, 0.01, N)

    scores = single_column_scores(X, y, id_column="id")

    assert scores["code"] >= 0.99
    assert max(v for k, v in scores.items() if k != "code") < 0.7
    assert [leak.column for leak in find_leaks(X, y, id_column="id")] == ["code"]


@pytest.mark.parametrize("task", ["regression", "binary"])
def test_honest_data_raises_no_alarm(task):
    X = _features()
    signal = 2 * X.a + X.b + rng.normal(0, 0.5, N)  # strong, but not perfect
    y = signal if task == "regression" else (signal > 0).astype(int)

    assert find_leaks(X, y, id_column="id") == []
    assert "id" not in single_column_scores(X, y, id_column="id")


def test_it_samples_big_tables(monkeypatch):
    big = 200_000
    X = pd.DataFrame({"a": rng.normal(size=big), "c": rng.integers(0, 50, big)})
    y = X.a + rng.normal(0, 1, big)
    seen = []
    score = leakage._score
    monkeypatch.setattr(leakage, "_score", lambda t, p, task: seen.append(len(t)) or
                        score(t, p, task))

    scores = single_column_scores(X, y, max_rows=20_000)

    assert seen == [20_000, 20_000]  # each column scored on the sampled rows only
    # a real but noisy signal, far from a leak; the lone code column carries none
    assert 0.05 < scores["a"] < 0.7 and scores["c"] < 0.05


@pytest.mark.parametrize(("y", "task"), [
    (["a", "b"], None),                       # 2 rows, 3 folds: nothing can be measured
    ([0, 1], "binary"),
    ([1.5, 2.5], "regression"),
    (["a", "a", "b", "b"], None),             # 4 rows, no class with 3 rows for 3 folds
])
def test_too_few_rows_for_the_folds_are_no_leak_and_no_error(y, task):
    X = pd.DataFrame({"id": range(len(y)), "x": np.arange(len(y), dtype=float),
                      "same": list(y)})  # a copy of the target, if anything could be measured

    assert single_column_scores(X, y, task=task, id_column="id") == {}
    assert find_leaks(X, y, task=task, id_column="id") == []


def test_a_rare_class_still_lets_the_others_be_measured():
    y = np.array(["a"] * 30 + ["b"] * 30 + ["c"] * 2)
    X = pd.DataFrame({"copy": y, "noise": rng.normal(size=len(y))})

    scores = single_column_scores(X, y)

    assert set(scores) == {"copy", "noise"} and scores["copy"] >= 0.99
