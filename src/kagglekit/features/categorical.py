"""Categorical columns as integer codes for embeddings and for trees' native categorical
support, with code 0 for what the training data cannot speak for (unseen and rare levels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

_MISSING = "\x00missing"  # missing cells are a level of their own (rarely a real text value)


class CategoryCodes(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Each column's levels as codes 1..K, the most frequent level first; 0 for a level seen
    fewer than ``min_frequency`` times in ``fit`` and for every level not seen in ``fit``.

    Rare levels share code 0 with unseen ones on purpose: an embedding (or a tree split) for
    code 0 is then trained on the rare rows, and a level first met at predict time gets what
    was learned for rare levels instead of an untrained vector. A missing cell is a level of
    its own ("missing"), with a code when it is frequent enough.

    Parameters
    ----------
    min_frequency : int, default=3
        Training rows a level needs for its own code.
    max_levels : int or None, default=None
        At most this many codes per column (the most frequent levels); the rest get 0.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        (DataFrame input only.)
    categories_ : list of ndarray
        Each column's coded levels as text, in code order (``categories_[j][0]`` has code 1).
    cardinalities_ : ndarray of int
        Number of codes of each column, 0 included (``len(categories_[j]) + 1``).
    """

    def __init__(self, min_frequency=3, max_levels=None):
        self.min_frequency = min_frequency
        self.max_levels = max_levels

    def fit(self, X, y=None):
        if not isinstance(self.min_frequency, int | np.integer) or self.min_frequency < 1:
            raise ValueError(f"min_frequency must be a whole number >= 1, got "
                             f"{self.min_frequency!r}")
        if self.max_levels is not None and (not isinstance(self.max_levels, int | np.integer)
                                            or self.max_levels < 1):
            raise ValueError(f"max_levels must be None or a whole number >= 1, got "
                             f"{self.max_levels!r}")
        frame = self._text(X, reset=True)
        self.categories_ = []
        for j in range(frame.shape[1]):
            counts = frame.iloc[:, j].value_counts()
            counts = counts[counts >= self.min_frequency]
            # most frequent first; ties in text order, so the codes do not depend on row order
            order = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            levels = [level for level, _ in order][:self.max_levels]
            self.categories_.append(np.asarray(levels, dtype=object))
        self.cardinalities_ = np.array([len(c) + 1 for c in self.categories_], dtype=np.int64)
        return self

    def transform(self, X):
        check_is_fitted(self, "categories_")
        return self._codes(self._text(X, reset=False))

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype=np.float64)
        for j, levels in enumerate(self.categories_):
            out[:, j] = pd.Index(levels).get_indexer(frame.iloc[:, j]) + 1
        return out

    def _lean(self, values):
        """``transform`` on an array laid out as in ``fit`` (LeanPipeline's direct path)."""
        values = np.asarray(values, dtype=object)
        if values.ndim != 2 or values.shape[1] != len(self.categories_):
            return None
        return self._codes(pd.DataFrame(values).map(_as_level))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _text(self, X, *, reset: bool) -> pd.DataFrame:
        skip = isinstance(X, pd.DataFrame)
        values = validate_data(self, X, dtype=None, ensure_all_finite="allow-nan", reset=reset,
                               skip_check_array=skip)
        if skip and not reset and X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but CategoryCodes is expecting "
                             f"{self.n_features_in_} features as input")
        frame = pd.DataFrame(np.asarray(values, dtype=object) if not skip
                             else values.to_numpy(dtype=object))
        return frame.map(_as_level)


def _as_level(value) -> str:
    """A cell as its level's text: numbers that are whole print without ``.0`` (so 3 and
    3.0 are one level), missing cells are the missing level."""
    if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
        return _MISSING
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)
