"""Train on a data set's official training split, score on its labelled test split (the
MNIST way of reporting), with the confusion matrix and the learning curve. What is printed and
written about it: :mod:`kagglekit.reports.holdout`."""

from __future__ import annotations

import sys

import numpy as np
from sklearn.base import clone
from sklearn.metrics import confusion_matrix

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.engine import fit_and_score, plain, task_of
from kagglekit.pipelines.params import final_estimator
from kagglekit.seeding import seed_pipeline


def evaluate_holdout(pipeline, X, y, X_test, y_test, *, seed: int = 0,
                     name: str = "pipeline", class_names=None) -> dict:
    """Fit a seeded clone of ``pipeline`` on ``X, y`` and score it on ``X_test, y_test``.

    ``class_names`` (e.g. ``Dataset.class_names``) names the labels 0, 1, ... in the report.

    Returns
    -------
    dict
        ``pipeline, task, seed, train_rows, test_rows``, the task's metrics on the test
        split (``accuracy`` and ``log_loss`` for classifiers), ``train_seconds``,
        ``predict_seconds``, ``epochs_run`` and ``n_weights`` (Keras models' weight count;
        an ensemble of networks: the members' totals), ``members`` (each member's test
        accuracy, or None when the model is no ensemble), ``classes``,
        ``class_names`` (or None), ``confusion`` (rows: true class, columns: predicted) and
        ``history`` (Keras models: per-epoch training loss, and the test split's loss and
        accuracy after each epoch, watched only: training never sees them).
        ``train_seconds`` leaves out ``monitor_seconds``, the time spent watching.
    """
    if y_test is None:
        raise KagglekitError(f"{name}: this data set has no labelled test split; use "
                             "cross-validation (evaluate without --holdout)")
    y, y_test = np.asarray(y), np.asarray(y_test)
    pipeline = seed_pipeline(clone(pipeline), seed)
    task = task_of(pipeline, y, 2)
    if task == "regression":
        raise KagglekitError("--holdout reports classifiers; regression test scores come with "
                             "the cross-validation (evaluate without --holdout)")
    classes = np.unique(np.concatenate([y, y_test]))
    names = _names(classes, class_names)  # a mistake shows before the training, not after
    monitor = _watch_test_split(pipeline, X, y, X_test, y_test)
    result = fit_and_score(pipeline, X, y, X_test, y_test, task)
    labels = np.asarray(pipeline.classes_)[np.argmax(result["output"], axis=1)]
    history, watched = result["history"], 0.0
    if monitor is not None and history is not None:
        history = {**history, "test_loss": monitor.loss, "test_accuracy": monitor.accuracy}
        watched = monitor.seconds
    return {"pipeline": name, "task": task, "seed": seed, "train_rows": len(y),
            "test_rows": len(y_test), "accuracy": round(float(result["accuracy"]), 6),
            "log_loss": round(float(result["log_loss"]), 6),
            "train_seconds": round(result["fit_seconds"] - watched, 2),
            "monitor_seconds": round(watched, 2),
            "predict_seconds": round(result["predict_seconds"], 2),
            "epochs_run": result["epochs"], "n_weights": result["n_weights"],
            "members": result["members"],
            "classes": [plain(c) for c in classes],
            "class_names": names,
            "confusion": confusion_matrix(y_test, labels, labels=classes).tolist(),
            "history": history}


def _watch_test_split(pipeline, X, y, X_test, y_test):
    """Hang a :class:`~kagglekit.models.keras.HeldOutMonitor` on the Keras classifier that ends
    ``pipeline``, fed the test rows through a copy of the preprocessing fitted on the training
    rows. None for other models, ensembles (their members are copies) and test labels the
    training rows lack."""
    keras_layer = sys.modules.get("kagglekit.models.keras")  # not loaded: no Keras model here
    final = final_estimator(pipeline)
    if keras_layer is None or not isinstance(final, keras_layer.KerasClassifier):
        return None
    classes = np.unique(y)
    if not np.isin(y_test, classes).all():
        return None
    rows = X_test
    if hasattr(pipeline, "steps") and len(pipeline.steps) > 1:
        rows = clone(pipeline[:-1]).fit(X, y).transform(X_test)
    monitor = keras_layer.HeldOutMonitor(rows, np.searchsorted(classes, y_test), len(classes))
    final.set_params(fit__callbacks=[*(getattr(final, "fit__callbacks", None) or []), monitor])
    return monitor


def _names(classes, class_names) -> list[str] | None:
    """The name of each class label (labels 0..k-1 index ``class_names``)."""
    if class_names is None:
        return None
    try:
        return [str(class_names[int(c)]) for c in classes]
    except (IndexError, TypeError, ValueError):
        raise KagglekitError(f"class_names has {len(class_names)} names; the labels "
                             f"{[plain(c) for c in classes]} are not 0..{len(class_names) - 1}"
                             ) from None
