"""Date and datetime columns as numbers a model can use: year, month, day, day of the week,
day of the year, and the hour (with its minutes as a fraction) when the column holds times.

One-hot encoding a date gives one column per day seen in training and nothing for a later day;
dropping it loses seasonality. The parts below let any model find trends (year, day of year)
and cycles (month, weekday, hour), and a day never seen still gets sensible values.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

#: The parts of every date column, in output order (``hour`` follows when there are times).
DATE_PARTS = ("year", "month", "day", "dayofweek", "dayofyear")

# ISO dates (2016-07-02, 2013-01-01T10:00:00Z, 2013-01-01 10:00) and day/month/year with
# slashes or dots (02/07/2016). Words ("May", "monday") and plain numbers are not dates.
_DATE_TEXT = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
                        r"(Z|[+-]\d{2}:?\d{2})?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
                        r"( \d{1,2}:\d{2}(:\d{2})?)?)\s*$")


def is_date_column(values: pd.Series, *, sample: int = 500, share: float = 0.95) -> bool:
    """Whether a text column holds dates: at least ``share`` of (a sample of) its distinct
    non-missing values look like a date and parse as one."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    distinct = pd.Series(values.dropna().unique())
    if distinct.empty:
        return False
    distinct = distinct.sample(min(sample, len(distinct)), random_state=0).astype(str)
    if distinct.map(lambda v: bool(_DATE_TEXT.match(v))).mean() < share:
        return False
    return bool(parse_dates(distinct).notna().mean() >= share)


def parse_dates(values) -> pd.Series:
    """Text, datetimes or numbers (seconds since 1970-01-01) as UTC timestamps (a Series
    indexed 0..n-1); anything that does not parse becomes NaT. Each distinct value is
    parsed once, so a long column of repeated dates is fast."""
    series = values if isinstance(values, pd.Series) else \
        pd.Series(np.asarray(values, dtype=object).ravel())
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series(pd.to_datetime(series, utc=True).to_numpy(), dtype="datetime64[ns, UTC]")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    stamps = _parse_distinct(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    out = np.full(len(codes), np.datetime64("NaT", "ns"))
    present = codes >= 0
    out[present] = stamps[codes[present]]
    return pd.Series(out).dt.tz_localize("UTC")


def _parse_distinct(uniques: pd.Series) -> np.ndarray:
    """Distinct values as naive UTC ``datetime64[ns]`` (NaT where they do not parse)."""
    out = np.full(len(uniques), np.datetime64("NaT", "ns"))
    is_number = uniques.map(lambda v: isinstance(v, int | float | np.number)
                            and not isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if is_number.any():
        seconds = uniques[is_number].astype(float).clip(-1e10, 1e10)  # years ~1653..2286
        out[is_number] = pd.to_datetime(seconds, unit="s").to_numpy(dtype="datetime64[ns]")
    text = uniques[~is_number].astype(str)
    if len(text):
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
        rest = parsed.isna().to_numpy()
        if rest.any():
            parsed[rest] = pd.to_datetime(text[rest], errors="coerce", utc=True, format="mixed")
        out[~is_number] = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return out


class DateFeatures(TransformerMixin, BaseEstimator):
    """Each date column as year, month, day, day of the week (Monday 0), day of the year,
    and, for a column with times of day, the hour (minutes as its fraction).

    Text is parsed as ISO 8601 (``2016-07-02``, ``2013-01-01T10:00:00Z``) or any format pandas
    reads; numbers are seconds since 1970-01-01 (UTC). Time zones are converted to UTC.
    A missing or unreadable date gives NaN in every part (impute downstream).

    Parameters
    ----------
    hour : {"auto", True, False}, default="auto"
        Whether to add the hour; ``"auto"``: for the columns whose training values have a
        time of day other than midnight.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        (DataFrame input only.)
    with_hour_ : ndarray of bool
        Whether each column gets an hour part.
    """

    def __init__(self, hour="auto"):
        self.hour = hour

    def fit(self, X, y=None):
        frame = self._frame(X, reset=True)
        if self.hour not in ("auto", True, False):
            raise ValueError(f"hour must be 'auto', True or False, got {self.hour!r}")
        with_hour = []
        for j in range(frame.shape[1]):
            if self.hour == "auto":
                stamps = parse_dates(frame.iloc[:, j]).dropna()
                with_hour.append(bool(((stamps.dt.hour != 0) | (stamps.dt.minute != 0)).any()))
            else:
                with_hour.append(bool(self.hour))
        self.with_hour_ = np.array(with_hour, dtype=bool)
        return self

    def transform(self, X):
        check_is_fitted(self, "with_hour_")
        return self._parts(self._frame(X, reset=False))

    def _lean(self, values):
        """``transform`` on an array laid out as in ``fit`` (LeanPipeline's direct path)."""
        values = np.asarray(values, dtype=object)
        if values.ndim != 2 or values.shape[1] != len(self.with_hour_):
            return None
        return self._parts(pd.DataFrame(values))

    def _parts(self, frame: pd.DataFrame) -> np.ndarray:
        blocks = []
        for j in range(frame.shape[1]):
            stamps = parse_dates(frame.iloc[:, j]).dt
            parts = [stamps.year, stamps.month, stamps.day, stamps.day_of_week, stamps.day_of_year]
            if self.with_hour_[j]:
                parts.append(stamps.hour + stamps.minute / 60.0)
            blocks.extend(np.asarray(p, dtype=np.float64) for p in parts)
        return np.column_stack(blocks) if blocks else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "with_hour_")
        if input_features is None:
            input_features = getattr(self, "feature_names_in_",
                                     [f"x{i}" for i in range(self.n_features_in_)])
        names = []
        for name, hour in zip(input_features, self.with_hour_, strict=True):
            names.extend(f"{name}_{part}" for part in DATE_PARTS + (("hour",) if hour else ()))
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _frame(self, X, *, reset: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, dtype=None, ensure_all_finite="allow-nan", reset=reset,
                          skip_check_array=True)
            if not reset and X.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {X.shape[1]} features, but DateFeatures is expecting "
                                 f"{self.n_features_in_} features as input")
            return X.reset_index(drop=True)
        values = validate_data(self, X, dtype=None, ensure_all_finite="allow-nan", reset=reset)
        return pd.DataFrame(np.asarray(values, dtype=object))
