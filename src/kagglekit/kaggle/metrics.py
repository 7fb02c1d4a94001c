"""What Kaggle calls its metrics, and the metric of competitions known offline."""

from __future__ import annotations

import re


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


KAGGLE_METRIC_NAMES: dict[str, str] = {_key(k): v for k, v in {
    # Kaggle's names for its standard metrics (the API's evaluationMetric field; the short
    # identifiers and the long display names both occur), matched without case or
    # punctuation.
    "AUC": "roc_auc", "RocAuc": "roc_auc", "ROC AUC": "roc_auc", "AUC (ROC)": "roc_auc",
    "Area Under Receiver Operating Characteristic Curve": "roc_auc",
    "Area Under ROC Curve": "roc_auc",
    "Normalized Gini": "gini", "NormalizedGini": "gini", "Gini": "gini",
    "LogLoss": "log_loss", "Log Loss": "log_loss", "BinaryLogLoss": "log_loss",
    "MulticlassLoss": "log_loss", "Multi Class Log Loss": "log_loss",
    "Multiclass Log Loss": "log_loss", "MultiClassLogLoss": "log_loss",
    "RMSE": "rmse", "Root Mean Squared Error": "rmse", "RootMeanSquaredError": "rmse",
    "RMSLE": "rmsle", "Root Mean Squared Logarithmic Error": "rmsle",
    "RootMeanSquaredLogError": "rmsle",
    "MAE": "mae", "Mean Absolute Error": "mae", "MeanAbsoluteError": "mae",
    "MedianAE": "median_ae", "Median Absolute Error": "median_ae",
    "MAPE": "mape", "Mean Absolute Percentage Error": "mape",
    "R2": "r2", "R2 Score": "r2", "R Squared": "r2", "Coefficient of Determination": "r2",
    "CategorizationAccuracy": "accuracy", "Categorization Accuracy": "accuracy",
    "Accuracy": "accuracy", "Classification Accuracy": "accuracy",
    "BalancedAccuracy": "balanced_accuracy", "Balanced Accuracy": "balanced_accuracy",
    "QuadraticWeightedKappa": "quadratic_weighted_kappa",
    "Quadratic Weighted Kappa": "quadratic_weighted_kappa",
    # Kaggle's "Mean F1-Score" averages a per-row F1 of label sets; with one label per row
    # we score it as F1 of the labels (the closest single-label metric).
    "MeanF1Score": "f1", "Mean F1-Score": "f1", "F1": "f1", "F1 Score": "f1",
    "F-Score": "f1", "FScore": "f1", "Macro F1 Score": "f1", "MacroF1": "f1",
    "MatthewsCorrelationCoefficient": "mcc", "Matthews Correlation Coefficient": "mcc",
    "MCC": "mcc",
}.items()}
"""Kaggle's evaluation-metric names (normalised: lower case, letters and digits) -> ours."""


def kaggle_metric(name: str | None) -> str | None:
    """Our name for a Kaggle evaluation-metric name, or None when it is not one we have."""
    if not name:
        return None
    return KAGGLE_METRIC_NAMES.get(_key(name))


KNOWN_COMPETITIONS: dict[str, str] = {
    # Checked against each competition's Evaluation page (as quoted in public write-ups).
    "titanic": "accuracy",
    "spaceship-titanic": "accuracy",
    "house-prices-advanced-regression-techniques": "rmsle",  # RMSE of log(price): ~RMSLE
    "playground-series-s3e10": "log_loss",   # pulsar stars, binary log loss
    "playground-series-s4e1": "roc_auc",     # bank churn
    "playground-series-s4e4": "rmsle",       # abalone rings
    "playground-series-s4e5": "r2",          # flood probability
    "playground-series-s4e8": "mcc",         # mushrooms
}
"""The metric of competitions known offline (used when the Kaggle API cannot be asked)."""


def competition_metric(competition: str) -> str | None:
    """The known metric of a competition (by URL name), or None."""
    return KNOWN_COMPETITIONS.get(str(competition).strip().lower())
