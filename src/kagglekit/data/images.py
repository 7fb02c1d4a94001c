"""MNIST and Fashion-MNIST from the original IDX gz files, and Kaggle's "Digit Recognizer" CSVs.

A data folder holds ``mnist/`` and ``fashion-mnist/``, each with the four files
``train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,
t10k-labels-idx1-ubyte.gz``. Each file's md5 is checked against the published one before it
is read. Without a folder, ``keras.datasets`` downloads the data (when there is a network).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.data.base import Dataset, data_root, read_plain_csv, verify_md5
from kagglekit.errors import DataError, KagglekitError

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
MD5 = {
    "mnist": ("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
              "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
    "fashion-mnist": ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                      "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
}
"""The published md5 of each file, in the order of :data:`FILES`."""
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot")
_MAGIC = {0x0801: 1, 0x0803: 3}  # unsigned bytes; labels have 1 dimension, images 3


def load_images(name: str = "mnist", data_dir: str | os.PathLike | None = None):
    """``(x_train, y_train), (x_test, y_test)`` as uint8 arrays shaped like ``keras.datasets``:
    x ``(n, 28, 28)``, y ``(n,)``.

    Parameters
    ----------
    name : {"mnist", "fashion-mnist"}
    data_dir : path, optional
        A folder holding ``<name>/`` with the four IDX gz files (default
        ``$KAGGLEKIT_DATA_DIR``); without one, ``keras.datasets`` downloads them.
    """
    if name not in MD5:
        raise KagglekitError(f"unknown image data set {name!r}; use mnist or fashion-mnist")
    root = data_root(data_dir)
    if root is None:
        return _download(name)
    folder = root / name
    arrays = []
    for file, md5 in zip(FILES, MD5[name], strict=True):
        path = folder / file
        if not path.is_file():
            raise DataError(f"{path}: no such file; the data folder needs {name}/ with "
                            f"{', '.join(FILES)}")
        verify_md5(path, md5, "download it again")
        arrays.append(read_idx(path))
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test)


def image_dataset(name: str, data_dir=None):
    """:func:`load_images` as a :class:`~kagglekit.data.base.Dataset`: the official
    60,000 training and 10,000 test images with their labels (``X`` arrays, not frames)."""
    root = data_root(data_dir)
    (x_train, y_train), (x_test, y_test) = load_images(name, root)
    source = str(root / name) if root else "keras.datasets"
    return Dataset(name=name, X=x_train, y=pd.Series(y_train, name="Label"), X_test=x_test,
                   y_test=pd.Series(y_test, name="Label"), source=source,
                   class_names=FASHION_CLASSES if name == "fashion-mnist" else None)


def _download(name: str):
    try:
        from keras import datasets

        module = datasets.mnist if name == "mnist" else datasets.fashion_mnist
        return module.load_data()
    except Exception as exc:  # no network: Keras raises whatever urllib raised
        raise KagglekitError(f"cannot download {name} ({exc}); give a data folder holding "
                             f"{name}/ with the four IDX files (--data-dir)") from exc


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """An IDX file (gzip-compressed or not) of unsigned bytes as a uint8 array.

    Raises
    ------
    DataError
        Not an IDX file of unsigned bytes, or fewer bytes than its header promises.
    """
    path = Path(path)
    try:
        opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read it ({exc}); download the file again") from exc
    magic = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
    if magic not in _MAGIC:
        raise DataError(f"{path}: not an IDX file of unsigned bytes (magic number "
                        f"{magic if magic is None else hex(magic)}); give the original file")
    ndim = _MAGIC[magic]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    start = 4 + 4 * ndim
    size = int(np.prod(shape))
    if len(data) - start < size:
        raise DataError(f"{path}: truncated ({len(data) - start} of {size} bytes); download "
                        "the file again")
    return np.frombuffer(data, dtype=np.uint8, count=size, offset=start).reshape(shape)


def read_digit_csv(path: str | os.PathLike, *, training: bool):
    """Kaggle "Digit Recognizer": ``train.csv`` (``label, pixel0..pixel783``) or ``test.csv``
    (pixels only) as uint8 images ``(n, 28, 28)`` and, for training, labels ``(n,)``."""
    frame = read_plain_csv(path)
    pixels = [f"pixel{i}" for i in range(784)]
    missing = [c for c in (["label"] if training else []) + pixels if c not in frame]
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        raise DataError(f"{path}: missing column(s) {shown}; "
                        "expected " + ("label, " if training else "") + "pixel0..pixel783")
    values = frame[pixels]
    if not all(pd.api.types.is_integer_dtype(t) for t in values.dtypes) \
            or not values.isin(range(256)).all(axis=None):
        raise DataError(f"{path}: pixels must be whole numbers 0..255")
    images = values.to_numpy(dtype=np.uint8).reshape(-1, 28, 28)
    return (images, frame["label"].to_numpy(dtype=np.int64)) if training else images
