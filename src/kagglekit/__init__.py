"""kagglekit: Kaggle-style machine learning with scikit-learn pipelines and Keras networks.

The public API::

    from kagglekit import make_pipeline, load_dataset, evaluate, save, load, list_pipelines
    from kagglekit import run_competition, load_run

Importing kagglekit is light: each name is imported when first used (PEP 562), so
``import kagglekit`` and ``kagglekit --help`` load neither scikit-learn nor TensorFlow.
"""

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "KagglekitError": "kagglekit.errors",
    "evaluate": "kagglekit.evaluation",
    "list_pipelines": "kagglekit.pipelines",
    "load": "kagglekit.persistence",
    "load_dataset": "kagglekit.data",
    "load_run": "kagglekit.runs",
    "make_pipeline": "kagglekit.pipelines",
    "run_competition": "kagglekit.jobs.competition",
    "save": "kagglekit.persistence",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'kagglekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted([*globals(), *_PUBLIC])
