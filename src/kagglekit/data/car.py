"""Car data: the course's four-person car-preference example, a seeded generator of more such
people, and a loader for the "Cars - Purchase Decision" CSV (not bundled).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kagglekit.data.base import DATA_DIR_ENV, Dataset, data_root, read_csv
from kagglekit.data.schema import Schema
from kagglekit.errors import DataError

CAR_CLASSES = ("SUV", "SEDAN")
"""The car-preference target values, in the order of the one-hot columns."""

CAR_PURCHASE_SCHEMA = Schema(
    numeric=("Age", "AnnualSalary"),
    text=("Gender",),
    target="Purchased",
    id_column="User ID",
    target_values=(0, 1),
)


def course_example() -> pd.DataFrame:
    """The course's four people: id, age, sex, monthly income and the car they prefer.

    Examples
    --------
    >>> course_example()[["age", "sex", "income", "car"]].values.tolist()[0]
    [30, 'male', 3800, 'SUV']
    """
    return pd.DataFrame({
        "id": [1, 2, 3, 4],
        "age": [30, 36, 52, 42],
        "sex": ["male", "female", "male", "female"],
        "income": [3800, 4200, 4000, 4400],
        "car": ["SUV", "SEDAN", "SUV", "SEDAN"],
    })


def make_car_preference(n_rows: int = 1000, *, random_state: int = 0) -> pd.DataFrame:
    """Generate people like the course's four, with the car each prefers.

    The generating model (the same ``random_state`` gives the same rows):

    - ``age``: whole years, uniform on 20..65;
    - ``sex``: ``"male"`` or ``"female"`` with equal probability;
    - ``income``: monthly, ``Normal(3000 + 25 * age, 400)`` rounded to 10, at least 1000;
    - ``car``: ``"SUV"`` with probability ``sigmoid(z)``, else ``"SEDAN"``, where
      ``z = 1.5 * s - 0.006 * (income - 4100) + 0.03 * (age - 40)`` and ``s`` is +1 for men,
      -1 for women: men, lower incomes and older people lean to SUVs. The four course rows
      all get the car they chose with this ``z``.

    Parameters
    ----------
    n_rows : int
        Number of people.
    random_state : int
        Seed of the generator.

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (1..n), ``age``, ``sex``, ``income``, ``car``.
    """
    if n_rows < 1:
        raise DataError(f"n_rows must be 1 or more, got {n_rows}")
    rng = np.random.default_rng(random_state)
    age = rng.integers(20, 66, n_rows)
    male = rng.random(n_rows) < 0.5
    income = np.maximum(np.round(rng.normal(3000 + 25 * age, 400), -1), 1000).astype(int)
    z = 1.5 * np.where(male, 1, -1) - 0.006 * (income - 4100) + 0.03 * (age - 40)
    suv = rng.random(n_rows) < 1 / (1 + np.exp(-z))
    return pd.DataFrame({
        "id": np.arange(1, n_rows + 1),
        "age": age,
        "sex": np.where(male, "male", "female"),
        "income": income,
        "car": np.where(suv, "SUV", "SEDAN"),
    })


def load_car_preference(data_dir=None, *, n_rows: int = 1000, n_test: int = 250,
                        random_state: int = 0) -> Dataset:
    """A generated car-preference data set: ``n_rows`` training and ``n_test`` test people.

    ``data_dir`` is accepted for a uniform loader signature and not used (nothing is read).
    """
    frame = make_car_preference(n_rows + n_test, random_state=random_state)
    train, test = frame.iloc[:n_rows].reset_index(drop=True), frame.iloc[n_rows:]
    y = train.pop("car")
    y_test = test.pop("car").reset_index(drop=True)
    return Dataset(name="car-preference", X=train, y=y, X_test=test.reset_index(drop=True),
                   source=f"generated (make_car_preference, random_state={random_state})",
                   y_test=y_test)


def load_car_purchase(data_dir=None) -> Dataset:
    """Load ``<data_dir>/car-purchase/car_purchase.csv`` (1000 people, ``Purchased`` 0/1).

    ``data_dir`` defaults to ``$KAGGLEKIT_DATA_DIR``. The file is not bundled with the
    package; it has no test split, so ``X_test`` is empty.
    """
    root = data_root(data_dir)
    if root is None:
        raise DataError("car-purchase data is not bundled: pass --data-dir DIR (or set "
                        f"{DATA_DIR_ENV}) with DIR/car-purchase/car_purchase.csv in it")
    path = root / "car-purchase" / "car_purchase.csv"
    if not path.is_file():
        raise DataError(f"{path} not found; put the 'Cars - Purchase Decision' CSV there "
                        "(columns User ID, Gender, Age, AnnualSalary, Purchased)")
    frame = read_csv(path, CAR_PURCHASE_SCHEMA, training=True)
    frame[CAR_PURCHASE_SCHEMA.id_column] = frame[CAR_PURCHASE_SCHEMA.id_column].astype("int64")
    y = frame.pop(CAR_PURCHASE_SCHEMA.target).astype("int64")
    return Dataset(name="car-purchase", X=frame, y=y, X_test=frame.iloc[:0],
                   source=str(path.parent))
