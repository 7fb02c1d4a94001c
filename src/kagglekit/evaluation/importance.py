"""Permutation importance on held-out rows: how much a fitted model's score on the competition's
metric worsens when one column's values are shuffled (Breiman 2001; scikit-learn's
:func:`~sklearn.inspection.permutation_importance`). Measured on rows the model did not train
on, it says what the model uses to predict new rows, whatever kind of model it is."""

from __future__ import annotations

import numpy as np

from kagglekit.evaluation.engine import output, rows
from kagglekit.evaluation.metrics import prediction_for


def permutation_drops(model, X, y, scorer, task: str, classes=None, *, top: int = 20,
                      n_repeats: int = 3, max_rows: int = 2000,
                      random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Column -> (mean, std) of the metric lost when it is shuffled, largest first.

    Parameters
    ----------
    model : fitted pipeline
        Takes the raw rows of ``X``.
    X, y : held-out rows and their target
        At most ``max_rows`` of them are used (a seeded sample).
    scorer : Metric
    task : {"binary", "multiclass", "regression"}
    classes : array-like, optional
        The sorted class labels of the model's probability columns.
    top : int
        How many columns to return.
    n_repeats : int
        Shuffles per column.
    """
    from sklearn.inspection import permutation_importance

    y = np.asarray(y)
    if len(y) > max_rows:
        pick = np.sort(np.random.default_rng(random_state).choice(len(y), max_rows,
                                                                  replace=False))
        X, y = rows(X, pick), y[pick]
    sign = 1.0 if scorer.greater_is_better else -1.0

    def score(estimator, features, target):
        found = prediction_for(scorer, output(estimator, features, task), classes)
        return sign * scorer.score(target, found, classes=classes)

    result = permutation_importance(model, X, y, scoring=score, n_repeats=n_repeats,
                                    random_state=random_state, n_jobs=1)
    order = np.argsort(-result.importances_mean)[:top]
    return {str(X.columns[i]): (float(result.importances_mean[i]),
                                float(result.importances_std[i])) for i in order}
