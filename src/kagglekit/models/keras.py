"""SciKeras estimators made correct under current scikit-learn.

SciKeras 0.13 predates scikit-learn's estimator tags, so its classifier is not recognised as
one (``is_classifier`` is False: CV silently uses KFold, ``roc_auc`` becomes NaN, ensembles
reject it). These subclasses declare their tags, fix ``predict_proba`` on one row, default to
silent training, and add early stopping as a plain parameter.

Importing this module imports TensorFlow (a few seconds).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import warnings


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence the C++ banners TensorFlow writes to file descriptor 2 while it loads."""
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr: nothing to silence
        yield
        return
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


# Level 3 hides TensorFlow's per-fit C++ log lines (real failures still raise exceptions).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with _quiet_native_stderr():
    import keras  # noqa: E402
    import tensorflow  # noqa: E402, F401
import numpy as np  # noqa: E402
from scikeras.utils.transformers import (  # noqa: E402
    ClassifierLabelEncoder,
    RegressorTargetEncoder,  # noqa: F401  (models.tabular takes it from here)
)
from scikeras.wrappers import KerasClassifier as _SciKerasClassifier  # noqa: E402
from scikeras.wrappers import KerasRegressor as _SciKerasRegressor  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.exceptions import DataConversionWarning  # noqa: E402
from sklearn.utils import ClassifierTags, RegressorTags  # noqa: E402

from kagglekit._compat import keras_seed_generator  # noqa: E402

# Retracing warnings flood CV logs; this runs in joblib workers too, as they import this module.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

#: Inputs of at most this many rows are predicted in one ``predict_on_batch`` call (~1 ms)
#: instead of ``keras.Model.predict`` (~80 ms of fixed cost per call, built for big inputs).
FAST_PATH_MAX_ROWS = 512
#: Batch size for predicting bigger inputs (the training batch size is far smaller than what
#: is fastest for inference), unless ``predict__batch_size`` is set.
PREDICT_BATCH_SIZE = 1024


@contextlib.contextmanager
def _own_python_random(seed):
    """Draw Keras' layer seeds from a private generator seeded with ``seed``.

    Keras takes the seeds of initialisers and dropout from Python's process-wide ``random``,
    which SciKeras seeds with ``random_state``; any other thread using ``random`` meanwhile
    (a Dask worker's event loop) shifts them, and the same seed gives other scores (measured:
    fold accuracy 0.68 -> 0.37 on a Dask worker). ``random.Random(seed)`` yields the numbers
    ``random.seed(seed)`` would, so undisturbed runs keep their scores.
    """
    if seed is None:
        yield
        return
    seed_generator = keras_seed_generator()
    shared = seed_generator.python_random
    seed_generator.python_random = random.Random(seed)
    try:
        yield
    finally:
        seed_generator.python_random = shared


#: ``precision`` choices: Keras dtype policies (mixed: float16 / bfloat16 maths, float32 weights).
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


class _EpochDecay:
    """Learning-rate schedule for ``LearningRateScheduler``: the rate times ``factor`` at the
    start of every epoch after the first (a class, so a fitted model pickles)."""

    def __init__(self, factor: float):
        self.factor = factor

    def __call__(self, epoch: int, learning_rate: float) -> float:
        return float(learning_rate) * self.factor if epoch else float(learning_rate)


@contextlib.contextmanager
def _dtype_policy(precision):
    """Layers built inside take the dtype policy ``precision`` (None: Keras' default)."""
    if precision is None:
        yield
        return
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS} or None, got {precision!r}")
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


class HeldOutMonitor(keras.callbacks.Callback):
    """After every training epoch, the network's log loss and accuracy on held-out rows.

    Monitoring only: training never reads it (no early stopping, no choice of weights), so a
    test split may be watched without being fitted to. The seconds spent predicting are
    counted apart, so the training time can leave them out.

    Parameters
    ----------
    X : array
        The held-out rows, already preprocessed (what the network takes).
    y_index : array of int
        Their classes as indices into the classifier's sorted ``classes_``.
    n_classes : int
    """

    def __init__(self, X, y_index, n_classes: int):
        super().__init__()
        self.X, self.y_index, self.n_classes = X, np.asarray(y_index), int(n_classes)
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.seconds = 0.0

    def on_epoch_end(self, epoch, logs=None):
        import time

        from sklearn.metrics import log_loss

        start = time.perf_counter()
        proba = np.asarray(self.model.predict(self.X, batch_size=PREDICT_BATCH_SIZE,
                                              verbose=0), dtype=np.float64)
        if proba.shape[1] == 1:  # one sigmoid unit: P(second class)
            proba = np.hstack([1.0 - proba, proba])
        proba /= proba.sum(axis=1, keepdims=True)  # float32 softmax sums are off by ~1e-7
        labels = np.arange(self.n_classes)
        self.loss.append(round(float(log_loss(self.y_index, proba, labels=labels)), 6))
        self.accuracy.append(round(float(np.mean(proba.argmax(axis=1) == self.y_index)), 6))
        self.seconds += time.perf_counter() - start


class _TrainingOptions:
    """Parameters shared by the classifier and the regressor (put first in the bases)."""

    def __init__(self, model=None, *, early_stopping=None, lr_decay=None, precision=None,
                 verbose=0, **kwargs):
        super().__init__(model=model, verbose=verbose, **kwargs)
        self.early_stopping = early_stopping
        self.lr_decay = lr_decay
        self.precision = precision

    def _initialize_callbacks(self):
        super()._initialize_callbacks()
        if self.lr_decay is not None:
            if not 0.0 < self.lr_decay <= 1.0:
                raise ValueError(f"lr_decay (the learning rate's factor per epoch) must be in "
                                 f"(0, 1], got {self.lr_decay!r}")
            decay = keras.callbacks.LearningRateScheduler(_EpochDecay(float(self.lr_decay)))
            self._fit_callbacks = [*self._fit_callbacks, decay]
        if self.early_stopping is None:
            return
        patience = int(self.early_stopping)
        if patience < 0:
            raise ValueError(f"early_stopping (patience) must be >= 0, got {patience}")
        if not self.validation_split:
            raise ValueError("early_stopping needs a validation set: set validation_split "
                             "(e.g. 0.2)")
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             restore_best_weights=True)
        self._fit_callbacks = [*self._fit_callbacks, stop]

    def fit(self, X, y, sample_weight=None, **kwargs):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None")
        self._check_training_params()
        if self._single_output and np.asarray(y).ndim == 2 and np.asarray(y).shape[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected; "
                          "it is used as a 1d array", DataConversionWarning, stacklevel=2)
            y = np.ravel(y)
        super().fit(X, y, sample_weight=sample_weight, **kwargs)
        self._record_epochs()
        return self

    def _build_keras_model(self):
        with _own_python_random(self._random_state), _dtype_policy(self.precision):
            return super()._build_keras_model()

    def _fit_keras_model(self, *args, **kwargs):
        with _own_python_random(self._random_state):
            return super()._fit_keras_model(*args, **kwargs)

    def _check_training_params(self):
        epochs = getattr(self, "fit__epochs", self.epochs)
        if not isinstance(epochs, int | np.integer) or epochs < 1:
            raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
        if self.batch_size is not None and (
                not isinstance(self.batch_size, int | np.integer) or self.batch_size < 1):
            raise ValueError(f"batch_size must be a whole number >= 1, got {self.batch_size!r}")
        if not 0.0 <= self.validation_split < 1.0:
            raise ValueError(f"validation_split must be in [0, 1), got {self.validation_split!r}")

    def _validate_data(self, X=None, y=None, reset=False, **kwargs):
        if X is not None and sparse.issparse(X):
            raise TypeError("Sparse data was passed, but dense data is required: use a dense "
                            "array (e.g. OneHotEncoder(sparse_output=False))")
        expected = getattr(self, "n_features_in_", None)
        shape = getattr(X, "shape", None)
        if not reset and expected is not None and shape and len(shape) == 2 \
                and shape[1] != expected:
            raise ValueError(f"X has {shape[1]} features, but {type(self).__name__} is "
                             f"expecting {expected} features as input")
        return super()._validate_data(X, y, reset=reset, **kwargs)

    def _predict_raw(self, X, **kwargs):
        # keras.Model.predict builds a data pipeline and a progress loop on every call, which
        # dominates for the few rows a service or a script predicts at a time.
        rows = getattr(X, "shape", (None,))[0]
        if kwargs or not self.initialized_ or rows is None or rows > FAST_PATH_MAX_ROWS:
            if not kwargs and not hasattr(self, "predict__batch_size"):
                kwargs = {"batch_size": PREDICT_BATCH_SIZE}
            output = super()._predict_raw(X, **kwargs)
        else:
            X = self._quick_checked(X)
            X = self.feature_encoder_.transform(X)
            output = self.model_.predict_on_batch(X)
        # Mixed precision outputs half floats; scikit-learn's callers get float32.
        if isinstance(output, list | tuple):
            return [np.asarray(o, dtype=np.float32) for o in output]
        return np.asarray(output, dtype=np.float32)

    def _quick_checked(self, X):
        """``_validate_data(X)`` for the fast path: a finite float matrix of the fitted shape
        passes as is (SciKeras' checks cost more than the prediction); anything else gets
        the full checks and their errors."""
        values = np.asarray(X) if not sparse.issparse(X) else None
        if (values is not None and values.dtype.kind == "f" and values.ndim == 2
                and values.shape[1:] == tuple(self.X_shape_[1:])
                and np.can_cast(values.dtype, self.X_dtype_) and np.isfinite(values).all()):
            return values
        return self._validate_data(X=X, y=None)[0]

    def _record_epochs(self):
        history = getattr(self, "history_", {})
        self.epochs_run_ = len(history.get("loss", []))
        val = history.get("val_loss")
        if val and self.early_stopping is not None:
            self.best_epoch_ = int(np.argmin(val)) + 1  # the weights early stopping restored
        else:
            self.best_epoch_ = self.epochs_run_


class _LabelEncoder(ClassifierLabelEncoder):
    """SciKeras' label encoder, plus one-hot labels for a binary target under categorical
    cross-entropy (two softmax units, as in the course's car network); SciKeras alone feeds
    such a network a single 0/1 column."""

    def transform(self, y):
        encoded = super().transform(y)
        if self._target_type == "binary" and _is_categorical(self.loss):
            return np.eye(2, dtype=encoded.dtype)[encoded.ravel().astype(int)]
        return encoded


def _is_categorical(loss) -> bool:
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)
    return name in ("categorical_crossentropy", "cce", "CategoricalCrossentropy")


class KerasClassifier(_TrainingOptions, _SciKerasClassifier):
    """SciKeras' ``KerasClassifier`` that scikit-learn treats as a classifier.

    Parameters
    ----------
    model : callable or keras.Model
        Model-building function (e.g. :func:`kagglekit.models.dense.build_dense_net`);
        its arguments are set as ``model__<name>``.
    early_stopping : int or None, default=None
        Patience in epochs: stop when the validation loss has not improved for this many
        epochs and restore the best weights. Needs ``validation_split > 0``.
    verbose : int, default=0
        Keras' progress output (0: silent).
    **kwargs
        Everything SciKeras accepts: ``epochs``, ``batch_size``, ``optimizer``,
        ``optimizer__learning_rate``, ``validation_split``, ``random_state``, ``callbacks``...

    Attributes
    ----------
    epochs_run_ : int
        Epochs trained in the last ``fit``.
    best_epoch_ : int
        The epoch whose weights the model holds (the best one under early stopping).
    """

    _single_output = True

    @property
    def target_encoder(self):
        categories = "auto" if self.classes_ is None else [self.classes_]
        return _LabelEncoder(loss=self.loss, categories=categories)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.regressor_tags = None
        tags.target_tags.required = True
        return tags

    def predict_proba(self, X, **kwargs):
        proba = super().predict_proba(X, **kwargs)
        if proba.ndim == 1:  # SciKeras squeezes one row to (n_classes,), one class to (n_rows,)
            proba = proba.reshape(-1, len(self.classes_))
        return proba


class KerasRegressor(_TrainingOptions, _SciKerasRegressor):
    """SciKeras' ``KerasRegressor`` with declared regressor tags (see :class:`KerasClassifier`
    for the parameters). Multi-output targets (2-D ``y``) give one linear unit per output."""

    _single_output = False

    def predict(self, X, **kwargs):
        # Keras computes in float32; scikit-learn expects regressors to return float64.
        return np.asarray(super().predict(X, **kwargs), dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.classifier_tags = None
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags
