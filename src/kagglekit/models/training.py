"""The training callbacks of the tabular networks: the warm-up + cosine schedule, the best
validation epoch's weights, and a time budget."""

from __future__ import annotations

import math
import time

import numpy as np

from kagglekit.models.keras import keras


class Schedule(keras.callbacks.Callback):
    """Learning rate: linear warm-up over the first ``warmup`` of training, then a cosine
    decay to 0. Progress is the larger of steps done / ``total_steps`` and seconds spent /
    ``max_seconds``, so a run cut short by its time budget still ends at a low rate."""

    def __init__(self, total_steps: int, max_seconds: float | None, warmup: float):
        super().__init__()
        self.total_steps, self.max_seconds, self.warmup = total_steps, max_seconds, warmup

    def on_train_begin(self, logs=None):
        # The variable's own value: keras.ops.convert_to_numpy calls np.array() on it, which
        # makes NumPy 2 warn that the variable's __array__ takes no `copy` keyword.
        self.base = float(self.model.optimizer.learning_rate.numpy())
        self.start, self.step = time.perf_counter(), 0

    def on_train_batch_begin(self, batch, logs=None):
        progress = self.step / max(self.total_steps, 1)
        if self.max_seconds:
            progress = max(progress, (time.perf_counter() - self.start) / self.max_seconds)
        progress = min(progress, 1.0)
        if self.warmup and progress < self.warmup:
            factor = (progress + 1.0 / max(self.total_steps, 1)) / self.warmup
        else:
            rest = (progress - self.warmup) / max(1.0 - self.warmup, 1e-9)
            factor = 0.5 * (1.0 + math.cos(math.pi * rest))
        self.model.optimizer.learning_rate.assign(self.base * min(factor, 1.0))
        self.step += 1

    def on_train_end(self, logs=None):
        self.model.optimizer.learning_rate.assign(self.base)


class BestWeights(keras.callbacks.Callback):
    """Keep the weights of the epoch with the lowest validation loss and restore them at the
    end; stop after ``patience`` epochs without improvement (None: never) or when
    ``max_seconds`` have passed (checked after every batch)."""

    def __init__(self, patience: int | None, max_seconds: float | None):
        super().__init__()
        self.patience, self.max_seconds = patience, max_seconds
        self.best_epoch = None
        self.out_of_time = False

    def on_train_begin(self, logs=None):
        self.start, self.best, self.weights, self.since = time.perf_counter(), np.inf, None, 0

    def on_train_batch_end(self, batch, logs=None):
        if self.max_seconds is not None and time.perf_counter() - self.start > self.max_seconds:
            self.model.stop_training = True
            self.out_of_time = True

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("val_loss")
        if loss is None:
            return
        loss = float(loss)
        if np.isfinite(loss) and loss < self.best:
            self.best, self.best_epoch, self.since = loss, epoch + 1, 0
            self.weights = self.model.get_weights()
        else:
            self.since += 1
            if self.patience is not None and self.since >= self.patience:
                self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.weights is not None:
            self.model.set_weights(self.weights)
