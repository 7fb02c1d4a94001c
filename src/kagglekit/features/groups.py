"""Column-agnostic transformers: counts, sums, group-wise imputation and group target rates.

They work on any numeric or categorical columns (so scikit-learn's estimator checks apply),
and the Titanic feature builder wires them to named columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


def _as_frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])


def group_key(values) -> list:
    """Values usable as group keys; missing ones become None (they never form a group)."""
    keys = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            keys.append(None)
        elif isinstance(value, str | int | float | np.number | np.bool_):
            keys.append(value)
        else:
            raise TypeError(f"argument must be a string or a number, not {type(value).__name__}")
    return keys


class _AllowNan:
    """Tags shared by the transformers here: missing values are data, not errors."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class FamilySize(_AllowNan, TransformerMixin, BaseEstimator):
    """Household size from relative counts: ``1 + sum(columns)``, and whether it is 1.

    With the Titanic's ``SibSp`` and ``Parch`` this gives ``FamilySize`` and ``IsAlone``.
    Missing counts are treated as 0.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Set when fitted on a DataFrame with string column names.
    """

    def fit(self, X, y=None):
        validate_data(self, X, dtype="numeric", ensure_all_finite="allow-nan")
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_in_")
        return self._lean(validate_data(self, X, dtype="numeric", ensure_all_finite="allow-nan",
                                        reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        size = 1.0 + np.nansum(values.astype(np.float64), axis=1)
        return np.column_stack([size, (size == 1.0).astype(float)])

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_in_")
        return np.array(["FamilySize", "IsAlone"], dtype=object)


class FrequencyEncoder(_AllowNan, TransformerMixin, BaseEstimator):
    """Replace each value by how many training rows share it (e.g. passengers per ticket).

    Values never seen in ``fit`` count as 1 (the row is a group of its own); missing values
    count as 1 as well.

    Attributes
    ----------
    counts_ : list of dict
        Per input column, the training frequency of each value.
    """

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=None, ensure_all_finite="allow-nan")
        self.counts_ = []
        for column in X.T:
            keys = pd.Series(group_key(column), dtype=object).dropna()
            self.counts_.append(keys.value_counts().to_dict())
        return self

    def transform(self, X):
        check_is_fitted(self, "counts_")
        return self._lean(validate_data(self, X, dtype=None, ensure_all_finite="allow-nan",
                                        reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        out = np.ones(values.shape, dtype=float)
        for j, (column, counts) in enumerate(zip(values.T, self.counts_, strict=True)):
            out[:, j] = [counts.get(k, 1) if k is not None else 1 for k in group_key(column)]
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "counts_")
        names = input_names(self, input_features)
        return np.array([f"{name}_count" for name in names], dtype=object)


class GroupMedianImputer(_AllowNan, TransformerMixin, BaseEstimator):
    """Fill missing values of the first column with its median within groups of the others.

    With ``["Age", "Title", "Pclass"]`` a missing age becomes the median age of training
    passengers with the same title and class. Groups unseen in ``fit`` (or all-missing in it)
    fall back to the overall training median. Only the first column is returned.

    Attributes
    ----------
    medians_ : dict
        Group key (tuple of the other columns' values) to median.
    overall_median_ : float
    """

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=None, ensure_all_finite="allow-nan")
        if X.shape[1] < 2:
            raise ValueError("GroupMedianImputer needs the column to fill and at least one "
                             f"group column; got {X.shape[1]} feature(s)")
        for column in X.T:
            group_key(column)
        frame = _as_frame(X)
        target = pd.to_numeric(frame.pop("c0"), errors="coerce")
        overall = target.median()
        self.overall_median_ = float(overall) if pd.notna(overall) else 0.0
        groups = target.groupby([frame[c].astype(str) for c in frame.columns]).median()
        keys = [k if isinstance(k, tuple) else (k,) for k in groups.index]
        self.medians_ = {k: float(v) for k, v in zip(keys, groups.values, strict=True)
                         if pd.notna(v)}
        return self

    def transform(self, X):
        check_is_fitted(self, "medians_")
        return self._lean(validate_data(self, X, dtype=None, ensure_all_finite="allow-nan",
                                        reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        target = pd.to_numeric(pd.Series(values[:, 0]), errors="coerce").to_numpy(dtype=float)
        # the same keys as fit's ``astype(str)`` group labels
        keys = (tuple(str(v) for v in row) for row in values[:, 1:])
        fill = np.array([self.medians_.get(k, self.overall_median_) for k in keys], dtype=float)
        return np.where(np.isnan(target), fill, target).reshape(-1, 1)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "medians_")
        return np.array([input_names(self, input_features)[0]], dtype=object)


class GroupTargetRate(_AllowNan, TransformerMixin, BaseEstimator):
    """Mean target of the *other* training rows sharing a value (e.g. a ticket or surname).

    For each input column it outputs ``<col>_rate``, the mean of ``y`` over the other training
    rows with the same value, shrunk toward the training mean by ``smoothing`` pseudo-rows, and
    ``<col>_known``, how many such rows there were. On Titanic this says whether a passenger's
    fellow travellers survived, a strong signal, learned from the training data only.

    ``fit_transform`` leaves each row out of its own group (otherwise the label would leak into
    its own feature); ``transform`` on new rows uses all training rows of the group. So, as with
    scikit-learn's ``TargetEncoder``, ``fit(X, y).transform(X)`` differs from ``fit_transform``.

    Parameters
    ----------
    smoothing : float, default=1.0
        Pseudo-count of the prior (the overall training mean) mixed into every group's mean.

    Attributes
    ----------
    prior_ : float
        Training mean of ``y``.
    sums_, counts_ : list of dict
        Per column, the sum of ``y`` and the row count of each value in the training data.
    """

    def __init__(self, smoothing=1.0):
        self.smoothing = smoothing

    def fit(self, X, y):
        self._fit(X, y)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        keys, target = self._fit(X, y)
        return self._encode(keys, leave_out=target)

    def transform(self, X):
        check_is_fitted(self, "prior_")
        return self._lean(validate_data(self, X, dtype=None, ensure_all_finite="allow-nan",
                                        reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        return self._encode(values, leave_out=None)

    def _fit(self, X, y):
        if y is None:
            raise ValueError("GroupTargetRate requires y to be passed, but the target y is None")
        X, y = validate_data(self, X, y, dtype=None, ensure_all_finite="allow-nan",
                             y_numeric=True)
        if self.smoothing < 0:
            raise ValueError(f"smoothing must be >= 0, got {self.smoothing}")
        target = np.asarray(y, dtype=float)
        self.prior_ = float(target.mean())
        self.sums_, self.counts_ = [], []
        for column in X.T:
            table = pd.DataFrame({"k": group_key(column), "y": target}).dropna(subset=["k"])
            grouped = table.groupby("k", sort=False)["y"]
            self.sums_.append(grouped.sum().to_dict())
            self.counts_.append(grouped.count().to_dict())
        return X, target

    def _encode(self, X, leave_out):
        out = np.empty((X.shape[0], 2 * X.shape[1]), dtype=float)
        for j, column in enumerate(X.T):
            keys = group_key(column)
            sums = np.array([self.sums_[j].get(k, 0.0) for k in keys], dtype=float)
            counts = np.array([self.counts_[j].get(k, 0) for k in keys], dtype=float)
            if leave_out is not None:
                present = np.array([k is not None for k in keys])
                sums = sums - np.where(present, leave_out, 0.0)
                counts = counts - present
            out[:, 2 * j] = (sums + self.smoothing * self.prior_) / np.maximum(
                counts + self.smoothing, 1e-12)
            out[:, 2 * j] = np.where(counts + self.smoothing > 0, out[:, 2 * j], self.prior_)
            out[:, 2 * j + 1] = counts
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "prior_")
        names = input_names(self, input_features)
        return np.array([f"{n}_{part}" for n in names for part in ("rate", "known")],
                        dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


def input_names(estimator, input_features) -> list[str]:
    """Input column names: given ones, else those seen in fit, else x0, x1, ..."""
    if input_features is not None:
        if len(input_features) != estimator.n_features_in_:
            raise ValueError(f"expected {estimator.n_features_in_} input feature names, "
                             f"got {len(input_features)}")
        return [str(name) for name in input_features]
    if hasattr(estimator, "feature_names_in_"):
        return [str(name) for name in estimator.feature_names_in_]
    return [f"x{i}" for i in range(estimator.n_features_in_)]
