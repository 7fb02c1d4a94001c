"""The metric table: every metric against scikit-learn's or a hand-computed value.

Tolerance: ``rel=1e-9``. Both sides are the same float64 formula (or scikit-learn itself)
over a few dozen rows, so they agree to ~1e-15; 1e-9 leaves room for a different summation
order while still catching any real difference (a wrong average, a wrong positive class).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import (
    METRICS,
    check_metric_task,
    default_metric,
    get_metric,
    metrics_for,
    prediction_for,
)
from kagglekit.kaggle.metrics import (
    KNOWN_COMPETITIONS,
    competition_metric,
    kaggle_metric,
)

REL = 1e-9
rng = np.random.default_rng(0)
N = 60
Y_BIN = rng.integers(0, 2, N)
P_BIN = np.clip(0.3 * Y_BIN + rng.uniform(0, 0.7, N), 0, 1)
CLASSES3 = np.array(["a", "b", "c"])
Y_MC = CLASSES3[rng.integers(0, 3, N)]
P_MC = rng.dirichlet([1, 1, 1], N)
Y_REG = rng.uniform(1, 10, N)
P_REG = Y_REG + rng.normal(0, 1, N)


def test_binary_label_metrics_match_sklearn():
    labels = (P_BIN >= 0.5).astype(int)
    expected = {
        "accuracy": skm.accuracy_score(Y_BIN, labels),
        "balanced_accuracy": skm.balanced_accuracy_score(Y_BIN, labels),
        "f1": skm.f1_score(Y_BIN, labels),  # binary: F1 of class 1
        "mcc": skm.matthews_corrcoef(Y_BIN, labels),
        "quadratic_weighted_kappa": skm.cohen_kappa_score(Y_BIN, labels, weights="quadratic"),
    }
    for name, value in expected.items():
        assert get_metric(name).score(Y_BIN, labels) == pytest.approx(value, rel=REL), name


def test_binary_probability_metrics_match_sklearn():
    matrix = np.column_stack([1 - P_BIN, P_BIN])
    auc = skm.roc_auc_score(Y_BIN, P_BIN)
    assert get_metric("roc_auc").score(Y_BIN, P_BIN) == pytest.approx(auc, rel=REL)
    assert get_metric("roc_auc").score(Y_BIN, matrix) == pytest.approx(auc, rel=REL)
    assert get_metric("gini").score(Y_BIN, P_BIN) == pytest.approx(2 * auc - 1, rel=REL)
    assert get_metric("log_loss").score(Y_BIN, P_BIN) == pytest.approx(
        skm.log_loss(Y_BIN, matrix), rel=REL)


def test_string_binary_labels_use_the_second_sorted_class_as_positive():
    y = np.where(Y_BIN == 1, "yes", "no")
    assert get_metric("roc_auc").score(y, P_BIN) == pytest.approx(
        skm.roc_auc_score(Y_BIN, P_BIN), rel=REL)
    labels = np.where(P_BIN >= 0.5, "yes", "no")
    assert get_metric("f1").score(y, labels) == pytest.approx(
        skm.f1_score(y, labels, pos_label="yes"), rel=REL)


def test_multiclass_metrics_match_sklearn():
    labels = CLASSES3[P_MC.argmax(axis=1)]
    assert get_metric("f1").score(Y_MC, labels) == pytest.approx(
        skm.f1_score(Y_MC, labels, average="macro"), rel=REL)
    assert get_metric("roc_auc").score(Y_MC, P_MC) == pytest.approx(
        skm.roc_auc_score(Y_MC, P_MC, multi_class="ovr", average="macro"), rel=REL)
    assert get_metric("log_loss").score(Y_MC, P_MC) == pytest.approx(
        skm.log_loss(Y_MC, P_MC, labels=CLASSES3), rel=REL)
    assert get_metric("mcc").score(Y_MC, labels) == pytest.approx(
        skm.matthews_corrcoef(Y_MC, labels), rel=REL)


def test_regression_metrics_match_sklearn():
    expected = {
        "rmse": np.sqrt(skm.mean_squared_error(Y_REG, P_REG)),
        "mae": skm.mean_absolute_error(Y_REG, P_REG),
        "median_ae": skm.median_absolute_error(Y_REG, P_REG),
        "mape": skm.mean_absolute_percentage_error(Y_REG, P_REG),
        "r2": skm.r2_score(Y_REG, P_REG),
    }
    for name, value in expected.items():
        assert get_metric(name).score(Y_REG, P_REG) == pytest.approx(value, rel=REL), name
    positive = np.abs(P_REG)
    assert get_metric("rmsle").score(Y_REG, positive) == pytest.approx(
        np.sqrt(skm.mean_squared_log_error(Y_REG, positive)), rel=REL)


def test_hand_computed_values():
    # RMSE of errors (3, -4): sqrt((9 + 16) / 2); MAE 3.5; RMSLE of e-1 vs 0: 1.
    assert get_metric("rmse").score([0, 0], [3, -4]) == pytest.approx(np.sqrt(12.5), rel=REL)
    assert get_metric("mae").score([0, 0], [3, -4]) == pytest.approx(3.5, rel=REL)
    assert get_metric("rmsle").score([0.0], [np.e - 1]) == pytest.approx(1.0, rel=REL)
    # log loss of P(true) = 0.5 on every row: log 2.
    assert get_metric("log_loss").score([0, 1], [0.5, 0.5]) == pytest.approx(np.log(2),
                                                                          rel=REL)


def test_quadratic_kappa_weights_by_value_distance_not_rank():
    # Ratings 1 and 5 only: Kaggle's QWK uses the range 1..5, so a 1<->5 swap costs 16/16,
    # and a perfect prediction is 1 whatever the labels.
    truth, predicted = np.array([1, 1, 5, 5]), np.array([1, 5, 5, 5])
    observed = np.zeros((5, 5))
    for t, p in zip(truth - 1, predicted - 1, strict=True):
        observed[t, p] += 1
    weights = np.subtract.outer(np.arange(5), np.arange(5)) ** 2 / 16
    expected_matrix = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    expected = 1 - (weights * observed).sum() / (weights * expected_matrix).sum()
    qwk = get_metric("quadratic_weighted_kappa")
    assert qwk.score(truth, predicted) == pytest.approx(expected, rel=REL)
    assert qwk.score(truth, truth) == 1.0


@pytest.mark.parametrize("labels", [np.array(["low", "high"]), np.array([0.5, 1.5])])
def test_quadratic_kappa_refuses_labels_that_are_not_integer_ratings(labels):
    with pytest.raises(KagglekitError, match="integer"):
        get_metric("quadratic_weighted_kappa").score(labels, labels)


def test_rmsle_refuses_a_negative_target_and_unclipped_negative_predictions():
    with pytest.raises(KagglekitError, match="negative target"):
        get_metric("rmsle").score([-1.0, 2.0], [1.0, 2.0])
    with pytest.raises(KagglekitError, match="prediction_for"):
        get_metric("rmsle").score([1.0, 2.0], [-1.0, 2.0])
    clipped = prediction_for("rmsle", np.array([-1.0, 2.0]))
    assert clipped.tolist() == [0.0, 2.0]
    assert get_metric("rmsle").score([0.0, 2.0], clipped) == 0.0


def test_log_loss_clips_certain_wrong_predictions():
    value = get_metric("log_loss").score([0, 1], [1.0, 0.0])
    assert np.isfinite(value)
    assert value == pytest.approx(-np.log(1e-15), rel=1e-6)


def test_roc_auc_on_one_class_says_to_use_fewer_folds():
    with pytest.raises(KagglekitError, match="fewer folds"):
        get_metric("roc_auc").score([1, 1, 1], [0.2, 0.5, 0.9], classes=[0, 1])
    with pytest.raises(KagglekitError, match="fewer folds"):
        get_metric("roc_auc").score(["a", "b", "a"], P_MC[:3], classes=CLASSES3)


def test_prediction_for_turns_probabilities_into_what_each_metric_needs():
    matrix = np.array([[0.8, 0.2], [0.3, 0.7]])
    assert prediction_for("accuracy", matrix, ["no", "yes"]).tolist() == ["no", "yes"]
    assert prediction_for("roc_auc", matrix, [0, 1]).tolist() == [0.2, 0.7]
    assert prediction_for("accuracy", np.array([0.2, 0.7]), [3, 7]).tolist() == [3, 7]
    assert prediction_for("log_loss", P_MC, CLASSES3).shape == (N, 3)
    assert prediction_for("f1", P_MC, CLASSES3).tolist() == \
        CLASSES3[P_MC.argmax(axis=1)].tolist()
    with pytest.raises(KagglekitError, match="classifier"):
        prediction_for("rmse", matrix, [0, 1])
    with pytest.raises(KagglekitError, match="predicts values"):
        prediction_for("accuracy", np.array([1.5, 2.5]))


def test_direction_is_handled():
    auc, loss, rmse, acc = (get_metric(n) for n in ("roc_auc", "log_loss", "rmse", "accuracy"))
    assert auc.is_better(0.9, 0.8) and not auc.is_better(0.8, 0.9)
    assert loss.is_better(0.1, 0.2) and not rmse.is_better(0.2, 0.1)
    assert not acc.is_better(0.5, 0.5)
    assert not acc.is_better(float("nan"), 0.5) and rmse.is_better(0.5, float("nan"))
    lower = {m.name for m in METRICS.values() if not m.greater_is_better}
    assert lower == {"log_loss", "rmse", "rmsle", "mae", "median_ae", "mape"}
    assert {m.sign for m in METRICS.values() if m.name in lower} == {-1.0}
    assert {m.sign for m in METRICS.values() if m.name not in lower} == {1.0}
    assert (auc.direction, rmse.direction) == ("higher", "lower")


def test_best_and_ranked_follow_the_direction_and_put_nan_last():
    nan = float("nan")
    assert get_metric("accuracy").best([0.7, nan, 0.9, 0.8]) == 0.9
    assert get_metric("rmse").best([0.7, nan, 0.9, 0.8]) == 0.7
    means = {"a": 2.0, "b": 1.0, "c": 1.0, "d": nan}
    assert get_metric("mae").best(means, key=means.get) == "b"  # the first of equal ones
    assert get_metric("mae").ranked(means, key=means.get) == ["b", "c", "a", "d"]
    assert get_metric("r2").ranked(means, key=means.get) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError):
        get_metric("r2").best([])


def test_as_scorer_is_a_signed_scikit_learn_scorer():
    from sklearn.inspection import permutation_importance
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.svm import LinearSVC

    X = np.column_stack([Y_BIN + rng.normal(0, 0.5, N), rng.normal(size=N)])
    model = LogisticRegression().fit(X, np.array(["no", "yes"])[Y_BIN])
    y = np.array(["no", "yes"])[Y_BIN]
    proba = model.predict_proba(X)
    assert get_metric("log_loss").as_scorer()(model, X, y) == pytest.approx(
        -skm.log_loss(y, proba), rel=REL)
    assert get_metric("roc_auc").as_scorer()(model, X, y) == pytest.approx(
        skm.roc_auc_score(y == "yes", proba[:, 1]), rel=REL)
    assert get_metric("accuracy").as_scorer()(model, X, y) == pytest.approx(
        skm.accuracy_score(y, model.classes_[proba.argmax(axis=1)]), rel=REL)
    svc = LinearSVC().fit(X, y)  # no predict_proba: a label metric takes its labels
    assert get_metric("f1").as_scorer()(svc, X, y) == pytest.approx(
        skm.f1_score(y, svc.predict(X), pos_label="yes"), rel=REL)
    regressor = LinearRegression().fit(X, Y_REG)
    assert get_metric("rmse").as_scorer()(regressor, X, Y_REG) == pytest.approx(
        -skm.root_mean_squared_error(Y_REG, regressor.predict(X)), rel=REL)
    found = permutation_importance(model, X, y, scoring=get_metric("log_loss").as_scorer(),
                                   n_repeats=3, random_state=0)
    assert found.importances_mean[0] > 0.05 > abs(found.importances_mean[1])


def test_every_metric_has_a_consistent_entry():
    for metric in METRICS.values():
        assert metric.needs in {"label", "proba", "value"}
        assert metric.tasks and metric.tasks <= {"binary", "multiclass", "regression"}
        assert (metric.needs == "value") == (metric.tasks == {"regression"})
        assert metric.label and metric.description


def test_lookups_and_typos():
    assert get_metric("ROC-AUC").name == "roc_auc"
    with pytest.raises(KagglekitError, match="did you mean roc_auc"):
        get_metric("roc_acu")
    with pytest.raises(KagglekitError, match="unknown metric 'xyz'"):
        get_metric("xyz")
    assert default_metric("binary") == "accuracy" and default_metric("regression") == "rmse"
    assert "roc_auc" in metrics_for("multiclass") and "rmse" not in metrics_for("binary")
    with pytest.raises(KagglekitError, match="does not apply to a regression target"):
        check_metric_task("roc_auc", "regression")


@pytest.mark.parametrize(("kaggle", "ours"), [
    ("AUC", "roc_auc"), ("RocAuc", "roc_auc"), ("LogLoss", "log_loss"),
    ("MulticlassLoss", "log_loss"), ("RMSE", "rmse"), ("RMSLE", "rmsle"), ("MAE", "mae"),
    ("CategorizationAccuracy", "accuracy"), ("Categorization Accuracy", "accuracy"),
    ("QuadraticWeightedKappa", "quadratic_weighted_kappa"), ("MeanF1Score", "f1"),
    ("Root Mean Squared Logarithmic Error", "rmsle"), ("R2 Score", "r2"),
    ("Matthews Correlation Coefficient", "mcc"),
])
def test_kaggle_metric_names(kaggle, ours):
    assert kaggle_metric(kaggle) == ours


def test_unknown_kaggle_names_and_known_competitions():
    assert kaggle_metric("MAP@12") is None and kaggle_metric(None) is None
    assert competition_metric("titanic") == "accuracy"
    assert competition_metric("playground-series-s4e1") == "roc_auc"
    assert competition_metric("no-such-competition") is None
    assert set(KNOWN_COMPETITIONS.values()) <= set(METRICS)


def test_the_rank_auc_equals_scikit_learns_with_ties():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 5000)
    scores = np.round(rng.random(5000) + 0.3 * y, 1)  # many ties
    assert get_metric("roc_auc").score(y, scores) == pytest.approx(
        skm.roc_auc_score(y, scores), abs=1e-12)  # the same statistic, float rounding apart
    with pytest.raises(KagglekitError, match="at least two classes"):
        get_metric("roc_auc").score(np.ones(10, dtype=int), scores[:10], classes=[0, 1])
    untied = rng.random(5000) + 0.3 * y  # the sort-only path
    assert get_metric("roc_auc").score(y, untied) == pytest.approx(
        skm.roc_auc_score(y, untied), abs=1e-12)
