"""The scoring functions behind :data:`kagglekit.evaluation.metrics.METRICS` (internal: call
:meth:`kagglekit.evaluation.metrics.Metric.score`, which checks the shapes first).

Each metric function takes ``(y_true, prediction, classes)`` and returns a float; the
conventions and edge cases are those of :mod:`kagglekit.evaluation.metrics`.
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from kagglekit.errors import KagglekitError

#: Probabilities are clipped to [eps, 1 - eps] before log loss (Kaggle's convention).
LOG_LOSS_EPS = 1e-15


def _positive(y_true, classes, name):
    if len(classes) != 2:
        raise KagglekitError(f"{name} of one probability column needs two classes, got "
                             f"{len(classes)}")
    return (y_true == classes[1]).astype(int)


def probability_matrix(prediction, classes, name):
    """Probabilities as a finite (n, k) float matrix in ``classes`` order (a binary (n,)
    P(``classes[1]``) becomes two columns); a wrong shape is an error naming the metric
    ``name``."""
    prediction = np.asarray(prediction, dtype=float)
    if prediction.ndim == 1:
        if len(classes) != 2:
            raise KagglekitError(f"{name}: one probability per row, but {len(classes)} "
                                 f"classes; give one column per class")
        prediction = np.column_stack([1 - prediction, prediction])
    if prediction.ndim != 2 or prediction.shape[1] != len(classes):
        raise KagglekitError(f"{name}: probabilities of shape {prediction.shape}, expected "
                             f"one column per class ({len(classes)})")
    if not np.isfinite(prediction).all():
        raise KagglekitError(f"{name}: probabilities contain NaN or infinite values")
    return prediction


def _both_classes(y_true, name):
    present = np.unique(y_true)
    if len(present) < 2:
        raise KagglekitError(f"{name} needs at least two classes among the scored rows, got "
                             f"only {present.tolist()}; use fewer folds (stratified folds "
                             f"keep every class)")


def roc_auc(y_true, prediction, classes):
    """ROC AUC of P(``classes[1]``), or one-vs-rest macro ROC AUC for more classes."""
    if len(classes) == 2:
        proba = probability_matrix(prediction, classes, "roc_auc")[:, 1]
        positive = _positive(y_true, classes, "roc_auc").astype(bool)
        if positive.all() or not positive.any():
            _both_classes(y_true, "roc_auc")
        return binary_auc(positive, proba)
    _both_classes(y_true, "roc_auc")
    matrix = probability_matrix(prediction, classes, "roc_auc")
    present = np.isin(classes, y_true)
    if not present.all():  # one-vs-rest is undefined for a class with no true row
        raise KagglekitError(f"roc_auc: classes {classes[~present].tolist()} have no row in "
                             f"the scored rows; use fewer folds")
    return skm.roc_auc_score(y_true, matrix, multi_class="ovr", average="macro",
                             labels=classes)


def binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC from ranks (the Mann-Whitney U statistic; tied scores count one half): the
    same value as scikit-learn's ``roc_auc_score``, in one sort (a blend's hill climbing
    scores thousands of candidates)."""
    order = np.argsort(score)
    ordered = score[order]
    if (ordered[1:] == ordered[:-1]).any():  # ties share their average rank
        from scipy.stats import rankdata

        rank_sum = rankdata(score)[positive].sum()
    else:
        rank_sum = (np.flatnonzero(positive[order]) + 1).sum()
    n_positive = int(positive.sum())
    n_negative = len(positive) - n_positive
    return float((rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative))


def gini(y_true, prediction, classes):
    """Kaggle's normalized Gini: 2 * ROC AUC - 1."""
    return 2 * roc_auc(y_true, prediction, classes) - 1


def log_loss(y_true, prediction, classes):
    """Mean negative log probability of the true class, clipped at :data:`LOG_LOSS_EPS`
    and renormalised per row."""
    matrix = np.clip(probability_matrix(prediction, classes, "log_loss"), LOG_LOSS_EPS,
                     1 - LOG_LOSS_EPS)
    matrix = matrix / matrix.sum(axis=1, keepdims=True)
    unknown = ~np.isin(y_true, classes)
    if unknown.any():
        raise KagglekitError(f"log_loss: labels {np.unique(y_true[unknown]).tolist()[:5]} "
                             f"are not among the classes {classes.tolist()}")
    index = np.searchsorted(classes, y_true)
    return float(-np.mean(np.log(matrix[np.arange(len(y_true)), index])))


def _labels(prediction, name):
    if prediction.ndim != 1:
        raise KagglekitError(f"{name} scores labels, got an array of shape {prediction.shape};"
                             f" turn probabilities into labels with prediction_for")
    return prediction


def f1(y_true, prediction, classes):
    """F1 of ``classes[1]`` for two classes; macro F1 for more."""
    prediction = _labels(prediction, "f1")
    if len(classes) == 2:
        return skm.f1_score(y_true, prediction, pos_label=classes[1], average="binary",
                            labels=classes)
    return skm.f1_score(y_true, prediction, average="macro", labels=classes)


def _ordinal(values, name):
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.bool_):
        raise KagglekitError(f"{name} needs integer-coded ordinal labels, got "
                             f"{values[:3].tolist()}; encode the order as 0, 1, 2, ...")
    if not np.isfinite(values).all() or not np.all(np.mod(values, 1) == 0):
        bad = values[~np.isfinite(values) | (np.mod(values, 1) != 0)][:3].tolist()
        raise KagglekitError(f"{name} needs integer labels, got {bad}; round the "
                             f"predictions (or encode the ratings as integers)")
    return values.astype(np.int64)


def quadratic_weighted_kappa(y_true, prediction, classes):
    """Cohen's kappa with quadratic weights over the integer ratings' whole range."""
    truth = _ordinal(y_true, "quadratic_weighted_kappa")
    predicted = _ordinal(_labels(prediction, "quadratic_weighted_kappa"),
                         "quadratic_weighted_kappa")
    low = min(truth.min(), predicted.min(), *(_ordinal(classes, "quadratic_weighted_kappa")))
    high = max(truth.max(), predicted.max(), *(_ordinal(classes, "quadratic_weighted_kappa")))
    if low == high:
        return 1.0  # one rating everywhere, predicted everywhere: perfect agreement
    return skm.cohen_kappa_score(truth, predicted, labels=np.arange(low, high + 1),
                                 weights="quadratic")


def _values(y_true, prediction, name):
    prediction = np.asarray(prediction, dtype=float)
    if prediction.ndim != 1:
        raise KagglekitError(f"{name} scores one value per row, got shape {prediction.shape}")
    if not np.issubdtype(np.asarray(y_true).dtype, np.number):
        raise KagglekitError(f"{name} needs a numeric target, got {y_true[:3].tolist()}; "
                             f"use a classification metric for labels")
    if not np.isfinite(prediction).all():
        raise KagglekitError(f"{name}: predictions contain NaN or infinite values")
    return np.asarray(y_true, dtype=float), prediction


def rmsle(y_true, prediction, classes):
    """Root mean squared log error; a negative target or prediction is an error."""
    y, p = _values(y_true, prediction, "rmsle")
    if (y < 0).any():
        raise KagglekitError("rmsle is undefined for a negative target; choose rmse or mae")
    if (p < 0).any():
        raise KagglekitError("rmsle: negative predictions; pass the model's output through "
                             "prediction_for, which clips them to 0")
    return skm.root_mean_squared_log_error(y, p)


def value_metric(function, name):
    """A metric function of scikit-learn's ``function(y_true, y_pred)`` on checked values."""
    def score(y_true, prediction, classes):
        return function(*_values(y_true, prediction, name))
    return score


def label_metric(function, name):
    """A metric function of scikit-learn's ``function(y_true, y_pred)`` on checked labels."""
    def score(y_true, prediction, classes):
        return function(y_true, _labels(prediction, name))
    return score
