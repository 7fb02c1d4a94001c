"""Any tabular CSV: infer which columns are numeric, categorical or unusable, and build the
ColumnTransformer for them.

The rules, in order (each one is tested):

1. The target, the id column and ``drop`` columns must exist; they are not features.
2. The target may not have missing values and needs at least two distinct values.
3. Task (:func:`kagglekit.data.target.decide_task`): ``binary`` or ``multiclass`` when the
   target is text or boolean, or whole numbers with at most ``max_classes`` distinct values
   (two: binary); otherwise ``regression``. ``task=`` overrides: ``"classification"`` (the
   CLI's word) is binary or multiclass as the values say; a regression target must be
   numeric.
4. A column with no values at all is dropped, with a warning.
5. A column with a single distinct value is dropped, with a warning (it carries no signal).
6. A numeric column is numeric: median-imputed, then standardized. A boolean column is
   categorical (``True`` / ``False``, as :class:`~kagglekit.features.inputs.InputSchema`
   reads it: booleans are not numbers).
7. A text column whose values are dates (``2016-07-02``, ``2013-01-01T10:00:00Z``...) is a
   date column: year, month, day, day of week, day of year (+ hour when it has times), see
   :class:`~kagglekit.features.dates.DateFeatures` (``dates=False``: text as before).
8. A text column with at most ``max_categories`` distinct values is categorical:
   most-frequent-imputed, then one-hot encoded (unknown values at predict time are ignored).
   With more distinct values it is still categorical when its values repeat (at most
   ``max_level_share`` of its filled rows are distinct values: airports, agents, tail
   numbers): target-encoded inside each fold for the linear / forest models, native
   categories for gradient boosting, learned embeddings for the network
   (``high_cardinality=False``: dropped, as before).
   Text with more distinct values (names, free text, ids) is dropped, with a warning.
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

from kagglekit.data.target import MAX_CLASSES, decide_task, stored_task
from kagglekit.errors import DataError
from kagglekit.features.categorical import CategoryCodes
from kagglekit.features.dates import DateFeatures, is_date_column


@dataclass(frozen=True)
class ColumnPlan:
    """What :func:`infer_columns` decided for each column of a CSV."""

    target: str
    task: str
    """``"binary"``, ``"multiclass"`` or ``"regression"``."""
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    id_column: str | None = None
    dropped: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    n_classes: int | None = None
    dates: tuple[str, ...] = ()
    levels: dict[str, int] = field(default_factory=dict)
    """Distinct training values of each categorical column (empty in plans saved before
    dates and high-cardinality columns were kept: every categorical column is then few-level)."""
    max_categories: int = 50

    @property
    def high_cardinality(self) -> tuple[str, ...]:
        """Categorical columns with more than ``max_categories`` distinct values."""
        return tuple(c for c in self.categorical
                     if self.levels.get(c, 0) > self.max_categories)

    def describe(self) -> str:
        """One line: the task, target and every column's role."""
        task = ("regression" if self.task == "regression"
                else f"classification ({self.n_classes} classes)")
        parts = [f"{task} of {self.target!r}",
                 f"numeric: {', '.join(self.numeric) or 'none'}",
                 f"categorical: {', '.join(self.categorical) or 'none'}"]
        if self.dates:
            parts.append(f"dates: {', '.join(self.dates)}")
        if self.id_column:
            parts.append(f"id: {self.id_column}")
        if self.dropped:
            parts.append("not used: " + ", ".join(f"{c} ({why})" for c, why in
                                                  self.dropped.items()))
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return {"target": self.target, "task": self.task, "numeric": list(self.numeric),
                "categorical": list(self.categorical), "id_column": self.id_column,
                "dropped": dict(self.dropped), "dates": list(self.dates),
                "levels": dict(self.levels), "max_categories": self.max_categories,
                "n_classes": self.n_classes}

    @classmethod
    def from_dict(cls, data: dict) -> ColumnPlan:
        """The plan of :meth:`to_dict` (a saved model's manifest); keys added since
        (``dates``, ``levels``, ``max_categories``, ``n_classes``) are optional, and the
        task ``"classification"`` of older plans is binary or multiclass by ``n_classes``."""
        return cls(target=data["target"], task=stored_task(data["task"], data.get("n_classes")),
                   numeric=tuple(data["numeric"]),
                   categorical=tuple(data["categorical"]), id_column=data.get("id_column"),
                   dropped=dict(data.get("dropped", {})), n_classes=data.get("n_classes"),
                   dates=tuple(data.get("dates", ())), levels=dict(data.get("levels", {})),
                   max_categories=int(data.get("max_categories", 50)))


def infer_columns(frame: pd.DataFrame, target: str, *, id_column: str | None = None,
                  task: str | None = None, drop=(), max_categories: int = 50,
                  max_classes: int = MAX_CLASSES, source: str = "data", dates: bool = True,
                  high_cardinality: bool = True, max_level_share: float = 0.5) -> ColumnPlan:
    """Decide the task and each column's role (see the module docstring for the rules).

    Parameters
    ----------
    frame : pandas.DataFrame
        The training data, target included.
    target : str
        The column to predict.
    id_column : str, optional
        Row identifier: kept for predictions and submissions, never a feature.
    task : {"binary", "multiclass", "regression", "classification"}, optional
        Overrides the inferred task; ``"classification"`` is binary or multiclass as the
        target's values say.
    drop : iterable of str
        Columns not to use.
    max_categories : int
        More distinct values than this make a text column high-cardinality: kept when its
        values repeat (see ``max_level_share``), else dropped.
    max_classes : int
        A whole-number target with at most this many values is a class target.
    source : str
        Name of the file, for messages.
    dates : bool
        Detect date columns (False: they are text like any other).
    high_cardinality : bool
        Keep text columns with more than ``max_categories`` values that repeat (False: drop
        every text column with more than ``max_categories`` values, as before).
    max_level_share : float
        A high-cardinality text column is kept when its distinct values are at most this
        share of its filled rows (0.5: each value repeats twice on average).

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
    task = decide_task(y, task, max_classes=max_classes, name=f"{source}: target {target!r}")
    dropped, warnings, numeric, categorical, date_columns, levels = {}, [], [], [], [], {}
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
        elif pd.api.types.is_bool_dtype(values):  # two categories, as InputSchema reads them
            categorical.append(column)
            levels[column] = int(distinct)
        elif pd.api.types.is_numeric_dtype(values):
            numeric.append(column)
            if _looks_like_id(values):
                warnings.append(f"column {column!r} holds a different whole number in every "
                                "row and looks like an id; kept as a feature (pass --id or "
                                "--drop to leave it out)")
        elif dates and is_date_column(values):
            date_columns.append(column)
        elif distinct <= max_categories or (
                high_cardinality and distinct <= max_level_share * values.notna().sum()):
            categorical.append(column)
            levels[column] = int(distinct)
        else:
            dropped[column] = f"text with {distinct} distinct values"
            why = ("too many to one-hot encode" if not high_cardinality else
                   f"in {int(values.notna().sum())} filled rows: free text or ids, not "
                   "categories")
            warnings.append(f"text column {column!r} has {distinct} distinct values (more than "
                            f"{max_categories}), {why}; dropped")
    for column in drop:
        dropped[column] = "--drop"
    if not numeric and not categorical and not date_columns:
        raise DataError(f"{source}: no usable feature column left besides the target "
                        f"{target!r}; give a CSV with input columns")
    return ColumnPlan(target=target, task=task, numeric=tuple(numeric),
                      categorical=tuple(categorical), id_column=id_column, dropped=dropped,
                      warnings=tuple(warnings),
                      n_classes=None if task == "regression" else int(y.nunique()),
                      dates=tuple(date_columns), levels=levels,
                      max_categories=int(max_categories))


def _looks_like_id(values: pd.Series) -> bool:
    present = values.dropna()
    return (len(present) >= 20 and pd.api.types.is_integer_dtype(present)
            and present.is_unique)


def _as_text(X):
    """Categorical cells as strings (missing stays missing), so mixed columns encode."""
    frame = pd.DataFrame(X)
    return frame.astype(str).astype(object).where(frame.notna(), np.nan)


#: Layouts of :func:`tabular_features`, one per kind of model.
LAYOUTS = ("onehot", "tree", "net")
#: Most codes a categorical column gets for gradient boosting's native categories
#: (scikit-learn's HistGradientBoosting takes at most 255 per column; code 0 is "other").
TREE_MAX_LEVELS = 254


def tabular_features(plan: ColumnPlan, layout: str = "onehot") -> ColumnTransformer:
    """Column transformer for a :class:`ColumnPlan`; every column not in the plan is dropped.

    ``layout`` is the model's kind:

    - ``"onehot"`` (linear models, forests, the classic dense net): numeric and date parts
      median-imputed and standardized; few-level categories imputed with the most frequent
      value and one-hot encoded; high-cardinality ones target-encoded (scikit-learn's
      ``TargetEncoder``: cross-fitted, so a training row never sees its own target) and
      standardized.
    - ``"tree"`` (gradient boosting): the category codes first (one column each,
      :class:`~kagglekit.features.categorical.CategoryCodes`, at most
      :data:`TREE_MAX_LEVELS` levels: the model's native categories, see
      :func:`native_categorical`), then numeric and date parts as they are (missing
      values stay missing), then target encodings of columns with more levels than that.
    - ``"net"`` (:class:`~kagglekit.models.tabular.TabularNetClassifier`): numeric and date
      parts median-imputed with missing-value indicators (the network scales them), then
      the category codes last (``n_categorical = len(plan.categorical)``).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    text = FunctionTransformer(_as_text, feature_names_out="one-to-one")
    numeric, dates = list(plan.numeric), list(plan.dates)
    many = set(plan.high_cardinality)
    parts = []
    if layout == "onehot":
        scale = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        if numeric:
            parts.append(("numeric", scale, numeric))
        if dates:
            parts.append(("dates", make_pipeline(DateFeatures(), SimpleImputer(
                strategy="median", keep_empty_features=True), StandardScaler()), dates))
        few = [c for c in plan.categorical if c not in many]
        if few:
            parts.append(("categorical", make_pipeline(
                text, SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore", sparse_output=False)), few))
        if many:
            parts.append(("target_encoded", _target_encoding(plan), _in(plan, many)))
    elif layout == "tree":
        native = native_categorical(plan)
        if native:
            parts.append(("codes", make_pipeline(text, CategoryCodes(
                min_frequency=1, max_levels=TREE_MAX_LEVELS)), native))
        if numeric:
            parts.append(("numeric", "passthrough", numeric))
        if dates:
            parts.append(("dates", DateFeatures(), dates))
        wide = [c for c in plan.categorical if c not in native]
        if wide:
            parts.append(("target_encoded", _target_encoding(plan, scaled=False), wide))
    else:
        impute = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
        if numeric:
            parts.append(("numeric", impute, numeric))
        if dates:
            parts.append(("dates", make_pipeline(DateFeatures(), SimpleImputer(
                strategy="median", add_indicator=True, keep_empty_features=True)), dates))
        if plan.categorical:
            parts.append(("codes", make_pipeline(text, CategoryCodes()),
                          list(plan.categorical)))
    return ColumnTransformer(parts, verbose_feature_names_out=False)


def native_categorical(plan: ColumnPlan) -> list[str]:
    """The categorical columns that gradient boosting takes as native categories (at most
    :data:`TREE_MAX_LEVELS` levels; the others are target-encoded). They come first in the
    ``"tree"`` layout, so their positions are ``range(len(native_categorical(plan)))``."""
    return [c for c in plan.categorical if plan.levels.get(c, 0) <= TREE_MAX_LEVELS]


def _in(plan: ColumnPlan, columns) -> list[str]:
    return [c for c in plan.categorical if c in columns]


def _target_encoding(plan: ColumnPlan, scaled: bool = True):
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import TargetEncoder

    target = "continuous" if plan.task == "regression" else plan.task
    steps = [FunctionTransformer(_as_text, feature_names_out="one-to-one"),
             TargetEncoder(target_type=target, cv=KFold(5, shuffle=True, random_state=0))]
    if scaled:
        steps.append(StandardScaler())
    return make_pipeline(*steps)
