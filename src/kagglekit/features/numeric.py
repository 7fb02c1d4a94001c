"""Numeric columns as a neural network wants them: centred, robustly scaled, and outliers
pulled in smoothly (RealMLP's preprocessing, Holzmüller et al. 2024)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class RobustScaleClip(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Subtract each column's median, divide by its interquartile range, then clip smoothly:
    ``z / sqrt(1 + (z / clip) ** 2)``, which is ~z near 0 and tends to ±``clip``.

    A column whose quartiles coincide (e.g. mostly zeros) is divided by half its range
    instead; a constant column becomes 0. Missing values stay missing.

    Standardizing by the mean and standard deviation lets one huge value squeeze every other
    value of its column towards 0 and feeds the network inputs in the hundreds; the median
    and quartiles ignore outliers and the clip bounds them.

    Parameters
    ----------
    clip : float or None, default=3.0
        Where the smooth clip levels off; None: no clipping (robust scaling only).

    Attributes
    ----------
    center_, scale_ : ndarray of float
        The median and the divisor of each column.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        (DataFrame input only.)
    """

    def __init__(self, clip=3.0):
        self.clip = clip

    def fit(self, X, y=None):
        if self.clip is not None and not (isinstance(self.clip, int | float | np.number)
                                          and self.clip > 0):
            raise ValueError(f"clip must be a positive number or None, got {self.clip!r}")
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=True)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-missing column: NaN, handled
            low, center, high = np.nanpercentile(X, [25, 50, 75], axis=0)
            spread = high - low
            half_range = 0.5 * (np.nanmax(X, axis=0) - np.nanmin(X, axis=0))
        scale = np.where(spread > 0, spread, half_range)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self.center_ = np.where(np.isfinite(center), center, 0.0)
        self.scale_ = scale
        return self

    def transform(self, X):
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, dtype=[np.float64, np.float32],
                          ensure_all_finite="allow-nan", reset=False)
        return self._lean(X)

    def _lean(self, values):
        """The arithmetic of ``transform`` (also LeanPipeline's direct path)."""
        values = np.asarray(values)
        dtype = values.dtype if values.dtype in (np.float32, np.float64) else np.float64
        z = (values.astype(dtype, copy=False) - self.center_) / self.scale_
        if self.clip is not None:
            z = z / np.sqrt(1.0 + (z / self.clip) ** 2)
        return z.astype(dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
