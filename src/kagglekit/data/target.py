"""What kind of target a column is, decided once for every job: ``binary``, ``multiclass`` or
``regression``, on scikit-learn's :func:`~sklearn.utils.multiclass.type_of_target`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import type_of_target

from kagglekit.errors import DataError

MAX_CLASSES = 20
"""A whole-number target with more distinct values than this is a regression target (counts,
years, prices in whole units); with this many or fewer it is a set of classes (ratings,
grades). Labels that are not numbers are always classes."""


def target_kind(y, *, max_classes: int = MAX_CLASSES) -> str:
    """``"binary"``, ``"multiclass"`` or ``"regression"`` for the target values ``y``
    (missing values are ignored).

    Text and booleans are classes; numbers with a fraction are a regression target; whole
    numbers are classes when there are at most ``max_classes`` distinct values (two are
    ``binary``), else a regression target.
    """
    values = pd.Series(np.asarray(y) if not isinstance(y, pd.Series) else y).dropna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric:
        array = values.to_numpy(dtype=float)
        if not np.isfinite(array).all():
            raise DataError("the target holds infinite values; drop those rows or fix them")
    else:
        array = values.astype(str).to_numpy()
    kind = type_of_target(array)
    if kind == "continuous":
        return "regression"
    if kind == "multiclass" and numeric and values.nunique() > max_classes:
        return "regression"
    if kind in ("binary", "multiclass"):
        return kind
    raise DataError(f"cannot tell what kind of target values like {values.iloc[0]!r} are "
                    f"({kind}); give one label or number per row")
