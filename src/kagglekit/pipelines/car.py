"""Car pipelines: the ``car-preference`` preprocessing of :mod:`kagglekit.features.car` + a model,
on generated car-preference data (``car-*``) and on car_purchase.csv (``car-purchase-*``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kagglekit.pipelines.registry import Task, register

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

CAR = Task(dataset="car-preference", target="car", id_column="id", kind="binary")
CAR_PURCHASE = Task(dataset="car-purchase", target="Purchased", id_column="User ID",
                    kind="binary")


def _car(model) -> Pipeline:
    """The generated car-preference data's features, then ``model``."""
    from sklearn.pipeline import Pipeline

    from kagglekit.features.car import car_preference_features

    return Pipeline([("features", car_preference_features()), ("model", model)])


def _purchase(model) -> Pipeline:
    """car_purchase.csv's features, then ``model``."""
    from sklearn.pipeline import Pipeline

    from kagglekit.features.car import car_preference_features

    features = car_preference_features(numeric=("Age", "AnnualSalary"), sex="Gender",
                                       sex_values=("Male", "Female"))
    return Pipeline([("features", features), ("model", model)])


def _baseline(name: str):
    from kagglekit.models import baselines

    return getattr(baselines, name)()


def car_net(**params):
    """Dense classifier on a one-hot target: two softmax units, categorical cross-entropy."""
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    # Chosen by 5-fold CV on car_purchase.csv (seed 0) among 6 settings (README): dropout 0.1
    # gave 0.917; without it 0.908, 64-32 0.903, 16-8 0.903, binary cross-entropy 0.910.
    defaults = {"model__hidden": (32, 16), "model__dropout": 0.1, "optimizer": "adam",
                "optimizer__learning_rate": 3e-3, "epochs": 150, "batch_size": 32,
                "loss": "categorical_crossentropy", "random_state": 0}
    return KerasClassifier(model=build_dense_net, **{**defaults, **params})


@register("car-dnn", "Car preference (generated): car-preference features + dense net 32-16, "
          "one-hot target", CAR)
def car_dnn() -> Pipeline:
    return _car(car_net(epochs=60))


@register("car-logreg", "Car preference (generated): same features + logistic regression", CAR)
def car_logreg() -> Pipeline:
    return _car(_baseline("logistic_regression"))


@register("car-hgb", "Car preference (generated): same features + gradient boosting", CAR)
def car_hgb() -> Pipeline:
    return _car(_baseline("gradient_boosting"))


@register("car-purchase-dnn", "car_purchase.csv: car-preference features + dense net 32-16, "
          "one-hot target",
          CAR_PURCHASE)
def car_purchase_dnn() -> Pipeline:
    return _purchase(car_net())


@register("car-purchase-logreg", "car_purchase.csv: same features + logistic regression",
          CAR_PURCHASE)
def car_purchase_logreg() -> Pipeline:
    return _purchase(_baseline("logistic_regression"))


@register("car-purchase-hgb", "car_purchase.csv: same features + gradient boosting",
          CAR_PURCHASE)
def car_purchase_hgb() -> Pipeline:
    return _purchase(_baseline("gradient_boosting"))


@register("car-purchase-rf", "car_purchase.csv: same features + random forest", CAR_PURCHASE)
def car_purchase_rf() -> Pipeline:
    return _purchase(_baseline("random_forest"))


@register("car-purchase-svc", "car_purchase.csv: same features + RBF support vector machine",
          CAR_PURCHASE)
def car_purchase_svc() -> Pipeline:
    return _purchase(_baseline("rbf_svc"))
