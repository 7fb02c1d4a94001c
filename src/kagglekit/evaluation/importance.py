"""Permutation importance on held-out rows: how much a fitted model's score on the competition's
metric worsens when one column's values are shuffled (Breiman 2001; what scikit-learn's
:func:`~sklearn.inspection.permutation_importance` measures). Measured on rows the model did not
train on, it says what the model uses to predict new rows, whatever kind of model it is.

Only the columns the model reads are shuffled: a pipeline's
:class:`~kagglekit.features.inputs.InputSchema` ignores the id and dropped columns, and its
ColumnTransformer drops what it lists for no part (see :func:`used_columns`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer

from kagglekit._compat import input_positions
from kagglekit.evaluation.engine import rows
from kagglekit.evaluation.metrics import Metric, get_metric
from kagglekit.features.inputs import InputSchema

__all__ = ["permutation_drops", "used_columns"]


def permutation_drops(model, X: pd.DataFrame, y, metric: str | Metric, *, ignore=(),
                      top: int = 20, n_repeats: int = 3, max_rows: int = 2000,
                      random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Column -> (mean, std) of the metric lost when it is shuffled, largest first.

    Parameters
    ----------
    model : fitted pipeline or estimator
        Takes the raw rows of ``X``; a classifier's probability columns are in its
        ``classes_`` order.
    X, y : held-out rows and their target
        At most ``max_rows`` of them are used (a seeded sample).
    metric : str or Metric
        Scored as :meth:`Metric.as_scorer` does; a drop is always "how much worse".
    ignore : iterable of str, default=()
        Columns never shuffled, besides those the model does not read
        (:func:`used_columns`).
    top : int
        How many columns to return.
    n_repeats : int
        Shuffles per column.
    random_state : int
        Seeds the row sample and the shuffles.

    Returns
    -------
    dict
        Column -> (mean, std) over the shuffles of the score lost (positive: the model
        needs the column); only columns the model reads.
    """
    scorer = get_metric(metric).as_scorer()
    rng = np.random.default_rng(random_state)
    y = np.asarray(y)
    if len(y) > max_rows:
        pick = np.sort(rng.choice(len(y), max_rows, replace=False))
        X, y = rows(X, pick), y[pick]
    skip = {str(c) for c in ignore}
    columns = [c for c in used_columns(model, X.columns) if str(c) not in skip]
    baseline = scorer(model, X, y)
    shuffled = X.copy()
    drops = {}
    for column in columns:
        values = X[column].to_numpy()
        lost = []
        for _ in range(n_repeats):
            shuffled[column] = values[rng.permutation(len(values))]
            lost.append(baseline - scorer(model, shuffled, y))
        shuffled[column] = X[column]
        drops[str(column)] = (float(np.mean(lost)), float(np.std(lost)))
    order = sorted(drops, key=lambda c: -drops[c][0])[:top]
    return {c: drops[c] for c in order}


def used_columns(model, columns) -> list:
    """The ``columns`` (a frame's input columns) that a fitted ``model`` reads.

    A pipeline's first step, when it is an :class:`~kagglekit.features.inputs.InputSchema`,
    keeps its ``columns_`` (every column but its ``ignore``); the next step, when it is a
    ColumnTransformer fitted on named columns, reads only the columns of its parts that are
    not ``"drop"``. Anything else is taken to read every column.
    """
    used = list(columns)
    for step in [s for _, s in getattr(model, "steps", ())]:
        if isinstance(step, InputSchema) and hasattr(step, "columns_"):
            kept = set(step.columns_)
            used = [c for c in used if str(c) in kept]
            continue
        if isinstance(step, ColumnTransformer) and hasattr(step, "feature_names_in_"):
            read = _read_by(step)
            used = [c for c in used if str(c) in read]
        break
    return used


def _read_by(transformer: ColumnTransformer) -> set[str]:
    names = np.asarray(transformer.feature_names_in_, dtype=object)
    read = set()
    for name, part, _ in transformer.transformers_:
        if isinstance(part, str) and part == "drop":
            continue
        read.update(str(c) for c in names[input_positions(transformer, name)])
    return read
