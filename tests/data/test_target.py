"""One decision of a target's kind for every job (kagglekit.data.target)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.data.target import (
    MAX_CLASSES,
    check_task,
    check_two_values,
    decide_task,
    estimator_task,
    stored_task,
    target_kind,
)
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
    assert infer_columns(frame, "y", id_column="id").task == "multiclass"
    assert infer_layout(frame, test, sample).task == "multiclass"
    assert find_leaks(frame[["x"]], y) == []  # a noise column, under the same inferred kind


def test_one_task_vocabulary_with_one_message():
    assert [check_task(t) for t in ("binary", "multiclass", "regression")] == \
        ["binary", "multiclass", "regression"]
    with pytest.raises(DataError, match="unknown task 'classification'; use one of binary, "
                                        "multiclass, regression$"):
        check_task("classification")
    assert check_task("classification", classification=True) == "classification"
    assert stored_task("classification", 3) == "multiclass"
    assert stored_task("classification") == stored_task("binary") == "binary"


def test_fewer_than_two_values_is_one_error():
    assert check_two_values(["a", None, "b", "a"]) == 2
    with pytest.raises(DataError, match="target 'y' has a single value .*one class only"):
        check_two_values([1, 1, None], "target 'y'")
    with pytest.raises(DataError, match="has no values"):
        check_two_values([None, None])


@pytest.mark.parametrize(("values", "options", "task"), [
    ([0, 1, 2, 3] * 5, {}, "multiclass"),
    ([0, 1, 2, 3] * 5, {"task": "regression"}, "regression"),
    (["a", "b"] * 5, {"task": "classification"}, "binary"),
    ([0.5, 1.5, 2.5] * 5, {"task": "classification"}, "multiclass"),
    (["a", "b"] * 5, {"task": "binary"}, "binary"),
    ([0, 1] * 5, {"metric_tasks": {"regression"}}, "regression"),
    (np.linspace(0, 1, 10), {"metric_tasks": {"binary", "multiclass"}}, "multiclass"),
    (["a", "b"] * 5, {"metric_tasks": {"binary"}}, "binary"),
    (list(range(30)), {"class_columns": True}, "multiclass"),
])
def test_decide_task(values, options, task):
    assert decide_task(values, **options) == task


@pytest.mark.parametrize(("values", "options", "match"), [
    (["a", "b"], {"task": "regression"}, "not numeric, so it cannot be a regression target"),
    (["a", "b", "c"], {"task": "binary"}, "3 distinct values, so it is not a binary target"),
    ([1, 2], {"task": "ranking"}, "unknown task 'ranking'"),
    (["a", "b"], {"metric_tasks": {"regression"}}, "scores values .* labels like 'a'"),
    (["a", "a"], {}, "single value"),
])
def test_decide_task_errors_say_what_to_do(values, options, match):
    with pytest.raises(DataError, match=match) as info:
        decide_task(values, **options)
    assert "\n" not in str(info.value)


def test_estimator_task_has_the_engines_rules():
    assert estimator_task(np.array([0.5, 1.0]), regressor=True) == "regression"
    assert estimator_task(np.array(["a", "b", "c"] * 3), regressor=False, folds=3) == \
        "multiclass"
    assert estimator_task(np.array([0, 1] * 3), regressor=False, folds=3) == "binary"
    with pytest.raises(DataError, match="regression target must be numeric"):
        estimator_task(np.array(["a", "b"]), regressor=True)
    with pytest.raises(DataError, match="one class only"):
        estimator_task(np.array([1, 1, 1]), regressor=False)
    with pytest.raises(DataError, match="smallest class has 2 rows, fewer than 3 folds; use "
                                        "--folds 2 or fewer"):
        estimator_task(np.array([0, 0, 0, 1, 1]), regressor=False, folds=3)
