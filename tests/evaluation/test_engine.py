"""The one fold runner (kagglekit.evaluation.engine): folds in order, the one deadline rule on
an injected clock, the one out-of-fold assembly, the one output shape, and the cluster as a
backend."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from kagglekit.errors import OutOfTime
from kagglekit.evaluation import engine


def _data(n=60):
    X = np.random.default_rng(0).normal(size=(n, 3))
    y = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    index = np.arange(n)
    return X, y, [(index[index % 3 != k], index[index % 3 == k]) for k in range(3)]


class Clock:
    """Moves ``step`` seconds at each reading."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


def test_folds_run_in_order_with_one_output_shape_and_their_test_predictions():
    X, y, splits = _data()
    seen = []
    outcomes = engine.run_folds(LogisticRegression(), X, y, splits, "binary",
                                metrics=("accuracy", "log_loss"), X_test=X[:7],
                                on_fold=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    for (_, held), outcome in zip(splits, outcomes, strict=True):
        assert outcome["output"].shape == (len(held), 2) and outcome["predicted"].shape == (7, 2)
        assert {"oof", "labels", "proba"}.isdisjoint(outcome)  # one shape, no old keys
        assert 0 <= outcome["accuracy"] <= 1 and outcome["log_loss"] > 0
    oof = engine.out_of_fold(outcomes, splits, len(y))
    assert oof.shape == (len(y), 2) and not np.isnan(oof).any()
    for (_, held), outcome in zip(splits, outcomes, strict=True):
        np.testing.assert_array_equal(oof[held], outcome["output"])


def test_out_of_fold_values_of_a_regression_and_rows_no_fold_held():
    X, _, splits = _data()
    y = X @ np.array([1.0, 2.0, -1.0])
    outcomes = engine.run_folds(LinearRegression(), X, y, splits[:2], "regression",
                                metrics=("rmse",))
    oof = engine.out_of_fold(outcomes, splits[:2], len(y))
    assert oof.shape == (len(y),) and np.isnan(oof[splits[2][1]]).all()
    np.testing.assert_allclose(oof[splits[0][1]], y[splits[0][1]], atol=1e-6)  # exact fit


def test_the_deadline_rule_stops_before_a_fold_that_would_end_past_it():
    assert not engine.out_of_time(None, 1e9, 1e9)  # no deadline: never
    assert engine.out_of_time(10.0, 8.0, 3.0) and not engine.out_of_time(10.0, 8.0, 2.0)
    assert engine.out_of_time(10.0, 10.5)  # folds already running: when it has passed
    X, y, splits = _data()
    # Each clock reading moves 4 s: the first fold "takes" 4 s, so at 8 s the next would end
    # at 12 s, past a deadline of 10 s.
    with pytest.raises(OutOfTime, match="1 of 3 folds") as stopped:
        engine.run_folds(LogisticRegression(), X, y, splits, "binary", metrics=("accuracy",),
                         deadline=10.0, clock=Clock(4.0))
    assert stopped.value.done == 1
    done = engine.run_folds(LogisticRegression(), X, y, splits, "binary",
                            metrics=("accuracy",), deadline=100.0, clock=Clock(4.0))
    assert len(done) == 3


def test_each_fold_model_can_be_kept_before_it_is_let_go():
    X, y, splits = _data()
    kept = engine.run_folds(LogisticRegression(), X, y, splits, "binary",
                            metrics=("accuracy",), keep=_coefficients)
    assert [o["kept"][0] for o in kept] == [0, 1, 2]
    assert all(o["kept"][1].shape == (1, 3) for o in kept)  # the fitted fold model's


def _coefficients(pipeline, fold):
    return fold, pipeline.coef_


def test_a_cluster_is_a_backend_of_the_same_runner():
    class Cluster:
        def run(self, key, pipeline, splits, task, metrics, *, deadline, on_fold, keep):
            self.asked = (key, task, metrics, deadline)
            return ["outcome"] * len(splits)

    X, y, splits = _data()
    cluster = Cluster()
    assert engine.run_folds(LogisticRegression(), X, y, splits, "binary", cluster=cluster,
                            key="lgbm", metrics=("accuracy",), deadline=5.0) == ["outcome"] * 3
    assert cluster.asked == ("lgbm", "binary", ("accuracy",), 5.0)
