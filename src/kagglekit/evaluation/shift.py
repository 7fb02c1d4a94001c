"""Adversarial validation: can a model tell test.csv's rows from train.csv's?

A small gradient-boosting classifier (scikit-learn's HGB, 60 rounds of 15 leaves, on
``tabular``'s tree features) learns
"is this row from test.csv" on a sample of both files (at most ``max_rows`` of each, so it
stays fast on a million rows) and is scored by its out-of-fold ROC AUC. Around 0.5 the two
files look alike; well above it, test rows differ from the training rows, and cross-validation
scores are optimistic for test rows like those. The columns that tell them apart most are the
ones whose own out-of-fold AUC (:func:`kagglekit.evaluation.leakage.single_column_scores`) is
highest.

The id column, and a column of whole numbers that is different in every row of both files
(a row counter), are left out: they separate the files whenever the files were split in
order, without saying anything about the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

THRESHOLD = 0.6
"""The AUC from which a run warns (see benchmarks/shift.py and docs/competitions.md for the
measurement it was chosen on)."""
TARGET = "__in_test__"


@dataclass(frozen=True)
class Shift:
    """What adversarial validation found: the out-of-fold ``auc`` of telling test rows from
    training rows, the ``columns`` that tell them apart most (name -> their own AUC, best
    first), ``rows`` sampled from each file, and whether it ``warns``."""

    auc: float
    columns: dict = field(default_factory=dict)
    rows: int = 0
    threshold: float = THRESHOLD

    @property
    def warns(self) -> bool:
        return self.auc >= self.threshold

    def line(self) -> str:
        """One line for the run's output: a warning's text, or the all-clear."""
        if not self.warns:
            return (f"train.csv and test.csv look alike (adversarial validation ROC AUC "
                    f"{self.auc:.3f}, below {self.threshold})")
        top = ", ".join(f"{c} ({a:.2f})" for c, a in list(self.columns.items())[:3])
        return (f"test.csv differs from train.csv: a model tells their rows apart with ROC "
                f"AUC {self.auc:.3f}; most by {top}. CV scores will be optimistic for test "
                "rows like these")

    def to_dict(self) -> dict:
        return {"auc": self.auc, "threshold": self.threshold, "warns": self.warns,
                "rows": self.rows, "columns": self.columns}


def adversarial_validation(train: pd.DataFrame, test: pd.DataFrame, *,
                           ignore=(), max_rows: int = 10_000, folds: int = 3,
                           threshold: float = THRESHOLD, top: int = 5,
                           random_state: int = 0) -> Shift:
    """Tell ``test``'s rows from ``train``'s (the same feature columns in both).

    Parameters
    ----------
    train, test : pandas.DataFrame
        The feature columns (no target); a column only one of them has is ignored.
    ignore : iterable of str
        Columns that are not evidence (the id column).
    max_rows : int
        At most this many rows of each file are sampled.
    folds : int
        Stratified folds of the out-of-fold AUC.
    threshold : float
        The AUC from which :attr:`Shift.warns`.
    top : int
        How many of the most separating columns to name.
    random_state : int

    Returns
    -------
    Shift
    """
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from kagglekit.evaluation.leakage import single_column_scores
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    rng = np.random.default_rng(random_state)
    columns = [c for c in train.columns if c in test.columns and c not in set(ignore)]
    a, b = (_sample(frame[columns], max_rows, rng) for frame in (train, test))
    both = pd.concat([a, b], ignore_index=True)
    both = both.drop(columns=[c for c in columns if _counts_rows(both[c])])
    if both.shape[1] == 0 or min(len(a), len(b)) < folds:
        return Shift(0.5, {}, min(len(a), len(b)), threshold)
    label = np.r_[np.zeros(len(a), dtype=int), np.ones(len(b), dtype=int)]
    frame = both.assign(**{TARGET: label})
    plan = infer_columns(frame, TARGET, task="binary", source="train.csv + test.csv")
    # 60 rounds of 15 leaves: enough to find a shift that matters, and cheap.
    template = tabular_pipeline(plan, "hgb").set_params(model__max_iter=60,
                                                        model__max_leaf_nodes=15)
    predicted = np.empty(len(frame))
    splits = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    # One OpenMP thread: on a few thousand rows HGB's threads mostly wait on each other, and
    # on shared cores a fit took seconds instead of a fraction of one.
    with threadpool_limits(1, user_api="openmp"):
        for fit_rows, held in splits.split(both, label):
            model = clone(template).fit(both.iloc[fit_rows], label[fit_rows])
            predicted[held] = model.predict_proba(both.iloc[held])[:, 1]
    auc = round(float(roc_auc_score(label, predicted)), 6)
    ranked = {}
    if auc >= threshold:
        scores = single_column_scores(both, label, task="binary", folds=folds,
                                      random_state=random_state)
        ranked = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:top])
    return Shift(auc, ranked, min(len(a), len(b)), threshold)


def _sample(frame: pd.DataFrame, rows: int, rng) -> pd.DataFrame:
    if len(frame) <= rows:
        return frame.reset_index(drop=True)
    return frame.iloc[np.sort(rng.choice(len(frame), rows, replace=False))].reset_index(
        drop=True)


def _counts_rows(values: pd.Series) -> bool:
    """A column of whole numbers, different in every row: a row counter, not a feature."""
    present = values.dropna()
    return (pd.api.types.is_integer_dtype(present) and len(present) == len(values)
            and present.is_unique)
