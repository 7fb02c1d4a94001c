"""Kaggle's Titanic: the bundled train.csv / test.csv, or those of a data folder."""

from __future__ import annotations

from kagglekit.data.schema import Schema
from kagglekit.errors import DataError

TITANIC_SCHEMA = Schema(
    numeric=("Pclass", "Age", "SibSp", "Parch", "Fare"),
    text=("Name", "Sex", "Ticket", "Cabin", "Embarked"),
    target="Survived",
    id_column="PassengerId",
    target_values=(0, 1),
)


def load_titanic(data_dir=None):
    """The Titanic competition's training rows (``X``, ``y``) and test rows (``X_test``), as
    a :class:`~kagglekit.data.base.Dataset`."""
    from kagglekit.data.base import DATA_DIR_ENV, Dataset, data_folder, read_csv

    folder = data_folder("titanic", data_dir)
    if not (folder / "train.csv").is_file():
        raise DataError(
            f"{folder}/train.csv not found; put the competition's train.csv and test.csv there, "
            f"run `kagglekit competitions download titanic --data-dir {folder.parent}`, or unset "
            f"{DATA_DIR_ENV} to use the bundled copy"
        )
    train = read_csv(folder / "train.csv", TITANIC_SCHEMA, training=True)
    test = read_csv(folder / "test.csv", TITANIC_SCHEMA, training=False)
    y = train.pop(TITANIC_SCHEMA.target).astype("int64")
    return Dataset(name="titanic", X=train, y=y, X_test=test, source=str(folder))
