"""One decision of a target's kind for every job (kagglekit.data.target)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.data.target import MAX_CLASSES, target_kind
from kagglekit.errors import DataError
from kagglekit.evaluation.leakage import find_leaks
from kagglekit.features.tabular import infer_columns
from kagglekit.submissions.sample import infer_layout


@pytest.mark.parametrize(("values", "kind"), [
    (["yes", "no", "yes"], "binary"),
    ([True, False, True], "binary"),
    ([0, 1, 1, 0], "binary"),
    ([1.0, 2.0, 2.0], "binary"),
    (["a", "b", "c"], "multiclass"),
    ([3, 1, 2, 2], "multiclass"),
    ([0.5, 1.25, 3.0], "regression"),
    (list(range(MAX_CLASSES)), "multiclass"),
    (list(range(MAX_CLASSES + 1)), "regression"),
    ([1, None, 2, 3], "multiclass"),
])
def test_target_kind(values, kind):
    assert target_kind(pd.Series(values)) == kind


def test_infinite_values_are_a_one_line_error():
    with pytest.raises(DataError, match="infinite values"):
        target_kind(np.array([1.0, np.inf, 2.0]))


def test_every_job_agrees_on_a_whole_number_target_with_15_values():
    rng = np.random.default_rng(0)
    y = np.arange(300) % 15
    frame = pd.DataFrame({"x": rng.normal(size=300), "y": y, "id": np.arange(300)})
    test = frame.drop(columns="y").iloc[:10]
    sample = pd.DataFrame({"id": test["id"], "y": 0})
    assert target_kind(y) == "multiclass"
    assert infer_columns(frame, "y", id_column="id").task == "classification"
    assert infer_layout(frame, test, sample).task == "multiclass"
    assert find_leaks(frame[["x"]], y) == []  # a noise column, under the same inferred kind
