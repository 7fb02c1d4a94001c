"""One table of the metrics Kaggle competitions are scored on, and what each one needs.

Every :class:`Metric` knows what the model must output and the submission must hold (``needs``:
``"label"``, ``"proba"`` or ``"value"``), its tasks, how reports name it and its direction: code
that compares scores asks the metric (:attr:`Metric.sign`, :meth:`Metric.is_better`,
:meth:`Metric.best`, :meth:`Metric.ranked`, :meth:`Metric.as_scorer`), never re-derives it.

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
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sklearn import metrics as skm

from kagglekit.data.target import check_task
from kagglekit.errors import KagglekitError
from kagglekit.evaluation._metric_functions import (
    LOG_LOSS_EPS,
    f1,
    gini,
    label_metric,
    log_loss,
    probability_matrix,
    quadratic_weighted_kappa,
    rmsle,
    roc_auc,
    value_metric,
)

__all__ = ["Metric", "MetricScorer", "METRICS", "get_metric", "default_metric", "metrics_for",
           "prediction_for", "labels_from", "probabilities_from", "check_metric_task",
           "reported_metrics", "label_of", "LOG_LOSS_EPS"]

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

    @property
    def sign(self) -> float:
        """+1.0 when greater is better, else -1.0: ``sign * score`` is always higher-is-better
        (scikit-learn's scorer convention, as ``neg_log_loss``)."""
        return 1.0 if self.greater_is_better else -1.0

    @property
    def direction(self) -> str:
        """``"higher"`` or ``"lower"``: which scores are better, for reports."""
        return "higher" if self.greater_is_better else "lower"

    def is_better(self, a: float, b: float) -> bool:
        """Whether score ``a`` is strictly better than ``b`` (NaN never is; any number is
        better than NaN)."""
        if math.isnan(a):
            return False
        return math.isnan(b) or self.sign * a > self.sign * b

    def ranked(self, items: Iterable, key: Callable | None = None) -> list:
        """``items`` best first: by their score, ``key(item)`` (default: the item itself).

        Stable (ties keep their order); NaN scores come last.
        """
        def order(item):
            value = self.sign * float(item if key is None else key(item))
            return math.inf if math.isnan(value) else -value

        return sorted(items, key=order)

    def best(self, items: Iterable, key: Callable | None = None):
        """The best of ``items`` (the first of equal ones), scored as in :meth:`ranked`:
        ``metric.best(means, key=means.get)`` is the name of the best mean."""
        ranked = self.ranked(items, key)
        if not ranked:
            raise ValueError("best() of no scores")
        return ranked[0]

    def as_scorer(self) -> MetricScorer:
        """A scikit-learn scorer of this metric: ``scorer(estimator, X, y) -> float``, signed
        so that greater is better (see :class:`MetricScorer`)."""
        return MetricScorer(self)


@dataclass(frozen=True)
class MetricScorer:
    """A :class:`Metric` as a scikit-learn scorer (``scoring=`` of ``cross_val_score``,
    ``permutation_importance``, ``GridSearchCV``): ``scorer(estimator, X, y)`` is
    ``metric.sign * metric.score(...)``, so greater is always better.

    A classifier is scored on its ``predict_proba`` (columns in ``estimator.classes_``
    order) turned into what the metric needs by :func:`prediction_for` (labels are the
    argmax; a classifier without ``predict_proba`` gives its ``predict`` labels to a label
    metric); a regressor on its ``predict``.
    """

    metric: Metric

    def __call__(self, estimator, X, y) -> float:
        metric = self.metric
        if metric.needs == "value":
            output, classes = estimator.predict(X), None
        else:
            classes = np.asarray(estimator.classes_)
            if metric.needs == "label" and not hasattr(estimator, "predict_proba"):
                return metric.sign * metric.score(y, estimator.predict(X), classes=classes)
            output = estimator.predict_proba(X)
        found = prediction_for(metric, output, classes)
        return metric.sign * metric.score(y, found, classes=classes)


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("accuracy", "accuracy", "label", True, CLASSIFICATION,
           "share of rows whose predicted label is right",
           label_metric(skm.accuracy_score, "accuracy")),
    Metric("balanced_accuracy", "balanced accuracy", "label", True, CLASSIFICATION,
           "mean recall over the classes",
           label_metric(skm.balanced_accuracy_score, "balanced_accuracy")),
    Metric("f1", "F1", "label", True, CLASSIFICATION,
           "F1 of the positive class (classes[1]) for two classes; macro average over the "
           "classes for more", f1),
    Metric("mcc", "MCC", "label", True, CLASSIFICATION,
           "Matthews correlation coefficient (multiclass: Gorodkin's generalisation)",
           label_metric(skm.matthews_corrcoef, "mcc")),
    Metric("quadratic_weighted_kappa", "quadratic weighted kappa", "label", True,
           CLASSIFICATION, "Cohen's kappa with quadratic weights over integer ratings",
           quadratic_weighted_kappa),
    Metric("roc_auc", "ROC AUC", "proba", True, CLASSIFICATION,
           "area under the ROC curve of P(positive); multiclass: one-vs-rest, macro average",
           roc_auc),
    Metric("gini", "normalized Gini", "proba", True, BINARY,
           "2 * ROC AUC - 1 (Kaggle's normalized Gini)", gini),
    Metric("log_loss", "log loss", "proba", False, CLASSIFICATION,
           "mean negative log probability of the true class (clipped at 1e-15)", log_loss),
    Metric("rmse", "RMSE", "value", False, REGRESSION, "root mean squared error",
           value_metric(skm.root_mean_squared_error, "rmse")),
    Metric("rmsle", "RMSLE", "value", False, REGRESSION,
           "root mean squared error of log(1 + value); negative predictions clipped to 0",
           rmsle),
    Metric("mae", "MAE", "value", False, REGRESSION, "mean absolute error",
           value_metric(skm.mean_absolute_error, "mae")),
    Metric("median_ae", "median absolute error", "value", False, REGRESSION,
           "median absolute error", value_metric(skm.median_absolute_error, "median_ae")),
    Metric("mape", "MAPE", "value", False, REGRESSION,
           "mean absolute percentage error, as a fraction (scikit-learn's: a zero target "
           "counts with a denominator of 2.2e-16)",
           value_metric(skm.mean_absolute_percentage_error, "mape")),
    Metric("r2", "R²", "value", True, REGRESSION, "coefficient of determination",
           value_metric(skm.r2_score, "r2")),
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


def default_metric(task: str) -> str:
    """The metric used when none is given nor known: accuracy, or RMSE for regression."""
    return _DEFAULTS[check_task(task)]


def reported_metrics(task: str, headline: str | Metric | None = None) -> tuple[str, ...]:
    """The metrics a cross-validation of a ``task`` target reports: ``headline`` (default
    :func:`default_metric`) first, then the task's usual ones (:data:`REPORTED`)."""
    first = check_metric_task(headline, task).name if headline else default_metric(task)
    return (first, *[m for m in REPORTED[task] if m != first])


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


def labels_from(output, classes) -> np.ndarray:
    """The class of each row's largest probability (``classes[argmax]``, in the training
    labels' type) of a classifier's ``output`` ((n, k) in ``classes`` order, or for two
    classes (n,) P(``classes[1]``))."""
    classes = np.asarray(classes)
    return classes[np.argmax(probability_matrix(output, classes, "labels"), axis=1)]


def probabilities_from(output, classes) -> np.ndarray:
    """A classifier's ``output`` as a submission holds probabilities: (n,) P(``classes[1]``)
    for two classes, the (n, k) matrix in ``classes`` order for more."""
    classes = np.asarray(classes)
    matrix = probability_matrix(output, classes, "probabilities")
    return matrix[:, 1] if len(classes) == 2 else matrix


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
    matrix = probability_matrix(output, classes, metric.name)
    if metric.needs == "label":
        return classes[np.argmax(matrix, axis=1)]
    return matrix[:, 1] if len(classes) == 2 else matrix
