"""K-fold cross-validation of a pipeline (stratified for classifiers), with every number the
report needs."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.backends import parallel_backend
from kagglekit.evaluation.ensembles import member_scores
from kagglekit.models.memory import release_keras
from kagglekit.seeding import seed_pipeline

METRICS = {
    "binary": ("accuracy", "roc_auc", "log_loss"),
    "multiclass": ("accuracy", "log_loss"),
    "regression": ("rmse", "mae"),
}
"""The metrics computed per task; the first is the headline metric."""
LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae"})
METRIC_LABELS = {"accuracy": "accuracy", "roc_auc": "ROC AUC", "log_loss": "log loss",
                 "rmse": "RMSE", "mae": "MAE"}
"""How reports name the metrics."""


@dataclass
class CVResult:
    """Cross-validation scores of one pipeline.

    ``metric``/``mean``/``std``/``folds`` describe the headline metric (accuracy for
    classification, RMSE for regression); ``scores`` holds all metrics of the task the same
    way. ``to_dict()`` is what ``kagglekit evaluate --json`` prints.

    ``oof_proba`` holds the out-of-fold P(positive class) for a binary target, the out-of-fold
    prediction for a single-output regression, and None otherwise (repeated CV, multiclass,
    several outputs). ``oof_labels`` holds the out-of-fold predicted class of every row for a
    classifier (None for regression and repeated CV); ``oof_class_proba`` the out-of-fold
    probability of each class (rows x ``classes``, sorted) for a multiclass target (None
    otherwise). ``model_summary`` lists the layers of
    the first fold's network (name, type, output shape, parameter count); ``params`` is the
    first fold's network's parameter count, as in ``model_summary`` (other folds can differ:
    the input width follows the categories a fold's one-hot encoding saw; None without a
    Keras model); ``histories``
    holds, per fold of a Keras model, the per-epoch ``loss``, ``val_loss`` (empty without a
    validation split) and ``best_epoch`` (the epoch whose weights were kept, 1-based);
    ``holdout`` the scores on a labelled test set after fitting on all training rows, when one
    was given. ``members`` holds, for an ensemble (voting, stacking, seed ensemble), each
    member's headline score per fold on the same test rows (None otherwise).
    """

    pipeline: str
    metric: str
    mean: float
    std: float
    folds: list[float]
    fit_seconds: float
    predict_seconds: float
    n_splits: int
    repeats: int
    seed: int
    scores: dict[str, dict] = field(default_factory=dict)
    epochs: list[int] = field(default_factory=list)
    oof_proba: list[float] | None = field(default=None, repr=False)
    task: str = "binary"
    model_summary: list[dict] = field(default_factory=list, repr=False)
    holdout: dict | None = None
    oof_labels: list | None = field(default=None, repr=False)
    params: int | None = None
    histories: list[dict] = field(default_factory=list, repr=False)
    classes: list | None = None
    oof_class_proba: list[list[float]] | None = field(default=None, repr=False)
    members: dict[str, list[float]] | None = None

    def to_dict(self, *, with_oof: bool = False) -> dict:
        """The fields as a JSON-ready dict; the per-row and per-epoch lists (out-of-fold
        predictions, loss histories) only with ``with_oof``."""
        data = asdict(self)
        if not with_oof:
            for key in ("oof_proba", "oof_labels", "histories", "oof_class_proba"):
                data.pop(key)
        return data


def evaluate(pipeline: Pipeline | str, X: pd.DataFrame | None = None, y=None, *,
             folds: int = 5, repeats: int = 1, seed: int = 0, n_jobs: int = 1,
             name: str | None = None, holdout: tuple | None = None,
             backend: str = "loky", scheduler: str | None = None) -> CVResult:
    """K-fold cross-validation (shuffled, seeded) of a classifier or regressor pipeline.

    Classifiers get stratified folds and accuracy, log loss (and ROC AUC for two classes);
    regressors get plain K-fold and RMSE and MAE (over all outputs of a multi-output model).

    Parameters
    ----------
    pipeline : Pipeline or str
        An unfitted pipeline, or a registered name (then ``X``/``y`` default to its dataset).
    X, y : training inputs and labels (or numeric targets; 2-D for several outputs).
    folds, repeats : int
        ``folds``-fold CV repeated ``repeats`` times with different shuffles.
    seed : int
        Seeds the fold split and every ``random_state`` in the pipeline, so the same seed
        gives the same scores run after run.
    n_jobs : int
        Folds in parallel (joblib, separate processes). 1 is fastest for Keras on 2 cores.
    backend : {"loky", "dask"}, default="loky"
        Where parallel folds run: local processes, or the Dask cluster at ``scheduler`` (see
        :func:`kagglekit.evaluation.backends.parallel_backend`). Same seed, same scores.
    scheduler : str, optional
        The Dask scheduler's address (``tcp://HOST:8786``), with ``backend="dask"``.
    name : str, optional
        Name to report (defaults to the registry name).
    holdout : (X_test, y_test), optional
        A labelled test set: the pipeline is also fitted on all of ``X, y`` and scored there
        (``CVResult.holdout``), e.g. outside the training range to measure extrapolation.

    Returns
    -------
    CVResult
    """
    pipeline, X, y, name = resolve(pipeline, X, y, name)
    if X is None or y is None:
        raise KagglekitError("evaluate needs X and y when given a pipeline object")
    if folds < 2 or repeats < 1:
        raise KagglekitError(f"need folds >= 2 and repeats >= 1, got {folds} and {repeats}")
    y = np.asarray(y)
    pipeline = seed_pipeline(clone(pipeline), seed)
    task = _task(pipeline, y, folds)
    if task == "regression":
        splitter = (KFold(folds, shuffle=True, random_state=seed) if repeats == 1 else
                    RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed))
    else:
        splitter = (StratifiedKFold(folds, shuffle=True, random_state=seed) if repeats == 1
                    else RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats,
                                                 random_state=seed))
    splits = list(splitter.split(X, y))
    with parallel_backend(backend, scheduler):
        results = Parallel(n_jobs=n_jobs)(
            delayed(_fit_and_score)(clone(pipeline), X, y, train, test, task, summary=i == 0)
            for i, (train, test) in enumerate(splits))
    single = task == "binary" or (task == "regression" and y.ndim == 1)
    oof = np.full(len(y), np.nan) if repeats == 1 and single else None
    labels = np.empty(len(y), dtype=object) if repeats == 1 and task != "regression" else None
    classes = None if task == "regression" else np.unique(y)
    matrix = (np.full((len(y), len(classes)), np.nan)
              if repeats == 1 and task == "multiclass" else None)
    metrics = METRICS[task]
    scores = {m: [] for m in metrics}
    for (_train, test), result in zip(splits, results, strict=True):
        for m in metrics:
            scores[m].append(result[m])
        if oof is not None:
            oof[test] = result["oof"]
        if labels is not None:
            labels[test] = result["labels"]
        if matrix is not None:
            matrix[test] = result["proba"]
    summary = {m: {"mean": float(np.mean(v)), "std": float(np.std(v)),
                   "folds": [round(float(s), 6) for s in v]} for m, v in scores.items()}
    headline = metrics[0]
    return CVResult(
        pipeline=name or _describe(pipeline), metric=headline,
        mean=summary[headline]["mean"], std=summary[headline]["std"],
        folds=summary[headline]["folds"],
        fit_seconds=round(sum(r["fit_seconds"] for r in results), 3),
        predict_seconds=round(sum(r["predict_seconds"] for r in results), 3),
        n_splits=len(splits), repeats=repeats, seed=seed, scores=summary,
        epochs=[r["epochs"] for r in results if r["epochs"] is not None],
        oof_proba=None if oof is None else [round(float(p), 6) for p in oof],
        task=task, model_summary=results[0]["summary"],
        holdout=None if holdout is None else score_holdout(pipeline, X, y, *holdout),
        oof_labels=None if labels is None else [_plain(v) for v in labels],
        params=results[0]["params"],
        histories=[r["history"] for r in results if r["history"] is not None],
        classes=None if classes is None else [_plain(c) for c in classes],
        oof_class_proba=None if matrix is None else np.round(matrix, 6).tolist(),
        members=_member_folds(results),
    )


def resolve(pipeline, X, y, name):
    """A registered name becomes its unfitted pipeline (and, without ``X``, its data set's
    ``X, y``); a pipeline object passes through. Returns ``(pipeline, X, y, name)``."""
    if isinstance(pipeline, str):
        from kagglekit.data import load_dataset
        from kagglekit.pipelines import get_spec, make_pipeline

        name = name or pipeline
        if X is None:
            dataset = load_dataset(get_spec(pipeline).task.dataset)
            X, y = dataset.X, dataset.y
        pipeline = make_pipeline(pipeline)
    return pipeline, X, y, name


def score_holdout(pipeline: Pipeline, X, y, X_test, y_test) -> dict:
    """Fit a clone of ``pipeline`` on all of ``X, y`` and score it on ``X_test, y_test``."""
    y, y_test = np.asarray(y), np.asarray(y_test)
    pipeline = clone(pipeline).fit(X, y)
    task = _task(pipeline, y, 1)
    scores = _scores(pipeline, X_test, y_test, task)
    return {"rows": len(y_test), **{m: float(f"{scores[m]:.6g}") for m in METRICS[task]}}


def _task(pipeline: Pipeline, y: np.ndarray, folds: int) -> str:
    if is_regressor(pipeline):
        if not np.issubdtype(y.dtype, np.number):
            raise KagglekitError("a regression target must be numeric; use a classifier for "
                                 "labels")
        return "regression"
    if not is_classifier(pipeline):
        raise KagglekitError("evaluate needs a classifier or regressor pipeline")
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise KagglekitError("the target has one class only; training needs at least two")
    if counts.min() < folds:
        raise KagglekitError(f"the smallest class has {counts.min()} rows, fewer than "
                             f"{folds} folds; use --folds {counts.min()} or fewer")
    return "binary" if len(classes) == 2 else "multiclass"


def _fit_and_score(pipeline: Pipeline, X, y, train, test, task: str, *,
                   summary: bool) -> dict:
    from kagglekit.models.dense import layer_summary

    start = time.perf_counter()
    pipeline.fit(_rows(X, train), y[train])
    fitted = time.perf_counter()
    result = _scores(pipeline, _rows(X, test), y[test], task)
    model = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
    model = getattr(model, "regressor_", model)  # inside a TransformedTargetRegressor
    network = getattr(model, "model_", None)
    history = getattr(model, "history_", None)
    epochs = getattr(model, "epochs_run_", None)
    params = None if network is None else int(network.count_params())
    nets = [getattr(m, "model_", None) for m in getattr(model, "estimators_", [])]
    if nets and all(net is not None for net in nets):  # a SeedEnsemble of networks: totals
        params = sum(int(net.count_params()) for net in nets)
        epochs = sum(int(getattr(m, "epochs_run_", 0)) for m in model.estimators_)
    predicted = time.perf_counter()
    members = member_scores(pipeline, _rows(X, test), y[test],
                            lambda m, Xt, yt: _scores(m, Xt, yt, task)[METRICS[task][0]])
    outcome = {
        **result,
        "members": members,
        "fit_seconds": fitted - start,
        "predict_seconds": predicted - fitted,
        "epochs": epochs,
        "summary": layer_summary(network) if summary and network is not None else [],
        "params": params,
        "history": None if history is None else {
            "loss": [round(float(v), 6) for v in history.get("loss", [])],
            "val_loss": [round(float(v), 6) for v in history.get("val_loss", [])],
            "best_epoch": int(getattr(model, "best_epoch_", len(history.get("loss", []))))},
    }
    release_keras(pipeline)  # everything needed is in `outcome`; memory stays flat over folds
    return outcome


def _member_folds(results: list[dict]) -> dict[str, list[float]] | None:
    """Each ensemble member's headline score per fold (None when there are no members)."""
    if results[0]["members"] is None:
        return None
    return {name: [round(r["members"][name], 6) for r in results]
            for name in results[0]["members"]}


def _scores(pipeline: Pipeline, X, y, task: str) -> dict:
    if task == "regression":
        predicted = np.asarray(pipeline.predict(X), dtype=float).reshape(y.shape)
        error = predicted - y
        return {"rmse": float(np.sqrt(np.mean(error ** 2))), "mae": float(np.mean(np.abs(error))),
                "oof": predicted}
    proba = pipeline.predict_proba(X)
    classes = pipeline.classes_
    clipped = np.clip(proba, 1e-7, 1 - 1e-7)
    if task == "binary":
        truth = (y == classes[1]).astype(int)
        labels = (proba[:, 1] >= 0.5).astype(int)
        return {"accuracy": accuracy_score(truth, labels),
                "roc_auc": roc_auc_score(truth, proba[:, 1]),
                "log_loss": log_loss(truth, clipped[:, 1], labels=[0, 1]),
                "oof": proba[:, 1], "labels": classes[labels]}
    predicted = classes[np.argmax(proba, axis=1)]
    return {"accuracy": accuracy_score(y, predicted),
            "log_loss": log_loss(y, clipped / clipped.sum(axis=1, keepdims=True),
                                 labels=classes),
            "oof": None, "labels": predicted, "proba": proba}


def _rows(X, index):
    return X.iloc[index] if hasattr(X, "iloc") else np.asarray(X)[index]


def _plain(value):
    """A NumPy scalar as the Python value JSON can hold (labels may be ints or strings)."""
    return value.item() if isinstance(value, np.generic) else value


def _describe(pipeline) -> str:
    return type(pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline).__name__
