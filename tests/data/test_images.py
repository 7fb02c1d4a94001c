"""Image loaders: IDX parsing, md5 checks, Kaggle's Digit Recognizer CSVs."""

import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from kagglekit.data.images import FASHION_CLASSES, FILES, load_images, read_digit_csv, read_idx
from kagglekit.errors import DataError, KagglekitError
from kagglekit.submissions.export import DIGIT_FORMAT, write_submission


def _idx(images: np.ndarray) -> bytes:
    magic = 0x0803 if images.ndim == 3 else 0x0801
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in images.shape)
    return header + images.astype(np.uint8).tobytes()


def test_read_idx_gz_and_plain(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.gz").write_bytes(gzip.compress(_idx(images)))
    (tmp_path / "b").write_bytes(_idx(np.array([7, 1, 255], dtype=np.uint8)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz"), images)
    assert read_idx(tmp_path / "b").tolist() == [7, 1, 255]


def test_truncated_and_foreign_files_are_one_line_errors(tmp_path):
    (tmp_path / "short").write_bytes(_idx(np.zeros((2, 2, 2), np.uint8))[:-3])
    (tmp_path / "text").write_bytes(b"PassengerId,Survived\n1,0\n")
    (tmp_path / "broken.gz").write_bytes(gzip.compress(b"x" * 100)[:20])
    with pytest.raises(DataError, match="truncated"):
        read_idx(tmp_path / "short")
    with pytest.raises(DataError, match="not an IDX file"):
        read_idx(tmp_path / "text")
    with pytest.raises(DataError, match="cannot read it"):
        read_idx(tmp_path / "broken.gz")


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_the_real_files_load_like_keras_datasets(shared_datasets, name):
    (x_train, y_train), (x_test, y_test) = load_images(name, shared_datasets)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.shape == (60000,) and y_test.shape == (10000,)
    assert sorted(np.unique(y_test)) == list(range(10))


def test_a_changed_file_fails_its_md5(shared_datasets, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for file in FILES:
        shutil.copy(shared_datasets / "mnist" / file, folder / file)
    data = bytearray((folder / FILES[3]).read_bytes())
    data[-1] ^= 1
    (folder / FILES[3]).write_bytes(bytes(data))
    with pytest.raises(DataError, match="md5"):
        load_images("mnist", tmp_path)
    (folder / FILES[0]).unlink()
    with pytest.raises(DataError, match="no such file"):
        load_images("mnist", tmp_path)
    with pytest.raises(KagglekitError, match="unknown image data set"):
        load_images("cifar", tmp_path)


def test_fashion_class_names():
    assert len(FASHION_CLASSES) == 10 and FASHION_CLASSES[0] == "T-shirt/top"
    assert FASHION_CLASSES[9] == "Ankle boot"


def _digit_frame(rows, label=True):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 256, (rows, 784)),
                         columns=[f"pixel{i}" for i in range(784)])
    if label:
        frame.insert(0, "label", rng.integers(0, 10, rows))
    return frame


def test_digit_recognizer_csvs(tmp_path):
    _digit_frame(3).to_csv(tmp_path / "train.csv", index=False)
    _digit_frame(2, label=False).to_csv(tmp_path / "test.csv", index=False)
    images, labels = read_digit_csv(tmp_path / "train.csv", training=True)
    assert images.shape == (3, 28, 28) and images.dtype == np.uint8 and labels.shape == (3,)
    assert read_digit_csv(tmp_path / "test.csv", training=False).shape == (2, 28, 28)
    with pytest.raises(DataError, match="missing column"):
        read_digit_csv(tmp_path / "test.csv", training=True)
    _digit_frame(2, label=False).assign(pixel5=300).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match="0..255"):
        read_digit_csv(tmp_path / "bad.csv", training=False)


def test_digit_submission_counts_images_from_one(tmp_path):
    path = write_submission(np.array([3, 1, 4]), np.arange(1, 4), tmp_path, pipeline="mnist-cnn",
                            fmt=DIGIT_FORMAT)
    assert path.read_text().splitlines() == ["ImageId,Label", "1,3", "2,1", "3,4"]
    with pytest.raises(DataError):
        write_submission(np.array([3, 11]), np.arange(1, 3), tmp_path, pipeline="x",
                         fmt=DIGIT_FORMAT)
