"""Permutation importance: only the columns the model reads are shuffled and listed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from kagglekit.evaluation.importance import permutation_drops, used_columns
from kagglekit.features.inputs import InputSchema
from kagglekit.features.tabular import infer_columns, tabular_features

N = 300


def _frame(seed=0):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=N)
    return pd.DataFrame({
        "id": np.arange(N),
        "signal": signal,
        "noise": rng.normal(size=N),
        "city": rng.choice(["a", "b", "c"], N),
        "same": 7,                                         # one value: the plan drops it
        "unwanted": rng.normal(size=N),                    # --drop
        "label": np.where(signal + rng.normal(0, 0.3, N) > 0, "yes", "no"),
    })


def _tabular_model(frame):
    """A fitted pipeline laid out as kagglekit's tabular pipelines are."""
    plan = infer_columns(frame, "label", id_column="id", drop=("unwanted",))
    unused = tuple(c for c in (plan.id_column, *plan.dropped) if c)
    model = Pipeline([("input", InputSchema(ignore=unused)),
                      ("features", tabular_features(plan, "onehot")),
                      ("model", LogisticRegression())])
    return model.fit(frame.drop(columns="label"), frame["label"])


def test_the_id_and_dropped_columns_are_left_out():
    frame = _frame()
    model = _tabular_model(frame)
    held = _frame(seed=1)
    X, y = held.drop(columns="label"), held["label"].to_numpy()

    drops = permutation_drops(model, X, y, "log_loss")

    assert set(drops) == {"signal", "noise", "city"}
    assert next(iter(drops)) == "signal" and drops["signal"][0] > 0.1
    assert used_columns(model, X.columns) == ["signal", "noise", "city"]


def test_an_explicit_ignore_and_the_old_positional_call():
    frame = _frame()
    model = _tabular_model(frame)
    X, y = frame.drop(columns="label"), frame["label"].to_numpy()

    drops = permutation_drops(model, X, y, "accuracy",
                              ignore=["noise"], n_repeats=2)

    assert set(drops) == {"signal", "city"}


def test_a_column_transformer_reads_only_its_parts_columns():
    frame = _frame()
    X, y = frame[["id", "signal", "noise"]], frame["signal"] * 2 + 1
    parts = ColumnTransformer([("scaled", StandardScaler(), ["signal"])])
    model = make_pipeline(parts, LinearRegression()).fit(X, y)

    assert used_columns(model, X.columns) == ["signal"]
    drops = permutation_drops(model, X, y, "rmse")
    assert list(drops) == ["signal"] and drops["signal"][0] > 1  # RMSE lost, as a gain
    # A model that is not a pipeline reads every column.
    plain = LinearRegression().fit(X, y)
    assert used_columns(plain, X.columns) == ["id", "signal", "noise"]
    assert set(permutation_drops(plain, X, y, "r2")) == {"id", "signal", "noise"}


@pytest.mark.parametrize("metric", ["roc_auc", "log_loss", "accuracy"])
def test_a_drop_is_a_loss_whatever_the_direction(metric):
    frame = _frame()
    model = _tabular_model(frame)
    X, y = frame.drop(columns="label"), frame["label"].to_numpy()

    drops = permutation_drops(model, X, y, metric, top=1)

    assert list(drops) == ["signal"] and drops["signal"][0] > 0
