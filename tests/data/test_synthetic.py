"""The three generated regression patterns."""

import numpy as np
import pandas as pd
import pytest

from kagglekit import load_dataset


def test_shift_trains_below_100_and_tests_above():
    ds = load_dataset("shift")
    assert ds.X.x.min() == 0 and ds.X.x.max() < 100
    assert ds.X_test.x.min() == 100 and ds.X_test.x.max() < 200
    np.testing.assert_array_equal(ds.y, ds.X.x + 10)
    np.testing.assert_array_equal(ds.y_test, ds.X_test.x + 10)


def test_quadratic_is_deduplicated_and_split_without_overlap():
    ds = load_dataset("quadratic")
    both = pd.concat([ds.X, ds.X_test])
    assert not both.duplicated().any()
    np.testing.assert_allclose(ds.y, 0.5 * ds.X.x1 ** 2 - 3 * ds.X.x2 + 5)
    assert len(ds.X_test) / len(both) == pytest.approx(0.2, abs=0.01)


def test_linear_map_has_two_outputs():
    ds = load_dataset("linear-map")
    X, Y = ds.X, ds.y
    assert list(Y.columns) == ["y1", "y2"] and len(X) == 800 and len(ds.y_test) == 200
    np.testing.assert_allclose(Y.y1, 0.3 * X.x1 + 0.2 * X.x2 - 0.4 * X.x3 + 0.1 * X.x4 + 2)
    np.testing.assert_allclose(Y.y2, 0.5 * X.x1 - 0.1 * X.x2 + 0.3 * X.x3 - 2)
