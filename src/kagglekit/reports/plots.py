"""Report plots as PNG bytes: loss curves per fold, confusion matrix, ROC curve, residuals.

matplotlib is imported inside the functions, so importing kagglekit stays light. The figures
are built on ``matplotlib.figure.Figure`` directly (rendered by the Agg backend, no display),
never through pyplot, so they leave no global state behind and change no user's backend.
"""

from __future__ import annotations

import io
import re

import numpy as np

from kagglekit.evaluation.curves import overfits

_COLUMNS = 3  # loss-curve panels per row


def new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def loss_curves(name: str, histories: list[dict]) -> bytes:
    """Training (and validation, when there was a split) loss per epoch, one panel per fold,
    with the epoch whose weights were kept marked and overfitting folds named in red."""
    rows = -(-len(histories) // _COLUMNS)
    columns = min(len(histories), _COLUMNS)
    fig = new_figure(4.2 * columns, 3.2 * rows + 0.4)
    axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
    for i, (ax, history) in enumerate(zip(axes.flat, histories, strict=False)):
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax.plot(epochs, history["loss"], marker="o", markersize=3, label="training loss")
        if history["val_loss"]:
            ax.plot(epochs, history["val_loss"], marker="o", markersize=3, linestyle="--",
                    label="validation loss")
        ax.axvline(history["best_epoch"], color="grey", linestyle=":",
                   label=f"weights kept (epoch {history['best_epoch']})")
        flag = overfits(history["loss"], history["val_loss"])
        note = {True: ": overfitting", False: "", None: " (no validation split)"}[flag]
        ax.set_title(f"fold {i + 1}{note}", color="tab:red" if flag else "black")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    for ax in list(axes.flat)[len(histories):]:
        ax.set_visible(False)
    fig.suptitle(f"{name}: training vs validation loss per fold")
    fig.tight_layout()
    return png_bytes(fig)


def holdout_curves(name: str, history: dict) -> bytes:
    """Per epoch: training loss beside the test split's loss (left), the test accuracy
    (right, when watched)."""
    from matplotlib.ticker import MaxNLocator

    watched = bool(history.get("test_loss"))
    fig = new_figure(9 if watched else 4.8, 3.6)
    axes = fig.subplots(1, 2 if watched else 1, squeeze=False).flat
    epochs = np.arange(1, len(history["loss"]) + 1)
    axes[0].plot(epochs, history["loss"], marker="o", markersize=3, label="training loss")
    if history.get("val_loss"):
        axes[0].plot(epochs, history["val_loss"], marker="o", markersize=3, linestyle=":",
                     label="validation loss")
    if watched:
        axes[0].plot(epochs, history["test_loss"], marker="o", markersize=3, linestyle="--",
                     label="test loss (watched)")
        axes[1].plot(epochs, history["test_accuracy"], marker="o", markersize=3,
                     color="tab:green")
        axes[1].set_ylabel("test accuracy")
        axes[1].set_title(f"test accuracy after each epoch (last: "
                          f"{history['test_accuracy'][-1]:.4f})")
    axes[0].set_ylabel("loss")
    axes[0].set_title("loss per epoch")
    axes[0].legend(fontsize="small")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    fig.suptitle(f"{name}: learning curve (the test split is watched, never trained on)"
                 if watched else f"{name}: learning curve")
    fig.tight_layout()
    return png_bytes(fig)


def confusion(name: str, truth, predicted, *, names=None,
              predictions: str = "out-of-fold") -> bytes:
    """Confusion matrix of predictions (counts, rows: true class); ``names`` maps a class label
    to the text on the axes (e.g. Fashion-MNIST's clothes), ``predictions`` says which
    predictions these are, in the title."""
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(truth) | set(predicted), key=str)
    matrix = confusion_matrix(truth, predicted, labels=labels)
    size = 2.6 + 0.6 * len(labels)
    fig = new_figure(size + 1, size)
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax, label="count")
    ticks = np.arange(len(labels))
    texts = [str((names or {}).get(v, v)) for v in labels]
    slanted = any(len(text) > 3 for text in texts)  # long names would overlap
    ax.set_xticks(ticks, texts, rotation=45 if slanted else 0,
                  ha="right" if slanted else "center")
    ax.set_yticks(ticks, texts)
    middle = matrix.max() / 2
    for (row, column), count in np.ndenumerate(matrix):
        ax.text(column, row, str(count), ha="center", va="center",
                color="white" if count > middle else "black")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"{name}: confusion matrix ({predictions})")
    return png_bytes(fig)


def roc(curves: dict[str, tuple], positive) -> bytes:
    """ROC curves of out-of-fold P(positive class), one line per model.

    Parameters
    ----------
    curves : dict
        Model name -> (true labels, out-of-fold probability of ``positive``).
    positive : label of the positive class.
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    fig = new_figure(5.5, 5)
    ax = fig.subplots()
    for name, (truth, proba) in curves.items():
        hit = np.asarray(truth) == positive
        fpr, tpr, _ = roc_curve(hit, proba)
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(hit, proba):.3f})")
    return _roc_finish(fig, ax, f"ROC curve (out-of-fold, positive class {positive})")


def roc_per_class(name: str, truth, proba, classes) -> bytes:
    """One-vs-rest ROC curves of a multiclass model: one line per class, from the out-of-fold
    probability of that class."""
    from sklearn.metrics import roc_auc_score, roc_curve

    truth, proba = np.asarray(truth), np.asarray(proba)
    fig = new_figure(5.5, 5)
    ax = fig.subplots()
    for column, label in enumerate(classes):
        hit = truth == label
        fpr, tpr, _ = roc_curve(hit, proba[:, column])
        ax.plot(fpr, tpr, label=f"{label} vs rest (AUC {roc_auc_score(hit, proba[:, column]):.3f})")
    return _roc_finish(fig, ax, f"{name}: ROC per class (out-of-fold)")


def _roc_finish(fig, ax, title: str) -> bytes:
    """The chance diagonal, axes, title, legend and grid of a ROC figure, as PNG."""
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def residuals(name: str, truth, predicted) -> bytes:
    """Residual (prediction minus truth) against prediction, for out-of-fold predictions."""
    truth, predicted = np.asarray(truth, dtype=float), np.asarray(predicted, dtype=float)
    fig = new_figure(6, 4.5)
    ax = fig.subplots()
    ax.scatter(predicted, predicted - truth, s=10, alpha=0.6, label="one row")
    ax.axhline(0, color="grey", linestyle="--", label="no error")
    ax.set_xlabel("out-of-fold prediction")
    ax.set_ylabel("residual (prediction - truth)")
    ax.set_title(f"{name}: residuals (out-of-fold)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def report_plots(results: list, y) -> tuple[dict, dict[str, bytes]]:
    """Every plot of a report: the index stored in ``report.json`` and the PNG bytes.

    Parameters
    ----------
    results : list of CVResult
    y : the training target (out-of-fold predictions are compared with it).

    Returns
    -------
    index : dict
        ``loss`` / ``confusion`` / ``roc_per_class`` (multiclass) / ``residuals``: model name
        -> PNG path inside the report folder; ``roc``: the path of the ROC plot of all binary
        classifiers, or None.
    images : dict
        PNG path -> PNG bytes.
    """
    truth = np.asarray(y)
    index = {"loss": {}, "confusion": {}, "roc_per_class": {}, "residuals": {}, "roc": None}
    images = {}

    def add(kind: str, name: str, png: bytes) -> str:
        path = f"plots/{kind}-{_slug(name)}.png"
        images[path] = png
        return path

    for r in results:
        if r.histories:
            index["loss"][r.pipeline] = add("loss", r.pipeline,
                                            loss_curves(r.pipeline, r.histories))
        if r.oof_labels is not None:
            index["confusion"][r.pipeline] = add("confusion", r.pipeline,
                                                 confusion(r.pipeline, truth, r.oof_labels))
        if r.oof_class_proba is not None:
            index["roc_per_class"][r.pipeline] = add(
                "roc", r.pipeline, roc_per_class(r.pipeline, truth, r.oof_class_proba, r.classes))
        if r.task == "regression" and r.oof_proba is not None:
            index["residuals"][r.pipeline] = add("residuals", r.pipeline,
                                                 residuals(r.pipeline, truth, r.oof_proba))
    binary = {r.pipeline: (truth, r.oof_proba) for r in results
              if r.task == "binary" and r.oof_proba is not None}
    if binary:
        index["roc"] = "plots/roc.png"
        images[index["roc"]] = roc(binary, positive=np.unique(truth)[1])
    return index, images


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "model"
