"""Seed ensembles: N copies of one estimator that differ only in their random seed (the
course's "N experts"), their predictions averaged.

Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import sys
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import Bunch, check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from kagglekit._compat import HasMethods, Interval, fit_context
from kagglekit.seeding import seed_pipeline


def _estimator_has(method: str):
    """``available_if`` condition: the fitted members (or, unfitted, the template) have it."""

    def check(self) -> bool:
        members = getattr(self, "estimators_", None)
        return hasattr(members[0] if members else self.estimator, method)

    return check


class SeedEnsemble(MetaEstimatorMixin, BaseEstimator):
    """``n_members`` clones of ``estimator``, each with its own seed, predictions averaged.

    Member ``i`` gets every ``random_state`` inside it (nested ones too, e.g.
    ``model__random_state`` of a pipeline) set to ``random_state + i``, and the members are
    fitted one after another on the same rows. A classifier's probabilities are the mean of
    the members' probabilities and its label the most probable class; a regressor predicts the
    mean of the members' predictions. The ensemble is a classifier or a regressor exactly when
    ``estimator`` is one (scikit-learn's tags), so stratified CV, ``VotingClassifier``, ROC
    AUC scoring and ``clone`` / pickling work as for the estimator itself.

    Between Keras members the Keras session is cleared (``keras.backend.clear_session``), so
    graphs and layer-name state do not pile up; the members already fitted keep predicting
    the same (tested).

    Parameters
    ----------
    estimator : estimator or Pipeline
        The template; it must have a ``random_state`` parameter somewhere inside, and a
        classifier must have ``predict_proba``.
    n_members : int, default=5
        How many copies to fit.
    random_state : int, RandomState instance or None, default=None
        The first member's seed (the others count up from it). None draws it at random, so
        fits are not repeatable.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, in seed order.
    seeds_ : list of int
        The seed of each member.
    named_estimators_ : Bunch
        The members by name (``seed_<seed>``), as ``VotingClassifier`` names its members.
    classes_ : ndarray
        The class labels (classifiers only).
    n_features_in_ : int
        Number of input features (when the members record it).
    feature_names_in_ : ndarray
        Input column names (when the members record them).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from kagglekit.models.ensembles import SeedEnsemble
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> ensemble = SeedEnsemble(LogisticRegression(), n_members=3, random_state=7).fit(X, y)
    >>> ensemble.seeds_
    [7, 8, 9]
    >>> ensemble.predict([[0.0], [3.0]]).tolist()
    [0, 1]
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, n_members=5, random_state=None):
        self.estimator = estimator
        self.n_members = n_members
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags = inner.target_tags
        tags.input_tags = inner.input_tags
        tags.non_deterministic = inner.non_deterministic
        return tags

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit ``n_members`` seeded clones of ``estimator`` on ``X, y``, one after another.

        ``fit_params`` (e.g. ``sample_weight``) are passed to every member's ``fit``.
        """
        if not any(k == "random_state" or k.endswith("__random_state")
                   for k in self.estimator.get_params(deep=True)):
            raise ValueError(f"{type(self.estimator).__name__} has no random_state parameter: "
                             "its copies would all be the same model")
        if is_classifier(self) and not hasattr(self.estimator, "predict_proba"):
            raise ValueError("a SeedEnsemble of classifiers averages probabilities: the "
                             "estimator needs predict_proba")
        seeds = self._seeds()
        members = []
        for i, seed in enumerate(seeds):
            if i:
                _clear_keras_session(members[-1])
            member = seed_pipeline(clone(self.estimator), seed)
            members.append(member.fit(X, y, **fit_params))
        self.estimators_ = members
        self.seeds_ = seeds
        for attribute in ("classes_", "n_features_in_", "feature_names_in_"):
            if hasattr(members[0], attribute):
                setattr(self, attribute, getattr(members[0], attribute))
        return self

    def _seeds(self) -> list[int]:
        if isinstance(self.random_state, Integral):
            first = int(self.random_state)
        else:
            rng = check_random_state(self.random_state)
            first = int(rng.randint(np.iinfo(np.int32).max - self.n_members))
        return [first + i for i in range(self.n_members)]

    @property
    def named_estimators_(self) -> Bunch:
        """The fitted members by name, ``seed_<seed>``."""
        check_is_fitted(self, "estimators_")
        return Bunch(**{f"seed_{s}": m for s, m in zip(self.seeds_, self.estimators_,
                                                      strict=True)})

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """The mean of the members' class probabilities (rows x classes)."""
        check_is_fitted(self, "estimators_")
        return np.mean([np.asarray(m.predict_proba(X), dtype=np.float64)
                        for m in self.estimators_], axis=0)

    def predict(self, X):
        """Classifier: the class of highest mean probability. Regressor: the mean of the
        members' predictions."""
        check_is_fitted(self, "estimators_")
        if is_classifier(self):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return np.mean([np.asarray(m.predict(X), dtype=np.float64) for m in self.estimators_],
                       axis=0)

    def score(self, X, y, sample_weight=None):
        """Accuracy (classifier) or R² (regressor) of :meth:`predict` on ``X, y``."""
        metric = accuracy_score if is_classifier(self) else r2_score
        return float(metric(y, self.predict(X), sample_weight=sample_weight))


def _clear_keras_session(fitted) -> None:
    """Clear Keras' global state after a fitted Keras member (the models keep their weights
    and keep predicting; only graphs, caches and layer-name counters go)."""
    while hasattr(fitted, "steps"):
        fitted = fitted.steps[-1][1]
    fitted = getattr(fitted, "regressor_", fitted)  # inside a TransformedTargetRegressor
    if "keras" in sys.modules and hasattr(getattr(fitted, "model_", None), "count_params"):
        import keras

        keras.backend.clear_session()
