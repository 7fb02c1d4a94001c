"""Check a submission file against its competition's format before anything is uploaded.

- ``titanic``: the known format (``PassengerId``, ``Survived`` in {0, 1}, one row per test
  passenger), with the ids of the test set kagglekit reads (bundled, or ``--data-dir``).
- Any other competition: the competition's sample submission, when it lies in the data
  folder (``<data-dir>/<competition>/sample_submission.csv``, or another
  ``*submission*.csv`` such as ``gender_submission.csv``; ``kagglekit competitions
  download`` puts it there). It gives the columns, the row count, the id set (its first
  column) and each prediction column's kind of value (integers, numbers or labels), and by
  content what the values must be:

  - probabilities in [0, 1] where the sample holds fractions strictly between 0 and 1 (whole
    numbers there look like labels and are refused);
  - rows summing to 1 where the sample has two or more such columns whose rows sum to 1
    (one column per class); the tolerance is 1e-6 per column (absolute), enough for
    probabilities rounded to 6 decimals;
  - with a :class:`~kagglekit.submissions.sample.CompetitionLayout` (what ``kagglekit run``
    inferred from the files), its kind instead of the guess from the sample's content, and
    labels from the training label set when the submission holds labels.
- No format known: a warning, and the file must still be a non-empty CSV with a header.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import DataError
from kagglekit.submissions.export import validate_submission

__all__ = ["FormatWarning", "check_frame_against_sample", "check_submission_file",
           "find_sample", "sample_submission", "ROW_SUM_TOLERANCE"]

#: How far (absolute, per class column) a row of class probabilities may sum from 1.
ROW_SUM_TOLERANCE = 1e-6

#: The data folder when neither ``data_dir`` nor ``$KAGGLEKIT_DATA_DIR`` is given.
DEFAULT_DATA_DIR = "data"


class FormatWarning(UserWarning):
    """No submission format is known for a competition: the file is only checked lightly."""


def sample_submission(competition, data_dir=None):
    """The competition's sample submission file in the data folder, or None.

    Parameters
    ----------
    competition : str
        The competition's URL name.
    data_dir : str or os.PathLike, optional
        The data folder (default ``$KAGGLEKIT_DATA_DIR``, else ``data``); the files are in
        ``<data_dir>/<competition>/``.

    Returns
    -------
    pathlib.Path or None
        ``sample_submission.csv`` if present, else the first ``*submission*.csv`` by name.
    """
    return find_sample(_data_folder(competition, data_dir))


def find_sample(folder) -> Path | None:
    """``folder/sample_submission.csv`` if present, else its first ``*submission*.csv`` by
    name, else None."""
    folder = Path(folder)
    preferred = folder / "sample_submission.csv"
    if preferred.is_file():
        return preferred
    others = sorted(p for p in folder.glob("*submission*.csv") if p.is_file())
    return others[0] if others else None


def check_submission_file(path, competition, data_dir=None, *, layout=None):
    """Refuse a submission file that does not fit the competition's format.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV to check.
    competition : str
        The competition's URL name.
    data_dir : str or os.PathLike, optional
        Where to find the competition's data (see :func:`sample_submission`).
    layout : CompetitionLayout, optional
        The competition's inferred layout: what the values must be (labels from its
        ``classes``, one probability, one probability per class, values).

    Returns
    -------
    str
        What the file was checked against (``"the titanic format"``, the sample file's
        path, or ``"no known format"``, in which case a :class:`FormatWarning` was issued).

    Raises
    ------
    DataError
        Saying what is wrong with the file.
    """
    source = str(path)
    frame = _read(path, source)
    if competition == "titanic":
        from kagglekit.data import load_dataset

        ids = load_dataset("titanic", data_dir).X_test["PassengerId"].astype("int64")
        validate_submission(frame, ids, source=source)
        return "the titanic format"
    sample_path = sample_submission(competition, data_dir)
    if sample_path is None:
        folder = _data_folder(competition, data_dir)
        warnings.warn(
            f"no submission format known for {competition!r}: only checked that {source} is "
            f"a non-empty CSV with a header; put the competition's sample_submission.csv in "
            f"{folder} (kagglekit competitions download {competition}) to check it fully",
            FormatWarning,
            stacklevel=2,
        )
        return "no known format"
    check_frame_against_sample(frame, _read(sample_path, str(sample_path)), layout=layout,
                               source=source, sample_name=sample_path.name)
    return str(sample_path)


def _data_folder(competition, data_dir):
    from kagglekit.data.base import data_root

    return (data_root(data_dir) or Path(DEFAULT_DATA_DIR)) / competition


def _read(path, source):
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{source}: the file is empty; write a header and the predictions") \
            from exc
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{source}: not a readable CSV ({reason})") from exc
    header = [str(c) for c in frame.columns]
    if any(not c.strip() or c.startswith("Unnamed: ") for c in header):
        raise DataError(f"{source}: the header has an empty column name: {header}")
    if len(frame) == 0:
        raise DataError(f"{source}: a header but no rows; write the predictions")
    return frame


def check_frame_against_sample(frame, sample, *, layout=None, source="submission",
                               sample_name="sample_submission.csv"):
    """Refuse a submission frame that does not fit the competition's sample submission.

    Parameters
    ----------
    frame : pandas.DataFrame
        The submission (as read back from its CSV, or about to be written).
    sample : pandas.DataFrame
        The competition's sample submission.
    layout : CompetitionLayout, optional
        See :func:`check_submission_file`.
    source, sample_name : str
        Names for the messages.

    Raises
    ------
    DataError
        Saying what is wrong (see the module docstring for every check).
    """
    expected = list(sample.columns)
    if sorted(map(str, frame.columns)) != sorted(map(str, expected)):
        raise DataError(f"{source}: columns are {list(frame.columns)}, the sample "
                        f"{sample_name} has {expected}")
    if len(frame) != len(sample):
        raise DataError(f"{source}: {len(frame)} rows, the sample {sample_name} has "
                        f"{len(sample)}")
    id_column = layout.id_column if layout is not None else expected[0]
    ids = frame[id_column].astype(str)
    if ids.duplicated().any():
        raise DataError(f"{source}: duplicated {id_column} values "
                        f"{list(ids[ids.duplicated()][:5])}")
    wanted = set(sample[id_column].astype(str))
    missing, extra = sorted(wanted - set(ids)), sorted(set(ids) - wanted)
    if missing or extra:
        raise DataError(f"{source}: {id_column} values differ from the sample "
                        f"(missing {missing[:5]}, unexpected {extra[:5]})")
    predicted = [c for c in expected if c != id_column]
    for column in predicted:
        _check_values(frame[column], sample[column], source)
    _check_content(frame, sample, predicted, layout, source)


def _fractions(values):
    """Whether a sample column holds fractions strictly between 0 and 1 (probabilities)."""
    if not pd.api.types.is_float_dtype(values):
        return False
    numbers = values.dropna().to_numpy(dtype=float)
    return len(numbers) > 0 and bool(((numbers > 0) & (numbers < 1)).all())


def _sums_to_one(matrix):
    return np.abs(matrix.sum(axis=1) - 1) <= ROW_SUM_TOLERANCE * matrix.shape[1]


def _expected_kind(sample, columns, layout):
    if layout is not None:
        return layout.submission
    if columns and all(_fractions(sample[c]) for c in columns):
        matrix = sample[columns].to_numpy(dtype=float)
        if len(columns) >= 2 and _sums_to_one(matrix).all():
            return "class_probabilities"
        return "probability"
    return None


def _check_content(frame, sample, columns, layout, source):
    kind = _expected_kind(sample, columns, layout)
    if kind in ("probability", "class_probabilities"):
        for column in columns:
            values = frame[column]
            if not pd.api.types.is_numeric_dtype(values) or \
                    pd.api.types.is_bool_dtype(values):
                raise DataError(f"{source}: {column} must hold probabilities, got "
                                f"{values.astype(str).head(3).tolist()}")
            if pd.api.types.is_integer_dtype(values):
                raise DataError(f"{source}: {column} holds whole numbers (labels?) where "
                                f"the sample holds probabilities; write P(class) in [0, 1]")
            numbers = values.to_numpy(dtype=float)
            outside = (numbers < 0) | (numbers > 1)
            if outside.any():
                rows = (np.flatnonzero(outside)[:5] + 1).tolist()
                raise DataError(f"{source}: {column} must be probabilities in [0, 1], got "
                                f"{numbers[outside][:3].tolist()} in data rows {rows}")
    if kind == "class_probabilities":
        matrix = frame[columns].to_numpy(dtype=float)
        bad = ~_sums_to_one(matrix)
        if bad.any():
            rows = (np.flatnonzero(bad)[:5] + 1).tolist()
            raise DataError(f"{source}: the class probabilities of data rows {rows} sum to "
                            f"{matrix[bad].sum(axis=1)[:3].round(6).tolist()}, not 1 (within "
                            f"{ROW_SUM_TOLERANCE:g} per column); normalise each row")
    if kind == "labels" and layout is not None and layout.classes is not None:
        allowed = {_label_key(c) for c in layout.classes}
        for column in columns:
            keys = frame[column].map(_label_key)
            unknown = ~keys.isin(allowed)
            if unknown.any():
                raise DataError(f"{source}: {column} has values "
                                f"{sorted(set(frame[column][unknown].astype(str)))[:5]} that "
                                f"are not training labels {list(layout.classes)[:10]}")


def _label_key(value):
    """Labels compare as numbers when numeric (1 == 1.0), else as text."""
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | float | np.number):
        return float(value)
    return str(value)


def _check_values(values, sample_values, source):
    column = values.name
    if values.isna().any():
        rows = (np.flatnonzero(values.isna().to_numpy())[:5] + 1).tolist()
        raise DataError(f"{source}: {column} is empty in data rows {rows}")
    if pd.api.types.is_numeric_dtype(sample_values):
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise DataError(f"{source}: {column} must be numbers like the sample's, got "
                            f"{values.astype(str).head(3).tolist()}")
        if not np.isfinite(values.to_numpy(dtype=float)).all():
            raise DataError(f"{source}: {column} has infinite values")
        if pd.api.types.is_integer_dtype(sample_values) and \
                not pd.api.types.is_integer_dtype(values):
            raise DataError(f"{source}: {column} must be integers like the sample's, got "
                            f"dtype {values.dtype}")
