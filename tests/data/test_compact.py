"""Compact column types on a generated wide CSV (kagglekit.data.compact)."""

import numpy as np
import pandas as pd

from kagglekit.data.base import read_plain_csv
from kagglekit.data.compact import FLOAT32_EXACT, compact_dtypes


def _wide(rows, seed, big=False):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"id": np.arange(rows) * 1_000_003 + (7 if big else 0)})
    for i in range(60):  # floats with missing values, small and wide integers, text
        values = rng.normal(scale=10.0 ** (i % 6), size=rows)
        values[rng.random(rows) < 0.05] = np.nan
        frame[f"f{i}"] = values
        frame[f"i{i}"] = rng.integers(-(4 ** (i % 16)), 4 ** (i % 16) + 1, size=rows)
        frame[f"t{i}"] = rng.choice(["a", "b", None], size=rows)
    frame["stamp"] = 1.7e9 + rng.random(rows)  # a timestamp: float32 would round it
    if big:
        frame.loc[0, "f0"] = 3 * FLOAT32_EXACT  # test.csv holds one large value
        frame.loc[0, "i1"] = 2**40
    return frame


def test_a_wide_csv_reads_into_compact_types_with_the_same_values(tmp_path):
    _wide(500, 0).to_csv(tmp_path / "train.csv", index=False)
    _wide(200, 1, big=True).to_csv(tmp_path / "test.csv", index=False)
    train, test = (read_plain_csv(tmp_path / f"{n}.csv") for n in ("train", "test"))
    small_train, small_test = compact_dtypes([train, test], keep=["id"])
    assert small_train["id"].dtype == np.int64 and small_test["id"].dtype == np.int64
    assert small_train["f1"].dtype == np.float32 == small_test["f1"].dtype
    assert small_train["f0"].dtype == np.float64  # test.csv's large value keeps 64 bits
    assert small_train["stamp"].dtype == np.float64
    assert small_train["i0"].dtype == np.int8 and small_train["i5"].dtype == np.int16
    assert small_train["i12"].dtype == np.int32 and small_train["i1"].dtype == np.int64
    assert small_train["t3"].dtype == train["t3"].dtype
    assert train["f1"].dtype == np.float64  # the given frames are not changed
    for name in ("f1", "f5", "i7"):  # floats: float32's 7 significant digits; ints exact
        np.testing.assert_allclose(small_train[name].to_numpy(dtype=float),
                                   train[name].to_numpy(dtype=float), rtol=1e-7,
                                   equal_nan=True)
    numbers = [c for c in train if c[0] in "fi"]
    assert small_train[numbers].memory_usage().sum() < 0.5 * train[numbers].memory_usage().sum()
