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
from kagglekit.submissions.checks import check_competition_files

MODELS = ("logreg", "hgb", "lgbm", "catboost", "net")
"""The default models, in training order (fast ones first). LightGBM and CatBoost joined on
2026-12-07: on six development tables (seed 0, 120 s) this set was level with or better than
the LightGBM + CatBoost notebook on all six, the earlier ``logreg,hgb,net`` on two
(benchmarks/results/competitions-2026-12-07.jsonl; chosen on those test scores)."""
SPEED_ORDER = ("logreg", "hgb", "lgbm", "rf", "catboost", "mlp", "net")
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
        if self.blend.method == "best":
            out.append(f"submission: the best single model ({weights.split()[0]}), "
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

    return lambda: tabular_pipeline(plan, model)


def cross_validate_model(factory, X, y, X_test, splits, task, *, seed: int, deadline: float,
                         metric, backend: str = "loky", scheduler: str | None = None) -> dict:
    """A model's folds through the engine (:func:`kagglekit.evaluation.engine.run_folds`):
    each fold's model scores its held-out rows and predicts ``X_test``.

    Returns ``oof`` (every training row's held-out output: ``(n, k)`` probabilities in the
    classes' order, or values), ``test`` (the fold models' average output on ``X_test``),
    ``folds`` (the metric per fold) and ``seconds``; or ``skipped`` when the model cannot
    finish before ``deadline`` (measured on its first folds).
    """
    from kagglekit.errors import OutOfTime
    from kagglekit.evaluation.engine import run_folds
    from kagglekit.seeding import seed_pipeline

    start = time.perf_counter()
    pipeline = seed_pipeline(factory(), seed)
    _bound_training_time(pipeline, (deadline - start) / len(splits))
    try:
        outcomes = run_folds(pipeline, X, y, splits, task, metrics=(metric.name,),
                             X_test=X_test, backend=backend, scheduler=scheduler,
                             deadline=deadline if np.isfinite(deadline) else None)
    except OutOfTime as exc:
        return {"skipped": str(exc)}
    oof = np.full((len(y), *np.shape(outcomes[0]["output"])[1:]), np.nan)
    for (_, held), outcome in zip(splits, outcomes, strict=True):
        oof[held] = outcome["output"]
    return {"oof": oof, "test": np.mean([o["predicted"] for o in outcomes], axis=0),
            "folds": [o[metric.name] for o in outcomes], "seconds": time.perf_counter() - start}


def _bound_training_time(pipeline, seconds: float) -> None:
    """Give a network that honours a time budget (``max_seconds``) its share of the limit."""
    from kagglekit.pipelines.params import final_estimator

    if not np.isfinite(seconds):
        return
    model = final_estimator(pipeline, template=True)
    if "max_seconds" in model.get_params(deep=False):
        model.set_params(max_seconds=max(float(seconds) * 0.8, 1.0))


def run_competition(name: str, *, data_dir=None, metric: str | None = None,
                    time_limit: float | None = None, models=None, folds: int = 5,
                    seed: int = 0, report=None, submissions="submissions", target=None,
                    id_column=None, drop=(), backend: str = "loky", scheduler: str | None = None,
                    log=None) -> CompetitionResult:
    """Cross-validate models on a competition's files, blend them and write the submission.

    The steps: read the three files, settle the layout and the metric, check the files
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
    backend, scheduler : str
        Where the folds run, as for :func:`kagglekit.evaluate` (the time limit's pace checks
        need the folds to run one at a time here).
    log : callable, optional
        Receives a line per step.

    Returns
    -------
    CompetitionResult
    """
    from kagglekit.evaluation.engine import splitter
    from kagglekit.reports.report import check_report_folder

    start = time.perf_counter()
    deadline = start + time_limit - RESERVE_S if time_limit else float("inf")
    say = log or (lambda line: None)
    if report:
        check_report_folder(report)
    train, test, sample = read_competition(name, data_dir)
    train, test = drop_columns(name, train, test, drop)
    layout, scorer, source = settle_layout(name, train, test, sample, metric=metric,
                                           target=target, id_column=id_column)
    say(f"{name}: {len(train)} training rows, {len(test)} test rows; target "
        f"{layout.target!r} ({layout.task}), id {layout.id_column!r}; the submission holds "
        f"{layout.submission.replace('_', ' ')}; metric {scorer.name} ({source})")
    for line in check_competition_files(train, test, sample, layout):
        say(line)
    X = train.drop(columns=[layout.target])
    y = train[layout.target].to_numpy()
    leaks = warn_leaks(X, y, layout)
    splits = list(splitter(layout.task, folds, seed).split(X, y))
    runs = cross_validate_models(name, models or MODELS, layout, train, X, y, test, splits,
                                 scorer, seed=seed, deadline=deadline, say=say,
                                 backend=backend, scheduler=scheduler)
    done = [r for r in runs if not r.skipped]
    blend, gains = blend_runs(done, y, splits, scorer, layout)
    path = write_competition_submission(layout, test, blend.combine({r.name: r.test
                                                                      for r in done}),
                                        sample, name=name, metric=scorer.name,
                                        cv_score=blend.oof_score, models=done, blend=blend,
                                        folder=submissions)
    result = CompetitionResult(name, scorer.name, source, layout, runs, blend, gains,
                               blend.oof_score, path, None, time.perf_counter() - start,
                               time_limit, leaks, seed)
    if report:
        from kagglekit.reports.competition import write_competition_report

        result.report_dir = write_competition_report(result, report)
    result.seconds = time.perf_counter() - start
    return result


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


def cross_validate_models(name, models, layout, train, X, y, test, splits, scorer, *,
                          seed: int, deadline: float, say, backend: str = "loky",
                          scheduler: str | None = None) -> list[ModelRun]:
    """Each model on the same folds, fastest first, while time is left; when none finishes,
    the training rows' class shares (or mean), so a valid submission is still written.
    ``train`` (target included) gives the inferred columns; ``X, y`` are its features and
    target."""
    order = _ordered(name, models)
    factories = model_factories(name, order, layout, train)
    runs = []
    for model in order:
        pipeline_name, factory = factories[model]
        run = ModelRun(model, pipeline_name)
        if time.perf_counter() >= deadline:
            run.skipped = "no time left"
        else:
            say(f"cross-validating {model} ({pipeline_name}) ...")
            _fill(run, cross_validate_model(factory, X, y, test, splits, layout.task,
                                            seed=seed, deadline=deadline, metric=scorer,
                                            backend=backend, scheduler=scheduler))
            if not run.skipped:
                say(f"  {scorer.name} {run.mean:.4f} ± {run.std:.4f}  ({run.seconds:.1f} s)")
        if run.skipped:
            say(f"  {model} skipped: {run.skipped}")
        runs.append(run)
    if all(r.skipped for r in runs):
        say("no model finished in time: the submission predicts the training rows' "
            f"{'mean' if layout.task == 'regression' else 'class shares'}")
        run = ModelRun("prior", "prior")
        _fill(run, cross_validate_model(_prior(layout.task), X, y, test, splits, layout.task,
                                        seed=seed, deadline=float("inf"), metric=scorer))
        runs.append(run)
    return runs


def _fill(run: ModelRun, found: dict) -> None:
    run.skipped = found.get("skipped")
    if not run.skipped:
        run.oof, run.test, run.folds = found["oof"], found["test"], found["folds"]
        run.seconds = found["seconds"]


def blend_runs(done: list[ModelRun], y, splits, scorer, layout):
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


def _prior(task: str):
    """A model that predicts the training rows' class shares (or mean), whatever the input."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return lambda: DummyRegressor() if task == "regression" else \
        DummyClassifier(strategy="prior")


def _ordered(name: str, models) -> list[str]:
    """The models fastest first, under their current names (a known competition's registered
    pipelines, such as ``titanic-dnn`` for ``dnn``, keep theirs)."""
    from kagglekit.pipelines import list_pipelines
    from kagglekit.pipelines.tabular import model_name

    registered = {s.name for s in list_pipelines() if s.task.dataset == name}
    models = [m.strip() for m in models if m.strip()]
    models = [m if f"{name}-{m}" in registered else model_name(m) for m in models]
    if len(set(models)) != len(models):
        raise KagglekitError(f"--models lists a model twice: {','.join(models)}")
    rank = {m: i for i, m in enumerate(SPEED_ORDER)}
    return sorted(models, key=lambda m: rank.get(m, len(rank)))
