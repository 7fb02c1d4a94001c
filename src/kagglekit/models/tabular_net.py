"""The tabular network's Keras layers (``--model net``; its scikit-learn estimators are in
:mod:`kagglekit.models.tabular`): one float32 matrix in (numeric columns first, then integer
category codes), an MLP, and optionally k heads that share it (TabM-mini, Gorishniy et al.
2025).

What goes in (see :func:`build_tabular_net`):

- numeric columns, already scaled and clipped by the estimator; optionally each one expanded
  by a learned periodic embedding (cosines of learned frequencies, then a per-column linear
  map, plus the value itself; the "PBLD" embedding of RealMLP, Holzmüller et al. 2024);
- each category code column one-hot encoded when it has few codes, else looked up in a
  learned embedding table; code 0 is the "unknown" level (unseen, rare or out of range).

Only Keras ops run inside the model, so it runs on a GPU as on a CPU; every custom layer and
the loss are registered, so a fitted model saves and pickles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from kagglekit.models.dense import output_spec

ACTIVATIONS = ("relu", "selu", "gelu", "mish", "silu")
NUMERIC_EMBEDDINGS = (None, "periodic")


@keras.saving.register_keras_serializable(package="kagglekit")
class TabularInputs(keras.layers.Layer):
    """The network's first layer: numeric columns (optionally embedded) and category codes
    (one-hot or embedded), concatenated into one vector per row.

    Parameters
    ----------
    n_numeric : int
        The first ``n_numeric`` input columns are numbers; the others are category codes.
    cardinalities : sequence of int
        Codes of each code column (0 = unknown included); a code outside ``[0, card)`` is
        read as 0.
    one_hot_max : int
        Code columns with at most this many codes are one-hot encoded, the others embedded.
    embedding_dim : int
        Width of a category embedding (capped at the column's number of codes).
    numeric_embedding : {None, "periodic"}
    n_frequencies : int
        Cosines per numeric column for the periodic embedding.
    frequency_scale : float
        Standard deviation of the initial frequencies (inputs are scaled to about [-3, 3]).
    numeric_dim : int
        Output width per numeric column of the periodic embedding (the value itself included).
    """

    def __init__(self, n_numeric: int, cardinalities: Sequence[int], one_hot_max: int = 8,
                 embedding_dim: int = 16, numeric_embedding: str | None = None,
                 n_frequencies: int = 16, frequency_scale: float = 1.0, numeric_dim: int = 4,
                 **kwargs):
        super().__init__(**kwargs)
        self.n_numeric = int(n_numeric)
        self.cardinalities = [int(c) for c in cardinalities]
        self.one_hot_max = int(one_hot_max)
        self.embedding_dim = int(embedding_dim)
        self.numeric_embedding = numeric_embedding
        self.n_frequencies = int(n_frequencies)
        self.frequency_scale = float(frequency_scale)
        self.numeric_dim = int(numeric_dim)

    def build(self, input_shape):
        n = self.n_numeric
        if self.numeric_embedding == "periodic" and n:
            self.frequencies = self.add_weight(
                shape=(n, self.n_frequencies), name="frequencies",
                initializer=keras.initializers.RandomNormal(stddev=self.frequency_scale))
            self.phases = self.add_weight(
                shape=(n, self.n_frequencies), name="phases",
                initializer=keras.initializers.RandomUniform(-math.pi, math.pi))
            self.periodic_kernel = self.add_weight(
                shape=(n, self.n_frequencies, self.numeric_dim - 1), name="periodic_kernel",
                initializer=keras.initializers.RandomUniform(
                    -1 / math.sqrt(self.n_frequencies), 1 / math.sqrt(self.n_frequencies)))
            self.periodic_bias = self.add_weight(shape=(n, self.numeric_dim - 1),
                                                 name="periodic_bias", initializer="zeros")
        self.tables = []
        for j, card in enumerate(self.cardinalities):
            if card > self.one_hot_max:
                self.tables.append(self.add_weight(
                    shape=(card, self._embedding_width(card)), name=f"embedding_{j}",
                    initializer=keras.initializers.RandomNormal(stddev=1.0)))
            else:
                self.tables.append(None)

    def _embedding_width(self, card: int) -> int:
        return min(self.embedding_dim, card)

    def output_width(self) -> int:
        width = self.n_numeric * (self.numeric_dim if self.numeric_embedding == "periodic"
                                  else 1)
        for card in self.cardinalities:
            width += card if card <= self.one_hot_max else self._embedding_width(card)
        return width

    def call(self, x):
        parts = []
        n = self.n_numeric
        if n:
            numeric = ops.cast(x[:, :n], self.compute_dtype)
            if self.numeric_embedding == "periodic":
                angles = (2 * math.pi) * numeric[:, :, None] * ops.cast(
                    self.frequencies, self.compute_dtype)[None] + ops.cast(
                    self.phases, self.compute_dtype)[None]
                waves = ops.einsum("bnf,nfd->bnd", ops.cos(angles),
                                   ops.cast(self.periodic_kernel, self.compute_dtype))
                waves = waves + ops.cast(self.periodic_bias, self.compute_dtype)[None]
                embedded = ops.concatenate([numeric[:, :, None], waves], axis=-1)
                parts.append(ops.reshape(embedded, (-1, n * self.numeric_dim)))
            else:
                parts.append(numeric)
        for j, card in enumerate(self.cardinalities):
            code = ops.cast(ops.round(ops.cast(x[:, n + j], "float32")), "int32")
            code = ops.where((code >= 0) & (code < card), code, ops.zeros_like(code))
            table = self.tables[j]
            if table is None:
                parts.append(ops.one_hot(code, card, dtype=self.compute_dtype))
            else:
                parts.append(ops.cast(ops.take(table, code, axis=0), self.compute_dtype))
        return ops.concatenate(parts, axis=-1) if len(parts) > 1 else parts[0]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_width())

    def get_config(self):
        return {**super().get_config(), "n_numeric": self.n_numeric,
                "cardinalities": self.cardinalities, "one_hot_max": self.one_hot_max,
                "embedding_dim": self.embedding_dim, "numeric_embedding": self.numeric_embedding,
                "n_frequencies": self.n_frequencies, "frequency_scale": self.frequency_scale,
                "numeric_dim": self.numeric_dim}


@keras.saving.register_keras_serializable(package="kagglekit")
class EnsembleInputs(keras.layers.Layer):
    """``(batch, d)`` -> ``(batch, k, d)``: each of the k heads sees the row scaled by its own
    learned vector (TabM-mini's one adapter; random ±1 at the start so the heads differ;
    ones for k = 1, where it is a learned per-feature scale)."""

    def __init__(self, k: int, **kwargs):
        super().__init__(**kwargs)
        self.k = int(k)

    def build(self, input_shape):
        init = "ones" if self.k == 1 else _RandomSigns()
        self.scales = self.add_weight(shape=(self.k, int(input_shape[-1])), name="scales",
                                      initializer=init)

    def call(self, x):
        return x[:, None, :] * ops.cast(self.scales, x.dtype)[None]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.k, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="kagglekit")
class EnsembleHeads(keras.layers.Layer):
    """``(batch, k, h)`` -> ``(batch, k, units)``: one linear output layer per head."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape):
        k, h = int(input_shape[1]), int(input_shape[2])
        limit = 1 / math.sqrt(h)
        self.kernel = self.add_weight(shape=(k, h, self.units), name="kernel",
                                      initializer=keras.initializers.RandomUniform(-limit, limit))
        self.bias = self.add_weight(shape=(k, self.units), name="bias", initializer="zeros")

    def call(self, x):
        kernel = ops.cast(self.kernel, x.dtype)
        return ops.einsum("bkh,khu->bku", x, kernel) + ops.cast(self.bias, x.dtype)[None]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="kagglekit")
class _RandomSigns(keras.initializers.Initializer):
    """Each weight +1 or -1 with equal chance."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        draw = keras.random.uniform(shape, seed=self.seed)
        return ops.cast(ops.where(draw < 0.5, -1.0, 1.0), dtype or "float32")

    def get_config(self):
        return {"seed": self.seed}


@keras.saving.register_keras_serializable(package="kagglekit")
class EnsembleLoss(keras.losses.Loss):
    """The mean over heads of each head's own loss (heads are trained as separate models that
    share weights, as in TabM); predictions are ``(batch, k, units)`` probabilities (or values).

    Parameters
    ----------
    kind : {"binary", "multiclass", "regression"}
    label_smoothing : float
        Classification only: targets moved this far towards uniform.
    """

    def __init__(self, kind: str = "binary", label_smoothing: float = 0.0,
                 name: str = "ensemble_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.kind = kind
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        y_pred = ops.cast(y_pred, "float32")
        units = y_pred.shape[-1]
        if self.kind == "regression":
            target = ops.reshape(ops.cast(y_true, "float32"), (-1, 1, units))
            return ops.mean(ops.square(target - y_pred), axis=(1, 2))
        eps = 1e-7
        p = ops.clip(y_pred, eps, 1.0 - eps)
        smooth = self.label_smoothing
        if self.kind == "binary":
            target = ops.reshape(ops.cast(y_true, "float32"), (-1, 1, 1))
            target = target * (1.0 - smooth) + 0.5 * smooth
            loss = -(target * ops.log(p) + (1.0 - target) * ops.log(1.0 - p))
            return ops.mean(loss, axis=(1, 2))
        target = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), units)
        target = target * (1.0 - smooth) + smooth / units
        return ops.mean(-ops.sum(target[:, None, :] * ops.log(p), axis=-1), axis=1)

    def get_config(self):
        return {**super().get_config(), "kind": self.kind,
                "label_smoothing": self.label_smoothing}


def _kind(meta: dict) -> tuple[str, int, str]:
    """(loss kind, output units, output activation) for SciKeras' target metadata."""
    units, activation, _ = output_spec(meta)
    if "n_classes_" not in meta:
        return "regression", units, "linear"
    if activation == "sigmoid":
        return "binary", units, activation
    if activation == "softmax" and units >= 2:
        return "multiclass", units, activation
    raise ValueError(f"the tabular net does not support targets of type "
                     f"{meta.get('target_type_')!r}")


def build_tabular_net(meta: dict, compile_kwargs: dict, hidden: Sequence[int] = (256, 256, 256),
                      activation: str = "relu", dropout: float = 0.15, n_heads: int = 1,
                      numeric_embedding: str | None = "periodic", n_frequencies: int = 16,
                      frequency_scale: float = 1.0, numeric_dim: int = 4,
                      embedding_dim: int = 16, one_hot_max: int = 8,
                      label_smoothing: float = 0.0):
    """Build and compile the tabular network; SciKeras calls this with ``model__*`` settings.

    Parameters
    ----------
    meta : dict
        SciKeras' metadata plus ``n_numeric_`` and ``cardinalities_`` (set by the estimator:
        how many leading columns are numbers, and the codes of each code column after them).
    compile_kwargs : dict
        SciKeras' compile arguments; the optimizer is used, the loss is always
        :class:`EnsembleLoss` (binary / multiclass cross-entropy, or squared error).
    hidden : sequence of int
        Widths of the shared hidden layers.
    activation : {"relu", "selu", "gelu", "mish", "silu"}
    dropout : float
        Dropout after each hidden layer.
    n_heads : int
        k output heads on the shared MLP, each with its own input scaling (TabM-mini); their
        predictions are averaged by the estimator. Training costs about k times more.
    numeric_embedding : {"periodic", None}
        Periodic embedding of each numeric column, or the scaled values as they are.
    n_frequencies, frequency_scale, numeric_dim :
        The periodic embedding's cosines per column, their initial frequency spread, its
        output width per column.
    embedding_dim : int
        Width of a category embedding.
    one_hot_max : int
        Code columns with at most this many codes (unknown included) are one-hot encoded.
    label_smoothing : float
        Classification only.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if numeric_embedding not in NUMERIC_EMBEDDINGS:
        raise ValueError(f"numeric_embedding must be one of {NUMERIC_EMBEDDINGS}, "
                         f"got {numeric_embedding!r}")
    if isinstance(hidden, str) or not all(isinstance(h, int | np.integer) and h > 0
                                          for h in hidden):
        raise ValueError(f"hidden must be a sequence of positive layer sizes, got {hidden!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    if not isinstance(n_heads, int | np.integer) or n_heads < 1:
        raise ValueError(f"n_heads must be a whole number >= 1, got {n_heads!r}")
    kind, units, out_activation = _kind(meta)
    n_features = int(meta["n_features_in_"])
    cardinalities = list(meta.get("cardinalities_", ()))
    n_numeric = int(meta.get("n_numeric_", n_features - len(cardinalities)))

    inputs = keras.Input(shape=(n_features,))
    x = TabularInputs(n_numeric, cardinalities, one_hot_max=one_hot_max,
                      embedding_dim=embedding_dim, numeric_embedding=numeric_embedding,
                      n_frequencies=n_frequencies, frequency_scale=frequency_scale,
                      numeric_dim=numeric_dim)(inputs)
    x = EnsembleInputs(int(n_heads))(x)
    for width in hidden:
        x = keras.layers.Dense(int(width), activation=activation)(x)
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
    x = EnsembleHeads(units)(x)
    outputs = keras.layers.Activation(out_activation, dtype="float32")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=compile_kwargs["optimizer"],
                  loss=EnsembleLoss(kind, label_smoothing=label_smoothing),
                  run_eagerly=bool(compile_kwargs.get("run_eagerly")))
    return model
