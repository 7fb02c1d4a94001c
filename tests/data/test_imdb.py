"""The IMDB loader: the local subset (md5-checked), word capping, multi-hot encoding."""

import numpy as np
import pytest

from kagglekit.data.imdb import SUBSET, load_imdb, multi_hot
from kagglekit.errors import DataError, KagglekitError


def test_the_local_subset_loads_like_keras(shared_datasets):
    (x_train, y_train), (x_test, y_test) = load_imdb(500, shared_datasets)
    assert (len(x_train), len(x_test)) == (5000, 1000)
    assert set(np.unique(y_train)) == {0, 1} and y_test.dtype == np.int64
    assert x_train[0][0] == 1 and max(max(s) for s in x_train) < 500  # start mark, 500 words


def test_fewer_words_map_the_rest_to_the_unknown_index(shared_datasets):
    (x_small, _), _ = load_imdb(100, shared_datasets)
    (x_full, _), _ = load_imdb(500, shared_datasets)
    assert max(max(s) for s in x_small) < 100
    assert [w if w < 100 else 2 for w in x_full[3]] == x_small[3]


def test_bad_files_and_sizes_are_one_line_errors(tmp_path, shared_datasets):
    with pytest.raises(DataError, match="no such file"):
        load_imdb(500, tmp_path)
    (tmp_path / SUBSET).parent.mkdir(parents=True)
    (tmp_path / SUBSET).write_bytes((shared_datasets / SUBSET).read_bytes()[:1000])
    with pytest.raises(DataError, match="md5"):
        load_imdb(500, tmp_path)
    with pytest.raises(KagglekitError, match="num_words <= 500"):
        load_imdb(1000, shared_datasets)


def test_multi_hot_marks_each_word_once():
    matrix = multi_hot([[1, 3, 3], [], [0, 9]], 5)
    assert matrix.dtype == np.float32
    assert matrix.tolist() == [[0, 1, 0, 1, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 0]]
