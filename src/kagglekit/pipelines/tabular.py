"""Pipelines for any tabular CSV: the inferred ColumnTransformer of
:mod:`kagglekit.features.tabular` (in the layout the model needs) + the tabular network, the
classic dense net or a scikit-learn baseline."""

from __future__ import annotations

import warnings

from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.features.inputs import InputSchema
from kagglekit.features.tabular import ColumnPlan, native_categorical, tabular_features
from kagglekit.models import baselines
from kagglekit.pipelines.lean import LeanPipeline, lean

MODELS = ("net", "mlp", "logreg", "hgb", "rf", "lgbm", "catboost")
"""``--model`` choices: the tabular network, the classic dense net 64-32, linear (logistic /
ridge), scikit-learn's gradient boosting, forest, LightGBM, CatBoost."""
RENAMED = {"dnn": "net"}
"""Old model names that still work, with a warning: ``dnn`` was the tabular network's name
until 2026-12-07 (the registered ``titanic-dnn`` and other dense nets keep theirs)."""

#: The feature layout (see :func:`~kagglekit.features.tabular.tabular_features`) of each model.
LAYOUT = {"net": "net", "mlp": "onehot", "logreg": "onehot", "hgb": "tree", "rf": "onehot",
          "lgbm": "tree", "catboost": "tree"}
LIBRARY = {"lgbm": "lightgbm", "catboost": "catboost"}


def model_name(model: str) -> str:
    """``model`` under its current name, checked: an old name of :data:`RENAMED` gives a
    one-line warning and its new name; an unknown one is an error."""
    if model in RENAMED:
        warnings.warn(f"model {model!r} is now called {RENAMED[model]!r}; use "
                      f"{RENAMED[model]!r} (the old name will go)", FutureWarning, stacklevel=2)
        return RENAMED[model]
    if model not in MODELS:
        raise KagglekitError(f"unknown model {model!r}; use one of {', '.join(MODELS)}")
    return model


def tabular_pipeline(plan: ColumnPlan, model: str = "net") -> LeanPipeline:
    """An unfitted pipeline for the columns and task of ``plan``: the input check
    (:class:`~kagglekit.features.inputs.InputSchema`; the id and dropped columns are not
    required later), the inferred features, the model.

    ``net`` is the tabular network (:class:`~kagglekit.models.tabular.TabularNetClassifier`
    / ``TabularNetRegressor``: robust scaling, periodic numeric embeddings, category
    embeddings, an internal validation split and a time budget ``model__max_seconds``).
    ``mlp`` is the classic dense net 64-32 (dropout 0.1, batch 32, 100 epochs; output layer
    and loss follow the target, see :func:`kagglekit.models.dense.output_spec`; for
    regression its target is standardized inside the pipeline). ``hgb`` is scikit-learn's
    gradient boosting with native categories (fixed 200 iterations). ``lgbm`` and
    ``catboost`` are LightGBM and CatBoost with native categories and early stopping on a
    split of the training rows, then boosted again on all of them for the kept rounds when
    the time budget allows (:class:`~kagglekit.models.gbdt.BoostedTreesClassifier` /
    ``Regressor``, ``refit=True``; a time budget ``model__max_seconds``). ``logreg`` is
    logistic regression, or ridge regression for a numeric target.
    """
    model = model_name(model)
    regression = plan.task == "regression"
    if model == "net":
        estimator = tabular_net(plan)
    elif model == "mlp":
        estimator = _net(regression)
    elif model == "logreg":
        estimator = baselines.ridge() if regression else baselines.logistic_regression()
    elif model == "hgb":
        native = list(range(len(native_categorical(plan)))) or None
        estimator = (baselines.gradient_boosting_regressor(categorical_features=native)
                     if regression else baselines.gradient_boosting(categorical_features=native))
    elif model in LIBRARY:
        from kagglekit.models.gbdt import BoostedTreesClassifier, BoostedTreesRegressor

        cls = BoostedTreesRegressor if regression else BoostedTreesClassifier
        estimator = cls(LIBRARY[model], n_categorical=len(native_categorical(plan)),
                        refit=True)
    else:
        estimator = (baselines.random_forest_regressor() if regression
                     else baselines.random_forest())
    unused = tuple(c for c in (plan.id_column, *plan.dropped) if c)
    return lean(Pipeline([("input", InputSchema(ignore=unused)),
                          ("features", tabular_features(plan, LAYOUT[model])),
                          ("model", estimator)]))


def tabular_net(plan: ColumnPlan, **params):
    """The tabular network for ``plan`` (the ``"net"`` feature layout: its category codes
    are the last ``len(plan.categorical)`` columns); ``params`` override its settings."""
    from kagglekit.models.tabular import TabularNetClassifier, TabularNetRegressor

    cls = TabularNetRegressor if plan.task == "regression" else TabularNetClassifier
    return cls(**{"n_categorical": len(plan.categorical), "random_state": 0, **params})


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
