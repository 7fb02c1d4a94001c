"""The run context: what every model of a competition run is cross-validated on, as one frozen
value (the training rows and their target, the test rows, the folds, the task, the classes,
the metric, the time budget and the seed), passed instead of the eight of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RunContext:
    """What a run's models share.

    Attributes
    ----------
    X : pandas.DataFrame
        The training rows without the target.
    y : numpy.ndarray
        The target.
    test : pandas.DataFrame or None
        The rows every fold's model predicts (a competition's test.csv).
    splits : tuple of (train, held) index arrays
        The folds, the same for every model.
    task : {"binary", "multiclass", "regression"}
    metric : Metric
        What the folds are scored on (:mod:`kagglekit.evaluation.metrics`).
    classes : numpy.ndarray or None
        The sorted training labels (the columns of every probability output); None for a
        regression.
    seed : int
        Seeds the models (extra seeds of a bagged model follow it).
    budget : Budget or None
        The time limit's planner (:class:`~kagglekit.evaluation.budget.Budget`); None
        without a time limit.
    """

    X: object = field(repr=False)
    y: np.ndarray = field(repr=False)
    test: object = field(repr=False)
    splits: tuple = field(repr=False)
    task: str
    metric: object
    classes: np.ndarray | None = field(default=None, repr=False)
    seed: int = 0
    budget: object = None

    @classmethod
    def build(cls, X, y, test, *, task: str, metric, folds: int, seed: int = 0,
              classes=None, budget=None) -> RunContext:
        """A context whose folds are the engine's seeded K-fold split of ``X, y`` (stratified
        for classes); ``classes`` default to the sorted distinct labels of ``y``."""
        from kagglekit.evaluation.engine import splitter

        y = np.asarray(y)
        splits = tuple(splitter(task, folds, seed).split(X, y))
        if task == "regression":
            classes = None
        elif classes is None:
            classes = np.unique(y)
        return cls(X, y, test, splits, task, metric,
                   None if classes is None else np.asarray(classes), seed, budget)

    @property
    def deadline(self) -> float | None:
        """When a running model is stopped (the budget's hard limit), or None."""
        return None if self.budget is None else self.budget.hard

    def score(self, output, rows=None) -> float:
        """The metric of a model's ``output`` (``(n, k)`` probabilities in :attr:`classes`
        order, or values) on the training rows ``rows`` (default: all)."""
        from kagglekit.evaluation.metrics import prediction_for

        y = self.y if rows is None else self.y[rows]
        found = prediction_for(self.metric, output, self.classes)
        return float(self.metric.score(y, found, classes=self.classes))

    def fold_scores(self, oof) -> list[float]:
        """The metric of the out-of-fold output ``oof`` on each fold's held-out rows."""
        return [self.score(oof[held], held) for _, held in self.splits]
