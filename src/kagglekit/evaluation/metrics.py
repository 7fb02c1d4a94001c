"""One table of the metrics Kaggle competitions are scored on, and what each one needs.

Every :class:`Metric` knows what the model must output and the submission must hold (``needs``:
``"label"``, ``"proba"`` or ``"value"``), its direction, its tasks and how reports name it.

Conventions shared by every function here:

- ``classes`` is the sorted array of the training labels (what a scikit-learn classifier's
  ``classes_`` holds); probability matrices have one column per class in that order. When
  ``classes`` is not given it is ``np.unique(y_true)``, which is wrong for a fold that lacks a
  class: pass it.
- A binary probability may be a matrix ``(n, 2)`` or the vector of P(``classes[1]``), the
  *positive* class (1 for 0/1 labels, ``"Yes"`` for No/Yes).
- Labels from probabilities are the argmax (a binary tie at exactly 0.5 goes to
  ``classes[0]``).

Edge cases, decided:

- ``rmsle``: a negative target is an error (the metric is undefined; use rmse);
  :func:`prediction_for` clips negative *predictions* to 0, so what is scored is what is
  submitted, and :meth:`Metric.score` refuses negative predictions that did not go through it.
- ``quadratic_weighted_kappa``: labels must be integer-coded ordinal values (strings or
  fractional numbers are refused: their sorted order need not be the rating order); the
  weights use the distance between the values over their whole range min..max, as Kaggle's
  metric does, not the rank among the values present.
- ``log_loss``: probabilities are clipped to ``[1e-15, 1 - 1e-15]`` and each row renormalised
  (Kaggle's convention).
- ``roc_auc`` (and ``gini``) on a fold with one class only: an error, never a silent NaN.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn import metrics as skm

from kagglekit.errors import KagglekitError

__all__ = ["Metric", "METRICS", "get_metric", "better", "default_metric", "metrics_for",
           "prediction_for", "check_metric_task", "reported_metrics", "lower_is_better",
           "label_of", "LOG_LOSS_EPS"]

#: Probabilities are clipped to [eps, 1 - eps] before log loss (Kaggle's convention).
LOG_LOSS_EPS = 1e-15

CLASSIFICATION = frozenset({"binary", "multiclass"})
BINARY = frozenset({"binary"})
REGRESSION = frozenset({"regression"})


@dataclass(frozen=True)
class Metric:
    """A competition metric.

    Attributes
    ----------
    name : str
        The name kagglekit uses (``--metric NAME``).
    label : str
        How reports name it.
    needs : {"label", "proba", "value"}
        What the model must output and the submission must hold.
    greater_is_better : bool
    tasks : frozenset of str
        The tasks it applies to, among ``"binary"``, ``"multiclass"``, ``"regression"``.
    description : str
        One line for the help text and reports (e.g. which average an F1 uses).
    """

    name: str
    label: str
    needs: str
    greater_is_better: bool
    tasks: frozenset
    description: str
    function: Callable = field(default=None, repr=False, compare=False)
    """(y_true, prediction, classes) -> float; call :meth:`score` instead."""

    def score(self, y_true, prediction, *, classes=None) -> float:
        """The metric of ``prediction`` against ``y_true``.

        Parameters
        ----------
        y_true : array-like of shape (n,)
            True labels or values.
        prediction : array-like
            What ``needs`` says: labels (n,); probabilities (n, k) in ``classes`` order, or
            for a binary target (n,) P(``classes[1]``); values (n,).
        classes : array-like, optional
            The sorted training labels (default ``np.unique(y_true)``).

        Returns
        -------
        float
        """
        y_true = np.asarray(y_true)
        if y_true.ndim != 1 or len(y_true) == 0:
            raise KagglekitError(f"{self.name} needs a non-empty 1-D target, got shape "
                                 f"{y_true.shape}")
        prediction = np.asarray(prediction)
        if len(prediction) != len(y_true):
            raise KagglekitError(f"{self.name}: {len(prediction)} predictions for "
                                 f"{len(y_true)} rows")
        if self.needs != "value":
            classes = np.unique(y_true) if classes is None else np.asarray(classes)
        return float(self.function(y_true, prediction, classes))


def _positive(y_true, classes, name):
    if len(classes) != 2:
        raise KagglekitError(f"{name} of one probability column needs two classes, got "
                             f"{len(classes)}")
    return (y_true == classes[1]).astype(int)


def _matrix(prediction, classes, name):
    """Probabilities as an (n, k) matrix in ``classes`` order."""
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


def _roc_auc(y_true, prediction, classes):
    _both_classes(y_true, "roc_auc")
    if len(classes) == 2:
        proba = _matrix(prediction, classes, "roc_auc")[:, 1]
        return skm.roc_auc_score(_positive(y_true, classes, "roc_auc"), proba)
    matrix = _matrix(prediction, classes, "roc_auc")
    present = np.isin(classes, y_true)
    if not present.all():  # one-vs-rest is undefined for a class with no true row
        raise KagglekitError(f"roc_auc: classes {classes[~present].tolist()} have no row in "
                             f"the scored rows; use fewer folds")
    return skm.roc_auc_score(y_true, matrix, multi_class="ovr", average="macro",
                             labels=classes)


def _gini(y_true, prediction, classes):
    return 2 * _roc_auc(y_true, prediction, classes) - 1


def _log_loss(y_true, prediction, classes):
    matrix = np.clip(_matrix(prediction, classes, "log_loss"), LOG_LOSS_EPS, 1 - LOG_LOSS_EPS)
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


def _f1(y_true, prediction, classes):
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


def _qwk(y_true, prediction, classes):
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


def _rmsle(y_true, prediction, classes):
    y, p = _values(y_true, prediction, "rmsle")
    if (y < 0).any():
        raise KagglekitError("rmsle is undefined for a negative target; choose rmse or mae")
    if (p < 0).any():
        raise KagglekitError("rmsle: negative predictions; pass the model's output through "
                             "prediction_for, which clips them to 0")
    return skm.root_mean_squared_log_error(y, p)


def _value_metric(function, name):
    def score(y_true, prediction, classes):
        return function(*_values(y_true, prediction, name))
    return score


def _label_metric(function, name):
    def score(y_true, prediction, classes):
        return function(y_true, _labels(prediction, name))
    return score


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("accuracy", "accuracy", "label", True, CLASSIFICATION,
           "share of rows whose predicted label is right",
           _label_metric(skm.accuracy_score, "accuracy")),
    Metric("balanced_accuracy", "balanced accuracy", "label", True, CLASSIFICATION,
           "mean recall over the classes",
           _label_metric(skm.balanced_accuracy_score, "balanced_accuracy")),
    Metric("f1", "F1", "label", True, CLASSIFICATION,
           "F1 of the positive class (classes[1]) for two classes; macro average over the "
           "classes for more", _f1),
    Metric("mcc", "MCC", "label", True, CLASSIFICATION,
           "Matthews correlation coefficient (multiclass: Gorodkin's generalisation)",
           _label_metric(skm.matthews_corrcoef, "mcc")),
    Metric("quadratic_weighted_kappa", "quadratic weighted kappa", "label", True,
           CLASSIFICATION, "Cohen's kappa with quadratic weights over integer ratings", _qwk),
    Metric("roc_auc", "ROC AUC", "proba", True, CLASSIFICATION,
           "area under the ROC curve of P(positive); multiclass: one-vs-rest, macro average",
           _roc_auc),
    Metric("gini", "normalized Gini", "proba", True, BINARY,
           "2 * ROC AUC - 1 (Kaggle's normalized Gini)", _gini),
    Metric("log_loss", "log loss", "proba", False, CLASSIFICATION,
           "mean negative log probability of the true class (clipped at 1e-15)", _log_loss),
    Metric("rmse", "RMSE", "value", False, REGRESSION, "root mean squared error",
           _value_metric(skm.root_mean_squared_error, "rmse")),
    Metric("rmsle", "RMSLE", "value", False, REGRESSION,
           "root mean squared error of log(1 + value); negative predictions clipped to 0",
           _rmsle),
    Metric("mae", "MAE", "value", False, REGRESSION, "mean absolute error",
           _value_metric(skm.mean_absolute_error, "mae")),
    Metric("median_ae", "median absolute error", "value", False, REGRESSION,
           "median absolute error", _value_metric(skm.median_absolute_error, "median_ae")),
    Metric("mape", "MAPE", "value", False, REGRESSION,
           "mean absolute percentage error, as a fraction (scikit-learn's: a zero target "
           "counts with a denominator of 2.2e-16)",
           _value_metric(skm.mean_absolute_percentage_error, "mape")),
    Metric("r2", "R²", "value", True, REGRESSION, "coefficient of determination",
           _value_metric(skm.r2_score, "r2")),
]}
"""Every metric by name."""

_DEFAULTS = {"binary": "accuracy", "multiclass": "accuracy", "regression": "rmse"}
REPORTED = {"binary": ("accuracy", "roc_auc", "log_loss"), "multiclass": ("accuracy", "log_loss"),
            "regression": ("rmse", "mae")}
"""The metrics ``evaluate`` reports for each task besides the headline one."""


def get_metric(name: str | Metric) -> Metric:
    """The :class:`Metric` called ``name`` (case and ``-``/``_`` do not matter).

    Raises
    ------
    KagglekitError
        For an unknown name, with the closest known names.
    """
    if isinstance(name, Metric):
        return name
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in METRICS:
        return METRICS[key]
    close = difflib.get_close_matches(key, list(METRICS), n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise KagglekitError(f"unknown metric {name!r}{hint} (choose one of "
                         f"{', '.join(METRICS)})")


def better(a: float, b: float, metric: str | Metric) -> bool:
    """Whether score ``a`` is strictly better than ``b`` under ``metric`` (NaN never is)."""
    metric = get_metric(metric)
    if np.isnan(a):
        return False
    if np.isnan(b):
        return True
    return a > b if metric.greater_is_better else a < b


def default_metric(task: str) -> str:
    """The metric used when none is given nor known: accuracy, or RMSE for regression."""
    if task not in _DEFAULTS:
        raise KagglekitError(f"unknown task {task!r}; expected binary, multiclass or "
                             f"regression")
    return _DEFAULTS[task]


def reported_metrics(task: str, headline: str | Metric | None = None) -> tuple[str, ...]:
    """The metrics a cross-validation of a ``task`` target reports: ``headline`` (default
    :func:`default_metric`) first, then the task's usual ones (:data:`REPORTED`)."""
    first = check_metric_task(headline, task).name if headline else default_metric(task)
    return (first, *[m for m in REPORTED[task] if m != first])


def lower_is_better(metric: str | Metric) -> bool:
    """Whether a smaller value of ``metric`` is better (log loss, RMSE, ...)."""
    return not get_metric(metric).greater_is_better


def label_of(metric: str | Metric) -> str:
    """How reports name ``metric`` (``ROC AUC``, ``log loss``); an unknown name as it is."""
    key = metric.name if isinstance(metric, Metric) else str(metric)
    return METRICS[key].label if key in METRICS else key


def metrics_for(task: str) -> list[str]:
    """The names of the metrics that apply to ``task``, in table order."""
    default_metric(task)  # validates the task
    return [m.name for m in METRICS.values() if task in m.tasks]


def check_metric_task(metric: str | Metric, task: str) -> Metric:
    """The metric, or a :class:`KagglekitError` when it does not apply to ``task``."""
    metric = get_metric(metric)
    if task not in metric.tasks:
        raise KagglekitError(f"{metric.name} does not apply to a {task} target; choose one of "
                             f"{', '.join(metrics_for(task))} (--metric)")
    return metric


def prediction_for(metric: str | Metric, output, classes=None) -> np.ndarray:
    """Turn a model's output into what ``metric`` scores (and the submission holds).

    Parameters
    ----------
    metric : str or Metric
    output : array-like
        A classifier's probabilities, (n, k) in ``classes`` order or, for two classes, (n,)
        P(``classes[1]``); or a regressor's values (n,).
    classes : array-like, optional
        The sorted training labels; required for a classifier's output.

    Returns
    -------
    numpy.ndarray
        Labels (``classes[argmax]``, in the training labels' type); probabilities ((n,)
        P(``classes[1]``) for two classes, the (n, k) matrix for more); or float values
        (clipped at 0 for ``rmsle``).
    """
    metric = get_metric(metric)
    output = np.asarray(output)
    if metric.needs == "value":
        if classes is not None:
            raise KagglekitError(f"{metric.name} scores values, but the model is a classifier; "
                                 f"choose one of {', '.join(metrics_for('binary'))}")
        values = output.astype(float).reshape(len(output), -1)
        if values.shape[1] != 1:
            raise KagglekitError(f"{metric.name} scores one value per row, got "
                                 f"{values.shape[1]} columns")
        values = values[:, 0]
        return np.clip(values, 0, None) if metric.name == "rmsle" else values
    if classes is None:
        raise KagglekitError(f"{metric.name} scores a classifier (labels or probabilities); "
                             f"the model predicts values: choose one of "
                             f"{', '.join(metrics_for('regression'))}")
    classes = np.asarray(classes)
    matrix = _matrix(output, classes, metric.name)
    if metric.needs == "label":
        return classes[np.argmax(matrix, axis=1)]
    return matrix[:, 1] if len(classes) == 2 else matrix
