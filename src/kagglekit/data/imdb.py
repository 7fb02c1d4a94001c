"""IMDB movie reviews as Keras word-index sequences, and their multi-hot encoding.

Offline, the reviews come from a local ``imdb_subset.npz`` (the layout of ``keras.datasets.imdb``:
``x_train, y_train, x_test, y_test``, word indices with start=1, oov=2, index_from=3); online
and without a local file, from ``keras.datasets.imdb.load_data``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from kagglekit.data.base import data_root, verify_md5
from kagglekit.errors import DataError, KagglekitError

SUBSET = Path("imdb-subset") / "imdb_subset.npz"
"""Where the subset lies inside a data folder."""
SUBSET_MD5 = "86c79490fb2a8f3ac3925192064f68b4"
SUBSET_WORDS = 500
"""The subset keeps only the 500 most frequent words (index < 500)."""


def load_imdb(num_words: int = 500, data_dir: str | os.PathLike | None = None):
    """Reviews as ``(x_train, y_train), (x_test, y_test)``: object arrays of word-index lists
    and 0/1 labels (1 = positive).

    Parameters
    ----------
    num_words : int
        Keep the ``num_words`` most frequent words; rarer ones become the out-of-vocabulary
        index 2. The local subset has at most 500.
    data_dir : path, optional
        A folder holding ``imdb-subset/imdb_subset.npz`` (default ``$KAGGLEKIT_DATA_DIR``).
        Without one, Keras downloads the full data set.
    """
    root = data_root(data_dir)
    if root is not None:
        return _local(root / SUBSET, num_words)
    try:
        from keras.datasets import imdb

        return imdb.load_data(num_words=num_words)
    except Exception as exc:  # no network: Keras raises whatever urllib raised
        raise KagglekitError(f"cannot download the IMDB reviews ({exc}); give a data folder "
                             f"holding {SUBSET} with --data-dir") from exc


def _local(path: Path, num_words: int):
    if not path.is_file():
        raise DataError(f"{path}: no such file; the data folder needs {SUBSET}")
    if num_words > SUBSET_WORDS:
        raise KagglekitError(f"the local IMDB subset has {SUBSET_WORDS} words; use "
                             f"num_words <= {SUBSET_WORDS}")
    verify_md5(path, SUBSET_MD5, "copy it again")
    with np.load(path, allow_pickle=True) as data:  # lists of ints: trusted, checked above
        x_train, y_train = data["x_train"], data["y_train"]
        x_test, y_test = data["x_test"], data["y_test"]
    cap = _capper(num_words)
    return (cap(x_train), y_train.astype("int64")), (cap(x_test), y_test.astype("int64"))


def _capper(num_words: int):
    def cap(sequences):
        out = np.empty(len(sequences), dtype=object)
        for i, words in enumerate(sequences):
            words = np.asarray(words, dtype="int64")
            out[i] = np.where(words < num_words, words, 2).tolist()
        return out
    return cap


def multi_hot(sequences, num_words: int) -> np.ndarray:
    """One row per sequence, one float32 column per word index: 1 where the word occurs.

    Examples
    --------
    >>> multi_hot([[1, 3], [2, 2]], 4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0]]
    """
    matrix = np.zeros((len(sequences), num_words), dtype="float32")
    for i, words in enumerate(sequences):
        matrix[i, [w for w in words if 0 <= w < num_words]] = 1.0
    return matrix
