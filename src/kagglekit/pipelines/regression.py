"""Regression pipelines on the generated data of :mod:`kagglekit.data.synthetic`: standardized
inputs, and a network whose target is standardized inside the pipeline, so predictions come
back in the original units (one or several outputs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kagglekit.pipelines.registry import Task, register

if TYPE_CHECKING:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import Pipeline


def regression_net(target_scaler=None, **params) -> TransformedTargetRegressor:
    """A ``KerasRegressor`` dense net (linear outputs, MSE) inside a
    ``TransformedTargetRegressor`` that scales the target for training (``target_scaler``,
    default ``StandardScaler()``; ``"passthrough"`` for none) and undoes it for predictions.
    ``params`` are the network's (``model__hidden``, ``epochs``, ...)."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasRegressor

    defaults = {"model__hidden": (32, 32), "optimizer": "adam", "optimizer__learning_rate": 1e-2,
                "epochs": 200, "batch_size": 32, "random_state": 0}
    net = KerasRegressor(model=build_dense_net, **{**defaults, **params})
    if target_scaler is None:
        target_scaler = StandardScaler()
    elif target_scaler == "passthrough":
        target_scaler = FunctionTransformer()  # identity, checked to invert exactly
    return TransformedTargetRegressor(regressor=net, transformer=target_scaler)


def _pipeline(**params) -> Pipeline:
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler().set_output(transform="pandas")),
                     ("model", regression_net(**params))])


def _task(dataset: str, target: str) -> Task:
    return Task(dataset=dataset, target=target, id_column="", kind="regression", metric="rmse",
                test_rows=None)


# On noise-free data the linear net's loss can reach zero, so Adam settles on the exact formula
# (RMSE ~1e-5 on the test range). A ReLU net is piecewise linear and its outer pieces are only
# fitted on [0, 100), so outside that range its error grows with the distance.
_LINEAR = {"model__activation": "linear", "batch_size": 16, "epochs": 100}


@register("shift-linear", "y = x + 10, train x < 100, test 100..200: net with linear "
          "activations (recovers the formula, extrapolates)", _task("shift", "y"))
def shift_linear() -> Pipeline:
    return _pipeline(model__hidden=(8,), **_LINEAR)


@register("shift-relu", "y = x + 10: ReLU net 32-32 (fits the training range, extrapolates worse)",
          _task("shift", "y"))
def shift_relu() -> Pipeline:
    return _pipeline(model__hidden=(32, 32), batch_size=16, epochs=100)


@register("quadratic-dnn", "y = 0.5 x1^2 - 3 x2 + 5: ReLU net 64-64", _task("quadratic", "y"))
def quadratic_dnn() -> Pipeline:
    return _pipeline(model__hidden=(64, 64), epochs=200)


@register("linear-map-dnn", "4 inputs -> 2 outputs, linear map: two-output linear net",
          _task("linear-map", "y1,y2"))
def linear_map_dnn() -> Pipeline:
    return _pipeline(model__hidden=(), batch_size=32, epochs=100)
