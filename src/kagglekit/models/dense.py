"""Dense (fully connected) network builder whose output layer and loss follow the target."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ACTIVATIONS = ("relu", "elu", "tanh", "sigmoid", "linear", "selu", "gelu")
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal",
                "random_normal", "zeros", "ones", "constant")


def output_spec(meta: dict, loss=None) -> tuple[int, str, object]:
    """Units, activation and default loss of the output layer for a target.

    ``meta`` is SciKeras' metadata: ``target_type_`` and ``n_classes_`` / ``n_outputs_``.
    An explicit ``loss`` (e.g. ``"categorical_crossentropy"``) wins over the default.

    ======================  =====================  ==================================
    target                  output                 loss
    ======================  =====================  ==================================
    binary                  1 unit, sigmoid        binary cross-entropy
    binary, one-hot         2 units, softmax       categorical cross-entropy (if asked)
    multiclass (integers)   n classes, softmax     sparse categorical cross-entropy
    multiclass (one-hot)    n classes, softmax     categorical cross-entropy
    continuous (k outputs)  k units, linear        mean squared error
    ======================  =====================  ==================================
    """
    target = meta.get("target_type_")
    # SciKeras reports one-hot labels as "multilabel-indicator"; its encoder knows better.
    target = getattr(meta.get("target_encoder_"), "_target_type", target)
    if "n_classes_" not in meta:  # KerasRegressor: every target is continuous
        return int(meta.get("n_outputs_", 1)), "linear", loss or "mean_squared_error"
    if target == "binary":
        if _name(loss) == "categorical_crossentropy":  # one-hot labels, one unit per class
            return 2, "softmax", loss
        return 1, "sigmoid", loss or "binary_crossentropy"
    if target == "multiclass":
        return int(meta["n_classes_"]), "softmax", loss or "sparse_categorical_crossentropy"
    if target == "multiclass-onehot":
        return int(meta["n_classes_"]), "softmax", loss or "categorical_crossentropy"
    raise ValueError(f"dense nets do not support targets of type {target!r}")


def _name(loss) -> str | None:
    return getattr(loss, "__name__", loss) if not isinstance(loss, str) else loss


def build_dense_net(meta: dict, compile_kwargs: dict, hidden: Sequence[int] = (64, 32),
                    activation: str = "relu", dropout: float = 0.0, l1: float = 0.0,
                    l2: float = 0.0, kernel_initializer: str = "glorot_uniform",
                    init_stddev: float = 0.05, init_value: float = 0.05,
                    batch_norm: bool = False):
    """Build and compile a dense network; SciKeras calls this with ``model__*`` parameters.

    Parameters
    ----------
    meta, compile_kwargs : dict
        Passed by SciKeras: the fitted target/feature metadata and the compile arguments
        (optimizer with its routed ``optimizer__*`` settings, loss, metrics).
    hidden : sequence of int
        Units per hidden layer; ``()`` gives logistic / linear regression.
    activation : str
        Hidden-layer activation, one of ``relu, elu, tanh, sigmoid, linear, selu, gelu``.
    dropout : float
        Dropout rate after each hidden layer (0 disables it).
    l1, l2 : float
        Weight penalties on every Dense kernel.
    kernel_initializer : str
        ``glorot_uniform`` (Keras' default), ``he_normal``, ``random_normal`` (with
        ``init_stddev``), ``zeros`` (for teaching: every unit stays identical) and others in
        :data:`INITIALIZERS`.
    init_stddev : float
        Standard deviation for ``random_normal``.
    init_value : float
        Every weight's starting value for ``constant`` (for teaching: symmetry).
    batch_norm : bool
        Batch normalization before each hidden activation.
    """
    import keras

    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if kernel_initializer not in INITIALIZERS:
        raise ValueError(f"kernel_initializer must be one of {INITIALIZERS}, "
                         f"got {kernel_initializer!r}")
    if isinstance(hidden, str) or not all(isinstance(h, int | np.integer) and h > 0
                                          for h in hidden):
        raise ValueError(f"hidden must be a sequence of positive layer sizes such as (64, 32), "
                         f"got {hidden!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    units, out_activation, loss = output_spec(meta, compile_kwargs.get("loss"))

    def initializer():
        if kernel_initializer == "random_normal":
            return keras.initializers.RandomNormal(stddev=init_stddev)
        if kernel_initializer == "constant":
            return keras.initializers.Constant(init_value)
        return kernel_initializer

    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    inputs = keras.Input(shape=(int(meta["n_features_in_"]),))
    x = inputs
    for size in hidden:
        x = keras.layers.Dense(int(size), kernel_initializer=initializer(),
                               kernel_regularizer=regularizer,
                               use_bias=not batch_norm)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation(activation)(x)
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(units, activation=out_activation,
                                 kernel_initializer=initializer(),
                                 kernel_regularizer=regularizer)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=compile_kwargs["optimizer"], loss=loss,
                  metrics=compile_kwargs.get("metrics"),
                  run_eagerly=bool(compile_kwargs.get("run_eagerly")))
    return model


def layer_summary(model) -> list[dict]:
    """One row per layer of a built Keras model: name, type, output shape, parameter count.

    A Dense layer with ``n`` inputs and ``k`` units has ``n * k + k`` parameters (weights and
    biases); the input layer has none.
    """
    return [{"layer": layer.name, "type": type(layer).__name__,
             "output_shape": str(tuple(layer.output.shape)), "params": int(layer.count_params())}
            for layer in model.layers]
