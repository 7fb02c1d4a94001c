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
from sklearn.base import clone

from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition_files import (
    read_competition,
    resolve_metric,
    write_competition_submission,
)

MODELS = ("logreg", "hgb", "dnn")
"""The default models, in training order (fast ones first)."""
SPEED_ORDER = ("logreg", "hgb", "rf", "mlp", "dnn")
"""Known models from fastest to slowest: the order a run trains them in."""
RESERVE_S = 3.0
"""Seconds kept back from ``--time-limit`` for the blend, the submission and the report."""


@dataclass
class ModelRun:
    """One model's cross-validation in a competition run.

    ``oof`` is the out-of-fold output of every training row (probabilities (n, k) in
    ``classes`` order, or values), ``test`` the fold models' average output on test.csv,
    ``folds`` the metric per fold; ``skipped`` says why a model has none of these.
    """

    name: str
    pipeline: str
    seconds: float = 0.0
    folds: list = field(default_factory=list)
    oof: np.ndarray | None = field(default=None, repr=False)
    test: np.ndarray | None = field(default=None, repr=False)
    skipped: str | None = None

    @property
    def mean(self) -> float:
        return float(np.mean(self.folds))

    @property
    def std(self) -> float:
        return float(np.std(self.folds))


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

    def lines(self) -> list[str]:
        """What the command prints: the CV table, the blend, then ``submission: PATH``."""
        from kagglekit.evaluation.metrics import get_metric

        label = get_metric(self.metric).label
        width = max(len(r.name) for r in self.runs)
        out = [f"{self.competition}: {len(self.runs[0].folds) or '?'}-fold CV, metric "
               f"{label} ({self.metric_source})", f"{'model':<{width}}  {label:<17}  seconds"]
        for run in self.runs:
            if run.skipped:
                out.append(f"{run.name:<{width}}  skipped: {run.skipped}")
            else:
                out.append(f"{run.name:<{width}}  {run.mean:.4f} ± {run.std:.4f}  "
                           f"{run.seconds:7.1f}")
        weights = ", ".join(f"{n} {w:.2f}" for n, w in self.blend.weights.items() if w > 0)
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


def model_factories(name: str, models, layout, train: pd.DataFrame) -> dict:
    """Model name -> a function building its unfitted pipeline: a known competition's
    registered pipelines (``titanic-hgb``: engineered features), else the inferred
    ColumnTransformer of :mod:`kagglekit.features.tabular` and ``tabular``'s models."""
    from kagglekit.pipelines import list_pipelines

    registered = {s.name: s for s in list_pipelines() if s.task.dataset == name}
    factories = {}
    plan = None
    for model in models:
        if f"{name}-{model}" in registered:
            factories[model] = (f"{name}-{model}", registered[f"{name}-{model}"].factory)
            continue
        if plan is None:
            from kagglekit.features.tabular import infer_columns

            task = "regression" if layout.task == "regression" else "classification"
            plan = infer_columns(train, layout.target, id_column=layout.id_column, task=task,
                                 source="train.csv")
        factories[model] = (f"tabular-{model}", _tabular_factory(plan, model))
    return factories


def _tabular_factory(plan, model):
    from kagglekit.pipelines.tabular import tabular_pipeline

    tabular_pipeline(plan, model)  # an unknown model name fails before any training
    return lambda: tabular_pipeline(plan, model)


def cross_validate_model(factory, X, y, X_test, splits, task, *, seed: int, deadline: float,
                         classes, metric, folds_done=None) -> dict:
    """Each fold's fit, its out-of-fold and test outputs, within ``deadline``.

    Returns ``oof``, ``test`` (fold average), ``folds`` (metric per fold) and ``seconds``;
    or ``skipped`` when the model cannot finish in time (measured on its first folds).
    """
    from kagglekit.evaluation.engine import fit_and_score
    from kagglekit.evaluation.metrics import prediction_for
    from kagglekit.seeding import seed_pipeline

    start = time.perf_counter()
    pipeline = seed_pipeline(factory(), seed)
    _bound_training_time(pipeline, (deadline - time.perf_counter()) / len(splits))
    oof, tests, folds = None, [], []
    for i, (train, held) in enumerate(splits):
        now = time.perf_counter()
        if i and now + (now - start) / i > deadline:
            return {"skipped": f"{i} of {len(splits)} folds in {now - start:.0f} s; the rest "
                               "would not finish within the time limit"}
        outcome = fit_and_score(clone(pipeline), X.iloc[train], y[train], X.iloc[held],
                                y[held], task, predict=X_test)
        held_out = outcome["proba"] if task == "multiclass" else outcome["oof"]
        if task == "binary":
            held_out = np.column_stack([1 - held_out, held_out])
        if oof is None:
            oof = np.full((len(y), *np.shape(held_out)[1:]), np.nan)
        oof[held] = held_out
        tests.append(outcome["predicted"])
        folds.append(metric.score(y[held], prediction_for(metric, held_out, classes),
                                  classes=classes))
        if folds_done:
            folds_done(i + 1)
    return {"oof": oof, "test": np.mean(tests, axis=0), "folds": folds,
            "seconds": time.perf_counter() - start}


def _bound_training_time(pipeline, seconds: float) -> None:
    """Give a network that honours a time budget (``max_seconds``) its share of the limit."""
    from kagglekit.pipelines.params import final_estimator

    model = final_estimator(pipeline, template=True)
    if "max_seconds" in model.get_params(deep=False):
        model.set_params(max_seconds=max(float(seconds) * 0.8, 1.0))


def run_competition(name: str, *, data_dir=None, metric: str | None = None,
                    time_limit: float | None = None, models=None, folds: int = 5,
                    seed: int = 0, report=None, submissions="submissions", target=None,
                    id_column=None, drop=(), log=None) -> CompetitionResult:
    """Cross-validate models on a competition's files, blend them and write the submission.

    Parameters
    ----------
    name : str
        The competition's URL name; its files are in ``DATA_DIR/NAME`` (see
        :func:`competition_folder`).
    metric : str, optional
        One of :mod:`kagglekit.evaluation.metrics`' names; default: the known competition's,
        else accuracy / RMSE with a warning.
    time_limit : float, optional
        Seconds for the whole run: models that would not finish are skipped, and the
        submission is written in time.
    models : sequence of str, optional
        Default :data:`MODELS`; trained fastest first (:data:`SPEED_ORDER`).
    folds, seed : int
        K-fold CV (stratified for classes), seeded.
    report : path, optional
        A new or empty folder for report.md / report.json / report.html.
    target, id_column : str, optional
        Override the inferred target and id column (``--target``, ``--id``).
    drop : sequence of str
        Columns of train.csv not to use (``--drop``), e.g. one that only train.csv has.
    log : callable, optional
        Receives a line per step.

    Returns
    -------
    CompetitionResult
    """
    from kagglekit.evaluation.blend import fit_blend
    from kagglekit.evaluation.blend_gain import blend_gain
    from kagglekit.evaluation.engine import splitter
    from kagglekit.evaluation.leakage import find_leaks
    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.evaluation.report import check_report_folder
    from kagglekit.submissions.sample import infer_layout

    start = time.perf_counter()
    deadline = start + time_limit - RESERVE_S if time_limit else float("inf")
    say = log or (lambda line: None)
    if report:
        check_report_folder(report)
    train, test, sample = read_competition(name, data_dir)
    train, test = drop_columns(name, train, test, drop)
    layout = infer_layout(train, test, sample, target=target, id_column=id_column,
                          metric=metric)
    metric_name, source = resolve_metric(name, metric, layout.task)
    layout = infer_layout(train, test, sample, target=target, id_column=id_column,
                          metric=metric_name)
    scorer = get_metric(metric_name)
    say(f"{name}: {len(train)} training rows, {len(test)} test rows; target "
        f"{layout.target!r} ({layout.task}), id {layout.id_column!r}; the submission holds "
        f"{layout.submission.replace('_', ' ')}; metric {metric_name} ({source})")
    X = train.drop(columns=[layout.target])
    y = train[layout.target].to_numpy()
    leaks = find_leaks(X, y, task=layout.task, id_column=layout.id_column)
    for leak in leaks:
        import warnings

        warnings.warn(f"column {leak.column!r} alone predicts {layout.target!r} almost "
                      f"perfectly ({leak.metric} {leak.score:.3f} out of fold): it is usually "
                      "known only after the fact; drop it unless test.csv really has it",
                      UserWarning, stacklevel=2)
    order = _ordered(models or MODELS)
    factories = model_factories(name, order, layout, train)
    classes = None if layout.task == "regression" else np.asarray(layout.classes)
    splits = list(splitter(layout.task, folds, seed).split(X, y))
    runs = []
    for model in order:
        pipeline_name, factory = factories[model]
        run = ModelRun(model, pipeline_name)
        if time.perf_counter() >= deadline:
            run.skipped = "no time left"
        else:
            say(f"cross-validating {model} ({pipeline_name}) ...")
            found = cross_validate_model(factory, X, y, test, splits, layout.task, seed=seed,
                                         deadline=deadline, classes=classes, metric=scorer)
            run.skipped = found.get("skipped")
            if not run.skipped:
                run.oof, run.test, run.folds = found["oof"], found["test"], found["folds"]
                run.seconds = found["seconds"]
                say(f"  {metric_name} {run.mean:.4f} ± {run.std:.4f}  ({run.seconds:.1f} s)")
        if run.skipped:
            say(f"  {model} skipped: {run.skipped}")
        runs.append(run)
    done = [r for r in runs if not r.skipped]
    if not done:  # a valid submission all the same: the training rows' class shares / mean
        say("no model finished in time: the submission predicts the training rows' "
            f"{'mean' if layout.task == 'regression' else 'class shares'}")
        run = ModelRun("prior", "prior")
        found = cross_validate_model(_prior(layout.task), X, y, test, splits, layout.task,
                                     seed=seed, deadline=float("inf"), classes=classes,
                                     metric=scorer)
        run.oof, run.test, run.folds = found["oof"], found["test"], found["folds"]
        run.seconds = found["seconds"]
        runs.append(run)
        done = [run]
    fold_of = np.empty(len(y), dtype=int)
    for i, (_, held) in enumerate(splits):
        fold_of[held] = i
    oof = {r.name: r.oof for r in done}
    # Greedy forward selection (Caruana et al. 2004): on the development tables it was the
    # one method never below its best member when weights were chosen on held-out folds
    # (benchmarks/blend_methods.py); stacking gained a little more on average but lost once.
    method = "greedy" if len(done) > 1 else "best"
    blend = fit_blend(oof, y, scorer, method=method, classes=classes)
    gains = {} if len(done) < 2 else {
        method: blend_gain(oof, y, fold_of, scorer, method=method, classes=classes)}
    path = write_competition_submission(layout, test, blend.combine({r.name: r.test
                                                                      for r in done}),
                                        sample, name=name, metric=metric_name,
                                        cv_score=blend.oof_score, models=done, blend=blend,
                                        folder=submissions)
    result = CompetitionResult(name, metric_name, source, layout, runs, blend, gains,
                               blend.oof_score, path, None, time.perf_counter() - start,
                               time_limit, leaks, seed)
    if report:
        from kagglekit.evaluation.competition_report import write_competition_report

        result.report_dir = write_competition_report(result, report)
    result.seconds = time.perf_counter() - start
    return result


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


def _prior(task: str):
    """A model that predicts the training rows' class shares (or mean), whatever the input."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return lambda: DummyRegressor() if task == "regression" else \
        DummyClassifier(strategy="prior")


def _ordered(models) -> list[str]:
    models = [m.strip() for m in models if m.strip()]
    if len(set(models)) != len(models):
        raise KagglekitError(f"--models lists a model twice: {','.join(models)}")
    rank = {m: i for i, m in enumerate(SPEED_ORDER)}
    return sorted(models, key=lambda m: rank.get(m, len(rank)))
