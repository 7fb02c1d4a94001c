"""Column inference for any CSV, rule by rule (see kagglekit.features.tabular)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.features.tabular import ColumnPlan, infer_columns, tabular_features


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
    (["yes", "no"] * 20, "binary"),
    ([True, False] * 20, "binary"),
    ([0, 1, 2, 3] * 10, "multiclass"),
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


@pytest.mark.parametrize(("asked", "values", "task", "n_classes"), [
    ("classification", [0, 1, 2, 3] * 10, "multiclass", 4),
    ("classification", np.linspace(0, 1, 40), "multiclass", 40),
    ("classification", ["yes", "no"] * 20, "binary", 2),
    ("binary", ["yes", "no"] * 20, "binary", 2),
    ("multiclass", [0, 1, 2, 3] * 10, "multiclass", 4),
])
def test_rule3_the_task_is_binary_multiclass_or_regression(asked, values, task, n_classes):
    plan = infer_columns(frame(label=values), "label", task=asked)
    assert (plan.task, plan.n_classes) == (task, n_classes)
    assert plan.describe().startswith(f"classification ({n_classes} classes) of 'label'")


def test_a_plan_saved_with_the_old_task_word_reads_back():
    plan = infer_columns(frame(label=[0, 1, 2] * 13 + [0]), "label")
    old = {**plan.to_dict(), "task": "classification"}
    assert ColumnPlan.from_dict(old) == ColumnPlan.from_dict(plan.to_dict())
    assert ColumnPlan.from_dict(old).task == "multiclass"
    assert ColumnPlan.from_dict({**old, "n_classes": 2}).task == "binary"


def test_rule4_and_5_empty_and_constant_columns_are_dropped_with_a_warning():
    plan = infer_columns(frame(empty=[np.nan] * 40, same=[7] * 40), "label")
    assert plan.dropped == {"empty": "no values", "same": "a single value"}
    assert any("'empty' has no values; dropped" in w for w in plan.warnings)
    assert any("'same' has a single value; dropped" in w for w in plan.warnings)


def test_rule6_and_7_numeric_and_categorical():
    plan = infer_columns(frame(flag=[True, False] * 20), "label")
    assert plan.numeric == ("age",) and plan.categorical == ("city", "flag")
    assert plan.warnings == ()


@pytest.mark.parametrize("model", ["linear", "hgb", "net"])
def test_a_boolean_column_is_two_categories_every_model_can_fit(model):
    from kagglekit.pipelines.tabular import tabular_pipeline

    table = frame(flag=[True, False] * 20)
    plan = infer_columns(table, "label")
    fitted = tabular_pipeline(plan, model).set_params(**(
        {"model__max_epochs": 1, "model__min_epochs": 1} if model == "net" else {})).fit(
        table.drop(columns="label"), table["label"])
    assert fitted.predict(table.drop(columns="label").iloc[:3]).shape == (3,)


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
