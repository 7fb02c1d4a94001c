"""Any tabular CSV: infer which columns are numeric, categorical or unusable, and build the
ColumnTransformer for them.

The rules, in order (each one is tested):

1. The target, the id column and ``drop`` columns must exist; they are not features.
2. The target may not have missing values and needs at least two distinct values.
3. Task: ``classification`` when the target is text or boolean, or whole numbers with at most
   ``max_classes`` distinct values; otherwise ``regression`` (``task=`` overrides; a
   regression target must be numeric).
4. A column with no values at all is dropped, with a warning.
5. A column with a single distinct value is dropped, with a warning (it carries no signal).
6. A numeric or boolean column is numeric: median-imputed, then standardized.
7. A text column with at most ``max_categories`` distinct values is categorical:
   most-frequent-imputed, then one-hot encoded (unknown values at predict time are ignored).
8. A text column with more distinct values (names, free text, ids) is dropped, with a warning.
9. A numeric column of distinct whole numbers (every row different) is kept, with a warning
   that it looks like an id (pass it as ``id_column`` or in ``drop``).
10. At least one feature must remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from kagglekit.errors import DataError

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class ColumnPlan:
    """What :func:`infer_columns` decided for each column of a CSV."""

    target: str
    task: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    id_column: str | None = None
    dropped: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    n_classes: int | None = None

    def describe(self) -> str:
        """One line: the task, target and every column's role."""
        task = (f"classification ({self.n_classes} classes)" if self.task == "classification"
                else "regression")
        parts = [f"{task} of {self.target!r}",
                 f"numeric: {', '.join(self.numeric) or 'none'}",
                 f"categorical: {', '.join(self.categorical) or 'none'}"]
        if self.id_column:
            parts.append(f"id: {self.id_column}")
        if self.dropped:
            parts.append("not used: " + ", ".join(f"{c} ({why})" for c, why in
                                                  self.dropped.items()))
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return {"target": self.target, "task": self.task, "numeric": list(self.numeric),
                "categorical": list(self.categorical), "id_column": self.id_column,
                "dropped": dict(self.dropped), "n_classes": self.n_classes}


def infer_columns(frame: pd.DataFrame, target: str, *, id_column: str | None = None,
                  task: str | None = None, drop=(), max_categories: int = 50,
                  max_classes: int = 20, source: str = "data") -> ColumnPlan:
    """Decide the task and each column's role (see the module docstring for the rules).

    Parameters
    ----------
    frame : pandas.DataFrame
        The training data, target included.
    target : str
        The column to predict.
    id_column : str, optional
        Row identifier: kept for predictions and submissions, never a feature.
    task : {"classification", "regression"}, optional
        Overrides the inferred task.
    drop : iterable of str
        Columns not to use.
    max_categories : int
        More distinct values than this make a text column unusable (dropped).
    max_classes : int
        A whole-number target with at most this many values is a classification target.
    source : str
        Name of the file, for messages.

    Returns
    -------
    ColumnPlan

    Raises
    ------
    DataError
        A missing target / id / drop column, a target with missing or a single value, a
        non-numeric regression target, an unknown task, or no usable feature.
    """
    columns = list(frame.columns)
    for role, name in (("target", target), ("id", id_column), *(("drop", d) for d in drop)):
        if name is not None and name not in frame:
            raise DataError(f"{source}: no {role} column {name!r}; the columns are "
                            f"{', '.join(map(str, columns))}")
    y = frame[target]
    if y.isna().any():
        raise DataError(f"{source}: target {target!r} is missing in {int(y.isna().sum())} rows; "
                        "fill or remove those rows")
    if y.nunique() < 2:
        raise DataError(f"{source}: target {target!r} has a single value ({y.iloc[0]!r}); "
                        "there is nothing to learn")
    task = _task(y, task, max_classes, source, target)
    dropped, warnings, numeric, categorical = {}, [], [], []
    for column in columns:
        if column in (target, id_column) or column in drop:
            continue
        values = frame[column]
        distinct = values.nunique()
        if distinct == 0:
            dropped[column] = "no values"
            warnings.append(f"column {column!r} has no values; dropped")
        elif distinct == 1:
            dropped[column] = "a single value"
            warnings.append(f"column {column!r} has a single value; dropped")
        elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            numeric.append(column)
            if _looks_like_id(values):
                warnings.append(f"column {column!r} holds a different whole number in every "
                                "row and looks like an id; kept as a feature (pass --id or "
                                "--drop to leave it out)")
        elif distinct <= max_categories:
            categorical.append(column)
        else:
            dropped[column] = f"text with {distinct} distinct values"
            warnings.append(f"text column {column!r} has {distinct} distinct values (more than "
                            f"{max_categories}), too many to one-hot encode; dropped")
    for column in drop:
        dropped[column] = "--drop"
    if not numeric and not categorical:
        raise DataError(f"{source}: no usable feature column left besides the target "
                        f"{target!r}; give a CSV with input columns")
    return ColumnPlan(target=target, task=task, numeric=tuple(numeric),
                      categorical=tuple(categorical), id_column=id_column, dropped=dropped,
                      warnings=tuple(warnings),
                      n_classes=int(y.nunique()) if task == "classification" else None)


def _task(y: pd.Series, task: str | None, max_classes: int, source: str, target: str) -> str:
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task is None:
        whole = numeric and bool(np.all(np.mod(y.to_numpy(dtype=float), 1) == 0))
        return "regression" if numeric and not (whole and y.nunique() <= max_classes) \
            else "classification"
    if task not in TASKS:
        raise DataError(f"unknown task {task!r}; use one of {', '.join(TASKS)}")
    if task == "regression" and not numeric:
        raise DataError(f"{source}: target {target!r} is not numeric, so it cannot be a "
                        "regression target; use --task classification")
    return task


def _looks_like_id(values: pd.Series) -> bool:
    present = values.dropna()
    return (len(present) >= 20 and pd.api.types.is_integer_dtype(present)
            and present.is_unique)


def _as_text(X):
    """Categorical cells as strings (missing stays missing), so mixed columns encode."""
    frame = pd.DataFrame(X)
    return frame.astype(str).astype(object).where(frame.notna(), np.nan)


def tabular_features(plan: ColumnPlan) -> ColumnTransformer:
    """Column transformer for a :class:`ColumnPlan`: numeric columns median-imputed and
    standardized, categorical ones imputed with the most frequent value and one-hot encoded;
    every other column is dropped."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        FunctionTransformer(_as_text, feature_names_out="one-to-one"),
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False))
    parts = []
    if plan.numeric:
        parts.append(("numeric", numeric, list(plan.numeric)))
    if plan.categorical:
        parts.append(("categorical", categorical, list(plan.categorical)))
    return ColumnTransformer(parts, verbose_feature_names_out=False)
