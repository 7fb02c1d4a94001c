"""A competition's layout, inferred from its train.csv, test.csv and sample_submission.csv.

The rules (each one tested):

1. The id column is the sample's first column; it must be a column of test.csv (it need not
   be the first column of train.csv, nor be in train.csv at all).
2. The target is the one column of the sample that is in train.csv but not in test.csv. A
   sample with one column per class (``Id, cat, dog`` or ``id, Status_C, Status_D``) has
   none: the target is then the train.csv column (absent from test.csv) whose values are
   those class names, bare or prefixed with ``<target>_``. Labels may be numbers or strings;
   column names are strings (``"1"`` names the label 1).
3. The task, as :func:`kagglekit.data.target.decide_task` says: binary for two classes;
   multiclass for text labels, or for whole numbers with at most ``max_classes`` values;
   regression otherwise. A metric, when given, decides
   between classes and values (``rmse`` on 0/1 is a regression).
4. What the submission holds: ``"class_probabilities"`` (one column per class, in the
   sample's order and names), ``"values"`` (regression), and for one column of classes
   either ``"probability"`` (P(positive class), the second of the sorted labels) or
   ``"labels"`` (in the training labels' type: strings stay strings, ints stay ints). The
   metric decides (probabilities for roc_auc / log_loss, labels for accuracy / f1 / kappa);
   without one, a sample holding fractions in (0, 1) asks for a probability.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kagglekit.data.target import MAX_CLASSES, decide_task
from kagglekit.errors import DataError
from kagglekit.evaluation.metrics import (
    check_metric_task,
    get_metric,
    labels_from,
    prediction_for,
    probabilities_from,
)

__all__ = ["CompetitionLayout", "SUBMISSION_KINDS", "infer_layout", "submission_frame"]

SUBMISSION_KINDS = ("labels", "probability", "class_probabilities", "values")
"""What a submission's prediction columns can hold."""


@dataclass(frozen=True)
class CompetitionLayout:
    """What a competition's files say about its task and submission.

    Attributes
    ----------
    id_column : str
    target : str
        The train.csv column to predict.
    task : {"binary", "multiclass", "regression"}
    submission : str
        One of :data:`SUBMISSION_KINDS`.
    columns : tuple of str
        The sample's columns, in its order (the id first).
    classes : tuple or None
        The sorted training labels, in their own type (None for regression).
    class_columns : tuple of str
        For ``"class_probabilities"``: the sample's probability columns, in its order.
    column_classes : tuple
        The class each of ``class_columns`` stands for.
    positive_class : object
        For ``"probability"``: the class whose probability the column holds.
    """

    id_column: str
    target: str
    task: str
    submission: str
    columns: tuple
    classes: tuple | None = None
    class_columns: tuple = ()
    column_classes: tuple = ()
    positive_class: object = None

    def describe(self) -> str:
        """One line for the run's output."""
        what = {"labels": "labels", "values": "values",
                "probability": f"P({self.target} = {self.positive_class!r})",
                "class_probabilities": f"one probability per class ({len(self.class_columns)}"
                                       f" columns, the sample's order)"}[self.submission]
        classes = "" if self.classes is None else f", {len(self.classes)} classes"
        return (f"id {self.id_column!r}, target {self.target!r} ({self.task}{classes}), "
                f"submission holds {what}")

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def infer_layout(train: pd.DataFrame, test: pd.DataFrame, sample: pd.DataFrame | None, *,
                 target: str | None = None, id_column: str | None = None, metric=None,
                 max_classes: int = MAX_CLASSES) -> CompetitionLayout:
    """Infer a competition's layout from its three files (see the module's rules).

    Parameters
    ----------
    train, test : pandas.DataFrame
        train.csv (with the target) and test.csv (without).
    sample : pandas.DataFrame or None
        sample_submission.csv.
    target, id_column : str, optional
        Override the inferred ones (``--target``, ``--id``).
    metric : str or Metric, optional
        The competition's metric: decides labels vs probabilities, and classes vs values.
    max_classes : int, default=MAX_CLASSES (20)
        A whole-number target with at most this many values is multiclass (without a
        metric that says otherwise).

    Returns
    -------
    CompetitionLayout

    Raises
    ------
    DataError
        No sample, an id not in test.csv, no or an ambiguous target, class columns that do
        not match the labels, or a metric that does not fit the files.
    """
    if sample is None or len(sample.columns) == 0:
        raise DataError("no sample submission: put the competition's sample_submission.csv "
                        "beside train.csv and test.csv (kagglekit competitions download NAME)")
    columns = tuple(str(c) for c in sample.columns)
    if id_column is not None:
        _check_id_option(id_column, train, test)
    id_column = id_column or columns[0]
    if id_column not in test.columns:
        raise DataError(f"the sample submission's id column {id_column!r} is not a column of "
                        f"test.csv ({_names(test.columns)}); pass --id COLUMN")
    predicted = [c for c in columns if c != id_column]
    if not predicted:
        raise DataError(f"the sample submission has only the id column {id_column!r}; it "
                        f"needs a prediction column")
    metric = None if metric is None else get_metric(metric)
    target, class_map = _target(train, test, predicted, target, id_column)
    labels = train[target].dropna()
    task = decide_task(labels, metric_tasks=None if metric is None else metric.tasks,
                       class_columns=class_map is not None, max_classes=max_classes,
                       name=f"target {target!r} in train.csv")
    if metric is not None:
        check_metric_task(metric, task)
    classes = None if task == "regression" else tuple(_plain(c) for c in np.unique(labels))
    submission = _submission(sample, predicted, class_map, task, metric)
    return CompetitionLayout(
        id_column=id_column, target=target, task=task, submission=submission,
        columns=columns, classes=classes,
        class_columns=tuple(class_map) if class_map else (),
        column_classes=tuple(_plain(v) for v in class_map.values()) if class_map else (),
        positive_class=classes[1] if submission == "probability" else None)


def submission_frame(layout: CompetitionLayout, ids, output, *, metric=None) -> pd.DataFrame:
    """The submission as a frame in the sample's column order.

    Parameters
    ----------
    layout : CompetitionLayout
    ids : array-like
        test.csv's ids, in its order.
    output : array-like
        The model's (or blend's) output on test.csv: probabilities (n, k) in
        ``layout.classes`` order (or (n,) P(``classes[1]``) for two classes), or values (n,).
    metric : str or Metric, optional
        For values: the metric's preparation (``rmsle`` clips negatives to 0).

    Returns
    -------
    pandas.DataFrame
    """
    ids = np.asarray(ids)
    output = np.asarray(output)
    if len(output) != len(ids):
        raise DataError(f"{len(output)} predictions for {len(ids)} test rows")
    frame = {layout.id_column: ids}
    kind = layout.submission
    if kind == "values":
        name = "rmse" if metric is None else get_metric(metric).name
        if get_metric(name).needs != "value":
            name = "rmse"
        frame[_single(layout)] = prediction_for(name, output)
    elif kind == "labels":
        frame[_single(layout)] = labels_from(output, _classes(layout))
    elif kind == "probability":
        frame[_single(layout)] = probabilities_from(output, _classes(layout))
    else:
        matrix = probabilities_from(output, _classes(layout))
        if matrix.ndim == 1:
            matrix = np.column_stack([1 - matrix, matrix])
        index = {c: i for i, c in enumerate(layout.classes)}
        for column, label in zip(layout.class_columns, layout.column_classes, strict=True):
            frame[column] = matrix[:, index[label]]
    return pd.DataFrame(frame)[list(layout.columns)]


def _target(train, test, predicted, target, id_column):
    """The target column, and for per-class samples {sample column: class label}."""
    only_train = [str(c) for c in train.columns if c not in test.columns and c != id_column]
    if target is not None:
        if target not in train.columns:
            raise DataError(f"no target column {target!r} in train.csv; pass --target COLUMN "
                            f"with one of {_names(only_train or train.columns)}")
        if target in predicted:
            if len(predicted) > 1:
                raise DataError(f"the sample submission has columns {predicted}; kagglekit "
                                f"predicts one target (or one probability per class)")
            return target, None
        mapping = _class_columns(train[target], predicted, target)
        if mapping is None:
            raise DataError(_mismatch(train[target], predicted, target))
        return target, mapping
    candidates = [c for c in predicted if c in only_train]
    if candidates:
        if len(predicted) > 1:
            raise DataError(f"ambiguous target: the sample submission's columns "
                            f"{_names(predicted)} include {_names(candidates)} from train.csv; "
                            f"kagglekit predicts one target: pass --target COLUMN")
        return candidates[0], None
    matches = {c: m for c in only_train
               if (m := _class_columns(train[c], predicted, c)) is not None}
    if len(matches) == 1:
        return next(iter(matches.items()))
    if len(matches) > 1:
        raise DataError(f"ambiguous target: train.csv columns {_names(matches)} all have the "
                        f"sample's class columns as values; pass --target COLUMN")
    for column in only_train:
        if _overlap(train[column], predicted, column):
            raise DataError(_mismatch(train[column], predicted, column))
    raise DataError(f"no target found: none of the sample submission's columns "
                    f"{_names(predicted)} is in train.csv but not in test.csv, and no such "
                    f"column ({_names(only_train) or 'none'}) has them as class names; pass "
                    f"--target COLUMN")


def _spellings(label, target):
    """The column names that can stand for ``label``: ``label`` and ``<target>_label``."""
    names = {str(label)}
    if isinstance(label, float | np.floating) and float(label).is_integer():
        names.add(str(int(label)))
    return names | {f"{target}_{n}" for n in names}


def _class_columns(values, predicted, target):
    labels = pd.unique(values.dropna())
    if len(labels) < 2 or len(labels) != len(predicted):
        return None
    mapping = {}
    for label in labels:
        hits = _spellings(label, target) & set(predicted)
        if len(hits) != 1:
            return None
        mapping[hits.pop()] = label
    return {c: mapping[c] for c in predicted} if len(mapping) == len(predicted) else None


def _overlap(values, predicted, target):
    labels = pd.unique(values.dropna())
    if not 2 <= len(labels) <= 1000:
        return False
    found = sum(bool(_spellings(label, target) & set(predicted)) for label in labels)
    return found >= max(1, min(len(labels), len(predicted)) // 2)


def _mismatch(values, predicted, target):
    labels = [_plain(v) for v in pd.unique(values.dropna())]
    covered = set().union(*(_spellings(label, target) for label in labels))
    no_column = [label for label in labels if not _spellings(label, target) & set(predicted)]
    no_label = [c for c in predicted if c not in covered]
    return (f"the sample submission's class columns do not match the labels of train.csv's "
            f"{target!r}: no column for {sorted(no_column, key=str)[:5]}, columns without a "
            f"label {no_label[:5]}; name the columns after the classes (or pass --target "
            f"COLUMN)")


def _submission(sample, predicted, class_map, task, metric):
    if class_map is not None:
        if metric is not None and metric.needs != "proba":
            raise DataError(f"the sample submission has one column per class "
                            f"(probabilities), but {metric.name} scores labels; choose "
                            f"log_loss or roc_auc (--metric)")
        return "class_probabilities"
    if task == "regression":
        return "values"
    if metric is not None:
        if metric.needs == "label":
            return "labels"
        if task == "multiclass":
            raise DataError(f"{metric.name} needs one probability per class, but the sample "
                            f"submission has one column ({predicted[0]!r}); choose a label "
                            f"metric such as accuracy (--metric)")
        return "probability"
    values = sample[predicted[0]]
    if task == "binary" and pd.api.types.is_float_dtype(values):
        numbers = values.dropna().to_numpy(dtype=float)
        if len(numbers) and ((numbers > 0) & (numbers < 1)).all():
            return "probability"
    return "labels"


def _single(layout):
    return next(c for c in layout.columns if c != layout.id_column)


def _classes(layout):
    return np.asarray(layout.classes, dtype=object if any(isinstance(c, str)
                                                          for c in layout.classes) else None)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _check_id_option(id_column, train, test):
    """``--id COLUMN`` names a column of test.csv (train.csv need not have it)."""
    if id_column in test.columns:
        return
    where = "test.csv" if id_column in train.columns else "train.csv"
    frame = test if where == "test.csv" else train
    raise DataError(f"--id {id_column}: {where} has no column {id_column!r} (its columns: "
                    f"{_names(frame.columns, 6)}); pass --id with the name of the row id "
                    f"column of test.csv and the sample submission")


def _names(columns, most=None):
    shown = [str(c) for c in columns]
    if most is not None and len(shown) > most:
        shown = [*shown[:most], f"... ({len(shown) - most} more)"]
    return ", ".join(shown)
