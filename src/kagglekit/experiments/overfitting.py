"""``overfitting``: IMDB reviews as multi-hot vectors, a 16-16-1 dense net, and the course's
three cures (L2, dropout, early stopping) against the plain baseline."""

from __future__ import annotations

import numpy as np

from kagglekit.data.imdb import load_imdb, multi_hot
from kagglekit.evaluation.curves import overfits
from kagglekit.experiments.figures import learning_curves
from kagglekit.experiments.report import ExperimentResult, Finding

VARIANTS = {
    "baseline": {},
    "L2(0.001)": {"model__l2": 0.001},
    "dropout(0.5)": {"model__dropout": 0.5},
    "early stopping(2)": {"early_stopping": 2},
}
"""Each variant's settings on top of the shared network."""


def run(*, seed: int = 0, num_words: int = 500, epochs: int = 20, batch_size: int = 128,
        validation_split: float = 0.2, rows: int | None = None,
        data_dir=None) -> ExperimentResult:
    """Train the four variants on the same reviews and compare their curves.

    The last ``validation_split`` of the training reviews is the validation set (Keras'
    rule); the test reviews are only used for the final accuracy. ``rows`` limits the
    training and test reviews (for quick runs)."""
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    (x_train, y_train), (x_test, y_test) = load_imdb(num_words, data_dir)
    if rows:
        x_train, y_train, x_test, y_test = x_train[:rows], y_train[:rows], x_test[:rows], \
            y_test[:rows]
    X, X_test = multi_hot(x_train, num_words), multi_hot(x_test, num_words)
    shared = {"model__hidden": (16, 16), "optimizer": "rmsprop",
              "optimizer__learning_rate": 1e-3, "epochs": epochs, "batch_size": batch_size,
              "validation_split": validation_split, "random_state": seed}
    curves, rows_out = {}, []
    for variant, settings in VARIANTS.items():
        net = KerasClassifier(model=build_dense_net, **{**shared, **settings}).fit(X, y_train)
        loss, val = [float(v) for v in net.history_["loss"]], \
            [float(v) for v in net.history_["val_loss"]]
        curves[variant] = {"loss": loss, "val_loss": val}
        accuracy = float(np.mean(net.predict(X_test) == y_test))
        rows_out.append([variant, int(np.argmin(val)) + 1, len(loss), round(min(val), 4),
                         round(val[-1] - loss[-1], 4), round(accuracy, 4)])
    result = ExperimentResult(
        name="overfitting",
        title="Overfitting and three cures (IMDB, 16-16-1 dense net)",
        summary=(f"{len(X)} training reviews ({validation_split:.0%} of them for validation), "
                 f"{len(X_test)} test reviews, multi-hot over the {num_words} most frequent "
                 f"words; a 16-16-1 ReLU net trained for up to {epochs} epochs with RMSprop. "
                 "The gap is validation minus training loss at the last epoch run."),
        settings={"num_words": num_words, "epochs": epochs, "batch_size": batch_size,
                  "validation_split": validation_split, "train_rows": len(X),
                  "test_rows": len(X_test)},
        seed=seed, curves=curves,
        tables={"Variants": {"columns": ["variant", "best validation epoch", "epochs run",
                                         "best validation loss", "final gap (val - train)",
                                         "test accuracy"], "rows": rows_out}})
    result.findings = findings(curves)
    result.figures["learning_curves.png"] = learning_curves(
        "Training (solid) and validation (dashed) loss; dotted: best validation epoch", curves)
    return result


def findings(curves: dict[str, dict]) -> list[Finding]:
    """The course's two claims, checked on the measured curves."""
    base = curves["baseline"]
    rises = overfits(base["loss"], base["val_loss"])
    best = int(np.argmin(base["val_loss"])) + 1
    turn = Finding(
        claim="the baseline's validation loss turns upward while its training loss keeps falling",
        measured=(f"baseline validation loss is lowest at epoch {best} "
                  f"({min(base['val_loss']):.4f}) and ends at {base['val_loss'][-1]:.4f}; "
                  f"training loss goes from {base['loss'][0]:.4f} to {base['loss'][-1]:.4f}."),
        holds=rises)
    gaps = {v: c["val_loss"][-1] - c["loss"][-1] for v, c in curves.items()}
    smaller = [v for v in gaps if v != "baseline" and gaps[v] < gaps["baseline"]]
    others = [v for v in gaps if v != "baseline"]
    gap = Finding(
        claim="each regularized variant ends with a smaller train/validation gap",
        measured="final gaps: " + ", ".join(f"{v} {g:.4f}" for v, g in gaps.items())
                 + f"; smaller than the baseline's: {', '.join(smaller) or 'none'}.",
        holds=len(smaller) == len(others))
    return [turn, gap]
