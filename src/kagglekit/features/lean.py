"""A ColumnTransformer that stays cheap on the few rows a script or service predicts.

scikit-learn's ``ColumnTransformer.transform`` costs several milliseconds per call whatever the
row count: each part is handed a DataFrame slice, validates it, wraps its output in a new
DataFrame and names it, and the parts are concatenated with ``pandas.concat``. For up to
:data:`SMALL_ROWS` rows of a DataFrame laid out exactly as in ``fit``, this subclass instead
takes the values once as an array, runs each fitted part's arithmetic on it directly and builds
one output frame with the names and dtypes recorded in ``fit``.

The direct path knows the fitted state of ``SimpleImputer``, ``StandardScaler``,
``MinMaxScaler``, ``OneHotEncoder``, ``FunctionTransformer``, ``"passthrough"``, pipelines of
these, and any transformer with a ``_lean(values)`` method (kagglekit's own). A part it does not
know, a setting it does not cover, or a bigger input goes through scikit-learn's own code, and
the tests check that both paths give identical output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils._set_output import _get_output_config

#: Inputs up to this many rows take the direct path.
SMALL_ROWS = 64


class LeanColumnTransformer(ColumnTransformer):
    """:class:`sklearn.compose.ColumnTransformer` with a direct path for small DataFrames.

    Same parameters, attributes and results as ``ColumnTransformer``; see the module
    docstring for what differs (only the time a small input takes).
    """

    def fit_transform(self, X, y=None, **params):
        result = super().fit_transform(X, y, **params)
        self._lean_plan_ = self._plan(X, result)
        return result

    def transform(self, X, **params):
        plan = getattr(self, "_lean_plan_", None)
        if (plan is None or params or not isinstance(X, pd.DataFrame)
                or len(X) > SMALL_ROWS or X.columns.tolist() != plan["columns"]):
            return super().transform(X, **params)
        values = X.to_numpy()
        parts = []
        for transformer, positions in plan["parts"]:
            part = _lean_apply(transformer, values[:, positions])
            if part is None:
                return super().transform(X, **params)
            parts.append(part)
        if _get_output_config("transform", self)["dense"] != "pandas":
            return np.hstack(parts)
        if plan["float"]:
            return pd.DataFrame(np.hstack(parts).astype(np.float64), columns=plan["names"],
                                index=X.index, copy=False)
        columns = {}
        for part in parts:
            for j in range(part.shape[1]):
                name, dtype = plan["dtypes"][len(columns)]
                if isinstance(dtype, np.dtype):
                    columns[name] = part[:, j].astype(dtype, copy=False)
                else:  # pandas' own dtypes (e.g. its string dtype)
                    columns[name] = pd.array(part[:, j], dtype=dtype)
        return pd.DataFrame(columns, index=X.index)

    def _plan(self, X, fitted_output):
        """What the direct path needs, recorded at fit; None when it cannot apply."""
        if (not isinstance(X, pd.DataFrame) or self.sparse_output_
                or not all(isinstance(c, str) for c in X.columns)):
            return None
        parts = []
        for name, transformer, _ in self.transformers_:
            out = self.output_indices_.get(name, slice(0, 0))
            if isinstance(transformer, str) and transformer == "drop" or out.stop == out.start:
                continue
            parts.append((transformer, list(self._transformer_to_input_indices[name])))
        names = self.get_feature_names_out()
        if isinstance(fitted_output, pd.DataFrame):
            dtypes = list(fitted_output.dtypes.items())
        else:
            dtypes = [(n, np.asarray(fitted_output).dtype) for n in names]
        return {"columns": X.columns.tolist(), "parts": parts, "names": pd.Index(names),
                "dtypes": dtypes,
                "float": all(dtype == np.float64 for _, dtype in dtypes)}


def _lean_apply(transformer, values):
    """``transformer``'s fitted arithmetic on an array, or None when it is not covered."""
    if isinstance(transformer, str):
        return values if transformer == "passthrough" else None
    if isinstance(transformer, Pipeline):
        for _, step in transformer.steps:
            if step is None or step == "passthrough":
                continue
            values = _lean_apply(step, values)
            if values is None:
                return None
        return values
    lean = getattr(transformer, "_lean", None)
    if lean is not None:
        try:
            return lean(values)
        except (TypeError, ValueError):  # odd values: scikit-learn's path raises properly
            return None
    for kind, apply in _BUILTIN:
        if type(transformer) is kind:
            return apply(transformer, values)
    return None


def _impute(imputer: SimpleImputer, values):
    stats = imputer.statistics_
    if imputer.add_indicator or not _is_nan(imputer.missing_values) \
            or any(_is_nan(s) for s in stats):
        return None
    if stats.dtype != object:
        values = _floats(values)
        if values is None:
            return None
        return np.where(np.isnan(values), stats[None, :], values)
    return np.where(pd.isna(values), stats[None, :], values)


def _standardize(scaler: StandardScaler, values):
    values = _floats(values)
    if values is None:
        return None
    if scaler.with_mean:
        values = values - scaler.mean_
    if scaler.with_std:
        values = values / scaler.scale_
    return values


def _min_max(scaler: MinMaxScaler, values):
    values = _floats(values)
    if values is None:
        return None
    values = values * scaler.scale_ + scaler.min_
    if scaler.clip:
        values = np.clip(values, *scaler.feature_range)
    return values


def _one_hot(encoder: OneHotEncoder, values):
    if (encoder.sparse_output or encoder.handle_unknown != "ignore" or encoder.drop is not None
            or encoder._infrequent_enabled
            or any(_is_nan(c) for cats in encoder.categories_ for c in cats)):
        return None
    blocks = [values[:, [j]] == cats[None, :] for j, cats in enumerate(encoder.categories_)]
    return np.hstack(blocks).astype(encoder.dtype)


def _function(transformer: FunctionTransformer, values):
    if transformer.validate:
        return None
    if transformer.func is None:
        return values
    return np.asarray(transformer.func(values, **(transformer.kw_args or {})))


_BUILTIN = ((SimpleImputer, _impute), (StandardScaler, _standardize), (MinMaxScaler, _min_max),
            (OneHotEncoder, _one_hot), (FunctionTransformer, _function))


def _floats(values):
    """``values`` as float64, or None when they are not all numbers (scikit-learn then
    raises its own error) or hold an infinity."""
    try:
        values = values.astype(np.float64)
    except (TypeError, ValueError):
        return None
    return None if np.isinf(values).any() else values


def _is_nan(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and np.isnan(value))
