"""The first step of every tabular pipeline: check and tidy the raw input columns.

A saved pipeline is called from scripts and services with whatever frame they have. This step
makes the common mistakes either harmless or a one-line :class:`~kagglekit.errors.DataError`
before any feature code runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from kagglekit.errors import DataError


class InputSchema(TransformerMixin, BaseEstimator):
    """Check the input columns against those seen in ``fit`` and tidy their values.

    On a DataFrame, ``transform``:

    - refuses missing columns and an empty frame with a :class:`~kagglekit.errors.DataError`
      naming them;
    - drops extra columns and restores the training order of the others;
    - reads numeric columns as numbers (``"22"`` becomes 22.0; text that is not a number is
      an error naming the column), treats ``inf`` as missing, and bounds values far outside
      the training range (to ``[min - span, max + span]``, ``span = max - min``), so a huge
      number cannot overflow a network's float32 arithmetic;
    - turns non-numeric columns into text (or NaN when missing), so unseen values reach the encoders
      as unseen categories rather than as mixed types.

    Arrays without column names are checked for their column count only, then tidied the same
    way by position.

    Parameters
    ----------
    ignore : tuple of str, default=()
        Columns the model does not use (such as a row id): dropped, and not required later.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names seen in ``fit`` (DataFrame input only).
    columns_ : list of str
        The columns kept (those seen in ``fit`` but ``ignore``), in their training order.
    numeric_ : ndarray of bool
        Whether each kept column was numeric in ``fit``.
    low_, high_ : ndarray of float
        Bounds for each numeric column (NaN for other columns and all-missing ones).
    """

    def __init__(self, ignore=()):
        self.ignore = ignore

    def fit(self, X, y=None):
        frame = self._frame(validate_data(self, X, dtype=None, ensure_all_finite="allow-nan",
                                          skip_check_array=isinstance(X, pd.DataFrame)))
        self.columns_ = [str(c) for c in frame.columns if str(c) not in set(self.ignore)]
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)[self.columns_]
        self.numeric_ = np.array([pd.api.types.is_numeric_dtype(frame[c])
                                  and not pd.api.types.is_bool_dtype(frame[c])
                                  for c in frame.columns])
        low = np.full(frame.shape[1], np.nan)
        high = np.full(frame.shape[1], np.nan)
        for j in np.flatnonzero(self.numeric_):
            values = frame.iloc[:, j].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            if len(values):
                span = values.max() - values.min()
                low[j], high[j] = values.min() - span, values.max() + span
        self.low_, self.high_ = low, high
        return self

    def transform(self, X):
        check_is_fitted(self, "numeric_")
        if isinstance(X, pd.DataFrame) and hasattr(self, "feature_names_in_"):
            frame = self._select(X)
        else:
            frame = self._frame(validate_data(self, X, dtype=None, reset=False,
                                              ensure_all_finite="allow-nan"))[self.columns_]
        if len(frame) == 0:
            raise DataError("no rows to predict: give at least one row")
        out = {}
        for j, column in enumerate(frame.columns):
            values = frame[column]
            if self.numeric_[j]:
                out[column] = self._numeric(values, j)
            else:
                out[column] = self._text(values)
        result = pd.DataFrame(out, index=frame.index)
        return result if isinstance(X, pd.DataFrame) else result.to_numpy()

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "numeric_")
        return np.asarray(self.columns_, dtype=object)

    def _lean_entry(self, X):
        """``transform``'s values as one array, for a tidy frame (numbers in numeric columns,
        text or NaN in the others); None for anything else, which ``transform`` handles.
        Used by :class:`~kagglekit.pipelines.lean.LeanPipeline`."""
        if not hasattr(self, "feature_names_in_") or len(X) == 0:
            return None
        positions = None  # the frame's columns in training order, when they differ
        if X.columns.tolist() != self.columns_:
            positions = X.columns.get_indexer(self.columns_) if X.columns.is_unique else None
            if positions is None or (positions < 0).any():
                return None
        dtypes = X.dtypes.to_numpy()
        if positions is not None:
            dtypes = dtypes[positions]
        numeric = self.numeric_
        if any(not pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t)
               for t in dtypes[numeric]):
            return None
        values = X.to_numpy(dtype=object, copy=True)  # pandas 3 may hand out a read-only view
        if positions is not None:
            values = values[:, positions]
        for j in np.flatnonzero(~numeric):
            if not all(isinstance(v, str) or _missing(v) for v in values[:, j]):
                return None
            values[:, j] = [np.nan if _missing(v) else v for v in values[:, j]]
        for j in np.flatnonzero(numeric):
            numbers = values[:, j].astype(np.float64)
            numbers[~np.isfinite(numbers)] = np.nan
            if not np.isnan(self.low_[j]):
                numbers = np.clip(numbers, self.low_[j], self.high_[j])
            values[:, j] = numbers
        return values

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _frame(self, X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            return X
        names = getattr(self, "feature_names_in_", None)
        if names is None or len(names) != X.shape[1]:
            names = [f"x{i}" for i in range(X.shape[1])]
        return pd.DataFrame(np.asarray(X), columns=[str(n) for n in names])

    def _select(self, X: pd.DataFrame) -> pd.DataFrame:
        names = self.columns_
        present = set(map(str, X.columns))
        missing = [c for c in names if c not in present]
        if missing:
            raise DataError(f"missing column(s) {missing}: give every column the model was "
                            f"trained on ({', '.join(names)})")
        if X.columns.tolist() == names:
            return X
        if X.columns.is_unique and all(isinstance(c, str) for c in X.columns):
            return X[names]
        X = X.loc[:, ~X.columns.duplicated()]
        return X.set_axis(list(map(str, X.columns)), axis=1)[names]

    def _numeric(self, values: pd.Series, j: int) -> np.ndarray:
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            numbers = pd.to_numeric(values.map(_as_number_text), errors="coerce")
            bad = values[numbers.isna() & values.notna() & (values.map(_as_number_text) != "")]
            if len(bad):
                raise DataError(f"column {values.name}: {bad.iloc[0]!r} is not a number; "
                                "give numbers (or leave the cell empty)")
            numbers = numbers.to_numpy(dtype=float)
        numbers = np.where(np.isfinite(numbers), numbers, np.nan)
        if not np.isnan(self.low_[j]):
            numbers = np.clip(numbers, self.low_[j], self.high_[j])
        return numbers

    @staticmethod
    def _text(values: pd.Series) -> np.ndarray:
        return np.array([np.nan if _missing(v) else v if isinstance(v, str) else str(v)
                         for v in values], dtype=object)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers are values, not missing
        return False


def _as_number_text(value) -> str:
    """A cell as text for number parsing ("" when missing; bools are not numbers)."""
    if _missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "not-a-number"
    return str(value).strip()
