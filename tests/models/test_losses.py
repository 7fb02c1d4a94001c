"""The course's loss and encoding facts, and the per-layer parameter counts of the summary."""

import numpy as np
import pytest

from kagglekit.models.dense import build_dense_net, layer_summary, output_spec

P3 = np.array([[0.6, 0.3, 0.1], [0.3, 0.6, 0.1], [0.1, 0.7, 0.2]])


def test_binary_crossentropy():
    import keras

    loss = keras.losses.BinaryCrossentropy()([1, 0, 0, 1], [0.8, 0.3, 0.5, 0.9])
    assert float(loss) == pytest.approx(0.3445814, abs=1e-6)


def test_categorical_and_sparse_categorical_crossentropy_agree():
    import keras

    one_hot = keras.utils.to_categorical([1, 2, 0], 3)
    categorical = keras.losses.CategoricalCrossentropy()(one_hot, P3)
    sparse = keras.losses.SparseCategoricalCrossentropy()(np.array([1, 2, 0]), P3)
    assert float(categorical) == pytest.approx(1.936381, abs=1e-6)
    assert float(sparse) == pytest.approx(1.936381, abs=1e-6)


def test_to_categorical():
    import keras

    encoded = keras.utils.to_categorical([2, 6, 6, 1], 7)
    assert encoded.tolist() == [[0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1],
                                [0, 0, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0, 0]]


@pytest.mark.parametrize("meta, loss, expected", [
    ({"target_type_": "binary", "n_classes_": 2}, None, (1, "sigmoid", "binary_crossentropy")),
    ({"target_type_": "binary", "n_classes_": 2}, "categorical_crossentropy",
     (2, "softmax", "categorical_crossentropy")),
    ({"target_type_": "multiclass", "n_classes_": 4}, None,
     (4, "softmax", "sparse_categorical_crossentropy")),
    ({"target_type_": "multiclass-onehot", "n_classes_": 4}, None,
     (4, "softmax", "categorical_crossentropy")),
    ({"target_type_": "continuous", "n_outputs_": 1}, None, (1, "linear", "mean_squared_error")),
    ({"target_type_": "continuous", "n_outputs_": 2}, None, (2, "linear", "mean_squared_error")),
])
def test_loss_follows_each_target_kind(meta, loss, expected):
    assert output_spec(meta, loss) == expected


def test_layer_summary_counts_parameters_per_layer():
    import keras

    meta = {"target_type_": "multiclass", "n_classes_": 10, "n_features_in_": 100}
    model = build_dense_net(meta, {"optimizer": keras.optimizers.Adam()}, hidden=(20,))
    rows = layer_summary(model)
    assert [r["type"] for r in rows] == ["InputLayer", "Dense", "Activation", "Dense"]
    assert [r["params"] for r in rows] == [0, 100 * 20 + 20, 0, 20 * 10 + 10]
    assert rows[-1]["output_shape"] == "(None, 10)"
    direct = build_dense_net(meta, {"optimizer": keras.optimizers.Adam()}, hidden=())
    assert layer_summary(direct)[-1]["params"] == 1010
