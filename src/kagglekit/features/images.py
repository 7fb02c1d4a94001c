"""The pixel step of the image pipelines: raw uint8 images in, scaled float32 tensors out."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class ImageScaler(TransformerMixin, BaseEstimator):
    """Divide pixels by 255 (float32) and reshape each image, so a saved pipeline takes raw
    uint8 images such as ``keras.datasets`` returns.

    Parameters
    ----------
    shape : tuple of int or None, default=None
        Shape of one output image, e.g. ``(28, 28, 1)`` for a CNN; None flattens each image
        to a row (for dense nets and scikit-learn models).

    Attributes
    ----------
    n_features_in_ : int
        Pixels per image seen in ``fit``.
    image_shape_ : tuple of int
        Shape of one input image seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> ImageScaler(shape=(2, 2, 1)).fit_transform(np.full((3, 2, 2), 255, np.uint8)).shape
    (3, 2, 2, 1)
    """

    def __init__(self, shape=None):
        self.shape = shape

    def fit(self, X, y=None):
        X = self._check(X, reset=True)
        self.image_shape_ = tuple(X.shape[1:])
        return self

    def transform(self, X):
        check_is_fitted(self, "image_shape_")
        X = self._check(X, reset=False)
        if X.shape[1:] != self.image_shape_:
            raise ValueError(f"images of shape {X.shape[1:]} given; the pipeline was fitted on "
                             f"{self.image_shape_}")
        scaled = X.astype(np.float32) / np.float32(255.0)
        return scaled.reshape((len(X), *self.shape) if self.shape else (len(X), -1))

    def _check(self, X, *, reset: bool):
        if not (hasattr(X, "iloc") or sparse.issparse(X)):
            X = np.asarray(X)
        if getattr(X, "ndim", 2) > 2:  # images: check the count of pixels per image
            flat = np.asarray(X).reshape(len(X), -1)
            validate_data(self, flat, reset=reset, dtype="numeric")
            return np.asarray(X)
        return np.asarray(validate_data(self, X, reset=reset, dtype="numeric"))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # pixels always become float32
        return tags

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "image_shape_")
        return np.asarray([f"pixel{i}" for i in range(self.n_features_in_)], dtype=object)
