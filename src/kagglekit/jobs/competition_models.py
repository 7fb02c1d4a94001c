"""The models of a competition run: which specs they are (:mod:`kagglekit.pipelines.models`),
and their cross-validation on the run's folds (:class:`~kagglekit.evaluation.context.
RunContext`), fastest first, within the run's time budget
(:class:`kagglekit.evaluation.budget.Budget`: each model's share is decided before it trains,
and left-over time buys more seeds of the best model)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from kagglekit.errors import KagglekitError


@dataclass
class ModelRun:
    """One model's cross-validation in a competition run.

    ``spec`` is its :class:`~kagglekit.pipelines.models.ModelSpec` and ``factory`` builds its
    unfitted pipeline. ``oof`` is the out-of-fold output of every training row
    (probabilities (n, k) in the run's classes order, or values), ``test`` the fold models'
    average output on test.csv, ``fold_scores`` the metric per fold; ``skipped`` says why a
    model has none of these. ``allotment`` is what the time budget gave it (None without a
    time limit), ``seeds`` how many seeds its outputs average, ``trained_folds`` how many
    folds it fitted (a model skipped by the planner fitted none); ``histories`` a network's
    losses per epoch, one dict per fold; ``where`` names where each fold ran (a Dask
    worker's address, or ``"local"``; extra seeds' folds follow); ``files`` its fold models
    in the run folder, in the same order.
    """

    spec: object
    factory: object = field(default=None, repr=False)
    seconds: float = 0.0
    fold_scores: list = field(default_factory=list)
    oof: np.ndarray | None = field(default=None, repr=False)
    test: np.ndarray | None = field(default=None, repr=False)
    skipped: str | None = None
    allotment: object = None
    seeds: int = 1
    trained_folds: int = 0
    histories: list = field(default_factory=list, repr=False)
    where: list = field(default_factory=list)
    files: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pipeline(self) -> str:
        """The name of its pipeline (``tabular-hgb``, ``custom-knn``, ``titanic-hgb``)."""
        return self.spec.pipeline_name

    @property
    def mean(self) -> float:
        return float(np.mean(self.fold_scores))

    @property
    def std(self) -> float:
        return float(np.std(self.fold_scores))

    def budget_text(self) -> str:
        """What the budget gave this model and what it used, in words."""
        plan = self.allotment
        if plan is None:
            return ""
        given = f"share {plan.share:.0f} s"
        if plan.max_seconds is not None:
            given += f", ≤ {plan.max_seconds:.1f} s training a fold"
        if plan.overhead is not None:
            given += f" (+ {plan.overhead:.1f} s to prepare and predict)"
        if plan.estimate is not None:
            given += f", estimated {plan.estimate:.0f} s"
        if self.skipped:
            return given
        seeds = f", {self.seeds} seeds" if self.seeds > 1 else ""
        return f"{given}; used {self.seconds:.0f} s{seeds}"


def resolve_models(name: str, models, task: str) -> list:
    """The :class:`~kagglekit.pipelines.models.ModelSpec` of each of ``models``, fastest
    first (a user's own last), checked before anything trains: a built-in name (an old one
    warns), a known competition's registered pipeline (``titanic-hgb`` for ``hgb`` of
    ``titanic``), or a user's ``(name, estimator)`` pair checked against the task. Anything
    else is one line saying what to fix."""
    from kagglekit.pipelines import list_pipelines
    from kagglekit.pipelines.models import (
        MODELS,
        custom_spec,
        get_model,
        registered_names,
        registered_spec,
    )

    registered = {s.name: s for s in list_pipelines() if s.task.dataset == name}
    specs = []
    for model in models:
        if not isinstance(model, str):
            specs.append(custom_spec(*_custom_pair(model, task)))
            continue
        model = model.strip()
        if not model:
            continue
        found = next((f"{name}-{m}" for m in registered_names(model)
                      if f"{name}-{m}" in registered), None)
        if found is None:
            specs.append(get_model(model))
        else:
            specs.append(registered_spec(MODELS.get(model), model, found,
                                         registered[found].factory))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise KagglekitError(f"--models lists a model twice: {','.join(names)}")
    if not specs:
        raise KagglekitError("--models names no model; give e.g. --models lgbm,catboost")
    return sorted(specs, key=lambda s: s.speed)


def _custom_pair(model, task: str) -> tuple:
    """A user's ``(name, estimator)``, checked against the task."""
    from sklearn.base import is_classifier, is_regressor

    if not (isinstance(model, tuple) and len(model) == 2 and isinstance(model[0], str)
            and model[0].strip() and hasattr(model[1], "fit")):
        raise KagglekitError(f"models: {model!r} is neither a model name nor a (name, "
                             "estimator) pair; give e.g. ('knn', KNeighborsClassifier())")
    label, estimator = model[0].strip(), model[1]
    if task == "regression" and not is_regressor(estimator):
        raise KagglekitError(f"models: {label!r} is not a regressor, and this "
                             "competition's target is a number; give a regressor")
    if task != "regression" and not (is_classifier(estimator)
                                     and hasattr(estimator, "predict_proba")):
        raise KagglekitError(f"models: {label!r} must be a classifier with predict_proba "
                             "(this competition's target is a class)")
    return label, estimator


def model_factories(specs, layout, train) -> dict:
    """Model name -> a function building its unfitted pipeline, the columns of ``train``
    (target included) inferred once for the specs that need them."""
    from kagglekit.features.tabular import infer_columns

    plan = None
    if any(s.layout is not None for s in specs):
        plan = infer_columns(train, layout.target, id_column=layout.id_column,
                             task=layout.task, source="train.csv")
    return {s.name: (lambda s=s: s.pipeline(plan)) for s in specs}


def cross_validate_model(pipeline, context, *, deadline: float | None = None, cluster=None,
                         on_fold=None, key: str = "model", keep=None) -> dict:
    """A model's folds through the engine's one fold runner
    (:func:`kagglekit.evaluation.engine.run_folds`, here or on a Dask ``cluster``): each
    fold's model scores its held-out rows and predicts the test rows.

    Returns ``oof`` (every training row's held-out output), ``test`` (the fold models'
    average output on the test rows), ``fold_scores``, ``where`` (each fold's worker, or
    ``"local"``), ``seconds``, ``histories``, ``trained_folds`` and ``files`` (what
    ``keep(fold model, fold)`` returned for each fold); or ``skipped`` when the folds' pace
    says they would end past ``deadline``.
    """
    from kagglekit.errors import OutOfTime
    from kagglekit.evaluation.engine import out_of_fold, run_folds

    clock = time.perf_counter if context.budget is None else context.budget.clock
    start = clock()
    try:
        outcomes = run_folds(pipeline, context.X, context.y, context.splits, context.task,
                             metrics=(context.metric.name,), X_test=context.test,
                             deadline=deadline, on_fold=on_fold, cluster=cluster, key=key,
                             clock=clock, keep=keep)
    except OutOfTime as exc:
        return {"skipped": f"stopped after training: {exc}", "trained_folds": exc.done}
    return {"oof": out_of_fold(outcomes, context.splits, len(context.y)),
            "test": np.mean([o["predicted"] for o in outcomes], axis=0),
            "fold_scores": [o[context.metric.name] for o in outcomes],
            "seconds": clock() - start, "trained_folds": len(context.splits),
            "where": [o.get("where", "local") for o in outcomes],
            "histories": [o["history"] for o in outcomes if o.get("history")],
            "files": [o["kept"] for o in outcomes if "kept" in o]}


def _set_budget(pipeline, seconds: float) -> None:
    from kagglekit.pipelines.params import final_estimator

    final_estimator(pipeline, template=True).set_params(max_seconds=max(float(seconds), 0.5))


def cross_validate_models(specs, factories, context, *, say, cluster=None, on_fold=None,
                          store=None) -> list[ModelRun]:
    """Each model (``specs``, fastest first; ``factories``: name -> unfitted pipeline) on the
    context's folds; with the context's budget, each model's share is decided before it
    trains and left-over time buys more seeds of the best model. On a Dask ``cluster``
    (:class:`~kagglekit.evaluation.remote.ClusterFolds`) without a budget, every model's
    folds are sent at once. When no model runs, the training rows' class shares (or mean),
    so a valid submission is still written. ``store`` (a
    :class:`~kagglekit.runs.store.RunWriter`) keeps every fold model."""
    from kagglekit.seeding import seed_pipeline

    budget = context.budget
    if cluster is not None and budget is None:
        for spec in specs:
            cluster.submit(spec.name, seed_pipeline(factories[spec.name](), context.seed),
                           context.splits, context.task, (context.metric.name,),
                           keep=_keeper(store, spec.name, context.seed))
    runs = []
    for i, spec in enumerate(specs):
        run = ModelRun(spec, factories[spec.name])
        pipeline = seed_pipeline(run.factory(), context.seed)
        if budget is not None:
            run.allotment = budget.allot(spec, specs[i:], pipeline, context)
            run.skipped = run.allotment.skip
            if run.allotment.max_seconds is not None:
                _set_budget(pipeline, run.allotment.max_seconds)
        if not run.skipped:
            say(f"cross-validating {spec.name} ({spec.pipeline_name}) ...")
            _fill(run, cross_validate_model(pipeline, context, deadline=context.deadline,
                                            cluster=cluster, key=spec.name,
                                            on_fold=_named(on_fold, spec.name),
                                            keep=_keeper(store, spec.name, context.seed)))
            if not run.skipped:
                say(f"  {context.metric.name} {run.mean:.4f} ± {run.std:.4f}  "
                    f"({run.seconds:.1f} s)")
        if run.skipped:
            say(f"  {spec.name} skipped: {run.skipped}")
            if store is not None:
                store.drop(spec.name)
        runs.append(run)
    if budget is not None:
        bag_seeds(runs, context, say=say, on_fold=on_fold, cluster=cluster, store=store)
    if all(r.skipped for r in runs):
        runs.append(prior_run(context, say, store))
    return runs


def _keeper(store, model: str, seed: int):
    return None if store is None else store.keeper(model, seed)


def prior_run(context, say, store=None) -> ModelRun:
    """The training rows' class shares (or mean), cross-validated: the model of a run in
    which no other model finished in time."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    from kagglekit.pipelines.models import ModelSpec

    regression = context.task == "regression"
    say("no model finished in time: the submission predicts the training rows' "
        f"{'mean' if regression else 'class shares'}")

    def prior():
        return DummyRegressor() if regression else DummyClassifier(strategy="prior")

    run = ModelRun(ModelSpec("prior", "the training rows' class shares or mean", None,
                             lambda plan: prior(), pipeline_name="prior"), prior)
    _fill(run, cross_validate_model(prior(), context,
                                    keep=_keeper(store, "prior", context.seed)))
    return run


def _named(on_fold, model):
    return None if on_fold is None else (lambda done, total: on_fold(model, done, total))


def bag_seeds(runs, context, *, say, on_fold=None, cluster=None, store=None):
    """Spend the time left on more seeds of the best model whose seed matters: each extra
    seed runs (with the same budget per fold) only when the model's measured seconds fit
    in what is left; its outputs are averaged into the model's, and the fold scores are
    those of the average."""
    from kagglekit.evaluation.budget import MAX_EXTRA_SEEDS
    from kagglekit.seeding import seed_pipeline

    budget, metric = context.budget, context.metric
    seeded = [r for r in runs if not r.skipped and r.spec.seeded]
    if not seeded:
        return
    best = metric.best(seeded, key=lambda r: r.mean)
    per_seed = best.seconds
    while best.seeds <= MAX_EXTRA_SEEDS and budget.fits(per_seed):
        pipeline = seed_pipeline(best.factory(), context.seed + best.seeds)
        if best.allotment is not None and best.allotment.max_seconds is not None:
            _set_budget(pipeline, best.allotment.max_seconds)
        say(f"bagging {best.name}: seed {best.seeds + 1} ({budget.left():.0f} s left) ...")
        extra = f"{best.name} seed {best.seeds + 1}"
        seed = context.seed + best.seeds
        found = cross_validate_model(pipeline, context, deadline=budget.hard, cluster=cluster,
                                     key=f"{best.name}-seed{best.seeds + 1}",
                                     on_fold=_named(on_fold, extra),
                                     keep=_keeper(store, best.name, seed))
        if "skipped" in found:
            say(f"  extra seed of {best.name} dropped: {found['skipped']}")
            if store is not None:
                store.drop_seed(best.name, seed)
            return
        n = best.seeds
        best.oof = (best.oof * n + found["oof"]) / (n + 1)
        best.test = (best.test * n + found["test"]) / (n + 1)
        best.seeds, best.seconds = n + 1, best.seconds + found["seconds"]
        best.where += found["where"]
        best.files += found["files"]
        best.fold_scores = context.fold_scores(best.oof)
        say(f"  {best.name} × {best.seeds} seeds: {metric.name} {best.mean:.4f}")


def _fill(run: ModelRun, found: dict) -> None:
    run.skipped = found.get("skipped")
    run.trained_folds = found.get("trained_folds", 0)
    if not run.skipped:
        run.oof, run.test, run.fold_scores = found["oof"], found["test"], found["fold_scores"]
        run.seconds, run.histories = found["seconds"], found.get("histories", [])
        run.where, run.files = found["where"], found["files"]
