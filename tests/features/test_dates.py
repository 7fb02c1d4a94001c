"""Date columns: detection, parsing and the date parts (kagglekit.features.dates)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.features.dates import DateFeatures, is_date_column, parse_dates
from tests.checks import parametrize_with_checks


def test_parts_of_dates_and_datetimes():
    frame = pd.DataFrame({"day": ["2016-07-02", "2016-12-31", None],
                          "stamp": ["2013-01-01T10:30:00Z", "2013-06-15T23:00:00Z",
                                    "2013-01-01T00:00:00+02:00"]})
    dates = DateFeatures().fit(frame)
    out = dates.transform(frame)
    assert list(dates.get_feature_names_out()) == [
        "day_year", "day_month", "day_day", "day_dayofweek", "day_dayofyear",
        "stamp_year", "stamp_month", "stamp_day", "stamp_dayofweek", "stamp_dayofyear",
        "stamp_hour"]
    np.testing.assert_array_equal(out[0, :5], [2016, 7, 2, 5, 184])      # a Saturday
    np.testing.assert_array_equal(out[1, :5], [2016, 12, 31, 5, 366])    # leap year
    assert np.isnan(out[2, :5]).all()                                     # missing date
    np.testing.assert_allclose(out[:, 10], [10.5, 23.0, 22.0], atol=1e-12)  # +02:00 -> UTC
    np.testing.assert_array_equal(out[2, 5:8], [2012, 12, 31])


def test_hour_only_for_columns_with_times_and_unreadable_text_is_missing():
    dates = DateFeatures().fit(pd.DataFrame({"d": ["2020-01-01 00:00", "2020-01-02"]}))
    assert not dates.with_hour_[0]
    out = dates.transform(pd.DataFrame({"d": ["not a date", "2021-03-04"]}))
    assert out.shape == (2, 5) and np.isnan(out[0]).all() and out[1, 0] == 2021
    assert DateFeatures(hour=True).fit_transform(pd.DataFrame({"d": ["2020-01-01"]})).shape \
        == (1, 6)
    with pytest.raises(ValueError, match="hour must be"):
        DateFeatures(hour="yes").fit(pd.DataFrame({"d": ["2020-01-01"]}))


def test_numbers_are_seconds_since_1970():
    stamps = parse_dates(np.array([0, 86400 * 366], dtype=object))
    assert list(stamps.dt.year) == [1970, 1971] and list(stamps.dt.day_of_year) == [1, 2]


@pytest.mark.parametrize("values, expected", [
    (["2016-07-02", "2016-07-03", None], True),
    (["2013-01-01T10:00:00Z", "2013-01-01T11:00:00Z"], True),
    (["02/07/2016", "13/07/2016"], True),
    (["May", "June", "July"], False),             # words are categories, not dates
    (["N14228", "N24211"], False),
    (["1", "2", "3"], False),                      # numbers as text are not dates
    (["2016-07-02"] * 5 + ["x"] * 5, False),      # half dates: not a date column
])
def test_date_columns_are_detected(values, expected):
    assert is_date_column(pd.Series(values, dtype=object)) is expected


def test_numeric_columns_are_not_dates():
    assert not is_date_column(pd.Series([20160702, 20160703]))


@parametrize_with_checks([DateFeatures()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
