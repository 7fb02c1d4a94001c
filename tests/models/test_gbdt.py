"""LightGBM and CatBoost behind kagglekit's early-stopping estimators (kagglekit.models.gbdt)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.models.gbdt import BoostedTreesClassifier, BoostedTreesRegressor
from tests.checks import parametrize_with_checks

TINY = {"max_rounds": 20, "patience": 5}


def table(n=1200, seed=0):
    """One category code column (1..8; the label depends on it), then 3 numeric columns with
    missing values."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 9, n)
    numeric = rng.normal(size=(n, 3))
    signal = numeric[:, 0] + np.sin(2 * numeric[:, 1]) + np.isin(codes, [2, 5, 7]) * 1.5
    numeric[rng.random((n, 3)) < 0.05] = np.nan
    return np.column_stack([codes, numeric]), signal


EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data":
        "a repeated row can land in both the training and the early-stopping split, so "
        "weighting a row is not the same as repeating it",
}


@parametrize_with_checks([cls(library, **TINY) for library in ("lightgbm", "catboost")
                          for cls in (BoostedTreesClassifier, BoostedTreesRegressor)],
                         expected_failed_checks=EXPECTED_FAILURES)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("library", ["lightgbm", "catboost"])
def test_each_library_learns_with_native_categories_and_stops_early(library):
    X, signal = table()
    train, test = slice(0, 900), slice(900, None)
    y = (signal > 0.8).astype(int)
    clf = BoostedTreesClassifier(library, n_categorical=1, max_rounds=2000, patience=30)
    clf.fit(X[train], y[train])
    proba = clf.predict_proba(X[test])
    assert proba.shape == (300, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert clf.score(X[test], y[test]) > 0.8
    assert 1 <= clf.n_rounds_ < 2000  # early stopping chose the rounds
    reg = BoostedTreesRegressor(library, n_categorical=1, max_rounds=2000, patience=30)
    target = 100 + 10 * signal
    reg.fit(X[train], target[train])
    assert reg.score(X[test], target[test]) > 0.7
    unseen = X[test].copy()
    unseen[:, 0] = 0  # the code of rare and unseen levels predicts without error
    assert np.isfinite(reg.predict(unseen)).all()


@pytest.mark.parametrize("library", ["lightgbm", "catboost"])
def test_multiclass_probabilities_follow_classes(library):
    X, signal = table(n=600)
    labels = np.array(["low", "mid", "high"])[np.digitize(signal, [0.0, 1.5])]
    clf = BoostedTreesClassifier(library, n_categorical=1, **TINY).fit(X, labels)
    assert list(clf.classes_) == ["high", "low", "mid"]
    assert clf.predict_proba(X[:5]).shape == (5, 3)
    assert set(clf.predict(X)) <= set(labels)


@pytest.mark.parametrize("library", ["lightgbm", "catboost"])
def test_the_time_budget_stops_boosting(library):
    X, signal = table(n=600)
    reg = BoostedTreesRegressor(library, max_rounds=5000, patience=5000, max_seconds=1e-6)
    reg.fit(X, signal)
    assert reg.n_rounds_ <= 3


def test_same_seed_same_model():
    X, signal = table(n=600)
    first = BoostedTreesRegressor("lightgbm", n_categorical=1, **TINY).fit(X, signal)
    again = BoostedTreesRegressor("lightgbm", n_categorical=1, **TINY).fit(X, signal)
    np.testing.assert_array_equal(first.predict(X), again.predict(X))


def test_bad_settings_are_refused():
    X, signal = table(n=100)
    with pytest.raises(ValueError, match="library"):
        BoostedTreesRegressor("xgboost").fit(X, signal)
    with pytest.raises(ValueError, match="n_categorical=9"):
        BoostedTreesRegressor(n_categorical=9).fit(X, signal)
    with pytest.raises(ValueError, match="at least two classes"):
        BoostedTreesClassifier(**TINY).fit(X, np.zeros(100))


@pytest.mark.parametrize("model", ["lgbm", "catboost"])
def test_tabular_pipeline_with_text_categories_and_missing_values(model):
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({"x": rng.normal(size=n),
                          "color": rng.choice(["red", "green", None], n),
                          "city": rng.choice([f"c{i}" for i in range(60)], n)})
    frame["y"] = frame["x"] + (frame["color"] == "red") * 2 + rng.normal(0, 0.1, n)
    plan = infer_columns(frame, "y")
    pipeline = tabular_pipeline(plan, model).fit(frame.drop(columns="y"), frame["y"])
    new = frame.drop(columns="y").head(5).assign(color="purple")  # an unseen level
    assert pipeline.predict(new).shape == (5,)
    assert pipeline.score(frame.drop(columns="y"), frame["y"]) > 0.8


def test_a_short_budget_raises_the_learning_rate_to_fit_the_rounds_it_affords():
    from kagglekit.models.gbdt import MAX_LEARNING_RATE, paced_learning_rate

    assert paced_learning_rate(0.05, 0.001, 10.0) == 0.05  # 10,000 rounds: enough
    assert paced_learning_rate(0.05, 0.01, 2.0) == pytest.approx(0.25)  # 200 rounds
    assert paced_learning_rate(0.05, 0.05, 5.0) == MAX_LEARNING_RATE  # 100 rounds: capped
    assert paced_learning_rate(0.05, 0.01, -1.0) == MAX_LEARNING_RATE  # no time left


@pytest.mark.parametrize("library", ["lightgbm", "catboost"])
def test_an_ample_budget_keeps_the_learning_rate(library):
    X, signal = table(n=600)
    reg = BoostedTreesRegressor(library, max_seconds=600.0).fit(X, signal)
    assert reg.learning_rate_ == 0.05
    assert BoostedTreesRegressor(library, **TINY).fit(X, signal).learning_rate_ == 0.05


@pytest.mark.parametrize("library", ["lightgbm", "catboost"])
def test_refit_boosts_the_kept_rounds_again_on_every_row(library):
    X, signal = table()
    y = signal + np.random.default_rng(1).normal(scale=0.3, size=len(signal))
    once = BoostedTreesRegressor(library, n_categorical=1, max_rounds=300, patience=20).fit(X, y)
    again = BoostedTreesRegressor(library, n_categorical=1, max_rounds=300, patience=20,
                                  refit=True).fit(X, y)
    assert not once.refitted_ and again.refitted_
    assert again.n_rounds_ == max(1, round(once.n_rounds_ / 0.9))  # scaled to all the rows
    assert not np.allclose(again.predict(X[:50]), once.predict(X[:50]))
    tight = BoostedTreesRegressor(library, n_categorical=1, max_rounds=300, patience=20,
                                  refit=True, max_seconds=1e-3).fit(X, y)
    assert not tight.refitted_  # the first pass used more than half of the budget
