"""K-fold cross-validation of a pipeline (stratified for classifiers), with every number the
report needs. The folds are fitted and scored by :mod:`kagglekit.evaluation.engine`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.evaluation import members as ensembles
from kagglekit.evaluation.engine import (
    fit_and_score,
    out_of_fold,
    plain,
    run_folds,
    splitter,
    task_of,
)
from kagglekit.evaluation.metrics import reported_metrics
from kagglekit.seeding import seed_pipeline


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
    the first fold's network (name, type, output shape, parameter count); ``n_weights`` is the
    first fold's network's weight count, as in ``model_summary`` (other folds can differ:
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
    n_weights: int | None = None
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


    @property
    def gain(self) -> dict | None:
        """The ensemble's gain over its best member (see
        :func:`kagglekit.evaluation.members.gain`); None when there are no members."""
        if not self.members:
            return None
        return {"metric": self.metric,
                **ensembles.gain(self.folds, self.members,
                                 metric=self.metric)}

    def summary_line(self) -> str:
        """``accuracy 0.8350 ± 0.0181  roc_auc 0.8807  fit 33.1s``: one line for logs."""
        auc = self.scores.get("roc_auc")
        auc_text = f"roc_auc {auc['mean']:.4f}  " if auc else ""
        return (f"{self.metric} {self.mean:.4f} ± {self.std:.4f}  {auc_text}"
                f"fit {self.fit_seconds:.1f}s")

    def lines(self) -> list[str]:
        """What ``kagglekit evaluate`` prints: the split, every metric with its folds, the
        test set's scores, the fit time and an ensemble's gain."""
        kind = "K-fold" if self.task == "regression" else "stratified"
        folds = self.n_splits // self.repeats
        repeated = f" ({folds} folds x {self.repeats})" if self.repeats > 1 else ""
        out = [f"{self.pipeline}: {self.n_splits}-fold {kind} CV{repeated}, seed {self.seed}"]
        for metric, s in self.scores.items():
            values = " ".join(f"{v:.4f}" for v in s["folds"])
            out.append(f"  {metric:<9} {s['mean']:.4f} ± {s['std']:.4f}   folds: {values}")
        if self.holdout:
            out.append("  test set  " + "  ".join(f"{k} {v:g}"
                                                  for k, v in self.holdout.items()))
        out.append(f"  fit time  {self.fit_seconds:.1f} s in all"
                   f"{f'; epochs per fold {self.epochs}' if self.epochs else ''}")
        if self.members:
            out.append(f"  {ensembles.gain_line(self.gain)}")
        return out


def evaluate(pipeline: Pipeline | str, X: pd.DataFrame | None = None, y=None, *,
             folds: int = 5, repeats: int = 1, seed: int = 0, n_jobs: int = 1,
             name: str | None = None, holdout: tuple | None = None,
             backend: str = "loky", scheduler: str | None = None,
             on_fold=None, metric: str | None = None) -> CVResult:
    """K-fold cross-validation (shuffled, seeded) of a classifier or regressor pipeline.

    Classifiers get stratified folds and accuracy, log loss (and ROC AUC for two classes);
    regressors get plain K-fold and RMSE and MAE (over all outputs of a multi-output model).
    ``metric`` (any name of :mod:`kagglekit.evaluation.metrics` that fits the task) is the
    headline instead of accuracy / RMSE.

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
        Where parallel folds run: local processes, or a Dask cluster (``scheduler``'s, or a
        local one when ``scheduler`` is None; see
        :func:`kagglekit.parallel.parallel_backend`). Same seed, same scores.
    scheduler : str, optional
        The Dask scheduler's address (``tcp://HOST:8786``), with ``backend="dask"``.
    name : str, optional
        Name to report (defaults to the registry name).
    holdout : (X_test, y_test), optional
        A labelled test set: the pipeline is also fitted on all of ``X, y`` and scored there
        (``CVResult.holdout``), e.g. outside the training range to measure extrapolation.
    on_fold : callable, optional
        ``on_fold(done, total)`` after each fold (folds run one at a time here only).

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
    task = task_of(pipeline, y, folds)
    splits = list(splitter(task, folds, seed, repeats).split(X, y))
    metrics = reported_metrics(task, metric)
    results = run_folds(pipeline, X, y, splits, task, n_jobs=n_jobs, backend=backend,
                        scheduler=scheduler, on_fold=on_fold, metrics=metrics)
    scores = {m: [r[m] for r in results] for m in metrics}
    classes = None if task == "regression" else np.unique(y)
    oof = out_of_fold(results, splits, len(y)) if repeats == 1 else None
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
        oof_proba=_oof_proba(oof, task, y),
        task=task, model_summary=results[0]["summary"],
        holdout=None if holdout is None else score_holdout(pipeline, X, y, *holdout,
                                                            metrics=metrics),
        oof_labels=(None if oof is None or task == "regression" else
                    [plain(v) for v in classes[np.argmax(oof, axis=1)]]),
        n_weights=results[0]["n_weights"],
        histories=[r["history"] for r in results if r["history"] is not None],
        classes=None if classes is None else [plain(c) for c in classes],
        oof_class_proba=(np.round(oof, 6).tolist() if oof is not None and task == "multiclass"
                         else None),
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


def score_holdout(pipeline: Pipeline, X, y, X_test, y_test, *, metrics=None) -> dict:
    """Fit a clone of ``pipeline`` on all of ``X, y`` and score it on ``X_test, y_test``
    (``metrics``: default the task's reported ones)."""
    y, y_test = np.asarray(y), np.asarray(y_test)
    task = task_of(pipeline, y)
    metrics = metrics or reported_metrics(task)
    result = fit_and_score(clone(pipeline), X, y, X_test, y_test, task, metrics=metrics)
    return {"rows": len(y_test), **{m: float(f"{result[m]:.6g}") for m in metrics}}


def _oof_proba(oof, task: str, y) -> list[float] | None:
    """P(positive) of a binary target, or the value of a single-output regression, per row
    (None otherwise)."""
    if oof is None or task == "multiclass" or (task == "regression" and np.ndim(y) != 1):
        return None
    column = oof[:, 1] if task == "binary" else oof
    return [round(float(p), 6) for p in column]


def _member_folds(results: list[dict]) -> dict[str, list[float]] | None:
    """Each ensemble member's headline score per fold (None when there are no members)."""
    if results[0]["members"] is None:
        return None
    return {name: [round(r["members"][name], 6) for r in results]
            for name in results[0]["members"]}


def _describe(pipeline) -> str:
    return type(pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline).__name__
