"""Regression pipelines: target scaled inside, predictions in original units, several outputs,
and the linear net recovering y = x + 10 outside its training range."""

import numpy as np
import pytest
from sklearn.base import clone, is_regressor

from kagglekit import list_pipelines, load_dataset, make_pipeline

NAMES = ["shift-linear", "shift-relu", "quadratic-dnn", "linear-map-dnn"]


@pytest.mark.parametrize("name", NAMES)
def test_registered_regressors(name):
    spec = {s.name: s for s in list_pipelines()}[name]
    assert spec.task.kind == "regression" and spec.task.metric == "rmse"
    pipe = make_pipeline(name)
    assert is_regressor(pipe)
    clone(pipe)


def test_predictions_come_back_in_original_units():
    ds = load_dataset("shift")
    pipe = make_pipeline("shift-relu", epochs=3).fit(ds.X, ds.y)
    scaler = pipe.named_steps["model"].transformer_
    assert scaler.mean_[0] == pytest.approx(ds.y.mean())  # trained on the scaled target
    assert 0 < np.mean(pipe.predict(ds.X)) < 200


def test_settings_reach_the_network_inside():
    pipe = make_pipeline("quadratic-dnn", epochs=7, model__hidden=(4,))
    net = pipe.named_steps["model"].regressor
    assert net.epochs == 7 and net.model__hidden == (4,)


def test_two_outputs():
    ds = load_dataset("linear-map")
    pipe = make_pipeline("linear-map-dnn", epochs=30)
    pred = pipe.fit(ds.X, ds.y).predict(ds.X_test)
    assert pred.shape == (200, 2)
    assert np.sqrt(np.mean((pred - ds.y_test.to_numpy()) ** 2)) < 0.1


def test_linear_net_recovers_the_formula_and_extrapolates():
    ds = load_dataset("shift")
    pipe = make_pipeline("shift-linear", model__hidden=(), batch_size=8, epochs=40)
    predicted = pipe.fit(ds.X, ds.y).predict(ds.X_test)  # x in [100, 200): never seen
    assert np.sqrt(np.mean((predicted - ds.y_test) ** 2)) < 0.01


@pytest.mark.slow
def test_relu_extrapolates_worse_than_linear():
    ds = load_dataset("shift")
    scores = {}
    for name in ("shift-linear", "shift-relu"):
        pipe = make_pipeline(name).fit(ds.X, ds.y)
        scores[name] = np.sqrt(np.mean((pipe.predict(ds.X_test) - ds.y_test) ** 2))
    assert scores["shift-linear"] < 0.01 and scores["shift-relu"] > 0.1
