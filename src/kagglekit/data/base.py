"""What every data set shares: the :class:`Dataset` container, the one data-folder resolver,
CSV reading with one-line errors, and md5 checks. No module of :mod:`kagglekit.data` is
imported here, so each data set's module can import this one."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from kagglekit.data.schema import Schema
from kagglekit.errors import DataError

DATA_DIR_ENV = "KAGGLEKIT_DATA_DIR"
"""The environment variable naming the data folder when ``--data-dir`` is not given."""


@dataclass
class Dataset:
    """A competition's data: training inputs and labels, test inputs, and where they came from.

    Attributes
    ----------
    X : pandas.DataFrame
        Training inputs (every column but the target).
    y : pandas.Series
        Training labels.
    X_test : pandas.DataFrame
        Test inputs in the competition's order (to predict for a submission).
    source : str
        The folder the CSV files were read from (or how the data was generated).
    y_test : pandas.Series or pandas.DataFrame or None
        Test labels, when the data set has them (generated data); None for competitions.
        A DataFrame ``y`` / ``y_test`` means several regression outputs.
    class_names : tuple of str or None
        Readable names of the class labels 0, 1, ... (Fashion-MNIST's clothes); None when the
        labels speak for themselves.
    """

    name: str
    X: pd.DataFrame
    y: pd.Series | pd.DataFrame
    X_test: pd.DataFrame
    source: str
    y_test: pd.Series | pd.DataFrame | None = None
    class_names: tuple[str, ...] | None = None


def data_root(data_dir=None) -> Path | None:
    """The data folder: ``data_dir`` (``--data-dir``), else ``$KAGGLEKIT_DATA_DIR``, else None
    (each loader then falls back: the bundled copy, a download, or an error that says what to
    pass)."""
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV)
    return Path(data_dir) if data_dir else None


def bundled_folder(name: str) -> Path | None:
    """The copy of ``name`` shipped inside the package (Titanic), or None."""
    folder = Path(str(resources.files("kagglekit.data") / "bundled" / name))
    return folder if folder.is_dir() else None


def data_folder(name: str, data_dir=None) -> Path:
    """``<data folder>/<name>``; without a data folder the bundled copy, else ``data/<name>``
    (where ``kagglekit competitions download`` puts a competition's files)."""
    root = data_root(data_dir)
    if root is not None:
        return root / name
    return bundled_folder(name) or Path("data") / name


def read_csv(path: str | os.PathLike, schema: Schema, *, training: bool) -> pd.DataFrame:
    """Read a CSV and validate it against ``schema`` (errors name the file and column)."""
    path = _existing(path)
    with _csv_errors(path):
        frame = pd.read_csv(path, encoding="utf-8-sig")
    return schema.validate(frame, str(path), training=training)


def read_plain_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read any CSV with the same one-line errors as :func:`read_csv`, without a schema."""
    return read_csv(path, Schema(), training=False)


def iter_csv(path: str | os.PathLike, schema: Schema | None = None, *,
             chunk_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """Read a CSV ``chunk_rows`` rows at a time (memory bounded), each chunk validated
    against ``schema`` (a prediction input: no target needed); same errors as
    :func:`read_csv`."""
    path = _existing(path)
    schema = schema or Schema()
    with _csv_errors(path):
        reader = pd.read_csv(path, encoding="utf-8-sig", chunksize=chunk_rows)
        with reader:
            first = True
            for chunk in reader:
                first = False
                yield schema.validate(chunk, str(path), training=False)
        if first:  # a header without rows
            yield schema.validate(pd.DataFrame(), str(path), training=False)


def verify_md5(path: Path, expected: str, advice: str) -> None:
    """Refuse a file whose md5 differs from the published ``expected`` one (``advice`` says
    what to do)."""
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    if digest != expected:
        raise DataError(f"{path}: md5 {digest} is not the expected {expected}; the file is "
                        f"damaged or a different one: {advice}")


def _existing(path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file; check the path or the data folder")
    return path


@contextlib.contextmanager
def _csv_errors(path: Path):
    """Turn pandas' reading errors into one-line DataErrors naming the file."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path}: the file is empty; give a CSV with a header row") from exc
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataError(f"{path}: not a valid CSV ({detail})") from exc
