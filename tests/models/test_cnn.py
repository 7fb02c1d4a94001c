"""The CNN builder: blocks, batch normalization, augmentation and the one-line errors."""

import pytest

from kagglekit.models.cnn import build_cnn

META = {"X_shape_": (10, 28, 28, 1), "target_type_": "multiclass", "n_classes_": 10}


def _layers(**params):
    model = build_cnn(META, {"optimizer": "adam"}, **params)
    return model, [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize(("filters", "per_block"), [((32, 64), 1), ((16, 32, 64), 1),
                                                    ((8, 16), 2)])
def test_blocks_of_unpadded_convolutions(filters, per_block):
    model, names = _layers(filters=filters, convs_per_block=per_block)
    assert names.count("Conv2D") == len(filters) * per_block
    assert names.count("MaxPooling2D") == len(filters)
    assert "BatchNormalization" not in names and "RandomFlip" not in names
    assert model.output_shape == (None, 10)
    side = 28
    for _ in filters:
        side = (side - 2 * per_block) // 2
    pooled = [layer for layer in model.layers if type(layer).__name__ == "MaxPooling2D"][-1]
    assert pooled.output.shape[1:] == (side, side, filters[-1])


def test_batch_norm_follows_every_pooling_and_the_dense_layer():
    _, names = _layers(batch_norm=True)
    assert names.count("BatchNormalization") == 3
    assert all(names[i - 1] in ("MaxPooling2D", "Dense")
               for i, name in enumerate(names) if name == "BatchNormalization")


@pytest.mark.parametrize(("augment", "flip", "shift"), [
    ("digits", False, True), ("fashion", True, False), ("fashion-shifts", True, True)])
def test_augmentation_layers_come_first_and_flip_only_clothes(augment, flip, shift):
    _, names = _layers(augment=augment)
    assert ("RandomFlip" in names) is flip
    assert all((layer in names) is shift
               for layer in ("RandomRotation", "RandomTranslation", "RandomZoom"))
    assert max(i for i, n in enumerate(names) if n.startswith("Random")) < names.index("Conv2D")


@pytest.mark.parametrize(("params", "message"), [
    ({"augment": "rotate"}, "augment must be one of"),
    ({"filters": ()}, "filters must be positive"),
    ({"convs_per_block": 0}, "convs_per_block must be >= 1"),
    ({"filters": (8, 8, 8, 8)}, "shrink 28x28 images to nothing"),
])
def test_bad_settings_say_what_to_change(params, message):
    with pytest.raises(ValueError, match=message):
        build_cnn(META, {"optimizer": "adam"}, **params)


def test_needs_image_shaped_input():
    with pytest.raises(ValueError, match=r"ImageScaler\(shape=\(28, 28, 1\)\)"):
        build_cnn({**META, "X_shape_": (10, 784)}, {"optimizer": "adam"})
