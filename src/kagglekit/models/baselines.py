"""scikit-learn baseline models used with the same preprocessing as the networks."""

from __future__ import annotations

from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.svm import SVC


def logistic_regression(random_state=0, **params):
    """L2 logistic regression (C=1 by default)."""
    return LogisticRegression(max_iter=2000, random_state=random_state, **params)


def random_forest(random_state=0, **params):
    """Random forest tuned for small tabular data (shallow-ish trees, 500 of them)."""
    defaults = {"n_estimators": 500, "max_depth": 7, "min_samples_leaf": 2, "n_jobs": 1}
    return RandomForestClassifier(random_state=random_state, **{**defaults, **params})


def gradient_boosting(random_state=0, **params):
    """Histogram gradient boosting with a small learning rate and strong regularisation."""
    defaults = {"learning_rate": 0.05, "max_iter": 200, "max_depth": 4, "min_samples_leaf": 10,
                "l2_regularization": 1.0}
    return HistGradientBoostingClassifier(random_state=random_state, **{**defaults, **params})


def rbf_svc(random_state=0, **params):
    """Support vector machine with an RBF kernel (C=1); probabilities (for ROC AUC and log
    loss) come from sigmoid calibration on 5 internal folds."""
    svc = SVC(kernel="rbf", random_state=random_state, **params)
    return CalibratedClassifierCV(svc, ensemble=False)


def ridge(**params):
    """L2-regularised linear regression (alpha=1): the linear baseline for numeric targets."""
    return Ridge(**params)


def gradient_boosting_regressor(random_state=0, **params):
    """Histogram gradient boosting for numeric targets (same settings as the classifier)."""
    defaults = {"learning_rate": 0.05, "max_iter": 200, "max_depth": 4, "min_samples_leaf": 10,
                "l2_regularization": 1.0}
    return HistGradientBoostingRegressor(random_state=random_state, **{**defaults, **params})


def random_forest_regressor(random_state=0, **params):
    """Random forest for numeric targets (same settings as the classifier)."""
    defaults = {"n_estimators": 500, "max_depth": 7, "min_samples_leaf": 2, "n_jobs": 1}
    return RandomForestRegressor(random_state=random_state, **{**defaults, **params})
