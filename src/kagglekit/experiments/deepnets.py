"""``activations`` and ``initializers``: the same deep dense net on the same fixed task, with
one thing changed at a time.

The task is scikit-learn's two interleaving half-moons (noise 0.25, standardized, seeded): easy
for a working network, so a curve that stays flat means the network did not train, not that
the task is hard.
"""

from __future__ import annotations

import numpy as np

from kagglekit.experiments.figures import grouped_bars, learning_curves
from kagglekit.experiments.report import ExperimentResult, Finding

ACTIVATIONS = ("sigmoid", "tanh", "relu", "elu")
INITIALIZERS = {
    "zeros": {"model__kernel_initializer": "zeros"},
    "constant(0.05)": {"model__kernel_initializer": "constant", "model__init_value": 0.05},
    "random_normal(0.01)": {"model__kernel_initializer": "random_normal",
                            "model__init_stddev": 0.01},
    "glorot_uniform": {"model__kernel_initializer": "glorot_uniform"},
    "he_normal": {"model__kernel_initializer": "he_normal"},
}


def moons(rows: int, seed: int):
    """The fixed task: standardized half-moons, ``rows`` points."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=rows, noise=0.25, random_state=seed)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype("float32"), y


def _net(seed: int, **params):
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    defaults = {"optimizer": "sgd", "optimizer__learning_rate": 0.05, "batch_size": 32,
                "validation_split": 0.25, "random_state": seed}
    return KerasClassifier(model=build_dense_net, **{**defaults, **params})


def _history(net) -> dict:
    return {key: [float(v) for v in net.history_[key]] for key in ("loss", "val_loss")}


def kernel_gradient_norms(net, X, y) -> list[float]:
    """L2 norm of the loss gradient for each Dense kernel, first layer first, at the
    network's current weights, over all of ``X``."""
    import keras
    import tensorflow as tf

    model = net.model_
    kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
    loss_of = keras.losses.get(model.loss)
    with tf.GradientTape() as tape:
        predicted = model(X, training=False)
        target = tf.reshape(tf.cast(y, predicted.dtype), predicted.shape)
        loss = tf.reduce_mean(loss_of(target, predicted))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


def activations(*, seed: int = 0, depth: int = 10, width: int = 32, epochs: int = 40,
                rows: int = 2000) -> ExperimentResult:
    """Per-layer gradient norms at the first epoch (the initial weights) and the learning
    curves of a ``depth``-layer net with each activation."""
    X, y = moons(rows, seed)
    hidden = (width,) * depth
    curves, norms, table = {}, {}, []
    for activation in ACTIVATIONS:
        net = _net(seed, model__hidden=hidden, model__activation=activation, epochs=epochs)
        net.initialize(X, y)
        norms[activation] = kernel_gradient_norms(net, X, y)
        net.fit(X, y)  # same seed: starts again from the same initial weights
        curves[activation] = _history(net)
        first, last = norms[activation][0], norms[activation][-1]
        table.append([activation, f"{first:.2e}", f"{last:.2e}", f"{first / last:.2e}",
                      round(curves[activation]["loss"][-1], 4),
                      round(curves[activation]["val_loss"][-1], 4)])
    result = ExperimentResult(
        name="activations", title=f"Vanishing gradients: a {depth}-layer dense net, four "
                                   "activations",
        summary=(f"{depth} hidden layers of {width} units on {rows} half-moon points (a quarter "
                 f"for validation), plain SGD (learning rate 0.05), Glorot-uniform weights, "
                 f"{epochs} epochs. Gradient norms are taken at the initial weights, over all "
                 "training points, for each Dense kernel (layer 1 is next to the input)."),
        settings={"depth": depth, "width": width, "epochs": epochs, "rows": rows,
                  "optimizer": "sgd", "learning_rate": 0.05}, seed=seed, curves=curves,
        tables={"Gradient norms and final losses": {
            "columns": ["activation", "layer 1 gradient", "output layer gradient",
                        "ratio (layer 1 / output)", "final training loss",
                        "final validation loss"], "rows": table}})
    ratios = {a: norms[a][0] / norms[a][-1] for a in ACTIVATIONS}
    weakest = min(ratios, key=ratios.get)
    result.findings = [
        Finding(claim="with sigmoid, the gradient vanishes on its way back to the first layers",
                measured="layer-1 / output-layer gradient norm: " + ", ".join(
                    f"{a} {r:.1e}" for a, r in ratios.items()) + f"; smallest: {weakest}.",
                holds=weakest == "sigmoid" and ratios["sigmoid"] < 0.1),
        Finding(claim="relu and elu train the deep net where sigmoid stalls",
                measured="final training loss: " + ", ".join(
                    f"{a} {curves[a]['loss'][-1]:.4f}" for a in ACTIVATIONS)
                + " (0.693 is a coin toss).",
                holds=max(curves[a]["loss"][-1] for a in ("relu", "elu"))
                < curves["sigmoid"]["loss"][-1]),
    ]
    layers = [f"{i + 1}" for i in range(depth)] + ["out"]
    result.figures["gradient_norms.png"] = grouped_bars(
        "Gradient norm per Dense kernel at the initial weights", norms, layers,
        ylabel="‖∂loss/∂kernel‖ (log scale)")
    result.figures["learning_curves.png"] = learning_curves(
        "Training (solid) and validation (dashed) loss per activation", curves)
    return result


def initializers(*, seed: int = 0, hidden: tuple = (16, 16, 16), epochs: int = 40,
                 rows: int = 2000) -> ExperimentResult:
    """Learning curves of the same ReLU net from five initial weight settings, and how many
    distinct units each hidden layer ends with (symmetry)."""
    X, y = moons(rows, seed)
    curves, table, distinct = {}, [], {}
    for variant, settings in INITIALIZERS.items():
        net = _net(seed, model__hidden=hidden, epochs=epochs, **settings).fit(X, y)
        curves[variant] = _history(net)
        distinct[variant] = distinct_units(net.model_)
        table.append([variant, round(curves[variant]["loss"][-1], 4),
                      round(curves[variant]["val_loss"][-1], 4),
                      round(float(np.mean(net.predict(X) == y)), 4),
                      " / ".join(map(str, distinct[variant]))])
    result = ExperimentResult(
        name="initializers", title="Initial weights: zeros, constant, small random, Glorot, He",
        summary=(f"A ReLU net {'-'.join(map(str, hidden))} on {rows} half-moon points (a "
                 f"quarter for validation), plain SGD (learning rate 0.05), {epochs} epochs; "
                 "only the kernel initializer changes (biases start at zero). Distinct units: "
                 "hidden units of a layer whose incoming weights differ after training."),
        settings={"hidden": list(hidden), "epochs": epochs, "rows": rows, "optimizer": "sgd",
                  "learning_rate": 0.05}, seed=seed, curves=curves,
        tables={"Initializers": {"columns": ["initializer", "final training loss",
                                             "final validation loss", "training accuracy",
                                             "distinct units per hidden layer"],
                                 "rows": table}})
    width = sum(hidden)
    result.findings = [
        Finding(claim="a constant start keeps the units of a layer identical (symmetry is "
                      "never broken), so the net acts as if each layer had one unit",
                measured=f"distinct units after training with constant(0.05): "
                         f"{' / '.join(map(str, distinct['constant(0.05)']))} of "
                         f"{' / '.join(map(str, hidden))}.",
                holds=sum(distinct["constant(0.05)"]) == len(hidden)),
        Finding(claim="all-zero weights do not train at all",
                measured=f"final training loss with zeros: {curves['zeros']['loss'][-1]:.4f} "
                         f"(0.693 is a coin toss).",
                holds=bool(abs(curves["zeros"]["loss"][-1] - np.log(2)) < 0.01)),
        Finding(claim="Glorot and He start every unit differently and train well",
                measured=f"distinct units: Glorot {sum(distinct['glorot_uniform'])}, He "
                         f"{sum(distinct['he_normal'])} of {width}; final training loss "
                         f"{curves['glorot_uniform']['loss'][-1]:.4f} and "
                         f"{curves['he_normal']['loss'][-1]:.4f}.",
                holds=sum(distinct["glorot_uniform"]) == sum(distinct["he_normal"]) == width),
    ]
    result.figures["learning_curves.png"] = learning_curves(
        "Training (solid) and validation (dashed) loss per initializer", curves)
    return result


def distinct_units(model, decimals: int = 6) -> list[int]:
    """For each hidden Dense layer, how many units have different incoming weights and bias."""
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")][:-1]
    counts = []
    for layer in dense:
        kernel, bias = (np.asarray(w) for w in layer.get_weights()[:2])
        units = np.vstack([kernel, bias[None, :]]).T.round(decimals)
        counts.append(len(np.unique(units, axis=0)))
    return counts
