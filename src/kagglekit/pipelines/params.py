"""The one parameter router and the one way to find a pipeline's final model.

``--set``, :func:`kagglekit.make_pipeline`, search spaces and the report all go through
:func:`route`: a name is a full ``step__param`` of the pipeline, or a parameter of its final
model (the network inside a ``TransformedTargetRegressor``, the estimator a ``SeedEnsemble``
copies), SciKeras-style (``epochs``, ``model__hidden``, ``optimizer__learning_rate``).
"""

from __future__ import annotations

import difflib
import inspect

from sklearn.compose import TransformedTargetRegressor

from kagglekit.errors import KagglekitError
from kagglekit.models.ensembles import SeedEnsemble

#: SciKeras' routed prefixes: ``optimizer__learning_rate`` and the like reach Keras.
ROUTED_PREFIXES = ("optimizer", "fit", "predict", "callbacks", "compile", "loss")


def final_estimator(estimator, *, fitted: bool = False, template: bool = False):
    """The model at the end of ``estimator``.

    Parameters
    ----------
    estimator : Pipeline or estimator
    fitted : bool, default=False
        Inside a ``TransformedTargetRegressor`` take the fitted ``regressor_`` (else the
        unfitted ``regressor`` it clones).
    template : bool, default=False
        Step into a ``SeedEnsemble`` too: the estimator its members copy.
    """
    model = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    if isinstance(model, TransformedTargetRegressor):
        model = getattr(model, "regressor_", model.regressor) if fitted else model.regressor
    if template and isinstance(model, SeedEnsemble):
        model = model.estimator
    return model


def _prefix(pipeline) -> str:
    """The ``step__`` path from the pipeline to its final model's template."""
    if not hasattr(pipeline, "steps"):
        parts = []
        model = pipeline
    else:
        name, model = pipeline.steps[-1]
        parts = [name]
    if isinstance(model, TransformedTargetRegressor):
        parts.append("regressor")
        model = model.regressor
    if isinstance(model, SeedEnsemble):
        parts.append("estimator")
    return "".join(f"{p}__" for p in parts)


def route(pipeline, key: str) -> str:
    """The full name ``key`` has in ``pipeline`` (a typo gets a "did you mean" error).

    Examples
    --------
    >>> from kagglekit import make_pipeline
    >>> route(make_pipeline("titanic-logreg"), "C")
    'model__C'
    """
    pipeline_keys = pipeline.get_params(deep=True)
    if key in pipeline_keys:
        return key
    model = final_estimator(pipeline, template=True)
    model_keys = set(model.get_params(deep=True))
    build = getattr(model, "model", None)
    if callable(build) and key.startswith("model__"):
        model_keys |= {f"model__{p}" for p in inspect.signature(build).parameters
                       if p not in ("meta", "compile_kwargs", "params")}
    routed = key.split("__")[0] in ROUTED_PREFIXES and hasattr(model, "_routing_prefixes")
    if key in model_keys or routed:
        return _prefix(pipeline) + key
    close = difflib.get_close_matches(key, [*pipeline_keys, *model_keys], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise KagglekitError(f"unknown parameter {key!r} for this pipeline{hint}")


def set_params(pipeline, params: dict):
    """Set each routed name of ``params`` on ``pipeline`` (in place); returns it."""
    for key, value in params.items():
        pipeline.set_params(**{route(pipeline, key): value})
    return pipeline
