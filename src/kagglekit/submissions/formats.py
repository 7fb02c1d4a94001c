"""Check a submission file against its competition's format before anything is uploaded.

- ``titanic``: the known format (``PassengerId``, ``Survived`` in {0, 1}, one row per test
  passenger), with the ids of the test set kagglekit reads (bundled, or ``--data-dir``).
- Any other competition: the competition's sample submission, when it lies in the data
  folder (``<data-dir>/<competition>/sample_submission.csv``, or another
  ``*submission*.csv`` such as ``gender_submission.csv``; ``kagglekit competitions
  download`` puts it there). It gives the columns, the row count, the id set (its first
  column) and each prediction column's kind of value (integers, numbers or labels).
- No format known: a warning, and the file must still be a non-empty CSV with a header.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import DataError
from kagglekit.submissions.export import validate_submission

__all__ = ["FormatWarning", "check_submission_file", "sample_submission"]

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
    folder = _data_folder(competition, data_dir)
    preferred = folder / "sample_submission.csv"
    if preferred.is_file():
        return preferred
    others = sorted(p for p in folder.glob("*submission*.csv") if p.is_file())
    return others[0] if others else None


def check_submission_file(path, competition, data_dir=None):
    """Refuse a submission file that does not fit the competition's format.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV to check.
    competition : str
        The competition's URL name.
    data_dir : str or os.PathLike, optional
        Where to find the competition's data (see :func:`sample_submission`).

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
    _check_against_sample(frame, _read(sample_path, str(sample_path)), source, sample_path)
    return str(sample_path)


def _data_folder(competition, data_dir):
    from kagglekit.data.loaders import DATA_DIR_ENV

    base = data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return Path(base) / competition


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


def _check_against_sample(frame, sample, source, sample_path):
    expected = list(sample.columns)
    if sorted(map(str, frame.columns)) != sorted(map(str, expected)):
        raise DataError(f"{source}: columns are {list(frame.columns)}, the sample "
                        f"{sample_path.name} has {expected}")
    if len(frame) != len(sample):
        raise DataError(f"{source}: {len(frame)} rows, the sample {sample_path.name} has "
                        f"{len(sample)}")
    id_column = expected[0]
    ids = frame[id_column].astype(str)
    if ids.duplicated().any():
        raise DataError(f"{source}: duplicated {id_column} values "
                        f"{list(ids[ids.duplicated()][:5])}")
    wanted = set(sample[id_column].astype(str))
    missing, extra = sorted(wanted - set(ids)), sorted(set(ids) - wanted)
    if missing or extra:
        raise DataError(f"{source}: {id_column} values differ from the sample "
                        f"(missing {missing[:5]}, unexpected {extra[:5]})")
    for column in expected[1:]:
        _check_values(frame[column], sample[column], source)


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
