"""Columns that alone predict the target almost perfectly: usually known only after the fact.

For each feature, a tiny model on that column only is scored out of fold: a lookup table from
the column's value to the target's mean (regression) or class frequencies (classes), fitted on
the other folds. Numeric columns with many values are cut into up to 256 quantile bins first
(the resolution of a histogram gradient-boosting tree); missing values are a group of their
own; a value unseen in the other folds predicts the prior. This is the best any model on one
column can do up to the binning, and it costs a few group-bys per column, so it stays fast on
a million rows (at most ``max_rows`` rows are sampled, 20,000 by default).

A column is flagged when its out-of-fold score reaches the threshold (0.99 by default):

- binary: ROC AUC of the predicted P(positive class);
- multiclass: one-vs-rest macro ROC AUC. Not accuracy: with a 99 % majority class a column
  with no information at all gets 0.99 accuracy, while an AUC of 0.5 means no information
  for every class whatever their frequencies;
- regression: R².

Both scores come from the metric registry (:mod:`kagglekit.evaluation.metrics`). With fewer rows
than folds, or no class with as many rows as folds, nothing can be measured: no column is
scored, so none is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from kagglekit.data.target import decide_task
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import get_metric

__all__ = ["Leak", "find_leaks", "single_column_scores", "THRESHOLD"]

THRESHOLD = 0.99
"""The out-of-fold score (ROC AUC, or R² for regression) from which a column is flagged."""


@dataclass(frozen=True)
class Leak:
    """A column whose values alone predict the target: its out-of-fold ``score`` under
    ``metric`` (``"roc_auc"`` or ``"r2"``)."""

    column: str
    score: float
    metric: str


def find_leaks(X: pd.DataFrame, y, *, task: str | None = None, id_column: str | None = None,
               threshold: float = THRESHOLD, **options) -> list[Leak]:
    """The columns of ``X`` whose single-column out-of-fold score reaches ``threshold``.

    Parameters
    ----------
    X : pandas.DataFrame
        The features, without the target (the id column, if present, is skipped).
    y : array-like
        The target.
    task : {"binary", "multiclass", "regression"}, optional
        Inferred when omitted: text, boolean, or whole numbers with at most 10 values are
        classes; other numbers are a regression target.
    id_column : str, optional
        Never scored.
    threshold : float, default=0.99
    **options
        ``max_rows``, ``folds``, ``bins``, ``random_state`` of :func:`single_column_scores`.

    Returns
    -------
    list of Leak
        Best score first; empty when no column stands out, or when there are too few rows
        to measure (see the module docstring).
    """
    scores = single_column_scores(X, y, task=task, id_column=id_column, **options)
    metric = "r2" if decide_task(y, task) == "regression" else "roc_auc"
    leaks = [Leak(c, s, metric) for c, s in scores.items() if s >= threshold]
    return sorted(leaks, key=lambda leak: -leak.score)


def single_column_scores(X: pd.DataFrame, y, *, task: str | None = None,
                         id_column: str | None = None, max_rows: int = 20000, folds: int = 3,
                         bins: int = 256, random_state: int = 0) -> dict[str, float]:
    """Each column's out-of-fold score on its own (see the module docstring).

    Returns
    -------
    dict
        Column name -> ROC AUC (classes) or R² (regression); columns with a single value
        are left out; empty when there are fewer rows than ``folds``, or (classes) no class
        has ``folds`` rows.
    """
    if not isinstance(X, pd.DataFrame):
        raise KagglekitError("leak detection needs the features as a DataFrame")
    y = pd.Series(np.asarray(y), index=X.index)
    if len(y) != len(X):
        raise KagglekitError(f"{len(y)} target values for {len(X)} rows")
    keep = y.notna().to_numpy()
    X, y = X[keep], y[keep]
    task = decide_task(y, task)
    if len(X) > max_rows:
        rows = np.sort(np.random.default_rng(random_state).choice(len(X), max_rows,
                                                                  replace=False))
        X, y = X.iloc[rows], y.iloc[rows]
    target, classes = _encode_target(y.to_numpy(), task)
    if not _measurable(target, task, folds):
        return {}
    splits = _splits(target, task, folds, random_state)
    scores = {}
    for column in X.columns:
        if column == id_column:
            continue
        values = X[column]
        if _continuous(values, bins):
            predicted = _out_of_fold_curve(values.to_numpy(dtype=float), target, splits,
                                           classes)
        else:
            codes = _codes(values, bins)
            if codes.max() < 1:  # a single value (or all missing): no information
                continue
            predicted = _out_of_fold(codes, target, splits, classes)
        scores[str(column)] = round(float(_score(target, predicted, task)), 6)
    return scores


def _encode_target(y, task):
    if task == "regression":
        if not np.issubdtype(y.dtype, np.number):
            raise KagglekitError("a regression target must be numeric")
        return y.astype(float), None
    classes, index = np.unique(y.astype(str) if y.dtype == object else y, return_inverse=True)
    if len(classes) < 2:
        raise KagglekitError("the target has one class only; nothing can leak it")
    return index, len(classes)


def _measurable(target, task, folds) -> bool:
    """Whether every row can be predicted out of fold: ``folds`` folds need as many rows, and
    a class target a class with that many rows (fewer: a handful of rows, where a perfect
    score means nothing)."""
    if len(target) < folds:
        return False
    return task == "regression" or np.bincount(target).max() >= folds


def _splits(target, task, folds, random_state):
    if task != "regression" and np.bincount(target).min() >= folds:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(folds, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(len(target)), target))


def _codes(values: pd.Series, bins: int) -> np.ndarray:
    """Integer group codes from 0; missing values get a group of their own."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric and values.nunique() > bins:
        codes = pd.qcut(values, q=bins, labels=False, duplicates="drop").to_numpy()
        codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    else:
        codes = pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)
    return codes + 1  # -1 (missing) -> 0


def _continuous(values: pd.Series, bins: int) -> bool:
    """A numeric column with more distinct values than a lookup table should hold for this
    many rows (a few rows per group at least)."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    return numeric and values.nunique() > min(bins, max(len(values) // 5, 2))


def _out_of_fold_curve(x, target, splits, classes):
    """The target as a function of one numeric column, learned on the training rows of each
    fold (the mean target of each distinct value, linearly interpolated between them) and
    read off for the held-out rows: a column that fixes the target, by any curve, scores
    near 1. Missing values get the training rows' mean."""
    outputs = (target.astype(float)[:, None] if classes is None
               else np.eye(classes)[target])
    predicted = np.empty((len(target), outputs.shape[1]))
    for train, test in splits:
        known = train[~np.isnan(x[train])]
        prior = outputs[train].mean(axis=0)
        if len(known) == 0:
            predicted[test] = prior
            continue
        points, inverse = np.unique(x[known], return_inverse=True)
        sums = np.zeros((len(points), outputs.shape[1]))
        np.add.at(sums, inverse, outputs[known])
        means = sums / np.bincount(inverse)[:, None]
        held = x[test]
        for j in range(outputs.shape[1]):
            predicted[test, j] = np.interp(np.nan_to_num(held, nan=points[0]), points,
                                           means[:, j])
        predicted[test[np.isnan(held)]] = prior
    return predicted[:, 0] if classes is None else predicted


def _out_of_fold(codes, target, splits, classes):
    groups = codes.max() + 1
    if classes is None:
        predicted = np.empty(len(target))
    else:
        predicted = np.empty((len(target), classes))
    for train, test in splits:
        counts = np.bincount(codes[train], minlength=groups)
        seen = counts[codes[test]] > 0
        if classes is None:
            sums = np.bincount(codes[train], weights=target[train], minlength=groups)
            means = sums / np.maximum(counts, 1)
            prior = target[train].mean()
            predicted[test] = np.where(seen, means[codes[test]], prior)
        else:
            table = np.zeros((groups, classes))
            np.add.at(table, (codes[train], target[train]), 1)
            table /= np.maximum(counts, 1)[:, None]
            prior = np.bincount(target[train], minlength=classes) / len(train)
            predicted[test] = np.where(seen[:, None], table[codes[test]], prior)
    return predicted


def _score(target, predicted, task):
    """R², or ROC AUC of the class frequencies (every class is among ``target``: it was
    encoded from these rows)."""
    if task == "regression":
        return get_metric("r2").score(target, predicted)
    if predicted.shape[1] > 2:  # one-vs-rest wants rows that sum to 1 exactly
        predicted = predicted / np.maximum(predicted.sum(axis=1, keepdims=True), 1e-12)
    return get_metric("roc_auc").score(target, predicted,
                                       classes=np.arange(predicted.shape[1]))
