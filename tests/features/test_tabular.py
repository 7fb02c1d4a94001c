"""Column inference for any CSV, rule by rule (see kagglekit.features.tabular)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.features.tabular import infer_columns, tabular_features


def frame(n=40, **extra):
    rng = np.random.default_rng(0)
    data = {"age": rng.integers(18, 70, n).astype(float), "city": rng.choice(["a", "b", "c"], n),
            "label": rng.choice(["yes", "no"], n)}
    return pd.DataFrame({**data, **extra})


def test_rule1_target_id_and_drop_columns_must_exist():
    for kwargs, role in (({"target": "nope"}, "target"),
                         ({"target": "label", "id_column": "pid"}, "id"),
                         ({"target": "label", "drop": ("gone",)}, "drop")):
        with pytest.raises(DataError, match=f"no {role} column .*columns are age, city"):
            infer_columns(frame(), **kwargs)
    plan = infer_columns(frame(pid=range(40)), "label", id_column="pid", drop=("city",))
    assert plan.numeric == ("age",) and plan.categorical == () and plan.id_column == "pid"
    assert plan.dropped == {"city": "--drop"}


def test_rule2_target_without_gaps_and_with_two_values():
    data = frame()
    data.loc[3, "label"] = np.nan
    with pytest.raises(DataError, match="missing in 1 rows"):
        infer_columns(data, "label")
    with pytest.raises(DataError, match="single value"):
        infer_columns(frame(label=["x"] * 40), "label")


@pytest.mark.parametrize("target, task", [
    (["yes", "no"] * 20, "classification"),
    ([True, False] * 20, "classification"),
    ([0, 1, 2, 3] * 10, "classification"),
    (list(range(40)), "regression"),        # 40 whole numbers: more than 20 classes
    (np.linspace(0, 1, 40), "regression"),
])
def test_rule3_task_from_the_target(target, task):
    plan = infer_columns(frame(label=target), "label")
    assert plan.task == task
    assert (plan.n_classes is None) == (task == "regression")


def test_rule3_task_override_and_its_limits():
    assert infer_columns(frame(label=[0, 1, 2, 3] * 10), "label", task="regression").task == \
        "regression"
    with pytest.raises(DataError, match="not numeric"):
        infer_columns(frame(), "label", task="regression")
    with pytest.raises(DataError, match="unknown task"):
        infer_columns(frame(), "label", task="ranking")


def test_rule4_and_5_empty_and_constant_columns_are_dropped_with_a_warning():
    plan = infer_columns(frame(empty=[np.nan] * 40, same=[7] * 40), "label")
    assert plan.dropped == {"empty": "no values", "same": "a single value"}
    assert any("'empty' has no values; dropped" in w for w in plan.warnings)
    assert any("'same' has a single value; dropped" in w for w in plan.warnings)


def test_rule6_and_7_numeric_and_categorical():
    plan = infer_columns(frame(flag=[True, False] * 20), "label")
    assert plan.numeric == ("age", "flag") and plan.categorical == ("city",)
    assert plan.warnings == ()


def test_rule8_high_cardinality_text_is_dropped_with_a_warning():
    plan = infer_columns(frame(n=200, name=[f"person {i}" for i in range(200)]), "label")
    assert "name" in plan.dropped and "name" not in plan.categorical
    assert "text column 'name' has 200 distinct values (more than 50)" in plan.warnings[0]


def test_rule9_an_id_like_column_is_kept_with_a_warning():
    plan = infer_columns(frame(pid=range(1, 41)), "label")
    assert "pid" in plan.numeric and "looks like an id" in plan.warnings[0]


def test_rule10_no_feature_left():
    with pytest.raises(DataError, match="no usable feature"):
        infer_columns(pd.DataFrame({"y": [0, 1] * 5, "z": [np.nan] * 10}), "y")


def test_describe_says_everything_on_one_line():
    plan = infer_columns(frame(pid=range(40), empty=[np.nan] * 40), "label", id_column="pid")
    line = plan.describe()
    assert "\n" not in line
    assert line == ("classification (2 classes) of 'label'; numeric: age; categorical: city; "
                    "id: pid; not used: empty (no values)")


def test_features_impute_scale_and_one_hot_mixed_columns():
    data = frame(code=["1", 2, "x", None] * 10)
    data.loc[0, "age"] = np.nan
    plan = infer_columns(data, "label")
    out = tabular_features(plan).fit_transform(data)
    assert out.shape == (40, 1 + 3 + 3) and not np.isnan(out).any()
    assert tabular_features(plan).fit(data).transform(frame().assign(code="new")).shape[1] == 7
