"""Registered pipelines. Listing them imports no TensorFlow; building a Keras one does."""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.models.ensembles import SeedEnsemble


@dataclass(frozen=True)
class Task:
    """What a pipeline predicts and how its submission looks."""

    dataset: str
    target: str
    id_column: str
    kind: str = "binary"  # binary | multiclass | regression
    metric: str = "accuracy"


@dataclass(frozen=True)
class PipelineSpec:
    """A registry entry: name, one-line description, task, and the factory building it."""

    name: str
    description: str
    task: Task
    factory: Callable[[], Pipeline]


_REGISTRY: dict[str, PipelineSpec] = {}


def register(name: str, description: str, task: Task):
    """Decorator adding a factory (no arguments, returns an unfitted Pipeline) to the registry."""

    def add(factory):
        _REGISTRY[name] = PipelineSpec(name, description, task, factory)
        return factory

    return add


_BUILTIN = ("titanic", "car", "regression", "images")
"""The modules that register the built-in pipelines, in `kagglekit list`'s order."""


def _load_builtin() -> None:
    for module in _BUILTIN:  # importing a module registers its pipelines
        importlib.import_module(f"kagglekit.pipelines.{module}")


def list_pipelines() -> list[PipelineSpec]:
    """Every registered pipeline: the built-in modules' in :data:`_BUILTIN` order (whichever
    was imported first), each module's in registration order, then any others."""
    _load_builtin()

    def position(spec: PipelineSpec) -> int:
        module = spec.factory.__module__.rpartition(".")[2]
        return _BUILTIN.index(module) if module in _BUILTIN else len(_BUILTIN)

    return sorted(_REGISTRY.values(), key=position)


def get_spec(name: str) -> PipelineSpec:
    """The registry entry for ``name``; an unknown name says which names exist."""
    _load_builtin()
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name.lower(), _REGISTRY, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise KagglekitError(f"unknown pipeline {name!r}; {hint}"
                             f"run `kagglekit list` to see all ({', '.join(_REGISTRY)})")
    return _REGISTRY[name]


def make_pipeline(name: str, **params) -> Pipeline:
    """An unfitted scikit-learn Pipeline for a registered name.

    Parameters
    ----------
    name : str
        A name from :func:`list_pipelines`, e.g. ``"titanic-dnn"``.
    **params
        Settings for the pipeline: full ``step__param`` names (``model__epochs=20``), or
        the final model's own parameters, SciKeras-style (``epochs=20``,
        ``model__hidden=(64, 32)``, ``optimizer__learning_rate=1e-3``; for a seed ensemble
        those of the network its members copy).

    Examples
    --------
    >>> from kagglekit import make_pipeline
    >>> pipe = make_pipeline("titanic-logreg", model__C=0.5)
    >>> pipe.steps[-1][0]
    'model'
    """
    pipeline = get_spec(name).factory()
    for key, value in params.items():
        set_param(pipeline, key, value)
    return pipeline


def set_param(pipeline: Pipeline, key: str, value) -> None:
    """Set ``key`` on the pipeline, else on its final model (the regressor inside a
    ``TransformedTargetRegressor``); a typo gets a suggestion."""
    pipeline_keys = pipeline.get_params(deep=True)
    if key in pipeline_keys:
        pipeline.set_params(**{key: value})
        return
    model = pipeline.steps[-1][1]
    if isinstance(model, TransformedTargetRegressor):  # set the network inside it
        model = model.regressor
    if isinstance(model, SeedEnsemble):  # set the network every member copies
        model = model.estimator
    model_keys = set(model.get_params(deep=True))
    build = getattr(model, "model", None)
    if callable(build) and key.startswith("model__"):
        model_keys |= {f"model__{p}" for p in inspect.signature(build).parameters
                       if p not in ("meta", "compile_kwargs", "params")}
    routed = key.split("__")[0] in ("optimizer", "fit", "predict", "callbacks", "compile")
    if key in model_keys or (routed and hasattr(model, "_routing_prefixes")):
        model.set_params(**{key: value})
        return
    close = difflib.get_close_matches(key, [*pipeline_keys, *model_keys], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise KagglekitError(f"unknown parameter {key!r} for this pipeline{hint}")
