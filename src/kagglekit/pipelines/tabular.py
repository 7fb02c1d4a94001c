"""Pipelines for any tabular CSV: the inferred ColumnTransformer of
:mod:`kagglekit.features.tabular` + a dense net or a scikit-learn baseline."""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.features.inputs import InputSchema
from kagglekit.features.tabular import ColumnPlan, tabular_features
from kagglekit.models import baselines
from kagglekit.pipelines.lean import LeanPipeline, lean

MODELS = ("dnn", "logreg", "hgb", "rf")
"""``--model`` choices: dense net, linear (logistic / ridge), gradient boosting, forest."""


def tabular_pipeline(plan: ColumnPlan, model: str = "dnn") -> LeanPipeline:
    """An unfitted pipeline for the columns and task of ``plan``: the input check
    (:class:`~kagglekit.features.inputs.InputSchema`; the id and dropped columns are not
    required later), the inferred features, the model.

    ``dnn`` is a dense net 64-32 (dropout 0.1, 100 epochs; output layer and loss follow the
    target, see :func:`kagglekit.models.dense.output_spec`); for regression its target is
    standardized inside the pipeline. ``logreg`` is logistic regression, or ridge regression
    for a numeric target.
    """
    if model not in MODELS:
        raise KagglekitError(f"unknown model {model!r}; use one of {', '.join(MODELS)}")
    regression = plan.task == "regression"
    if model == "dnn":
        estimator = _net(regression)
    elif model == "logreg":
        estimator = baselines.ridge() if regression else baselines.logistic_regression()
    elif model == "hgb":
        estimator = (baselines.gradient_boosting_regressor() if regression
                     else baselines.gradient_boosting())
    else:
        estimator = (baselines.random_forest_regressor() if regression
                     else baselines.random_forest())
    unused = tuple(c for c in (plan.id_column, *plan.dropped) if c)
    return lean(Pipeline([("input", InputSchema(ignore=unused)),
                          ("features", tabular_features(plan)), ("model", estimator)]))


def _net(regression: bool):
    settings = {"model__hidden": (64, 32), "model__dropout": 0.1, "optimizer": "adam",
                "optimizer__learning_rate": 1e-3, "epochs": 100, "batch_size": 32,
                "random_state": 0}
    if regression:
        from kagglekit.pipelines.regression import regression_net

        return regression_net(**settings)
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    return KerasClassifier(model=build_dense_net, **settings)
