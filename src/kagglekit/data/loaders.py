"""Dataset loading: bundled files, a local data folder, or a Kaggle download."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from kagglekit.data.schema import Schema
from kagglekit.errors import DataError, KagglekitError

TITANIC_SCHEMA = Schema(
    numeric=("Pclass", "Age", "SibSp", "Parch", "Fare"),
    text=("Name", "Sex", "Ticket", "Cabin", "Embarked"),
    target="Survived",
    id_column="PassengerId",
    target_values=(0, 1),
)

DATA_DIR_ENV = "KAGGLEKIT_DATA_DIR"


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


def load_dataset(name: str = "titanic", data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load a competition's train and test data.

    Parameters
    ----------
    name : str
        ``"titanic"``, ``"car-purchase"`` (read from the data folder, not bundled),
        ``"car-preference"`` (generated, see :mod:`kagglekit.data.car`) or a generated
        regression set (``"shift"``, ``"quadratic"``, ``"linear-map"``, see
        :mod:`kagglekit.data.synthetic`).
    data_dir : path, optional
        A folder laid out like ``<dir>/titanic/train.csv``. Defaults to the environment
        variable ``KAGGLEKIT_DATA_DIR``, then to the copy bundled with the package.
        ``kagglekit competitions download titanic --data-dir DIR`` fetches them with the
        Kaggle API.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> from kagglekit import load_dataset
    >>> ds = load_dataset("titanic")
    >>> ds.X.shape, ds.X_test.shape
    ((891, 11), (418, 11))
    """
    from kagglekit.data import car, images, synthetic

    loaders = {"titanic": _load_titanic, "car-preference": car.load_car_preference,
               "car-purchase": car.load_car_purchase, **synthetic.LOADERS,
               "mnist": functools.partial(images.image_dataset, "mnist"),
               "fashion-mnist": functools.partial(images.image_dataset, "fashion-mnist")}
    if name not in loaders:
        raise KagglekitError(f"unknown dataset {name!r}; available: {', '.join(loaders)}")
    return loaders[name](data_dir)


def _load_titanic(data_dir) -> Dataset:
    name = "titanic"
    folder = _dataset_folder(name, data_dir)
    train = read_csv(folder / "train.csv", TITANIC_SCHEMA, training=True)
    test = read_csv(folder / "test.csv", TITANIC_SCHEMA, training=False)
    y = train.pop(TITANIC_SCHEMA.target).astype("int64")
    return Dataset(name=name, X=train, y=y, X_test=test, source=str(folder))


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


def _dataset_folder(name: str, data_dir) -> Path:
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV)
    if not data_dir:
        return Path(str(resources.files("kagglekit.data") / "bundled" / name))
    folder = Path(data_dir) / name
    if not (folder / "train.csv").is_file():
        raise DataError(
            f"{folder}/train.csv not found; put the competition's train.csv and test.csv there, "
            f"run `kagglekit competitions download {name} --data-dir {data_dir}`, or unset "
            f"{DATA_DIR_ENV} to use the bundled copy"
        )
    return folder

