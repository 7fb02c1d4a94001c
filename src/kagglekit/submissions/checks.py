"""A competition's three files checked against each other before anything trains.

A mismatch between train.csv, test.csv and sample_submission.csv would otherwise surface
after the cross-validation (a column test.csv lacks when the fold models predict it, ids that
differ when the submission is checked): minutes of a run lost. Each refusal names the file,
the column and what to do.
"""

from __future__ import annotations

import warnings

import pandas as pd

from kagglekit.errors import DataError


def check_competition_files(train: pd.DataFrame, test: pd.DataFrame, sample: pd.DataFrame,
                            layout) -> list[str]:
    """Refuse files that cannot make a valid submission; return notes for the run's log.

    Checked: test.csv has every feature column of train.csv (the target excepted); the
    sample's ids are test.csv's ids, as a set and without duplicates, and its row count is
    test.csv's; a column of numbers in train.csv holds only numbers in test.csv (text there
    would make the fold models refuse test.csv after training), and a text column of
    train.csv that holds numbers in test.csv is named in a warning. The sample's class
    columns are checked with the layout (:func:`~kagglekit.submissions.sample.infer_layout`);
    its values are placeholders and are not read.

    Raises
    ------
    DataError
        Naming the file, the column and what to do.
    """
    features = [c for c in train.columns if c != layout.target]
    missing = [c for c in features if c not in test.columns]
    if missing:
        raise DataError(f"test.csv lacks column(s) {_few(missing)} that train.csv has: add "
                        f"them to test.csv, or leave them out with --drop "
                        f"{' '.join(map(str, missing))}")
    if len(sample) != len(test):
        raise DataError(f"sample_submission.csv has {len(sample)} rows, test.csv {len(test)}: "
                        "they must be the same competition's files (download them again)")
    id_column = layout.id_column
    for name, frame in (("test.csv", test), ("sample_submission.csv", sample)):
        ids = frame[id_column].astype(str)
        if ids.duplicated().any():
            raise DataError(f"{name}: column {id_column!r} repeats ids "
                            f"{_few(ids[ids.duplicated()].unique())}; each row needs its own "
                            "id (pass --id COLUMN if another column is the id)")
    wanted, given = set(sample[id_column].astype(str)), set(test[id_column].astype(str))
    if wanted != given:
        raise DataError(f"sample_submission.csv: its {id_column!r} values are not test.csv's "
                        f"(only in the sample: {_few(sorted(wanted - given))}; only in "
                        f"test.csv: {_few(sorted(given - wanted))}); use the sample that "
                        "comes with this test.csv")
    for column in features:
        kinds = [_kind(frame[column]) for frame in (train, test)]
        if None in kinds or kinds[0] == kinds[1]:
            continue
        if kinds[0] == "numbers":  # the fold models would refuse test.csv after training
            numbers = pd.to_numeric(test[column], errors="coerce")
            bad = test[column][numbers.isna() & test[column].notna()].unique()
            raise DataError(f"test.csv: column {column!r} holds text ({_few(bad)}) where "
                            "train.csv has numbers: fix those cells (or leave them empty)")
        warnings.warn(f"column {column!r} holds text in train.csv but numbers in test.csv: "
                      "check the files; the model reads them as text", UserWarning,
                      stacklevel=2)
    extra = [c for c in test.columns if c not in train.columns and c != id_column]
    return [f"test.csv columns that train.csv lacks are ignored: {_few(extra)}"] if extra else []


def _kind(values: pd.Series) -> str | None:
    """``"numbers"`` or ``"text"`` for a column with values (None when it is empty)."""
    if values.notna().sum() == 0:
        return None
    return "numbers" if pd.api.types.is_numeric_dtype(values) else "text"


def _few(values, most: int = 5) -> str:
    values = [str(v) for v in values]
    return str(values[:most])[:-1] + (", ...]" if len(values) > most else "]")
