"""The one table of built-in models: a :class:`ModelSpec` each.

``tabular --model``, ``run --competition --models``, the time budget's planner, the help texts
and ``kagglekit list`` all read :data:`MODELS`; adding a model is one entry here. A user's own
``(name, estimator)`` becomes a spec too (:func:`custom_spec`), and so does a known
competition's registered pipeline (``titanic-hgb``: :func:`registered_spec`), so the rest of
the package handles every model one way.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

from kagglekit.errors import KagglekitError


@dataclass(frozen=True)
class ModelSpec:
    """One model a run can train.

    Attributes
    ----------
    name : str
        The name of ``--model`` / ``--models``.
    description : str
        One line for the help texts.
    layout : {"net", "onehot", "tree"} or None
        The feature layout of :func:`~kagglekit.features.tabular.tabular_features` in front of
        the model; None when :attr:`build` makes the whole pipeline (it takes the raw frame).
    build : callable
        ``build(plan)`` -> the unfitted final estimator for a
        :class:`~kagglekit.features.tabular.ColumnPlan` (with a layout), or ``build(plan)`` ->
        the whole unfitted pipeline (``layout=None``; ``plan`` may be None).
    library : str
        The library that fits it (for the report).
    speed : int
        Rank from fastest (0): a run trains its models in this order.
    weight : float
        Its weight in the time budget's shares (:mod:`kagglekit.evaluation.budget`): the slower,
        stronger models weigh more.
    min_fold_seconds : float
        The least training per fold that makes a time-budgeted model worth training.
    seeded : bool
        Whether its result depends on the seed (more seeds of it average out noise).
    budgeted : bool
        Whether it honours a time budget (a ``max_seconds`` parameter).
    default : bool
        Whether it is in a competition run's default set.
    aliases : tuple of str
        Old names that still work, with a one-line warning.
    registered : str
        The name that a known competition's registered pipelines give this model
        (``titanic-logreg`` for ``linear``); default: its own name.
    pipeline_name : str
        How reports and the manifest name its pipeline (``tabular-hgb``, ``custom-knn``,
        ``titanic-hgb``).
    """

    name: str
    description: str
    layout: str | None
    build: Callable
    library: str = "scikit-learn"
    speed: int = 100
    weight: float = 2.0
    min_fold_seconds: float = 1.0
    seeded: bool = False
    budgeted: bool = False
    default: bool = False
    aliases: tuple[str, ...] = ()
    registered: str = ""
    pipeline_name: str = ""

    def __post_init__(self):
        if not self.pipeline_name:
            object.__setattr__(self, "pipeline_name", f"tabular-{self.name}")

    def pipeline(self, plan=None):
        """An unfitted pipeline for ``plan``: the input check
        (:class:`~kagglekit.features.inputs.InputSchema`; the id and dropped columns are not
        required later), the inferred features in this model's layout, the model. A spec
        without a layout builds its whole pipeline itself."""
        if self.layout is None:
            return self.build(plan)
        from sklearn.pipeline import Pipeline

        from kagglekit.features.inputs import InputSchema
        from kagglekit.features.tabular import tabular_features
        from kagglekit.pipelines.lean import lean

        unused = tuple(c for c in (plan.id_column, *plan.dropped) if c)
        return lean(Pipeline([("input", InputSchema(ignore=unused)),
                              ("features", tabular_features(plan, self.layout)),
                              ("model", self.build(plan))]))


def _regression(plan) -> bool:
    return plan.task == "regression"


def _n_native(plan) -> int:
    from kagglekit.features.tabular import native_categorical

    return len(native_categorical(plan))


def _linear(plan):
    from kagglekit.models import baselines

    return baselines.ridge() if _regression(plan) else baselines.logistic_regression()


def _hgb(plan):
    from kagglekit.models import baselines

    native = list(range(_n_native(plan))) or None
    if _regression(plan):
        return baselines.gradient_boosting_regressor(categorical_features=native)
    return baselines.gradient_boosting(categorical_features=native)


def _rf(plan):
    from kagglekit.models import baselines

    return (baselines.random_forest_regressor() if _regression(plan)
            else baselines.random_forest())


def _boosted(library: str):
    def build(plan):
        from kagglekit.models.gbdt import BoostedTreesClassifier, BoostedTreesRegressor

        cls = BoostedTreesRegressor if _regression(plan) else BoostedTreesClassifier
        return cls(library, n_categorical=_n_native(plan), refit=True)
    return build


def tabular_net(plan, **params):
    """The tabular network for ``plan`` (the ``"net"`` feature layout: its category codes
    are the last ``len(plan.categorical)`` columns); ``params`` override its settings."""
    from kagglekit.models.tabular import TabularNetClassifier, TabularNetRegressor

    cls = TabularNetRegressor if _regression(plan) else TabularNetClassifier
    return cls(**{"n_categorical": len(plan.categorical), "random_state": 0, **params})


def _mlp(plan):
    settings = {"model__hidden": (64, 32), "model__dropout": 0.1, "optimizer": "adam",
                "optimizer__learning_rate": 1e-3, "epochs": 100, "batch_size": 32,
                "random_state": 0}
    if _regression(plan):
        from kagglekit.pipelines.regression import regression_net

        return regression_net(**settings)
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    return KerasClassifier(model=build_dense_net, **settings)


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in [
    ModelSpec("net", "the tabular network: robust scaling, periodic numeric and category "
                     "embeddings, one head (--set model__n_heads=4 for TabM-style heads), a "
                     "time budget", "net", tabular_net, library="keras", speed=6, weight=3.0,
              min_fold_seconds=4.0, seeded=True, budgeted=True, default=True,
              aliases=("dnn",)),
    ModelSpec("mlp", "the classic dense net 64-32 (dropout 0.1, batch 32, 100 epochs)",
              "onehot", _mlp, library="keras", speed=5, seeded=True),
    ModelSpec("linear", "logistic regression, or ridge regression for a numeric target",
              "onehot", _linear, speed=0, weight=1.0, default=True, aliases=("logreg",),
              registered="logreg"),
    ModelSpec("hgb", "scikit-learn's histogram gradient boosting (200 iterations, native "
                     "categories)", "tree", _hgb, speed=1, weight=1.0, default=True),
    ModelSpec("rf", "random forest (500 trees)", "onehot", _rf, speed=3, weight=1.0,
              seeded=True),
    ModelSpec("lgbm", "LightGBM: native categories, early stopping on an inner split, "
                      "refit on the whole fold, a time budget", "tree", _boosted("lightgbm"),
              library="lightgbm", speed=2, weight=3.0, min_fold_seconds=2.0, seeded=True,
              budgeted=True, default=True),
    ModelSpec("catboost", "CatBoost: the same, with ordered target statistics", "tree",
              _boosted("catboost"), library="catboost", speed=4, weight=4.0,
              min_fold_seconds=2.0, seeded=True, budgeted=True, default=True),
]}
"""Every built-in model by name (the order of ``--model``'s help)."""


def default_models() -> list[str]:
    """The names of a competition run's default models, fastest first."""
    return [s.name for s in sorted(MODELS.values(), key=lambda s: s.speed) if s.default]


def models_help() -> str:
    """``name: description`` of every built-in model, for the help texts."""
    return "; ".join(f"{s.name}: {s.description}" for s in MODELS.values())


def get_model(name: str) -> ModelSpec:
    """The built-in model ``name``; an old name (an alias) gives a one-line warning and its
    spec; an unknown one is an error that lists the names."""
    name = str(name).strip()
    if name in MODELS:
        return MODELS[name]
    for spec in MODELS.values():
        if name in spec.aliases:
            warnings.warn(f"model {name!r} is now called {spec.name!r}; use {spec.name!r} "
                          "(the old name will go)", FutureWarning, stacklevel=2)
            return spec
    raise KagglekitError(f"unknown model {name!r}; use one of {', '.join(MODELS)}")


def registered_names(name: str) -> tuple[str, ...]:
    """The names under which a known competition may register a pipeline for the model
    ``name``: the name itself and, for a built-in model, its ``registered`` name (``linear``
    is ``titanic-logreg``; ``net`` is not the course's ``titanic-dnn``)."""
    spec = MODELS.get(name)
    return (name,) if spec is None or not spec.registered else (name, spec.registered)


def custom_spec(name: str, estimator) -> ModelSpec:
    """A user's own ``(name, estimator)`` as a spec: a scikit-learn ``Pipeline`` is used as it
    is (it takes the raw frame), any other estimator gets the inferred one-hot features of
    the linear model in front (imputation, one-hot encoding, scaling). It trains after the
    built-in models; it honours a time budget when it has a ``max_seconds`` parameter."""
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    whole = isinstance(estimator, Pipeline)
    return ModelSpec(
        name, f"your own {type(estimator).__name__}", None if whole else "onehot",
        (lambda plan: clone(estimator)), library=type(estimator).__module__.split(".")[0],
        speed=len(MODELS), budgeted=_takes_budget(estimator),
        pipeline_name=f"custom-{name}")


def registered_spec(spec: ModelSpec | None, name: str, pipeline_name: str,
                    factory) -> ModelSpec:
    """A known competition's registered pipeline (``pipeline_name``, built by
    ``factory()``) in the place of the built-in ``spec`` (None: a name only that
    competition has): it keeps the built-in's rank, weight and seeding."""
    base = spec or ModelSpec(name, pipeline_name, None, factory, speed=len(MODELS))
    return replace(base, layout=None, build=lambda plan: factory(),
                   budgeted=_takes_budget(factory()), pipeline_name=pipeline_name)


def _takes_budget(estimator) -> bool:
    from kagglekit.pipelines.params import final_estimator

    return "max_seconds" in final_estimator(estimator, template=True).get_params(deep=False)
