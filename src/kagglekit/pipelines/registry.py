"""Registered pipelines. Listing them imports neither scikit-learn nor TensorFlow (the
pipeline modules import those inside their factories); building a pipeline does."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kagglekit.errors import KagglekitError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from kagglekit.data.schema import Schema


@dataclass(frozen=True)
class Task:
    """What a pipeline predicts and how its submission looks.

    Attributes
    ----------
    dataset : str
        The :func:`kagglekit.load_dataset` name (``"tabular"`` for a user's CSV).
    target, id_column : str
        The predicted column and the row id column of the submission ("" when none).
    kind : {"binary", "multiclass", "regression"}
    metric : str
        The headline metric.
    schema : kagglekit.data.schema.Schema or None
        The input columns' types, checked when a CSV is read for predictions.
    test_rows : {"dataset", "csv", "digits"} or None
        Where a submission's rows come from: the data set's own test rows, a test CSV the
        user gives (``--test``), Kaggle's Digit Recognizer ``test.csv``, or nowhere (no
        competition to submit to).
    """

    dataset: str
    target: str
    id_column: str
    kind: str = "binary"  # binary | multiclass | regression
    metric: str = "accuracy"
    schema: Schema | None = None
    test_rows: str | None = "dataset"


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
    from kagglekit.pipelines.params import set_params

    return set_params(get_spec(name).factory(), params)
