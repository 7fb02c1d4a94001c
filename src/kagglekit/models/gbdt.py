"""Gradient-boosted trees from LightGBM or CatBoost as scikit-learn estimators, with early
stopping on a split of the training rows only, native categories and a time budget.

:class:`BoostedTreesClassifier` and :class:`BoostedTreesRegressor` take one numeric matrix:
``n_categorical`` columns of integer category codes first (the ``"tree"`` feature layout of
:func:`kagglekit.features.tabular.tabular_features`; 0 = rare or unseen), then numeric
columns (missing values stay missing: both libraries route them). ``fit`` holds out a seeded
``validation_fraction`` of the rows it is given (stratified for classes), boosts at most
``max_rounds`` rounds and keeps the round with the best validation loss once ``patience``
rounds brought nothing better. Inside a cross-validation the held-out fold is never seen, so
out-of-fold scores stay honest. The number of rounds thus adapts to the data, which no fixed
setting does (the reason kagglekit's fixed 200-iteration HGB underfits large tables).

Defaults: learning rate 0.05 and early stopping on the validation loss, as AutoGluon's
LightGBM and CatBoost models use; the libraries' own defaults otherwise (LightGBM: 31 leaves,
20 rows per leaf; CatBoost: depth 6, ordered target statistics for categories). All cores
(``n_jobs=-1``).

With a time budget (``max_seconds``) the pace decides the learning rate: after
:data:`PACE_ROUNDS` rounds (CatBoost: a probe of that many) the rounds that fit in the time
left are estimated, and when ``learning_rate`` times those rounds is below
:data:`LEARNING_BUDGET` (0.05 x 1,000 rounds) the rate is raised to fit (at most
:data:`MAX_LEARNING_RATE`), so a large table under a short budget ends near where early
stopping would, instead of cut off while still far from it. Without a budget, or when the
rounds fit, nothing changes.
"""

from __future__ import annotations

import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from kagglekit._compat import Interval, StrOptions, fit_context

LIBRARIES = ("lightgbm", "catboost")


class _BoostedTrees(BaseEstimator):
    _parameter_constraints = {
        "library": [StrOptions(set(LIBRARIES))],
        "n_categorical": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, 1, closed="right")],
        "max_rounds": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "max_seconds": [None, Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral],
        "random_state": [Integral],
        "params": [None, dict],
        "refit": ["boolean"],
    }

    def __init__(self, library="lightgbm", *, n_categorical=0, learning_rate=0.05,
                 max_rounds=5000, patience=100, validation_fraction=0.1, max_seconds=None,
                 n_jobs=-1, random_state=0, params=None, refit=False):
        self.library = library
        self.n_categorical = n_categorical
        self.learning_rate = learning_rate
        self.max_rounds = max_rounds
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.max_seconds = max_seconds
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.params = params
        self.refit = refit

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Boost on all but a held-out ``validation_fraction`` of the rows, stopping when the
        held-out loss has not improved for ``patience`` rounds (or ``max_seconds`` passed);
        with ``refit``, boost again on all the rows for the kept rounds scaled by
        ``1 / (1 - validation_fraction)`` when that fits in ``max_seconds`` (see
        :data:`REFIT_COST`)."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64,
                             y_numeric=not self._classifier, multi_output=False)
        if self.n_categorical > X.shape[1]:
            raise ValueError(f"n_categorical={self.n_categorical} but X has {X.shape[1]} "
                             "columns")
        weights = None
        if sample_weight is not None:  # rows of weight 0 count for nothing: left out
            weights = _checked_weights(sample_weight, len(y))
            X, y, weights = X[weights > 0], y[weights > 0], weights[weights > 0]
        if len(y) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples to hold some "
                             f"out for early stopping; got {len(y)} sample")
        target = self._encode_target(y)
        train, val = self._split(target)
        start = time.perf_counter()
        fit = _fit_lightgbm if self.library == "lightgbm" else _fit_catboost
        self.booster_ = fit(self, self._frame(X[train]), target[train],
                            None if weights is None else weights[train],
                            self._frame(X[val]), target[val],
                            None if weights is None else weights[val])
        self.n_rounds_ = _best_round(self.booster_, self.library)
        spent = time.perf_counter() - start
        self.refitted_ = bool(self.refit) and (self.max_seconds is None
                                               or (1 + REFIT_COST) * spent <= self.max_seconds)
        if self.refitted_:  # the kept rounds, scaled to all the rows, on all the rows
            rounds = max(1, round(self.n_rounds_ / (1 - self.validation_fraction)))
            self.booster_ = _refit(self, self._frame(X), target, weights, rounds)
            self.n_rounds_ = rounds
        self.train_seconds_ = time.perf_counter() - start
        return self

    def _split(self, target):
        rows = np.arange(len(target))
        stratify = target if self._classifier else None
        try:
            train, val = train_test_split(rows, test_size=self.validation_fraction,
                                          random_state=self.random_state, stratify=stratify)
        except ValueError:  # a class too small to stratify, or too few rows
            train, val = train_test_split(rows, test_size=self.validation_fraction,
                                          random_state=self.random_state)
        return np.sort(train), np.sort(val)

    def _frame(self, X):
        """The rows as a frame with integer category codes (what both libraries take)."""
        frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
        for name in frame.columns[:self.n_categorical]:
            frame[name] = frame[name].fillna(0).astype(np.int64)
        return frame

    def _raw(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan",
                          dtype=np.float64)
        return self._frame(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class BoostedTreesClassifier(ClassifierMixin, _BoostedTrees):
    """LightGBM or CatBoost classification with early stopping on an inner split.

    Parameters
    ----------
    library : {"lightgbm", "catboost"}, default="lightgbm"
    n_categorical : int, default=0
        The first ``n_categorical`` columns hold integer category codes (native categories).
    learning_rate : float, default=0.05
    max_rounds : int, default=5000
        At most this many boosting rounds (trees per class for LightGBM multiclass).
    patience : int, default=100
        Stop after this many rounds without a better validation loss; the best round is kept.
    validation_fraction : float, default=0.1
        Share of the training rows held out for early stopping (stratified, seeded).
    max_seconds : float or None, default=None
        Stop boosting after this many seconds (the best round so far is kept).
    n_jobs : int, default=-1
        Threads (-1: all cores).
    random_state : int, default=0
    params : dict or None, default=None
        More parameters for the library's own estimator (``num_leaves``, ``depth``, ...).
    refit : bool, default=False
        After early stopping, boost again on all the rows (the held-out ones too) for the
        kept rounds scaled to them, as AutoGluon's ``refit_full`` does, when the time budget
        allows: every row of a fold then shapes the model.

    Attributes
    ----------
    classes_ : ndarray
    booster_ : the fitted ``lightgbm.LGBMClassifier`` or ``catboost.CatBoostClassifier``
    n_rounds_ : int
        The kept round (after a refit: the rounds of the refit).
    refitted_ : bool
        Whether the final model was boosted again on all the rows.
    learning_rate_ : float
        The rate boosting ended with (raised from ``learning_rate`` when the time budget
        would not afford enough rounds; see :func:`paced_learning_rate`).
    train_seconds_ : float
    n_features_in_ : int
    """

    _classifier = True

    def _encode_target(self, y):
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs at least two classes; got one "
                             f"({self.classes_[0]!r})")
        return codes

    def predict_proba(self, X):
        """Probabilities (n, k) in ``classes_`` order."""
        rows = self._raw(X)
        proba = np.asarray(self.booster_.predict_proba(rows), dtype=float)
        return proba.reshape(len(proba), len(self.classes_))

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class BoostedTreesRegressor(RegressorMixin, _BoostedTrees):
    """LightGBM or CatBoost regression with early stopping on an inner split (the same
    parameters as :class:`BoostedTreesClassifier`; squared error)."""

    _classifier = False

    def _encode_target(self, y):
        return np.asarray(y, dtype=float)

    def predict(self, X):
        rows = self._raw(X)
        return np.asarray(self.booster_.predict(rows), dtype=float).reshape(-1)


def _checked_weights(sample_weight, n: int) -> np.ndarray:
    weights = np.asarray(sample_weight, dtype=float)
    if weights.shape != (n,):
        raise ValueError(f"sample_weight.shape == {weights.shape}, expected ({n},)")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite and >= 0")
    if not weights.any():
        raise ValueError("every sample weight is zero: nothing to learn from")
    return weights


REFIT_COST = 1.25
"""A refit's seconds, at most, as a multiple of the first pass's: its rounds are the kept ones
/ 0.9 on 1 / 0.9 times the rows, where the first pass also ran ``patience`` rounds past the
kept one. Under ``max_seconds`` a model is refitted only when both fit."""
PACE_ROUNDS = 20
"""Rounds timed before the learning rate is fitted to the time left."""
LEARNING_BUDGET = 50.0
"""learning rate x rounds that a budget should afford (0.05 x 1,000 rounds)."""
MAX_LEARNING_RATE = 0.3
"""The highest rate the pace may set."""


def paced_learning_rate(rate: float, seconds_per_round: float, seconds_left: float) -> float:
    """The learning rate for the rounds that fit in ``seconds_left``: ``rate`` when they reach
    :data:`LEARNING_BUDGET`, else raised to reach it, up to :data:`MAX_LEARNING_RATE`."""
    rounds = max(seconds_left, 0.0) / max(seconds_per_round, 1e-9)
    if rate * rounds >= LEARNING_BUDGET:
        return rate
    return float(min(MAX_LEARNING_RATE, max(rate, LEARNING_BUDGET / max(rounds, 1.0))))


def _deadline_reached(estimator, start):
    return estimator.max_seconds is not None and time.perf_counter() - start > \
        estimator.max_seconds


def _fit_lightgbm(est, X, y, w, X_val, y_val, w_val):
    import lightgbm

    cls = lightgbm.LGBMClassifier if est._classifier else lightgbm.LGBMRegressor
    model = cls(n_estimators=est.max_rounds, learning_rate=est.learning_rate,
                n_jobs=est.n_jobs, random_state=est.random_state, verbose=-1,
                **(est.params or {}))
    start = time.perf_counter()
    rate = {"now": est.learning_rate}

    def budget(env):
        if est.max_seconds is not None and env.iteration + 1 == PACE_ROUNDS:
            spent = time.perf_counter() - start
            rate["now"] = paced_learning_rate(est.learning_rate, spent / PACE_ROUNDS,
                                              est.max_seconds - spent)
        if _deadline_reached(est, start):
            raise lightgbm.callback.EarlyStopException(env.iteration, env.evaluation_result_list)

    categorical = list(range(est.n_categorical)) or "auto"
    model.fit(X, y, sample_weight=w, eval_X=(X_val,), eval_y=(y_val,), eval_sample_weight=(
        None if w_val is None else [w_val]), categorical_feature=categorical,
        callbacks=[lightgbm.early_stopping(est.patience, verbose=False), budget,
                   lightgbm.reset_parameter(learning_rate=lambda _: rate["now"])])
    est.learning_rate_ = rate["now"]
    return model


def _fit_catboost(est, X, y, w, X_val, y_val, w_val):
    import catboost

    cls = catboost.CatBoostClassifier if est._classifier else catboost.CatBoostRegressor
    params = {"iterations": est.max_rounds, "learning_rate": est.learning_rate,
              "thread_count": est.n_jobs, "random_seed": est.random_state,
              "od_type": "Iter", "od_wait": est.patience, "use_best_model": True,
              "verbose": False, "allow_writing_files": False, **(est.params or {})}
    if est._classifier and len(np.unique(y)) > 2:
        params.setdefault("loss_function", "MultiClass")
    categorical = list(range(est.n_categorical))
    train = catboost.Pool(X, y, weight=w, cat_features=categorical)
    held_out = catboost.Pool(X_val, y_val, weight=w_val, cat_features=categorical)
    callbacks = None
    if est.max_seconds is not None:
        start = time.perf_counter()  # the pace of this table: a probe of PACE_ROUNDS rounds
        cls(**{**params, "iterations": PACE_ROUNDS, "use_best_model": False}).fit(train)
        spent = time.perf_counter() - start
        params["learning_rate"] = paced_learning_rate(params["learning_rate"],
                                                      spent / PACE_ROUNDS,
                                                      est.max_seconds - spent)
        callbacks = [_CatBoostBudget(est, start)]
    est.learning_rate_ = params["learning_rate"]
    model = cls(**params)
    model.fit(train, eval_set=held_out, callbacks=callbacks)
    return model


def _refit(est, X, y, w, rounds: int):
    """The library's model boosted ``rounds`` rounds on all of ``X`` at the rate the first
    pass ended with, without early stopping."""
    categorical = list(range(est.n_categorical))
    if est.library == "lightgbm":
        import lightgbm

        cls = lightgbm.LGBMClassifier if est._classifier else lightgbm.LGBMRegressor
        model = cls(n_estimators=rounds, learning_rate=est.learning_rate_, n_jobs=est.n_jobs,
                    random_state=est.random_state, verbose=-1, **(est.params or {}))
        return model.fit(X, y, sample_weight=w, categorical_feature=categorical or "auto")
    import catboost

    cls = catboost.CatBoostClassifier if est._classifier else catboost.CatBoostRegressor
    params = {"iterations": rounds, "learning_rate": est.learning_rate_,
              "thread_count": est.n_jobs, "random_seed": est.random_state, "verbose": False,
              "allow_writing_files": False, **(est.params or {})}
    if est._classifier and len(np.unique(y)) > 2:
        params.setdefault("loss_function", "MultiClass")
    return cls(**params).fit(catboost.Pool(X, y, weight=w, cat_features=categorical))


class _CatBoostBudget:
    """Stops CatBoost once ``max_seconds`` have passed (its callback protocol)."""

    def __init__(self, estimator, start):
        self.estimator, self.start = estimator, start

    def after_iteration(self, info):
        return not _deadline_reached(self.estimator, self.start)


def _best_round(booster, library) -> int:
    if library == "lightgbm":
        return int(booster.best_iteration_ or booster.n_estimators_)
    return int(booster.get_best_iteration() or 0) + 1
