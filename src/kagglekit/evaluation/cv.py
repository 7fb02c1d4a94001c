"""Stratified K-fold cross-validation of a pipeline, with every number the report needs."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError

METRICS = ("accuracy", "roc_auc", "log_loss")


@dataclass
class CVResult:
    """Cross-validation scores of one pipeline.

    ``metric``/``mean``/``std``/``folds`` describe the headline metric (accuracy); ``scores``
    holds all metrics the same way. ``to_dict()`` is what ``kagglekit evaluate --json`` prints.
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

    def to_dict(self, *, with_oof: bool = False) -> dict:
        data = asdict(self)
        if not with_oof:
            data.pop("oof_proba")
        return data


def seed_pipeline(pipeline: Pipeline, seed: int) -> Pipeline:
    """Set every ``random_state`` parameter inside ``pipeline`` to ``seed`` (in place)."""
    keys = [k for k in pipeline.get_params(deep=True)
            if k == "random_state" or k.endswith("__random_state")]
    pipeline.set_params(**dict.fromkeys(keys, seed))
    return pipeline


def evaluate(pipeline: Pipeline | str, X: pd.DataFrame | None = None, y=None, *,
             folds: int = 5, repeats: int = 1, seed: int = 0, n_jobs: int = 1,
             name: str | None = None) -> CVResult:
    """Stratified K-fold cross-validation (shuffled, seeded) with accuracy, ROC AUC and log loss.

    Parameters
    ----------
    pipeline : Pipeline or str
        An unfitted pipeline, or a registered name (then ``X``/``y`` default to its dataset).
    X, y : training inputs and binary labels.
    folds, repeats : int
        ``folds``-fold CV repeated ``repeats`` times with different shuffles.
    seed : int
        Seeds the fold split and every ``random_state`` in the pipeline, so the same seed
        gives the same scores run after run.
    n_jobs : int
        Folds in parallel (joblib, separate processes). 1 is fastest for Keras on 2 cores.
    name : str, optional
        Name to report (defaults to the registry name).

    Returns
    -------
    CVResult
    """
    if isinstance(pipeline, str):
        from kagglekit.data import load_dataset
        from kagglekit.pipelines import get_spec, make_pipeline

        name = name or pipeline
        if X is None:
            dataset = load_dataset(get_spec(pipeline).task.dataset)
            X, y = dataset.X, dataset.y
        pipeline = make_pipeline(pipeline)
    if X is None or y is None:
        raise KagglekitError("evaluate needs X and y when given a pipeline object")
    if folds < 2 or repeats < 1:
        raise KagglekitError(f"need folds >= 2 and repeats >= 1, got {folds} and {repeats}")
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) != 2:
        raise KagglekitError(f"evaluate handles binary targets; y has {len(classes)} classes")
    if counts.min() < folds:
        raise KagglekitError(f"the smaller class has {counts.min()} rows, fewer than "
                             f"{folds} folds; use --folds {counts.min()} or fewer")
    pipeline = seed_pipeline(clone(pipeline), seed)
    if not is_classifier(pipeline):
        raise KagglekitError("evaluate needs a classifier pipeline")
    splitter = (StratifiedKFold(folds, shuffle=True, random_state=seed) if repeats == 1 else
                RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed))
    splits = list(splitter.split(X, y))
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(clone(pipeline), X, y, train, test) for train, test in splits)
    oof = np.full(len(y), np.nan) if repeats == 1 else None
    scores = {m: [] for m in METRICS}
    for (_train, test), result in zip(splits, results, strict=True):
        for m in METRICS:
            scores[m].append(result[m])
        if oof is not None:
            oof[test] = result["proba"]
    summary = {m: {"mean": float(np.mean(v)), "std": float(np.std(v)),
                   "folds": [round(float(s), 6) for s in v]} for m, v in scores.items()}
    return CVResult(
        pipeline=name or _describe(pipeline), metric="accuracy",
        mean=summary["accuracy"]["mean"], std=summary["accuracy"]["std"],
        folds=summary["accuracy"]["folds"],
        fit_seconds=round(sum(r["fit_seconds"] for r in results), 3),
        predict_seconds=round(sum(r["predict_seconds"] for r in results), 3),
        n_splits=len(splits), repeats=repeats, seed=seed, scores=summary,
        epochs=[r["epochs"] for r in results if r["epochs"] is not None],
        oof_proba=None if oof is None else [round(float(p), 6) for p in oof],
    )


def _fit_and_score(pipeline: Pipeline, X, y, train, test) -> dict:
    start = time.perf_counter()
    pipeline.fit(_rows(X, train), y[train])
    fitted = time.perf_counter()
    proba = pipeline.predict_proba(_rows(X, test))[:, 1]
    predicted = time.perf_counter()
    positive = pipeline.classes_[1]
    truth = (y[test] == positive).astype(int)
    labels = (proba >= 0.5).astype(int)
    model = pipeline.steps[-1][1]
    return {
        "accuracy": accuracy_score(truth, labels),
        "roc_auc": roc_auc_score(truth, proba),
        "log_loss": log_loss(truth, np.clip(proba, 1e-7, 1 - 1e-7), labels=[0, 1]),
        "fit_seconds": fitted - start,
        "predict_seconds": predicted - fitted,
        "epochs": getattr(model, "epochs_run_", None),
        "proba": proba,
    }


def _rows(X, index):
    return X.iloc[index] if hasattr(X, "iloc") else np.asarray(X)[index]


def _describe(pipeline: Pipeline) -> str:
    return type(pipeline.steps[-1][1]).__name__
