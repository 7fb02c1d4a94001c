"""What kind of target a column is, decided once for every job: ``binary``, ``multiclass`` or
``regression`` (:data:`TASKS`), on scikit-learn's :func:`~sklearn.utils.multiclass.type_of_target`.

Every rule about a task lives here: which names are tasks (:func:`check_task`), the task of a
target given what the user or the competition says (:func:`decide_task`), the task of fitting
a classifier or a regressor with cross-validation (:func:`estimator_task`), and the error of a
target with fewer than two distinct values (:func:`check_two_values`). ``"classification"``
is the user-facing word (``--task classification``) for a class target whose number of
distinct values decides between binary and multiclass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import type_of_target

from kagglekit.errors import DataError

__all__ = ["TASKS", "CLASSIFICATION", "MAX_CLASSES", "target_kind", "check_task",
           "classes_task", "stored_task", "check_two_values", "decide_task",
           "estimator_task", "check_folds"]

TASKS = ("binary", "multiclass", "regression")
"""The tasks, everywhere in kagglekit."""

CLASSIFICATION = "classification"
"""The user's word for a class target: binary or multiclass, as its values say."""

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
    values = _present(y)
    numeric = _numeric(values)
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


def check_task(task: str, *, classification: bool = False) -> str:
    """``task`` when it is one of :data:`TASKS` (or, with ``classification=True``, the
    user's word :data:`CLASSIFICATION`).

    Raises
    ------
    DataError
        For any other name, listing the names that are tasks.
    """
    names = (*TASKS, CLASSIFICATION) if classification else TASKS
    if task not in names:
        raise DataError(f"unknown task {task!r}; use one of {', '.join(names)}")
    return task


def classes_task(n_classes: int) -> str:
    """``"binary"`` for two classes, ``"multiclass"`` for more."""
    return "binary" if n_classes == 2 else "multiclass"


def stored_task(task: str, n_classes: int | None = None) -> str:
    """A task read back from a saved plan or manifest: ``"classification"`` (saved before
    kagglekit had one task vocabulary) is binary or multiclass by ``n_classes`` (binary when
    unknown); any other name is checked by :func:`check_task`."""
    if task == CLASSIFICATION:
        return classes_task(n_classes or 2)
    return check_task(task)


def check_two_values(y, name: str = "the target") -> int:
    """The number of distinct values of ``y`` (missing ones ignored); fewer than two is a
    :class:`~kagglekit.errors.DataError` (there is nothing to learn). ``name`` says in
    messages which target it is (``"target 'price' in train.csv"``)."""
    values = _present(y)
    distinct = int(values.nunique())
    if distinct == 0:
        raise DataError(f"{name} has no values; there is nothing to learn")
    if distinct == 1:
        raise DataError(f"{name} has a single value ({values.iloc[0]!r}): one class only, "
                        f"nothing to learn; give rows with at least two distinct values")
    return distinct


def decide_task(y, task: str | None = None, *, metric_tasks=None, class_columns: bool = False,
                max_classes: int = MAX_CLASSES, name: str = "the target") -> str:
    """The task of the target values ``y`` (missing values ignored).

    In order: a ``task`` the user asked for (checked against the values); a submission with
    one column per class (``class_columns``): classes; a metric whose only task is
    regression: a regression of a numeric target (labels are an error); any other metric:
    classes of a numeric target; otherwise :func:`target_kind`.

    Parameters
    ----------
    y : array-like
        The target values.
    task : {"binary", "multiclass", "regression", "classification"}, optional
        What the user asked for. A regression target must be numeric; ``"binary"`` needs
        two distinct values and ``"multiclass"`` more; ``"classification"`` is either, as
        the values say.
    metric_tasks : collection of str, optional
        The tasks of the metric the target is scored on (``Metric.tasks``).
    class_columns : bool, default=False
        Whether the submission holds one probability column per class.
    max_classes : int, default=MAX_CLASSES
        As in :func:`target_kind`.
    name : str
        How messages name the target.

    Returns
    -------
    {"binary", "multiclass", "regression"}

    Raises
    ------
    DataError
        Fewer than two distinct values, an unknown task, or a task (or metric) that the
        values cannot be.
    """
    distinct = check_two_values(y, name)
    values = _present(y)
    numeric = _numeric(values)
    if task is not None:
        check_task(task, classification=True)
        if task == "regression" and not numeric:
            raise DataError(f"{name} is not numeric, so it cannot be a regression target; "
                            f"treat it as classes (--task classification)")
        if task in ("binary", "multiclass") and classes_task(distinct) != task:
            raise DataError(f"{name} has {distinct} distinct values, so it is not a {task} "
                            f"target; ask for classification")
        return classes_task(distinct) if task == CLASSIFICATION else task
    if class_columns:
        return classes_task(distinct)
    if metric_tasks is not None:
        regression_only = set(metric_tasks) == {"regression"}
        if numeric:
            return "regression" if regression_only else classes_task(distinct)
        if regression_only:
            raise DataError(f"the metric scores values (a regression), but {name} holds "
                            f"labels like {values.iloc[0]!r}; choose a classification metric "
                            f"(--metric)")
    return target_kind(values, max_classes=max_classes)


def estimator_task(y, *, regressor: bool, folds: int = 1) -> str:
    """The task of fitting a regressor (``regressor=True``) or a classifier on the target
    ``y`` with ``folds``-fold cross-validation (1: a single fit).

    Parameters
    ----------
    y : array-like
    regressor : bool
        True for a regressor, False for a classifier.
    folds : int, default=1
        Stratified folds need at least this many rows of every class.

    Returns
    -------
    {"binary", "multiclass", "regression"}

    Raises
    ------
    DataError
        A regressor's target that is not numeric; a classifier's target with one class, or
        with a class of fewer rows than ``folds`` (the message says which ``--folds`` fits).
    """
    y = np.asarray(y)
    if regressor:
        if not np.issubdtype(y.dtype, np.number):
            raise DataError("a regression target must be numeric; use a classifier for labels")
        check_folds(y, folds, classes=False)
        return "regression"
    check_two_values(y)
    check_folds(y, folds, classes=True)
    return classes_task(len(np.unique(y)))


def check_folds(y, folds: int, *, classes: bool, source: str = "the data") -> None:
    """The one rule for enough rows for ``folds``-fold cross-validation: at least ``folds``
    rows, and for a class target (``classes``) at least ``folds`` rows of every class
    (stratified folds need every class in every fold). ``source`` names the rows in the
    message (``"train.csv"``).

    Raises
    ------
    DataError
        One line that says which ``--folds`` would fit.
    """
    if len(y) < folds:
        raise DataError(f"{source} has {len(y)} rows with a target, fewer than the {folds} "
                        f"folds; use --folds {max(len(y), 2)} or fewer, or more rows")
    if not classes:
        return
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < folds:
        rare = labels[np.argmin(counts)]
        rare = rare.item() if isinstance(rare, np.generic) else rare
        raise DataError(f"in {source}, the smallest class has {counts.min()} rows, fewer than "
                        f"{folds} folds; use --folds {max(int(counts.min()), 2)} or fewer "
                        f"(class {rare!r}: every fold needs every class)")


def _present(y) -> pd.Series:
    """The values of ``y`` (every output of a 2-D one) without the missing ones."""
    return (y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel())).dropna()


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
