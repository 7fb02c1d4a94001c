"""The models of a competition run: which pipelines they are, and their cross-validation on
the same folds, fastest first, within the run's time budget
(:class:`kagglekit.evaluation.budget.Budget`: each model's share is decided before it
trains, and left-over time buys more seeds of the best model)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError

MODELS = ("logreg", "hgb", "lgbm", "catboost", "net")
"""The default models, in training order (fast ones first). LightGBM and CatBoost joined on
2026-12-07: on six development tables (seed 0, 120 s) this set was level with or better than
the LightGBM + CatBoost notebook on all six, the earlier ``logreg,hgb,net`` on two
(benchmarks/results/competitions-2026-12-07.jsonl; chosen on those test scores)."""
SPEED_ORDER = ("logreg", "hgb", "lgbm", "rf", "catboost", "mlp", "net")
"""Known models from fastest to slowest: the order a run trains them in."""


@dataclass
class ModelRun:
    """One model's cross-validation in a competition run.

    ``oof`` is the out-of-fold output of every training row (probabilities (n, k) in
    ``classes`` order, or values), ``test`` the fold models' average output on test.csv,
    ``folds`` the metric per fold; ``skipped`` says why a model has none of these.
    ``allotment`` is what the time budget gave it (None without a time limit), ``seeds`` how
    many seeds its outputs average, ``trained_folds`` how many folds it fitted (a model
    skipped by the planner fitted none); ``histories`` a network's losses per epoch, one
    dict per fold; ``factory`` builds its unfitted pipeline; ``where`` names where each
    fold ran (a Dask worker's address, or ``"local"``; extra seeds' folds follow).
    """

    name: str
    pipeline: str
    seconds: float = 0.0
    folds: list = field(default_factory=list)
    oof: np.ndarray | None = field(default=None, repr=False)
    test: np.ndarray | None = field(default=None, repr=False)
    skipped: str | None = None
    allotment: object = None
    seeds: int = 1
    trained_folds: int = 0
    histories: list = field(default_factory=list, repr=False)
    factory: object = field(default=None, repr=False)
    where: list = field(default_factory=list)

    @property
    def mean(self) -> float:
        return float(np.mean(self.folds))

    @property
    def std(self) -> float:
        return float(np.std(self.folds))

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


def model_factories(name: str, models, layout, train: pd.DataFrame,
                    custom: dict | None = None) -> dict:
    """Model name -> (pipeline name, a function building its unfitted pipeline): a known
    competition's registered pipelines (``titanic-hgb``: engineered features), else the
    inferred ColumnTransformer of :mod:`kagglekit.features.tabular` and ``tabular``'s models.
    ``custom`` (name -> a user's estimator) is used as it is when it is a Pipeline (it takes
    the raw DataFrame), else behind the inferred one-hot features of ``tabular``'s linear
    models (imputation, one-hot encoding, scaling)."""
    from kagglekit.pipelines import list_pipelines

    registered = {s.name: s for s in list_pipelines() if s.task.dataset == name}
    custom = custom or {}
    factories = {}
    plan = None
    for model in models:
        if f"{name}-{model}" in registered and model not in custom:
            factories[model] = (f"{name}-{model}", registered[f"{name}-{model}"].factory)
            continue
        if model in custom and _is_pipeline(custom[model]):
            factories[model] = (f"custom-{model}", _copy_factory(custom[model]))
            continue
        if plan is None:
            from kagglekit.features.tabular import infer_columns

            task = "regression" if layout.task == "regression" else "classification"
            plan = infer_columns(train, layout.target, id_column=layout.id_column, task=task,
                                 source="train.csv")
        factories[model] = ((f"custom-{model}", _custom_factory(plan, custom[model]))
                            if model in custom else
                            (f"tabular-{model}", _tabular_factory(plan, model)))
    return factories


def _tabular_factory(plan, model):
    from kagglekit.pipelines.tabular import tabular_pipeline

    return lambda: tabular_pipeline(plan, model)


def _is_pipeline(estimator) -> bool:
    from sklearn.pipeline import Pipeline

    return isinstance(estimator, Pipeline)


def _copy_factory(estimator):
    from sklearn.base import clone

    return lambda: clone(estimator)


def _custom_factory(plan, estimator):
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    from kagglekit.features.inputs import InputSchema
    from kagglekit.features.tabular import tabular_features

    unused = tuple(c for c in (plan.id_column, *plan.dropped) if c)
    return lambda: Pipeline([("input", InputSchema(ignore=unused)),
                             ("features", tabular_features(plan, "onehot")),
                             ("model", clone(estimator))])


def split_custom(models, task: str) -> tuple[list[str], dict]:
    """``models`` as names, and the user's ``(name, estimator)`` pairs among them as a dict,
    each checked against the task: one line saying what to fix."""
    from sklearn.base import is_classifier, is_regressor

    names, custom = [], {}
    for model in models:
        if isinstance(model, str):
            names.append(model)
            continue
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
        names.append(label)
        custom[label] = estimator
    return names, custom


def cross_validate_model(pipeline, X, y, X_test, splits, task, *, metric,
                         deadline: float | None = None, cluster=None, sent=None,
                         on_fold=None, model: str = "model") -> dict:
    """A model's folds through the engine (:func:`kagglekit.evaluation.engine.run_folds`),
    or as tasks on a Dask cluster (``cluster``: a
    :class:`~kagglekit.evaluation.remote.ClusterFolds`; ``sent``: its folds already sent
    there): each fold's model scores its held-out rows and predicts ``X_test``.

    Returns ``oof`` (every training row's held-out output: ``(n, k)`` probabilities in the
    classes' order, or values), ``test`` (the fold models' average output on ``X_test``),
    ``folds`` (the metric per fold), ``where`` (each fold's worker, or ``"local"``),
    ``seconds`` and ``trained_folds``; or ``skipped`` when the folds' pace says they would
    end past ``deadline``.
    """
    from kagglekit.errors import OutOfTime
    from kagglekit.evaluation.engine import run_folds

    start = time.perf_counter()
    try:
        if cluster is None:
            outcomes = run_folds(pipeline, X, y, splits, task, metrics=(metric.name,),
                                 X_test=X_test, deadline=deadline, on_fold=on_fold)
        else:
            sent = sent or cluster.submit(model, pipeline, splits, task, (metric.name,))
            outcomes = cluster.gather(sent, deadline=deadline, on_fold=on_fold)
    except OutOfTime as exc:
        return {"skipped": f"stopped after training: {exc}", "trained_folds": exc.done}
    oof = np.full((len(y), *np.shape(outcomes[0]["output"])[1:]), np.nan)
    for (_, held), outcome in zip(splits, outcomes, strict=True):
        oof[held] = outcome["output"]
    return {"oof": oof, "test": np.mean([o["predicted"] for o in outcomes], axis=0),
            "folds": [o[metric.name] for o in outcomes], "seconds": time.perf_counter() - start,
            "trained_folds": len(splits), "where": [o.get("where", "local") for o in outcomes],
            "histories": [o["history"] for o in outcomes if o.get("history")]}


def budgeted(pipeline) -> bool:
    """Whether the pipeline's model honours a time budget (a ``max_seconds`` parameter)."""
    from kagglekit.pipelines.params import final_estimator

    return "max_seconds" in final_estimator(pipeline, template=True).get_params(deep=False)


def _set_budget(pipeline, seconds: float) -> None:
    from kagglekit.pipelines.params import final_estimator

    final_estimator(pipeline, template=True).set_params(max_seconds=max(float(seconds), 0.5))


def cross_validate_models(name, models, layout, train, X, y, test, splits, scorer, *,
                          seed: int, budget=None, say, cluster=None,
                          on_fold=None) -> list[ModelRun]:
    """Each model on the same folds, fastest first; with a ``budget``
    (:class:`~kagglekit.evaluation.budget.Budget`), each model's share is decided before it
    trains and left-over time buys more seeds of the best model. On a Dask ``cluster``
    (:class:`~kagglekit.evaluation.remote.ClusterFolds`) without a budget, every model's
    folds are sent at once. When no model runs, the training rows' class shares (or mean),
    so a valid submission is still written. ``train`` (target included) gives the inferred
    columns; ``X, y`` are its features and target."""
    from kagglekit.evaluation.budget import probe_overhead, probe_seconds
    from kagglekit.evaluation.engine import rows
    from kagglekit.seeding import seed_pipeline

    names, custom = split_custom(models, layout.task)
    order = _ordered(name, names, custom)
    factories = model_factories(name, order, layout, train, custom)
    sent = {}
    if cluster is not None and budget is None:
        sent = {model: cluster.submit(model, seed_pipeline(factories[model][1](), seed),
                                      splits, layout.task, (scorer.name,)) for model in order}
    runs = []
    for i, model in enumerate(order):
        pipeline_name, factory = factories[model]
        run = ModelRun(model, pipeline_name, factory=factory)
        pipeline = seed_pipeline(factory(), seed)
        if budget is not None:
            paced = budgeted(pipeline)
            probe = probe_overhead if paced else probe_seconds
            run.allotment = budget.allot(
                model, order[i:], len(splits), budgeted=paced,
                probe=lambda p=pipeline, f=probe: f(p, X, y, splits, test, rows))
            run.skipped = run.allotment.skip
            if run.allotment.max_seconds is not None:
                _set_budget(pipeline, run.allotment.max_seconds)
        if not run.skipped:
            say(f"cross-validating {model} ({pipeline_name}) ...")
            _fill(run, cross_validate_model(pipeline, X, y, test, splits, layout.task,
                                            metric=scorer, cluster=cluster,
                                            sent=sent.get(model), model=model,
                                            deadline=None if budget is None else budget.hard,
                                            on_fold=_named(on_fold, model)))
            if not run.skipped:
                say(f"  {scorer.name} {run.mean:.4f} ± {run.std:.4f}  ({run.seconds:.1f} s)")
        if run.skipped:
            say(f"  {model} skipped: {run.skipped}")
        runs.append(run)
    if budget is not None:
        bag_seeds(runs, factories, X, y, test, splits, layout, scorer, seed=seed,
                  budget=budget, say=say, on_fold=on_fold, cluster=cluster)
    if all(r.skipped for r in runs):
        say("no model finished in time: the submission predicts the training rows' "
            f"{'mean' if layout.task == 'regression' else 'class shares'}")
        run = ModelRun("prior", "prior", factory=lambda: _prior(layout.task))
        _fill(run, cross_validate_model(_prior(layout.task), X, y, test, splits, layout.task,
                                        metric=scorer))
        runs.append(run)
    return runs


def _named(on_fold, model):
    return None if on_fold is None else (lambda done, total: on_fold(model, done, total))


def bag_seeds(runs, factories, X, y, test, splits, layout, scorer, *, seed, budget, say,
              on_fold=None, cluster=None):
    """Spend the time left on more seeds of the best model whose seed matters: each extra
    seed runs (with the same budget per fold) only when the model's measured seconds fit
    in what is left; its outputs are averaged into the model's, and the fold scores are
    those of the average."""
    from kagglekit.evaluation.budget import MAX_EXTRA_SEEDS, SEEDED
    from kagglekit.seeding import seed_pipeline

    sign = 1 if scorer.greater_is_better else -1
    seeded = [r for r in runs if not r.skipped and r.name in SEEDED]
    if not seeded:
        return
    best = max(seeded, key=lambda r: sign * r.mean)
    per_seed = best.seconds
    while best.seeds <= MAX_EXTRA_SEEDS and budget.fits(per_seed):
        pipeline = seed_pipeline(factories[best.name][1](), seed + best.seeds)
        if best.allotment is not None and best.allotment.max_seconds is not None:
            _set_budget(pipeline, best.allotment.max_seconds)
        say(f"bagging {best.name}: seed {best.seeds + 1} ({budget.left():.0f} s left) ...")
        found = cross_validate_model(pipeline, X, y, test, splits, layout.task,
                                     metric=scorer, deadline=budget.hard, cluster=cluster,
                                     model=f"{best.name}-seed{best.seeds + 1}",
                                     on_fold=_named(on_fold, f"{best.name} seed "
                                                             f"{best.seeds + 1}"))
        if "skipped" in found:
            say(f"  extra seed of {best.name} dropped: {found['skipped']}")
            return
        n = best.seeds
        best.oof = (best.oof * n + found["oof"]) / (n + 1)
        best.test = (best.test * n + found["test"]) / (n + 1)
        best.seeds, best.seconds = n + 1, best.seconds + found["seconds"]
        best.where += found["where"]
        best.folds = [_score(scorer, y[held], best.oof[held], layout) for _, held in splits]
        say(f"  {best.name} × {best.seeds} seeds: {scorer.name} {best.mean:.4f}")


def _score(scorer, y, output, layout):
    from kagglekit.evaluation.metrics import prediction_for

    classes = None if layout.task == "regression" else np.asarray(layout.classes)
    return float(scorer.score(y, prediction_for(scorer, output, classes), classes=classes))


def _fill(run: ModelRun, found: dict) -> None:
    run.skipped = found.get("skipped")
    run.trained_folds = found.get("trained_folds", 0)
    if not run.skipped:
        run.oof, run.test, run.folds = found["oof"], found["test"], found["folds"]
        run.seconds, run.histories = found["seconds"], found.get("histories", [])
        run.where = found["where"]


def _prior(task: str):
    """A model that predicts the training rows' class shares (or mean), whatever the input."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyRegressor() if task == "regression" else DummyClassifier(strategy="prior")


def _ordered(name: str, models, custom=()) -> list[str]:
    """The models fastest first (a user's own models last), under their current names (a
    known competition's registered pipelines, such as ``titanic-dnn`` for ``dnn``, keep
    theirs)."""
    from kagglekit.pipelines import list_pipelines
    from kagglekit.pipelines.tabular import model_name

    registered = {s.name for s in list_pipelines() if s.task.dataset == name}
    models = [m.strip() for m in models if m.strip()]
    models = [m if f"{name}-{m}" in registered or m in custom else model_name(m)
              for m in models]
    if len(set(models)) != len(models):
        raise KagglekitError(f"--models lists a model twice: {','.join(models)}")
    rank = {m: i for i, m in enumerate(SPEED_ORDER)}
    return sorted(models, key=lambda m: rank.get(m, len(rank)))
