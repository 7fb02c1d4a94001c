"""The tabular network (kagglekit.models.tabular, kagglekit.models.tabular_net) on small
generated tables, and once on a real development table (slow)."""

import io
import time

import joblib
import numpy as np
import pandas as pd
import pytest

from kagglekit.models.tabular import TabularNetClassifier, TabularNetRegressor
from tests.checks import parametrize_with_checks
from tests.models.test_keras_checks import SCIKERAS_CHECKS_FAIL

FAST = {"target_steps": 200, "min_epochs": 1, "max_epochs": 200, "batch_size": 64,
        "min_steps_per_check": 20, "random_state": 0,
        "model__hidden": (32, 32)}


def table(n=400, seed=0):
    """3 numeric columns, then 2 code columns (12 and 3 codes, 0 = unknown)."""
    rng = np.random.default_rng(seed)
    numeric = rng.normal(size=(n, 3))
    codes = np.column_stack([rng.integers(1, 12, n), rng.integers(1, 3, n)])
    X = np.hstack([numeric, codes]).astype(np.float64)
    signal = numeric[:, 0] + np.sin(2 * numeric[:, 1]) + (codes[:, 0] % 3 == 0)
    return X, signal


@pytest.mark.parametrize("heads", [1, 3])
def test_classifier_shapes_binary_and_multiclass(heads):
    X, signal = table()
    binary = (signal > 0.5).astype(int)
    net = TabularNetClassifier(n_categorical=2, model__n_heads=heads, **FAST).fit(X, binary)
    assert net.predict(X[:7]).shape == (7,) and net.predict_proba(X[:1]).shape == (1, 2)
    assert net.cardinalities_ == [12, 3] and net.n_numeric_ == 3
    assert net.score(X, binary) > 0.75
    labels = np.array(["low", "mid", "high"])[np.digitize(signal, [0.0, 1.0])]
    multi = TabularNetClassifier(n_categorical=2, model__n_heads=heads, **FAST).fit(X, labels)
    proba = multi.predict_proba(X[:600])
    assert proba.shape == (400, 3) and set(multi.predict(X)) <= set(labels)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)


def test_regressor_standardizes_its_target_and_predicts_in_its_units():
    X, signal = table()
    y = 1000.0 + 50.0 * signal
    net = TabularNetRegressor(n_categorical=2, **FAST).fit(X, y)
    predicted = net.predict(X)
    assert predicted.shape == (400,) and predicted.dtype == np.float64
    assert abs(predicted.mean() - 1000 - 50 * signal.mean()) < 10
    assert net.score(X, y) > 0.6
    two = TabularNetRegressor(n_categorical=2, **FAST).fit(X, np.column_stack([y, -y]))
    assert two.predict(X[:5]).shape == (5, 2)


def test_unseen_and_out_of_range_codes_get_the_unknown_embedding():
    X, signal = table()
    net = TabularNetRegressor(n_categorical=2, model__one_hot_max=2, **FAST).fit(X, signal)
    unknown = X[:20].copy()
    unknown[:, 3] = 0
    for odd in (11.0 + 5, 999.0, -3.0):
        strange = X[:20].copy()
        strange[:, 3] = odd
        np.testing.assert_allclose(net.predict(strange), net.predict(unknown), atol=1e-6)
    assert not np.allclose(net.predict(X[:20]), net.predict(unknown), atol=1e-3)


def test_pipeline_with_dates_and_many_levels_trains_and_predicts_unseen_levels():
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    rng = np.random.default_rng(1)
    n = 600
    airport = rng.choice([f"A{i:02d}" for i in range(80)], n)
    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    frame = pd.DataFrame({"id": range(n), "x": rng.normal(size=n), "airport": airport,
                          "day": day.strftime("%Y-%m-%d"),
                          "note": [f"free text {i}" for i in range(n)]})
    frame["delay"] = frame.x * 3 + (day.month >= 6) * 5 + rng.normal(0, 0.5, n)
    plan = infer_columns(frame, "delay", id_column="id")
    assert plan.dates == ("day",) and plan.categorical == ("airport",)
    assert plan.high_cardinality == ("airport",) and "note" in plan.dropped
    for model in ("net", "hgb", "linear"):
        pipeline = tabular_pipeline(plan, model)
        if model == "net":
            pipeline.set_params(**{f"model__{k}": v for k, v in FAST.items()})
        pipeline.fit(frame.drop(columns="delay"), frame.delay)
        new = frame.drop(columns="delay").iloc[:3].assign(airport="never seen", day="2021-07-01")
        assert np.isfinite(pipeline.predict(new)).all()
    rmse = np.sqrt(np.mean((pipeline.predict(frame) - frame.delay) ** 2))
    assert rmse < frame.delay.std()


def test_a_tiny_time_budget_stops_training_and_the_model_still_predicts():
    X, signal = table(n=3000)
    y = (signal > 0.5).astype(int)
    start = time.perf_counter()
    net = TabularNetClassifier(n_categorical=2, max_seconds=0.5, target_steps=100_000,
                               max_epochs=10_000, random_state=0).fit(X, y)
    assert time.perf_counter() - start < 30
    assert net.stopped_by_time_ and net.steps_run_ < net.planned_steps_
    assert net.predict_proba(X[:5]).shape == (5, 2)
    assert np.isfinite(net.predict_proba(X)).all()


def test_patience_stops_early_and_keeps_the_best_weights():
    X, signal = table()
    settings = {**FAST, "max_epochs": 500, "target_steps": 10_000, "min_steps_per_check": 1}
    net = TabularNetRegressor(n_categorical=2, patience=2, **settings).fit(X, signal)
    assert net.steps_run_ < net.planned_steps_ and net.best_epoch_ <= net.epochs_run_


def test_the_same_seed_gives_the_same_model():
    X, signal = table()
    y = (signal > 0.5).astype(int)
    first = TabularNetClassifier(n_categorical=2, **FAST).fit(X, y).predict_proba(X)
    again = TabularNetClassifier(n_categorical=2, **FAST).fit(X, y).predict_proba(X)
    other = TabularNetClassifier(n_categorical=2, **{**FAST, "random_state": 1}).fit(X, y)
    np.testing.assert_allclose(first, again, atol=1e-6)
    assert not np.allclose(first, other.predict_proba(X), atol=1e-4)


def test_joblib_round_trip_gives_identical_predictions():
    X, signal = table()
    for net, y in ((TabularNetClassifier(n_categorical=2, model__n_heads=2, **FAST),
                    (signal > 0.5).astype(int)),
                   (TabularNetRegressor(n_categorical=2, **FAST), signal)):
        net.fit(X, y)
        buffer = io.BytesIO()
        joblib.dump(net, buffer)
        buffer.seek(0)
        loaded = joblib.load(buffer)
        np.testing.assert_allclose(loaded.predict(X), net.predict(X), atol=1e-6)
        np.testing.assert_allclose(loaded.predict(X[:3]), net.predict(X[:3]), atol=1e-6)


def test_batch_size_and_epochs_follow_the_rows():
    net = TabularNetClassifier()
    assert [net.batch_size_for(n) for n in (300, 20_000, 100_000, 800_000)] == \
        [256, 256, 1024, 2048]
    assert net.epochs_for(2) == 256 and net.epochs_for(100) == 30 and net.epochs_for(1000) == 8
    assert TabularNetClassifier(batch_size=64, epochs=3).batch_size_for(10**6) == 64


def test_bad_settings_fail_with_a_message():
    X, signal = table(n=50)
    with pytest.raises(ValueError, match="n_categorical"):
        TabularNetRegressor(n_categorical=9, **FAST).fit(X, signal)
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        TabularNetRegressor(n_categorical=3, **FAST).fit(X, signal)
    with pytest.raises(ValueError, match="max_seconds"):
        TabularNetRegressor(max_seconds=0, **FAST).fit(X, signal)
    with pytest.raises(ValueError, match="numeric_embedding"):
        TabularNetRegressor(model__numeric_embedding="spline", **FAST).fit(X, signal)


def test_mixed_precision_builds_and_predicts_float32():
    X, signal = table(n=200)
    net = TabularNetRegressor(n_categorical=2, precision="mixed_bfloat16", **FAST)
    predicted = net.fit(X, signal).predict(X[:4])
    assert predicted.shape == (4,) and np.isfinite(predicted).all()


# The same SciKeras and float32 reasons as our other Keras estimators.
_CHECKS_FAIL = SCIKERAS_CHECKS_FAIL


# The checks test scikit-learn's contract, not learning: about 150 fits each, so each fit is
# ten eager steps without a validation split (tracing a tf.function costs more than the steps).
# test_classifier_shapes_binary_and_multiclass and test_regressor_... show that the net learns.
_CHECKED = {"target_steps": 10, "max_epochs": 10, "batch_size": 64, "patience": None,
            "validation_fraction": 0.0, "run_eagerly": True, "random_state": 0,
            "model__hidden": (16,), "optimizer__learning_rate": 0.1}


@parametrize_with_checks(
    [TabularNetClassifier(**_CHECKED), TabularNetRegressor(**_CHECKED)],
    expected_failed_checks=lambda est: _CHECKS_FAIL)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.slow
def test_real_table_beats_the_mean(shared_datasets):
    from sklearn.model_selection import train_test_split

    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    frame = pd.read_csv(shared_datasets / "tabular" / "concrete.csv")
    plan = infer_columns(frame, "compressive_strength", id_column="rownames")
    train, test = train_test_split(frame, test_size=0.2, random_state=0)
    pipeline = tabular_pipeline(plan, "net").fit(train, train.compressive_strength)
    rmse = np.sqrt(np.mean((pipeline.predict(test) - test.compressive_strength) ** 2))
    assert rmse < 0.4 * test.compressive_strength.std()   # measured ~0.3 (HGB ~0.3)


def test_training_warns_about_nothing():
    """A user saw NumPy 2's ``__array__ ... copy keyword`` warning when the learning-rate
    schedule read the optimizer's rate through np.array()."""
    import warnings

    X, signal = table(n=100)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        TabularNetRegressor(n_categorical=2, **FAST).fit(X, signal).predict(X[:3])
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("name,value,says", [
    ("loss", "mse", "the loss follows the task"), ("shuffle", False, "shuffled with the seed"),
    ("validation_split", 0.2, "validation_fraction"), ("early_stopping", 5, "patience"),
    ("lr_decay", 0.9, "cosine")])
def test_inherited_settings_it_would_ignore_are_refused(name, value, says):
    X, signal = table(n=50)
    with pytest.raises(ValueError, match=says):
        TabularNetRegressor(n_categorical=2, **{name: value}, **FAST).fit(X, signal)
