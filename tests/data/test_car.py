"""Car data: the course's four people, the seeded generator and the car_purchase.csv loader."""

import numpy as np
import pytest

from kagglekit import load_dataset
from kagglekit.data.car import course_example, make_car_preference
from kagglekit.errors import DataError


def test_course_example_is_the_four_people():
    rows = course_example()[["age", "sex", "income", "car"]].values.tolist()
    assert rows == [[30, "male", 3800, "SUV"], [36, "female", 4200, "SEDAN"],
                    [52, "male", 4000, "SUV"], [42, "female", 4400, "SEDAN"]]


def test_generator_is_seeded_and_follows_its_documented_model():
    a, b = make_car_preference(500, random_state=1), make_car_preference(500, random_state=1)
    assert a.equals(b) and not a.equals(make_car_preference(500, random_state=2))
    assert list(a.columns) == ["id", "age", "sex", "income", "car"]
    assert a.age.between(20, 65).all() and set(a.sex) == {"male", "female"}
    assert set(a.car) == {"SUV", "SEDAN"} and (a.income % 10 == 0).all()
    big = make_car_preference(4000, random_state=0)
    suv = big.car == "SUV"
    assert suv[big.sex == "male"].mean() > suv[big.sex == "female"].mean() + 0.2
    low = big.income < big.income.median()
    assert suv[low].mean() > suv[~low].mean()  # lower incomes lean to SUVs


def test_course_rows_get_their_car_under_the_generator_formula():
    rows = course_example()
    s = np.where(rows.sex == "male", 1, -1)
    z = 1.5 * s - 0.006 * (rows.income - 4100) + 0.03 * (rows.age - 40)
    assert ((z > 0) == (rows.car == "SUV")).all()


def test_generated_dataset_has_a_labelled_test_split():
    ds = load_dataset("car-preference")
    assert len(ds.X) == 1000 and len(ds.X_test) == 250 and len(ds.y_test) == 250
    assert "car" not in ds.X and ds.X.id.is_unique


def test_car_purchase_from_the_data_folder(shared_datasets, monkeypatch):
    ds = load_dataset("car-purchase", shared_datasets)
    assert ds.X.shape == (1000, 4) and ds.y.mean() == pytest.approx(0.402)
    assert ds.X["User ID"].dtype == "int64" and ds.X_test.empty
    monkeypatch.setenv("KAGGLEKIT_DATA_DIR", str(shared_datasets))
    assert len(load_dataset("car-purchase").X) == 1000


def test_car_purchase_missing_says_where_to_put_it(tmp_path):
    with pytest.raises(DataError, match="not bundled.*--data-dir"):
        load_dataset("car-purchase")
    with pytest.raises(DataError, match="car_purchase.csv not found"):
        load_dataset("car-purchase", tmp_path)


def test_car_purchase_bad_file(tmp_path):
    folder = tmp_path / "car-purchase"
    folder.mkdir()
    (folder / "car_purchase.csv").write_text("User ID,Gender,Age,Purchased\n1,Male,30,0\n")
    with pytest.raises(DataError, match="AnnualSalary"):
        load_dataset("car-purchase", tmp_path)
