"""Any Kaggle competition with train.csv, test.csv and sample_submission.csv, end to end.

``kagglekit run --competition NAME`` reads the three files, infers the layout (id, target,
task, what the submission holds), settles the metric, warns about leaking columns, then
cross-validates each model on the same folds, fastest first, within a time budget. Every
fold's model predicts its held-out rows (out-of-fold) and the test rows; a model's test
prediction is the average over its folds. A blend chosen on the out-of-fold predictions (by
the metric, honest gain measured on held-out folds) combines them, and the submission is
validated against the sample and written without overwriting anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition_files import (
    default_metric_for,
    find_metric,
    read_competition,
    write_competition_submission,
)
from kagglekit.jobs.competition_models import MODELS, SPEED_ORDER, cross_validate_models
from kagglekit.submissions.checks import check_competition_files

__all__ = ["run_competition", "CompetitionResult", "MODELS", "SPEED_ORDER"]


def reserve_seconds(time_limit: float) -> float:
    """Seconds kept back from ``--time-limit`` for the blend, the submission and the report:
    5 % of the limit, at least 3 s."""
    return max(3.0, 0.05 * time_limit)


@dataclass
class CompetitionResult:
    """What a competition run produced."""

    competition: str
    metric: str
    metric_source: str
    layout: object
    runs: list
    blend: object
    gains: dict
    score: float
    submission: Path
    report_dir: Path | None
    seconds: float
    time_limit: float | None
    leaks: list
    seed: int = 0
    shift: object = None
    y: np.ndarray | None = field(default=None, repr=False)
    importance: dict | None = None
    shifted: dict | None = field(default=None, repr=False)

    def lines(self) -> list[str]:
        """What the command prints: the CV table, the blend, then ``submission: PATH``."""
        from kagglekit.evaluation.metrics import get_metric

        label = get_metric(self.metric).label
        width = max(len(r.name) for r in self.runs)
        out = [f"{self.competition}: {len(self.runs[0].folds) or '?'}-fold CV, metric "
               f"{label} ({self.metric_source})", f"{'model':<{width}}  {label:<17}  seconds"]
        for run in self.runs:
            plan = f"  ({run.budget_text()})" if run.allotment else ""
            if run.skipped:
                out.append(f"{run.name:<{width}}  skipped: {run.skipped}{plan}")
            else:
                out.append(f"{run.name:<{width}}  {run.mean:.4f} ± {run.std:.4f}  "
                           f"{run.seconds:7.1f}{plan}")
        weights = ", ".join(f"{n} {w:.2f}" for n, w in self.blend.weights.items() if w > 0)
        if self.blend.method == "best":
            best = max(self.blend.weights, key=self.blend.weights.get)
            out.append(f"no blend: the best single model ({best}), "
                       f"{self.score:.4f} out of fold"
                       + ("; no blend gained on held-out folds" if self.gains else ""))
        else:
            out.append(f"ensemble ({self.blend.method}: {weights}): {self.score:.4f} on the "
                       "out-of-fold rows it was chosen on")
        for method, gain in self.gains.items():
            used = " (used)" if method == self.blend.method else ""
            out.append(f"  {method} blend, weights chosen on the other folds: "
                       f"{gain.mean:+.4f} ± {gain.std:.4f} over the best single model{used}")
        limit = f" of the {self.time_limit:g} s limit" if self.time_limit else ""
        out.append(f"time: {self.seconds:.1f} s{limit}")
        if self.report_dir:
            out.append(f"report:     {self.report_dir / 'report.md'} (also report.json)")
        out.append(f"submission: {self.submission}")
        return out


def run_competition(name: str, *, data_dir=None, metric: str | None = None,
                    time_limit: float | None = None, models=None, folds: int = 5,
                    seed: int = 0, report=None, submissions="submissions", target=None,
                    id_column=None, drop=(), backend: str = "loky", scheduler: str | None = None,
                    log=None, on_fold=None) -> CompetitionResult:
    """Cross-validate models on a competition's files, blend them and write the submission.

    The steps: read the three files, settle the layout and the metric, make a large
    table's numeric columns compact (:mod:`kagglekit.data.compact`), check the files
    against each other, warn about leaking columns, cross-validate each model through the
    engine, blend, write, report.

    Parameters
    ----------
    name : str
        The competition's URL name; its files are in ``DATA_DIR/NAME`` (see
        :func:`competition_folder`).
    metric : str, optional
        One of :mod:`kagglekit.evaluation.metrics`' names; default: Kaggle's (with
        credentials), the known competition's, else the one the sample's layout suggests
        (accuracy, ROC AUC, log loss or RMSE) with a warning.
    time_limit : float, optional
        Seconds for the whole run: models that would not finish are skipped, and the
        submission is written in time.
    models : sequence of str or (str, estimator), optional
        Default :data:`MODELS`; trained fastest first (:data:`SPEED_ORDER`). A ``(name,
        estimator)`` pair adds your own model: a scikit-learn ``Pipeline`` is used as it is
        (it gets the raw DataFrame of train.csv without the target), a bare estimator gets
        the inferred preprocessing in front (imputation, one-hot encoding, scaling). It is
        cross-validated on the same folds, counted by the time budget, shown in the
        leaderboard and can win blend weight. A classifier needs ``predict_proba``.
    folds, seed : int
        K-fold CV (stratified for classes), seeded.
    report : path, optional
        A new or empty folder for report.md / report.json / report.html.
    target, id_column : str, optional
        Override the inferred target and id column (``--target``, ``--id``).
    drop : sequence of str
        Columns of train.csv not to use (``--drop``), e.g. one that only train.csv has.
    backend, scheduler : str
        Where the folds run: here (``"loky"``), or each (model, fold) fit as a task on a
        Dask cluster (``"dask"``; the cluster at ``scheduler``, else a local one), the data
        sent once (:mod:`kagglekit.evaluation.remote`). Without a time limit every model's
        folds are sent at once; with one, a model's folds go when the budget gives it its
        share.
    log : callable, optional
        Receives a line per step.
    on_fold : callable, optional
        ``on_fold(model, done, total)`` after each fold.

    Returns
    -------
    CompetitionResult
        ``runs``: each model's name, fold scores, seconds, time budget and skip reason;
        ``blend.weights``; ``submission``: the written file.

    Examples
    --------
    >>> from kagglekit import run_competition
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> result = run_competition("NAME", data_dir="data", metric="roc_auc",
    ...                          time_limit=300, models=["lgbm", "catboost",
    ...                          ("knn", KNeighborsClassifier(50))])  # doctest: +SKIP
    >>> {r.name: r.mean for r in result.runs if not r.skipped}  # doctest: +SKIP
    """
    from kagglekit.data.compact import LARGE_ROWS, compact_dtypes
    from kagglekit.evaluation.budget import Budget
    from kagglekit.evaluation.engine import splitter
    from kagglekit.evaluation.remote import cluster_folds
    from kagglekit.parallel import check_backend
    from kagglekit.reports.report import check_report_folder

    check_backend(backend, scheduler)
    start = time.perf_counter()
    budget = Budget(time_limit, reserve=reserve_seconds(time_limit), start=start) \
        if time_limit else None
    say = log or (lambda line: None)
    if report:
        check_report_folder(report)
    train, test, sample = read_competition(name, data_dir)
    train, test = drop_columns(name, train, test, drop)
    layout, scorer, source = settle_layout(name, train, test, sample, metric=metric,
                                           target=target, id_column=id_column)
    if len(train) >= LARGE_ROWS:
        train, test = compact_dtypes([train, test], keep=(layout.id_column, layout.target))
    say(f"{name}: {len(train)} training rows, {len(test)} test rows; target "
        f"{layout.target!r} ({layout.task}), id {layout.id_column!r}; the submission holds "
        f"{layout.submission.replace('_', ' ')}; metric {scorer.name} ({source})")
    for line in check_competition_files(train, test, sample, layout):
        say(line)
    X = train.drop(columns=[layout.target])
    y = train[layout.target].to_numpy()
    shift = check_shift(X, test, layout, say)
    leaks = warn_leaks(X, y, layout)
    splits = list(splitter(layout.task, folds, seed).split(X, y))
    with cluster_folds(backend, scheduler, X, y, test) as cluster:
        runs = cross_validate_models(name, models or MODELS, layout, train, X, y, test,
                                     splits, scorer, seed=seed, budget=budget, say=say,
                                     on_fold=on_fold, cluster=cluster)
    done = [r for r in runs if not r.skipped]
    blend, gains = blend_runs(done, y, splits, scorer, layout)
    path = write_competition_submission(layout, test, blend.combine({r.name: r.test
                                                                      for r in done}),
                                        sample, name=name, metric=scorer.name,
                                        cv_score=blend.oof_score, models=done, blend=blend,
                                        folder=submissions)
    result = CompetitionResult(name, scorer.name, source, layout, runs, blend, gains,
                               blend.oof_score, path, None, time.perf_counter() - start,
                               time_limit, leaks, seed, shift)
    if report:
        from kagglekit.reports.competition import write_competition_report

        result.y = y
        result.importance = explain_strongest(done, blend, X, y, splits, scorer, layout,
                                              seed=seed, budget=budget)
        if shift.warns and shift.columns:
            column = next(iter(shift.columns))
            result.shifted = {"column": column, "train": X[column].head(20_000).tolist(),
                              "test": test[column].head(20_000).tolist()}
        result.report_dir = write_competition_report(result, report)
    result.seconds = time.perf_counter() - start
    return result


def explain_strongest(done, blend, X, y, splits, scorer, layout, *, seed: int,
                      budget=None) -> dict | None:
    """Permutation importance (:mod:`kagglekit.evaluation.importance`) of the model with the
    largest blend weight, refitted on the first fold's training rows and measured on its
    held-out rows: ``{"model", "drops"}``, or ``{"model", "skipped"}`` when the time limit
    leaves no room for one more fit."""
    from kagglekit.evaluation.engine import rows
    from kagglekit.evaluation.importance import permutation_drops
    from kagglekit.seeding import seed_pipeline

    if not done:
        return None
    strongest = max(done, key=lambda r: blend.weights.get(r.name, 0.0))
    cost = 3 * strongest.seconds / (len(splits) * strongest.seeds)
    if budget is not None and time.perf_counter() + cost > budget.hard:
        return {"model": strongest.name, "skipped": "no time left within the limit"}
    train, held = splits[0]
    model = seed_pipeline(strongest.factory(), seed).fit(rows(X, train), y[train])
    classes = None if layout.task == "regression" else np.asarray(layout.classes)
    drops = permutation_drops(model, rows(X, held), y[held], scorer, layout.task, classes,
                              random_state=seed)
    return {"model": strongest.name, "drops": drops}


def settle_layout(name: str, train, test, sample, *, metric=None, target=None,
                  id_column=None):
    """The layout and the metric, from one :func:`~kagglekit.submissions.sample.
    infer_layout`: ``(layout, Metric, where the metric came from)``."""
    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.submissions.sample import infer_layout

    found, source = find_metric(name, metric)
    layout = infer_layout(train, test, sample, target=target, id_column=id_column,
                          metric=found)
    if found is None:
        found, source = default_metric_for(name, layout), "default"
    return layout, get_metric(found), source


def check_shift(X, test, layout, say):
    """Adversarial validation (:mod:`kagglekit.evaluation.shift`) before training: a warning
    naming the columns when test.csv's rows differ from train.csv's, else one line."""
    import warnings

    from kagglekit.evaluation.shift import adversarial_validation

    shift = adversarial_validation(X, test, ignore=[layout.id_column])
    if shift.warns:
        warnings.warn(shift.line(), UserWarning, stacklevel=3)
    else:
        say(shift.line())
    return shift


def warn_leaks(X, y, layout) -> list:
    """A warning for each column that alone predicts the target almost perfectly."""
    import warnings

    from kagglekit.evaluation.leakage import find_leaks

    leaks = find_leaks(X, y, task=layout.task, id_column=layout.id_column)
    for leak in leaks:
        warnings.warn(f"column {leak.column!r} alone predicts {layout.target!r} almost "
                      f"perfectly ({leak.metric} {leak.score:.3f} out of fold): it is usually "
                      "known only after the fact; drop it unless test.csv really has it",
                      UserWarning, stacklevel=3)
    return leaks


def blend_runs(done: list, y, splits, scorer, layout):
    """The submission's combination of the finished models' out-of-fold outputs:
    ``(Blend, {method: gain})``.

    Greedy selection (Caruana et al. 2004) and stacking (a logistic or non-negative linear
    model on the outputs) are each measured by their honest gain over the best single model
    (weights chosen on the other folds, scored on the held-out one); the one with the higher
    mean gain is used, and the best single model when neither gains (mean < 0). The choice
    between the two is made on the same folds that measure it, so the winner's gain is
    slightly optimistic."""
    from kagglekit.ensembling.blend import fit_blend
    from kagglekit.ensembling.blend_gain import choose_blend

    classes = None if layout.task == "regression" else np.asarray(layout.classes)
    oof = {r.name: r.oof for r in done}
    if len(done) < 2:
        return fit_blend(oof, y, scorer, method="best", classes=classes), {}
    return choose_blend(oof, y, splits, scorer, classes=classes)


def drop_columns(name: str, train: pd.DataFrame, test: pd.DataFrame, drop):
    """train.csv and test.csv without the ``drop`` columns (test.csv may lack them)."""
    drop = list(drop or ())
    if not drop:
        return train, test
    from kagglekit.pipelines import list_pipelines

    missing = [c for c in drop if c not in train.columns]
    if missing:
        raise KagglekitError(f"--drop: train.csv has no column {missing[0]!r}; its columns: "
                             f"{', '.join(map(str, train.columns))}")
    if any(s.task.dataset == name for s in list_pipelines()):
        raise KagglekitError(f"--drop does not go with {name}'s engineered pipelines, which "
                             "choose their own columns; drop --drop")
    return train.drop(columns=drop), test.drop(columns=[c for c in drop if c in test])


