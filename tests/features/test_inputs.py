import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.features import InputSchema


@pytest.fixture
def frame():
    return pd.DataFrame({"Age": [22.0, 38.0, np.nan, 80.0], "Sex": ["male", "female", None, "x"],
                         "Pclass": [3, 1, 2, 3]})


def test_reorders_drops_extra_and_refuses_missing_columns(frame):
    schema = InputSchema().fit(frame)
    shuffled = frame[["Pclass", "Sex", "Age"]].assign(extra=1)
    pd.testing.assert_frame_equal(schema.transform(shuffled), schema.transform(frame))
    assert list(schema.transform(shuffled).columns) == ["Age", "Sex", "Pclass"]
    with pytest.raises(DataError, match=r"missing column\(s\) \['Sex'\]"):
        schema.transform(frame.drop(columns="Sex"))
    with pytest.raises(DataError, match="no rows"):
        schema.transform(frame.iloc[:0])


def test_numbers_as_text_inf_and_huge_values(frame):
    schema = InputSchema().fit(frame)
    odd = frame.astype({"Age": object})
    odd["Age"] = [" 22 ", "38", "", float("inf")]
    out = schema.transform(odd)
    np.testing.assert_array_equal(out["Age"], [22.0, 38.0, np.nan, np.nan])
    huge = frame.assign(Age=[1e300, -1e300, 30.0, 40.0])
    # bounded to [min - span, max + span] of the training values (22..80)
    np.testing.assert_array_equal(schema.transform(huge)["Age"], [138.0, -36.0, 30.0, 40.0])
    with pytest.raises(DataError, match="column Age: 'old' is not a number"):
        schema.transform(frame.assign(Age=["old", "1", "2", "3"]))
    with pytest.raises(DataError, match="is not a number"):
        schema.transform(frame.assign(Age=[True, False, True, True]))


def test_text_columns_become_text_or_nan(frame):
    schema = InputSchema().fit(frame)
    out = schema.transform(frame.assign(Sex=[1, 2.5, None, "male"]))
    assert out["Sex"].tolist()[:2] == ["1", "2.5"] and pd.isna(out["Sex"][2])


def test_all_nan_column_at_fit_is_left_unbounded():
    frame = pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 2.0]})
    schema = InputSchema().fit(frame)
    assert np.isnan(schema.low_[0])
    np.testing.assert_array_equal(schema.transform(frame.assign(a=[5.0, 1e308]))["a"],
                                  [5.0, 1e308])


def test_ignored_columns_are_dropped_and_not_required(frame):
    schema = InputSchema(ignore=("Pclass",)).fit(frame)
    assert list(schema.get_feature_names_out()) == ["Age", "Sex"]
    assert list(schema.transform(frame.drop(columns="Pclass")).columns) == ["Age", "Sex"]
    with pytest.warns(UserWarning, match="valid feature names"):  # scikit-learn's own note
        assert schema.transform(frame.to_numpy()).shape == (4, 2)
