"""Small-input fast paths for scikit-learn's ColumnTransformer and Pipeline.

scikit-learn costs several milliseconds per ``transform`` whatever the row count: each part of a
ColumnTransformer is handed a DataFrame slice, validates it, wraps its output in a new
DataFrame and names it, the parts are joined with ``pandas.concat``, and the next step starts
over. A service predicting one row at a time pays that at every step.

:class:`LeanColumnTransformer` and :class:`LeanPipeline` are the scikit-learn classes with one
addition: for up to :data:`SMALL_ROWS` rows of a DataFrame laid out as in ``fit``, the values
are taken once as an array, every fitted step's arithmetic runs on that array, and one output
frame is built at the end with the names and dtypes recorded in ``fit``. The direct path knows
the fitted state of ``SimpleImputer``, ``StandardScaler``, ``MinMaxScaler``, ``OneHotEncoder``,
``FunctionTransformer``, ``"passthrough"``, nested pipelines, and any step with a
``_lean(values)`` method (kagglekit's own transformers; ``_lean_entry(frame)`` for a first step
that takes the DataFrame). Anything else (a step it does not know, a setting it does not cover,
unusual values, more rows) goes through scikit-learn's own code; the tests check that both
paths give identical output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils.metaestimators import available_if

from kagglekit._compat import (
    final_estimator_has,
    infrequent_enabled,
    input_positions,
    keep_own_transform_names,
    own_output_setting,
    pipeline_can_transform,
    transform_output,
)

#: Inputs up to this many rows take the direct path.
SMALL_ROWS = 64


class LeanColumnTransformer(ColumnTransformer, auto_wrap_output_keys=None):
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
        if (plan is None or params or not _small(X)
                or X.columns.tolist() != plan["columns"]):
            return super().transform(X, **params)
        values = self._lean(X.to_numpy())
        if values is None:
            return super().transform(X, **params)
        return self._lean_output(values, X.index)

    def _lean(self, values):
        """The fitted parts applied to an array laid out as the fit input; None if not covered."""
        plan = getattr(self, "_lean_plan_", None)
        if plan is None or values.shape[1] != len(plan["columns"]):
            return None
        parts = []
        for transformer, positions in plan["parts"]:
            part = _lean_apply(transformer, values[:, positions])
            if part is None:
                return None
            parts.append(part)
        return np.hstack(parts)

    def _lean_output(self, values, index):
        """``values`` (from ``_lean``) in the container and dtypes ``transform`` returns."""
        plan = self._lean_plan_
        if transform_output(self) != "pandas":
            return values
        if plan["float"]:
            return pd.DataFrame(values.astype(np.float64), columns=plan["names"], index=index,
                                copy=False)
        columns = {}
        for j, (name, dtype) in enumerate(plan["dtypes"]):
            if isinstance(dtype, np.dtype):
                columns[name] = values[:, j].astype(dtype, copy=False)
            else:  # pandas' own dtypes (e.g. its string dtype)
                columns[name] = pd.array(values[:, j], dtype=dtype)
        return pd.DataFrame(columns, index=index)

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
            parts.append((transformer, input_positions(self, name)))
        names = self.get_feature_names_out()
        if isinstance(fitted_output, pd.DataFrame):
            dtypes = list(fitted_output.dtypes.items())
        else:
            dtypes = [(n, np.asarray(fitted_output).dtype) for n in names]
        return {"columns": X.columns.tolist(), "parts": parts, "names": pd.Index(names),
                "dtypes": dtypes,
                "float": all(dtype == np.float64 for _, dtype in dtypes)}


# ``auto_wrap_output_keys=None`` keeps scikit-learn from wrapping this class's ``transform``
# (which names its output itself; the wrapper would walk every part's names again on each
# call); declaring the key keeps ``set_output`` available. ``super().transform`` stays wrapped.
keep_own_transform_names(LeanColumnTransformer)


class LeanPipeline(Pipeline):
    """:class:`sklearn.pipeline.Pipeline` with a direct path for small DataFrames.

    ``transform``, ``predict`` and ``predict_proba`` run the transform steps on one array when
    every step supports it (see the module docstring); otherwise, and for ``fit``, this is
    scikit-learn's ``Pipeline``.
    """

    # The same availability as Pipeline's methods (a pipeline ending in a classifier has no
    # transform; one ending in a transformer has no predict).
    @available_if(pipeline_can_transform)
    def transform(self, X, **params):
        Xt = None if params else self._lean_transform(X, self.steps)
        return super().transform(X, **params) if Xt is None else Xt

    @available_if(final_estimator_has("predict"))
    def predict(self, X, **params):
        Xt = None if params else self._lean_transform(X, self.steps[:-1])
        if Xt is None:
            return super().predict(X, **params)
        return self.steps[-1][1].predict(Xt)

    @available_if(final_estimator_has("predict_proba"))
    def predict_proba(self, X, **params):
        Xt = None if params else self._lean_transform(X, self.steps[:-1])
        if Xt is None:
            return super().predict_proba(X, **params)
        return self.steps[-1][1].predict_proba(Xt)

    @staticmethod
    def _lean_transform(X, steps):
        """The output of ``steps`` for a small frame, or None to take scikit-learn's path."""
        steps = [step for _, step in steps if step is not None and step != "passthrough"]
        if not steps or not _small(X):
            return None
        entry = getattr(steps[0], "_lean_entry", None)
        if entry is not None:
            values, rest = entry(X), steps[1:]
        else:
            plan = getattr(steps[0], "_lean_plan_", None)
            if plan is None or X.columns.tolist() != plan["columns"]:
                return None
            values, rest = X.to_numpy(), steps
        for step in rest:
            if values is None:
                return None
            values = _lean_apply(step, values)
        last = _last_step(steps[-1])
        if values is None or not isinstance(last, LeanColumnTransformer):
            return None
        return last._lean_output(values, X.index)


def _small(X) -> bool:
    return isinstance(X, pd.DataFrame) and len(X) <= SMALL_ROWS


def _last_step(step):
    while isinstance(step, Pipeline):
        step = step.steps[-1][1]
    return step


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
            or infrequent_enabled(encoder)
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


def lean(estimator):
    """``estimator`` with every Pipeline and ColumnTransformer inside it (nested ones too)
    turned into :class:`LeanPipeline` / :class:`LeanColumnTransformer`: the same parameters
    and ``set_output`` setting, the fast path added. Other estimators pass through as they
    are. The feature builders of :mod:`kagglekit.features` return scikit-learn's own classes;
    the registry's pipelines are made lean here.
    """
    if isinstance(estimator, Pipeline):
        params = estimator.get_params(deep=False)
        params["steps"] = [(name, lean(step)) for name, step in estimator.steps]
        converted = LeanPipeline(**params)
    elif isinstance(estimator, ColumnTransformer):
        params = estimator.get_params(deep=False)
        params["transformers"] = [(name, lean(part), columns)
                                  for name, part, columns in estimator.transformers]
        converted = LeanColumnTransformer(**params)
    else:
        return estimator
    setting = own_output_setting(estimator)
    return converted.set_output(transform=setting) if setting else converted
