"""The tabular network (``--model net``) as scikit-learn estimators: :class:`TabularNetClassifier`
and :class:`TabularNetRegressor` (SciKeras estimators, subclasses of kagglekit's
:class:`~kagglekit.models.keras.KerasClassifier` / ``KerasRegressor``). The Keras network they
train is built in :mod:`kagglekit.models.tabular_net`; this module is its training.

They take one numeric matrix: numeric columns first, then ``n_categorical`` columns of integer
category codes (0 = unknown, e.g. from :class:`kagglekit.features.categorical.CategoryCodes`).
Inside ``fit`` they scale the numeric columns robustly with a smooth clip, hold out a seeded
(stratified) validation split, pick the batch size and the number of epochs from the rows,
train with AdamW under a warm-up + cosine learning-rate schedule, keep the weights of the best
validation epoch, and stop when ``max_seconds`` is spent (the best weights so far are kept and
the model predicts). The regressor standardizes its target inside.
"""

from __future__ import annotations

import math
import time

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import train_test_split

from kagglekit.features.numeric import RobustScaleClip
from kagglekit.models.keras import (  # first: it imports TensorFlow quietly
    PREDICT_BATCH_SIZE,
    KerasClassifier,
    KerasRegressor,
    RegressorTargetEncoder,
)
from kagglekit.models.tabular_net import build_tabular_net
from kagglekit.models.training import BestWeights, Schedule


def training_batches(X, y, rows, batch_size: int, *, seed: int, sample_weight=None):
    """An endless ``tf.data`` stream of shuffled training batches of ``X[rows]``, ``y[rows]``.

    The arrays are handed to TensorFlow once (float32); each pass draws a new permutation of
    ``rows`` (stateless, from ``seed`` and the pass number, so runs repeat) and gathers one
    batch at a time, so no pass copies the table.
    """
    import tensorflow as tf

    X = tf.constant(np.asarray(X, dtype=np.float32))
    y = tf.constant(np.asarray(y))
    rows = tf.constant(np.asarray(rows, dtype=np.int64))
    weights = None if sample_weight is None else tf.constant(
        np.asarray(sample_weight, dtype=np.float32))
    n = int(rows.shape[0])
    steps = math.ceil(n / batch_size)

    def one_pass(index):
        order = tf.gather(rows, tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), index])))
        return tf.data.Dataset.range(steps).map(
            lambda i: order[i * batch_size:(i + 1) * batch_size])

    def gather(index):
        if weights is None:
            return tf.gather(X, index), tf.gather(y, index)
        return tf.gather(X, index), tf.gather(y, index), tf.gather(weights, index)

    return (tf.data.Dataset.range(2**62).flat_map(one_pass)
            .map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2))


class NetInputs(TransformerMixin, BaseEstimator):
    """The tabular net's input encoder: numeric columns robustly scaled and smoothly clipped
    (:class:`~kagglekit.features.numeric.RobustScaleClip`, missing -> 0, the median), the last
    ``n_categorical`` columns kept as whole-number codes (anything not a code seen in ``fit``
    -> 0); float32 out.

    Attributes
    ----------
    scaler_ : RobustScaleClip
    cardinalities_ : list of int
        Codes of each code column (the largest code seen in ``fit`` + 1).
    """

    def __init__(self, n_categorical=0, clip=3.0):
        self.n_categorical = n_categorical
        self.clip = clip

    def fit(self, X, y=None):
        X = np.asarray(X)
        n = X.shape[1]
        if not isinstance(self.n_categorical, int | np.integer) or not \
                0 <= self.n_categorical <= n:
            raise ValueError(f"n_categorical must be a whole number in [0, {n}] (the number "
                             f"of code columns at the end of X), got {self.n_categorical!r}")
        split = n - int(self.n_categorical)
        self.n_numeric_ = split
        self.scaler_ = RobustScaleClip(clip=self.clip).fit(X[:, :split])
        codes = X[:, split:].astype(np.float64)
        if codes.size and (np.nanmin(codes) < 0 or np.any(np.mod(codes[~np.isnan(codes)], 1))):
            raise ValueError("the code columns (the last n_categorical columns) must hold "
                             "whole numbers >= 0, such as CategoryCodes' output")
        self.cardinalities_ = [int(np.nanmax(codes[:, j], initial=0)) + 1
                               for j in range(codes.shape[1])]
        return self

    def transform(self, X):
        X = np.asarray(X)
        split = self.n_numeric_
        out = np.empty(X.shape, dtype=np.float32)
        numeric = self.scaler_._lean(X[:, :split].astype(np.float32, copy=False))
        out[:, :split] = np.where(np.isnan(numeric), 0.0, numeric)
        codes = X[:, split:]
        known = (codes >= 0) & (codes < np.asarray(self.cardinalities_, dtype=np.float64))
        out[:, split:] = np.where(known, codes, 0.0)
        return out


class _StandardizedTarget(RegressorTargetEncoder):
    """SciKeras' regression target encoder, plus standardization (undone for predictions)."""

    def fit(self, y):
        super().fit(y)
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        self.mean_ = values.mean(axis=0)
        scale = values.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, y):
        y = super().transform(y)
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return ((values - self.mean_) / self.scale_).astype(np.float32)

    def inverse_transform(self, y):
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return super().inverse_transform(values * self.scale_ + self.mean_)


class _TabularRecipe:
    """The training recipe shared by the classifier and the regressor (first in the bases)."""

    def __init__(self, model=build_tabular_net, *, n_categorical=0, clip=3.0, max_seconds=None,
                 validation_fraction=0.15, max_validation_rows=20_000, patience=16,
                 epochs=None, target_steps=3000, min_epochs=8, max_epochs=256,
                 batch_size=None, min_batch_size=256, max_batch_size=2048, warmup=0.05,
                 min_steps_per_check=1, optimizer="adamw", **kwargs):
        kwargs.setdefault("optimizer__learning_rate", 2e-3)
        kwargs.setdefault("optimizer__weight_decay", 3e-4)
        super().__init__(model=model, epochs=epochs, batch_size=batch_size,
                         optimizer=optimizer, **kwargs)
        self.n_categorical = n_categorical
        self.clip = clip
        self.max_seconds = max_seconds
        self.validation_fraction = validation_fraction
        self.max_validation_rows = max_validation_rows
        self.patience = patience
        self.target_steps = target_steps
        self.min_epochs = min_epochs
        self.max_epochs = max_epochs
        self.min_batch_size = min_batch_size
        self.max_batch_size = max_batch_size
        self.warmup = warmup
        self.min_steps_per_check = min_steps_per_check

    @property
    def feature_encoder(self):
        return NetInputs(n_categorical=self.n_categorical, clip=self.clip)

    # Inherited from the SciKeras layer, replaced here by the recipe: refused when set.
    _REPLACED = {"loss": (None, "the loss follows the task"),
                 "shuffle": (True, "batches are shuffled with the seed"),
                 "validation_split": (0.0, "use validation_fraction"),
                 "early_stopping": (None, "use patience"),
                 "lr_decay": (None, "the schedule is warm-up then cosine decay")}

    def _check_training_params(self):
        for name, (default, instead) in self._REPLACED.items():
            if getattr(self, name, default) != default:
                raise ValueError(f"{type(self).__name__} does not take {name} ({instead}); "
                                 f"leave it at {default!r}")
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int | np.integer) or value < 1):
                raise ValueError(f"{name} must be None (chosen from the rows) or a whole "
                                 f"number >= 1, got {value!r}")
        if not 0.0 <= self.validation_fraction < 1.0:
            raise ValueError(f"validation_fraction must be in [0, 1), got "
                             f"{self.validation_fraction!r}")
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ValueError(f"max_seconds must be None or > 0, got {self.max_seconds!r}")
        if not 0.0 <= self.warmup < 1.0:
            raise ValueError(f"warmup must be in [0, 1), got {self.warmup!r}")

    def _build_keras_model(self):
        self.n_numeric_ = self.feature_encoder_.n_numeric_
        self.cardinalities_ = list(self.feature_encoder_.cardinalities_)
        return super()._build_keras_model()

    def batch_size_for(self, rows: int) -> int:
        """The batch size for ``rows`` training rows: the power of two nearest to rows / 100
        (about 100 steps per epoch), within [min_batch_size, max_batch_size]."""
        if self.batch_size is not None:
            return int(self.batch_size)
        size = 2 ** round(math.log2(max(rows, 1) / 100)) if rows >= 100 else 1
        return int(min(max(size, self.min_batch_size), self.max_batch_size))

    def epochs_for(self, steps_per_epoch: int) -> int:
        """Epochs for ``target_steps`` optimizer steps, within [min_epochs, max_epochs]."""
        if self.epochs is not None:
            return int(self.epochs)
        epochs = math.ceil(self.target_steps / max(steps_per_epoch, 1))
        return int(min(max(epochs, self.min_epochs), self.max_epochs))

    def _split(self, y):
        """Row indices (train, validation): seeded, stratified for classes when possible."""
        n = len(y)
        n_val = min(int(round(self.validation_fraction * n)), int(self.max_validation_rows))
        rows = np.arange(n)
        if n_val < 1 or n - n_val < 1:
            return rows, rows[:0]
        seed = self._seed()
        stratify = None
        if self._single_output:  # classifier: y holds class indices
            labels = np.asarray(y).reshape(n, -1)
            stratify = labels.argmax(axis=1) if labels.shape[1] > 1 else labels.ravel()
        try:
            train, val = train_test_split(rows, test_size=n_val, random_state=seed,
                                          stratify=stratify)
        except ValueError:  # a class too small to stratify
            train, val = train_test_split(rows, test_size=n_val, random_state=seed)
        return np.sort(train), np.sort(val)

    def _fit_keras_model(self, X, y, sample_weight, warm_start, epochs, initial_epoch,
                         **kwargs):
        start = time.perf_counter()
        train, val = self._split(y)
        batch = self.batch_size_for(len(train))
        steps = math.ceil(len(train) / batch)
        n_epochs = self.epochs_for(steps)
        total = steps * n_epochs
        # Validation (and the best-weights check) every `period` steps: at most once per pass
        # over the rows, and at least `min_steps_per_check` steps apart (unless training is
        # shorter), as Keras' fixed cost per epoch and evaluation (~0.1 s) dwarfs a few
        # small batches.
        period = max(steps, min(int(self.min_steps_per_check), total))
        checks = max(1, round(total / period))
        weights = None if sample_weight is None else np.asarray(sample_weight)
        if len(val):  # weighted like the training rows (class_weight included)
            kwargs["validation_data"] = (X[val], y[val]) if weights is None else \
                (X[val], y[val], weights[val])
            kwargs["validation_batch_size"] = PREDICT_BATCH_SIZE
        data = training_batches(X, y, train, batch, seed=self._seed(), sample_weight=weights)
        best = BestWeights(self.patience, self.max_seconds)
        schedule = Schedule(period * checks, self.max_seconds, float(self.warmup))
        kept = self._fit_callbacks
        self._fit_callbacks = [*kept, schedule, best]
        try:
            super()._fit_keras_model(data, None, None, warm_start, epochs=checks,
                                     initial_epoch=0, batch_size=None,
                                     steps_per_epoch=period, shuffle=False, **kwargs)
        finally:
            self._fit_callbacks = kept
        self.batch_size_ = batch
        self.planned_steps_ = period * checks
        self.steps_run_ = schedule.step
        self.steps_per_epoch_ = steps
        self.best_step_ = best.best_epoch * period if best.best_epoch else schedule.step
        self.stopped_by_time_ = best.out_of_time
        self.train_seconds_ = time.perf_counter() - start

    def _seed(self) -> int:
        return int(self._random_state) if isinstance(self._random_state, int | np.integer) \
            else int(np.random.randint(2**31 - 1))

    def _record_epochs(self):
        # Keras' "epochs" here are the validation checks; report passes over the rows.
        self.epochs_run_ = round(self.steps_run_ / self.steps_per_epoch_, 2)
        self.best_epoch_ = round(min(self.best_step_, self.steps_run_) / self.steps_per_epoch_, 2)

    def _predict_raw(self, X, **kwargs):
        # (rows, heads, units) -> the heads' mean (rows, units)
        output = super()._predict_raw(X, **kwargs)
        return output.mean(axis=1) if output.ndim == 3 else output


class TabularNetClassifier(_TabularRecipe, KerasClassifier):
    """A tabular network classifier that needs no tuning (RealMLP / TabM recipe).

    Parameters
    ----------
    model : callable, default=:func:`~kagglekit.models.tabular_net.build_tabular_net`
        The network builder; its settings are ``model__<name>`` (``model__hidden=(256,)*3``,
        ``model__n_heads``, ``model__numeric_embedding``, ``model__dropout``...).
    n_categorical : int, default=0
        The last ``n_categorical`` columns of X are category codes (0 = unknown).
    clip : float or None, default=3.0
        Smooth clip of the robustly scaled numeric columns (None: none).
    max_seconds : float or None, default=None
        Training time budget: training stops after the batch that passes it, with the best
        validation epoch's weights (the schedule is stretched to end at the budget).
    validation_fraction : float, default=0.15
        Rows held out (stratified, seeded) to choose the best epoch; 0: none (last weights).
    max_validation_rows : int, default=20000
    patience : int or None, default=16
        Stop after this many validation checks without a better validation loss (None:
        train the whole schedule).
    epochs : int or None, default=None
        None: enough for ``target_steps`` optimizer steps, within [min_epochs, max_epochs].
    batch_size : int or None, default=None
        None: the power of two nearest to training rows / 100, within
        [min_batch_size, max_batch_size] (256 up to 25k rows, 2048 from ~150k rows).
    warmup : float, default=0.05
        Share of training with a linearly rising learning rate, before the cosine decay.
    min_steps_per_check : int, default=1
        Validation checks (and best-weight snapshots) come after every pass over the rows,
        or every this many optimizer steps when a pass is shorter.
    optimizer : default="adamw"
        With ``optimizer__learning_rate=2e-3`` and ``optimizer__weight_decay=3e-4``.
    **kwargs
        Anything :class:`~kagglekit.models.keras.KerasClassifier` takes (``random_state``,
        ``precision``, ``verbose``...).

    Attributes
    ----------
    cardinalities_ : list of int
        Codes of each category column.
    batch_size_, steps_per_epoch_, planned_steps_, steps_run_ : int
        The batch size chosen for the training rows, the optimizer steps of one pass over
        them, planned in all, and taken (fewer when stopped by time or patience).
    epochs_run_, best_epoch_ : float
        Passes over the training rows, and where the weights the model holds were taken.
    stopped_by_time_ : bool
    train_seconds_ : float
    """


class TabularNetRegressor(_TabularRecipe, KerasRegressor):
    """The regression counterpart of :class:`TabularNetClassifier` (same parameters); the
    target is standardized for training and predictions come back in its units."""

    @property
    def target_encoder(self):
        return _StandardizedTarget()
