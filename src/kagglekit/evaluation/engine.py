"""The one evaluation engine: the task of a target, the fold splitter, fitting and scoring a
pipeline on one train/test split, and running the folds of a cross-validation.

``evaluate`` (:mod:`kagglekit.evaluation.cv`), ``search`` (every trial is an ``evaluate``),
``--holdout`` (:mod:`kagglekit.evaluation.holdout`: one split, the official test rows) and
``run --competition`` (:mod:`kagglekit.jobs.competition`: test-set predictions per fold, a
deadline) all go through :func:`run_folds` / :func:`fit_and_score`, so a fold is fitted, timed
and scored one way everywhere. A model's output has one shape from the fold to the
submission: ``(n, k)`` probabilities in ``classes_`` order, or values.
"""

from __future__ import annotations

import functools
import time

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
)

from kagglekit.data.target import estimator_task
from kagglekit.errors import KagglekitError, OutOfTime
from kagglekit.evaluation.members import member_scores
from kagglekit.evaluation.metrics import get_metric, prediction_for, reported_metrics
from kagglekit.models.memory import release_keras
from kagglekit.parallel import parallel_backend
from kagglekit.pipelines.params import final_estimator


def task_of(pipeline, y: np.ndarray, folds: int = 1) -> str:
    """``"binary"``, ``"multiclass"`` or ``"regression"`` for ``pipeline`` fitted on ``y``,
    by the task rules of :func:`kagglekit.data.target.estimator_task`: a one-class target, a
    class with fewer rows than ``folds`` or a text target for a regressor is a
    :class:`~kagglekit.errors.KagglekitError` that says what to do."""
    if not (is_regressor(pipeline) or is_classifier(pipeline)):
        raise KagglekitError("evaluate needs a classifier or regressor pipeline")
    return estimator_task(y, regressor=is_regressor(pipeline), folds=folds)


def splitter(task: str, folds: int, seed: int, repeats: int = 1):
    """Shuffled, seeded K-fold (stratified for classes), repeated ``repeats`` times."""
    if task == "regression":
        return (KFold(folds, shuffle=True, random_state=seed) if repeats == 1 else
                RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed))
    return (StratifiedKFold(folds, shuffle=True, random_state=seed) if repeats == 1 else
            RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed))


def rows(X, index):
    """The rows ``index`` of a DataFrame or array."""
    return X.iloc[index] if hasattr(X, "iloc") else np.asarray(X)[index]


def plain(value):
    """A NumPy scalar as the Python value JSON can hold (labels may be ints or strings)."""
    return value.item() if isinstance(value, np.generic) else value


def scores(pipeline, X, y: np.ndarray, task: str, metrics=None) -> dict:
    """Each of ``metrics`` (default: the task's :func:`~kagglekit.evaluation.metrics.
    reported_metrics`) for a fitted pipeline on ``X, y``, scored by the one metric registry,
    plus the model's ``output`` on the rows (:func:`output`'s shape: ``(n, k)``
    probabilities in ``classes_`` order, or values). A multi-output regression is scored
    over all its outputs."""
    metrics = metrics or reported_metrics(task)
    if task == "regression":
        predicted = np.asarray(pipeline.predict(X), dtype=float).reshape(y.shape)
        flat, truth = predicted.ravel(), np.asarray(y, dtype=float).ravel()
        return {**{m: get_metric(m).score(truth, prediction_for(m, flat)) for m in metrics},
                "output": predicted}
    proba = np.asarray(pipeline.predict_proba(X), dtype=float)
    classes = np.asarray(pipeline.classes_)
    found = {m: get_metric(m).score(y, prediction_for(m, proba, classes), classes=classes)
             for m in metrics}
    return {**found, "output": proba}


PREDICT_ROWS = 100_000
"""Rows predicted at a time (a competition's test.csv): the features of a chunk, not of the
whole file, are in memory at once."""


def output(pipeline, X, task: str) -> np.ndarray:
    """What a fitted model says about rows: its class probabilities (n, k) in
    ``classes_`` order, or its predicted values; :data:`PREDICT_ROWS` rows at a time."""
    predict = pipeline.predict if task == "regression" else pipeline.predict_proba
    if len(X) <= PREDICT_ROWS:
        return np.asarray(predict(X), dtype=float)
    return np.concatenate([np.asarray(predict(rows(X, slice(start, start + PREDICT_ROWS))),
                                      dtype=float)
                           for start in range(0, len(X), PREDICT_ROWS)], axis=0)


def fit_and_score(pipeline, X_train, y_train, X_test, y_test, task: str, *,
                  summary: bool = False, predict=None, metrics=None, keep=None) -> dict:
    """Fit ``pipeline`` (in place) on the training rows and score it on the test rows.

    Returns :func:`scores`' dict (of ``metrics``, the first the headline) plus ``members``
    (an ensemble's members' headline scores),
    ``fit_seconds``, ``predict_seconds``, and for Keras models ``epochs``, ``n_weights`` (an
    ensemble of networks: the members' totals), ``history`` (per-epoch losses and the kept
    epoch) and, with ``summary``, the layer table. With ``predict`` (more rows, e.g. a
    competition's test set), ``predicted`` holds the fitted model's :func:`output` for them.
    With ``keep``, ``kept`` holds what ``keep(fitted pipeline)`` returns (a run folder's
    file of the fold model). The Keras session is released after.
    """
    from kagglekit.models.dense import layer_summary

    start = time.perf_counter()
    pipeline.fit(X_train, y_train)
    fitted = time.perf_counter()
    metrics = metrics or reported_metrics(task)
    result = scores(pipeline, X_test, y_test, task, metrics)
    model = final_estimator(pipeline, fitted=True)
    network = getattr(model, "model_", None)
    history = getattr(model, "history_", None)
    epochs = getattr(model, "epochs_run_", None)
    params = None if network is None else int(network.count_params())
    nets = [getattr(m, "model_", None) for m in getattr(model, "estimators_", [])]
    if nets and all(net is not None for net in nets):  # a SeedEnsemble of networks: totals
        params = sum(int(net.count_params()) for net in nets)
        epochs = sum(int(getattr(m, "epochs_run_", 0)) for m in model.estimators_)
    extra = None if predict is None else output(pipeline, predict, task)
    predicted = time.perf_counter()
    members = member_scores(pipeline, X_test, y_test,
                            lambda m, Xt, yt: scores(m, Xt, yt, task, metrics[:1])[metrics[0]])
    outcome = {
        **result,
        "members": members,
        "predicted": extra,
        "fit_seconds": fitted - start,
        "predict_seconds": predicted - fitted,
        "epochs": epochs,
        "summary": layer_summary(network) if summary and network is not None else [],
        "n_weights": params,
        "history": None if history is None else {
            "loss": [round(float(v), 6) for v in history.get("loss", [])],
            "val_loss": [round(float(v), 6) for v in history.get("val_loss", [])],
            "best_epoch": int(getattr(model, "best_epoch_", len(history.get("loss", []))))},
    }
    if keep is not None:  # e.g. saved into a run folder, before Keras lets the model go
        outcome["kept"] = keep(pipeline)
    release_keras(pipeline)  # everything needed is in `outcome`; memory stays flat over folds
    return outcome


def fit_fold(pipeline, X, y, train, held, task: str, metrics=None, *,
             summary: bool = False, X_test=None, keep=None) -> dict:
    """The one per-fold worker: :func:`fit_and_score` of ``pipeline`` (fitted in place) on
    the rows ``train`` of ``X, y``, scored on the rows ``held``; with ``X_test``, the fold's
    model also predicts those rows (``predicted``). Every way of running folds (here, joblib
    workers, a Dask cluster: :mod:`kagglekit.evaluation.remote`) calls this. ``keep``: see
    :func:`fit_and_score`."""
    return fit_and_score(pipeline, rows(X, train), y[train], rows(X, held), y[held], task,
                         summary=summary, metrics=metrics, predict=X_test, keep=keep)


def out_of_time(deadline: float | None, now: float, pace: float = 0.0) -> bool:
    """The one deadline rule of a model's folds: stop when the next fold, expected to end
    ``pace`` seconds from ``now``, would end past ``deadline``. Folds run one at a time
    expect the average seconds of those done; folds already running on a cluster expect none
    (they stop when the deadline has passed)."""
    return deadline is not None and now + pace > deadline


def run_folds(pipeline, X, y: np.ndarray, splits: list, task: str, *, n_jobs: int = 1,
              backend: str = "loky", scheduler: str | None = None, cluster=None,
              key: str = "model", on_fold=None, metrics=None, X_test=None,
              deadline: float | None = None, clock=time.perf_counter,
              keep=None) -> list[dict]:
    """:func:`fit_fold` of a clone of ``pipeline`` on each ``(train, held)`` split: the
    outcomes in fold order.

    Folds run one at a time here (the default), through joblib (``n_jobs`` local processes,
    or the Dask cluster of ``backend="dask"``: see :func:`kagglekit.parallel.parallel_backend`),
    or as tasks on ``cluster`` (a :class:`~kagglekit.evaluation.remote.ClusterFolds`; ``key``
    names the model's tasks, and folds it already sent under ``key`` are collected).
    ``on_fold(done, total)`` is called after each fold (not with joblib).
    ``metrics``: what each fold is scored on (default: the task's reported metrics).
    ``X_test``: rows every fold's model also predicts (a competition's test.csv), in each
    outcome's ``predicted``.
    ``deadline`` (a ``clock()`` value; not with joblib): when :func:`out_of_time` says so,
    :class:`OutOfTime` is raised with the number of folds done.
    ``keep(fitted pipeline, fold)`` (picklable for joblib and a cluster): what it returns for
    each fold is in that outcome's ``kept``.
    """
    if cluster is not None:
        return cluster.run(key, pipeline, splits, task, metrics, deadline=deadline,
                           on_fold=on_fold, keep=keep)
    if n_jobs == 1 and backend == "loky":
        outcomes, start = [], clock()
        for i, (train, held) in enumerate(splits):
            now = clock()
            if out_of_time(deadline, now, (now - start) / i if i else 0.0):
                raise OutOfTime(f"{i} of {len(splits)} folds in {now - start:.0f} s; the "
                                "rest would not finish within the time limit", done=i)
            outcomes.append(fit_fold(clone(pipeline), X, y, train, held, task, metrics,
                                     summary=i == 0, X_test=X_test, keep=_for_fold(keep, i)))
            if on_fold is not None:
                on_fold(i + 1, len(splits))
        return outcomes
    with parallel_backend(backend, scheduler):
        return Parallel(n_jobs=n_jobs)(
            delayed(fit_fold)(clone(pipeline), X, y, train, held, task, metrics,
                              summary=i == 0, X_test=X_test, keep=_for_fold(keep, i))
            for i, (train, held) in enumerate(splits))


def _for_fold(keep, fold: int):
    return None if keep is None else functools.partial(keep, fold=fold)


def out_of_fold(outcomes: list[dict], splits: list, n: int) -> np.ndarray:
    """Every row's held-out ``output`` (``(n, k)`` probabilities, or values), assembled from
    the folds' outcomes; a row no fold held out is NaN."""
    first = np.asarray(outcomes[0]["output"])
    oof = np.full((n, *first.shape[1:]), np.nan)
    for (_, held), outcome in zip(splits, outcomes, strict=True):
        oof[held] = outcome["output"]
    return oof
