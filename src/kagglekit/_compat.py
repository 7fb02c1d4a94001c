"""Every use of another library's private API, in one place.

scikit-learn, joblib and Keras do not promise to keep these names; an upgrade that moves one
breaks here, and ``tests/test_compat.py`` (one test per name) says which. Nothing here is
imported at ``import kagglekit``: scikit-learn names load with the modules that use them,
joblib's and Keras' only inside the functions below.
"""

from __future__ import annotations

import sys

from sklearn.base import _fit_context as fit_context  # noqa: F401  (validated fit wrapper)
from sklearn.pipeline import Pipeline
from sklearn.pipeline import _final_estimator_has as final_estimator_has  # noqa: F401
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions  # noqa: F401
from sklearn.utils._set_output import _get_output_config

#: ``available_if`` condition of scikit-learn's own ``Pipeline.transform``.
pipeline_can_transform = Pipeline._can_transform

#: Modules whose classes moved; a model pickled under the old name still loads.
MOVED_MODULES = {"kagglekit.features.lean": "kagglekit.pipelines.lean"}


def transform_output(estimator) -> str:
    """The container ``estimator.transform`` returns: ``"default"`` or ``"pandas"``."""
    return _get_output_config("transform", estimator)["dense"]


def own_output_setting(estimator) -> str | None:
    """What ``set_output(transform=...)`` was called with on this estimator (None if never)."""
    return getattr(estimator, "_sklearn_output_config", {}).get("transform")


def infrequent_enabled(encoder) -> bool:
    """Whether a fitted ``OneHotEncoder`` groups infrequent categories."""
    return bool(encoder._infrequent_enabled)


def input_positions(column_transformer, name: str) -> list[int]:
    """The input column positions that the fitted part ``name`` of a ColumnTransformer reads."""
    return list(column_transformer._transformer_to_input_indices[name])


def keep_own_transform_names(cls) -> None:
    """Keep scikit-learn from wrapping ``cls.transform`` for ``set_output`` (the class names
    its output itself) while ``set_output`` stays available."""
    cls._sklearn_auto_wrap_output_keys = {"transform"}


def dask_backend_class():
    """joblib's dask.distributed backend class (``joblib._dask``; imports Dask)."""
    from joblib._dask import DaskDistributedBackend

    return DaskDistributedBackend


def keras_seed_generator():
    """The Keras module holding the process-wide ``python_random`` its layer seeds come from
    (imports Keras)."""
    from keras.src.random import seed_generator

    return seed_generator


def alias_moved_modules() -> None:
    """Make the old module names of :data:`MOVED_MODULES` importable for unpickling."""
    import importlib

    for old, new in MOVED_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
