"""A competition's layout from its three files, and the submission built from predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.submissions.sample import infer_layout, submission_frame


def _binary(labels=(0, 1), n=20):
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"id": range(n), "x": rng.normal(size=n),
                          "target": np.array(labels)[np.arange(n) % 2]})
    test = pd.DataFrame({"id": range(100, 105), "x": rng.normal(size=5)})
    return train, test


def test_binary_with_probabilities():
    train, test = _binary()
    sample = pd.DataFrame({"id": test.id, "target": 0.5})

    layout = infer_layout(train, test, sample)

    assert (layout.id_column, layout.target, layout.task) == ("id", "target", "binary")
    assert layout.submission == "probability" and layout.positive_class == 1
    frame = submission_frame(layout, test.id, np.array([[0.9, 0.1]] * 5))
    assert list(frame.columns) == ["id", "target"]
    assert frame.target.tolist() == [0.1] * 5


def test_the_metric_decides_labels_or_probabilities():
    train, test = _binary()
    sample = pd.DataFrame({"id": test.id, "target": 0})  # a placeholder label

    assert infer_layout(train, test, sample).submission == "labels"
    assert infer_layout(train, test, sample, metric="roc_auc").submission == "probability"
    labels = infer_layout(train, test, pd.DataFrame({"id": test.id, "target": 0.5}),
                          metric="accuracy")
    assert labels.submission == "labels"
    frame = submission_frame(labels, test.id, np.array([0.2, 0.7, 0.9, 0.1, 0.6]))
    assert frame.target.tolist() == [0, 1, 1, 0, 1]
    assert pd.api.types.is_integer_dtype(frame.target)


def test_string_labels_stay_strings():
    train, test = _binary(("bad", "good"))
    sample = pd.DataFrame({"id": test.id, "target": "good"})

    layout = infer_layout(train, test, sample, metric="f1")

    assert layout.classes == ("bad", "good") and layout.submission == "labels"
    frame = submission_frame(layout, test.id, np.array([0.2, 0.7, 0.9, 0.1, 0.6]))
    assert frame.target.tolist() == ["bad", "good", "good", "bad", "good"]
    probability = infer_layout(train, test, sample, metric="roc_auc")
    assert probability.positive_class == "good"


def test_multiclass_with_one_column_per_class_in_the_samples_order():
    train = pd.DataFrame({"Id": range(9), "f": range(9), "Status": list("CDX" * 3)})
    test = pd.DataFrame({"Id": [10, 11], "f": [1, 2]})
    sample = pd.DataFrame({"Id": [10, 11], "Status_X": 1 / 3, "Status_C": 1 / 3,
                           "Status_D": 1 / 3})

    layout = infer_layout(train, test, sample)

    assert layout.target == "Status" and layout.task == "multiclass"
    assert layout.submission == "class_probabilities"
    assert layout.class_columns == ("Status_X", "Status_C", "Status_D")
    assert layout.column_classes == ("X", "C", "D") and layout.classes == ("C", "D", "X")
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])  # sorted order C, D, X
    frame = submission_frame(layout, test.Id, proba)
    assert list(frame.columns) == ["Id", "Status_X", "Status_C", "Status_D"]
    assert frame.iloc[0].tolist() == [10, 0.1, 0.7, 0.2]


def test_integer_classes_named_by_string_columns():
    train = pd.DataFrame({"id": range(12), "f": range(12), "digit": [3, 1, 2] * 4})
    test = pd.DataFrame({"id": [20], "f": [0]})
    sample = pd.DataFrame({"id": [20], "2": [0.3], "1": [0.3], "3": [0.4]})

    layout = infer_layout(train, test, sample, metric="log_loss")

    assert layout.target == "digit" and layout.column_classes == (2, 1, 3)
    frame = submission_frame(layout, [20], np.array([[0.5, 0.3, 0.2]]))  # classes 1, 2, 3
    assert frame.iloc[0].tolist() == [20, 0.3, 0.5, 0.2]


def test_regression():
    rng = np.random.default_rng(1)
    train = pd.DataFrame({"id": range(30), "x": rng.normal(size=30),
                          "price": rng.uniform(1, 100, 30)})
    test = pd.DataFrame({"id": [40, 41], "x": [0.0, 1.0]})
    sample = pd.DataFrame({"id": [40, 41], "price": [50.0, 50.0]})

    layout = infer_layout(train, test, sample, metric="rmsle")

    assert (layout.task, layout.submission, layout.classes) == ("regression", "values", None)
    frame = submission_frame(layout, test.id, np.array([-3.0, 7.5]), metric="rmsle")
    assert frame.price.tolist() == [0.0, 7.5]  # rmsle: negatives clipped


def test_whole_number_targets_are_classes_or_values():
    rng = np.random.default_rng(2)
    few = pd.DataFrame({"id": range(40), "x": range(40), "y": rng.integers(1, 6, 40)})
    many = few.assign(y=rng.integers(1, 30, 40))
    test = pd.DataFrame({"id": [99], "x": [1]})
    sample = pd.DataFrame({"id": [99], "y": [3]})

    assert infer_layout(few, test, sample).task == "multiclass"
    assert infer_layout(many, test, sample).task == "regression"
    assert infer_layout(few, test, sample, metric="rmse").task == "regression"
    assert infer_layout(many, test, sample, metric="quadratic_weighted_kappa").task == \
        "multiclass"


def test_the_id_need_not_be_the_first_column_of_train():
    train = pd.DataFrame({"age": [1, 2, 3, 4], "PassengerId": [1, 2, 3, 4],
                          "Survived": [0, 1, 0, 1]})
    test = pd.DataFrame({"age": [5], "PassengerId": [5]})
    sample = pd.DataFrame({"PassengerId": [5], "Survived": [0]})

    layout = infer_layout(train, test, sample, metric="accuracy")

    assert layout.id_column == "PassengerId" and layout.target == "Survived"
    assert "PassengerId" in layout.describe()


@pytest.mark.parametrize(("sample", "options", "match"), [
    (None, {}, "no sample submission"),
    (pd.DataFrame({"key": [1], "target": [0.5]}), {}, r"id column 'key' .*pass --id"),
    (pd.DataFrame({"id": [1], "label": [0.5]}), {}, r"no target found.*--target"),
    (pd.DataFrame({"id": [1], "target": [0.5], "other": [1]}), {},
     r"ambiguous target.*--target"),
    (pd.DataFrame({"id": [1], "target": [0.5]}), {"target": "nope"},
     r"no target column 'nope'.*--target"),
    (pd.DataFrame({"id": [1], "target": [0.5]}), {"metric": "rmse"},
     None),  # a metric may make 0/1 a regression: no error
    (pd.DataFrame({"id": [1], "target": [0.5]}), {"metric": "nope"}, "unknown metric"),
])
def test_errors_say_how_to_fix_them(sample, options, match):
    train, test = _binary()
    train = train.assign(other=1)
    if match is None:
        assert infer_layout(train, test, sample, **options).task == "regression"
        return
    with pytest.raises(Exception, match=match) as info:
        infer_layout(train, test, sample, **options)
    assert "\n" not in str(info.value)


def test_class_columns_that_do_not_match_the_labels():
    train = pd.DataFrame({"id": range(8), "f": range(8), "class": list("ABCD" * 2)})
    test = pd.DataFrame({"id": [9], "f": [1]})
    sample = pd.DataFrame({"id": [9], "A": [0.25], "B": [0.25], "C": [0.25], "E": [0.25]})

    with pytest.raises(DataError, match=r"do not match the labels.*no column for \['D'\]"):
        infer_layout(train, test, sample)
    with pytest.raises(DataError, match="do not match"):
        infer_layout(train, test, sample, target="class")


def test_metric_and_files_that_disagree():
    train = pd.DataFrame({"id": range(9), "f": range(9), "c": list("xyz" * 3)})
    test = pd.DataFrame({"id": [9], "f": [1]})
    per_class = pd.DataFrame({"id": [9], "x": [0.3], "y": [0.3], "z": [0.4]})
    one = pd.DataFrame({"id": [9], "c": ["x"]})

    with pytest.raises(DataError, match="accuracy scores labels"):
        infer_layout(train, test, per_class, metric="accuracy")
    with pytest.raises(DataError, match="one probability per class"):
        infer_layout(train, test, one, metric="log_loss")
    with pytest.raises(Exception, match="does not apply to a multiclass"):
        infer_layout(train, test, one, metric="gini")


def test_an_id_option_that_names_no_column_blames_the_option():
    train, test = _binary()
    sample = pd.DataFrame({"id": [100], "target": [0]})

    with pytest.raises(DataError) as info:
        infer_layout(train, test, sample, id_column="nosuch")
    message = str(info.value)
    assert message.startswith("--id nosuch: train.csv has no column 'nosuch' (its columns: id, "
                              "x, target)")
    assert "sample submission's id column" not in message and "\n" not in message
    with pytest.raises(DataError, match=r"^--id target: test.csv has no column 'target' "
                                        r"\(its columns: id, x\)"):
        infer_layout(train, test, sample, id_column="target")
    wide = train.assign(**{f"c{i}": 0 for i in range(10)})
    with pytest.raises(DataError, match=r"id, x, target, c0, c1, c2, \.\.\. \(7 more\)"):
        infer_layout(wide, test, sample, id_column="nosuch")
