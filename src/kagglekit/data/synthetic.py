"""Generated regression data: the course's three "a network finds a hidden formula" patterns.

=============  =====================================================  ====================
data set       formula                                                split
=============  =====================================================  ====================
``shift``      y = x + 10                                             train x in [0, 100),
                                                                      test x in [100, 200)
``quadratic``  y = 0.5 x1^2 - 3 x2 + 5                                random, de-duplicated
``linear-map`` y1 = 0.3x1 + 0.2x2 - 0.4x3 + 0.1x4 + 2,                random
               y2 = 0.5x1 - 0.1x2 + 0.3x3 - 2
=============  =====================================================  ====================

Each loader returns a :class:`~kagglekit.data.base.Dataset` with test labels (``y_test``),
so a model can be scored on rows it never saw, including outside the training range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kagglekit.data.base import Dataset


def shift(*, step: float = 1.0) -> Dataset:
    """y = x + 10: train on x = 0, step, ... < 100; test on 100 <= x < 200 (extrapolation)."""
    x_train, x_test = np.arange(0.0, 100.0, step), np.arange(100.0, 200.0, step)
    return Dataset(
        name="shift", X=pd.DataFrame({"x": x_train}), y=pd.Series(x_train + 10, name="y"),
        X_test=pd.DataFrame({"x": x_test}), y_test=pd.Series(x_test + 10, name="y"),
        source=f"generated: y = x + 10, train x in [0, 100), test x in [100, 200), step {step}")


def quadratic(n_rows: int = 1000, *, test_size: float = 0.2, random_state: int = 0) -> Dataset:
    """y = 0.5 x1^2 - 3 x2 + 5 on integer x1, x2 in [-20, 20], duplicates removed, then split
    at random, so no (x1, x2) pair is both in training and test data."""
    rng = np.random.default_rng(random_state)
    X = pd.DataFrame(rng.integers(-20, 21, size=(n_rows, 2)), columns=["x1", "x2"]).astype(float)
    X = X.drop_duplicates().reset_index(drop=True)
    y = (0.5 * X["x1"] ** 2 - 3 * X["x2"] + 5).rename("y")
    return _split("quadratic", X, y, test_size, rng,
                  f"generated: y = 0.5 x1^2 - 3 x2 + 5, {len(X)} distinct integer points, "
                  f"random_state={random_state}")


def linear_map(n_rows: int = 1000, *, test_size: float = 0.2, random_state: int = 0) -> Dataset:
    """Four inputs uniform on [0, 10), two outputs
    y1 = 0.3x1 + 0.2x2 - 0.4x3 + 0.1x4 + 2 and y2 = 0.5x1 - 0.1x2 + 0.3x3 - 2; random split."""
    rng = np.random.default_rng(random_state)
    X = pd.DataFrame(rng.uniform(0, 10, size=(n_rows, 4)), columns=["x1", "x2", "x3", "x4"])
    y = pd.DataFrame({
        "y1": 0.3 * X.x1 + 0.2 * X.x2 - 0.4 * X.x3 + 0.1 * X.x4 + 2,
        "y2": 0.5 * X.x1 - 0.1 * X.x2 + 0.3 * X.x3 - 2,
    })
    return _split("linear-map", X, y, test_size, rng,
                  f"generated: 4 inputs -> 2 linear outputs, random_state={random_state}")


def _split(name, X, y, test_size, rng, source) -> Dataset:
    order = rng.permutation(len(X))
    n_test = int(round(len(X) * test_size))
    test, train = order[:n_test], order[n_test:]

    def rows(frame, index):
        return frame.iloc[index].reset_index(drop=True)

    return Dataset(name=name, X=rows(X, train), y=rows(y, train), X_test=rows(X, test),
                   y_test=rows(y, test), source=source)


LOADERS = {
    "shift": lambda data_dir=None: shift(),
    "quadratic": lambda data_dir=None: quadratic(),
    "linear-map": lambda data_dir=None: linear_map(),
}
"""Dataset name -> loader taking the (unused) data folder, as :func:`load_dataset` calls it."""
