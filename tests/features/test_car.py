"""The car-preference preprocessing reproduces the course's numbers on its four people."""

import numpy as np
import pytest

from kagglekit.data.car import CAR_CLASSES, course_example
from kagglekit.features.car import car_preference_features, one_hot_target


@pytest.fixture
def encoded():
    return car_preference_features().fit_transform(course_example())


def test_course_numbers_to_two_decimals(encoded):
    assert list(encoded.columns) == ["age", "income", "sex"]
    assert encoded.age.round(2).tolist() == [-1.23, -0.49, 1.48, 0.25]
    assert encoded.income.round(2).tolist() == [-1.34, 0.45, -0.45, 1.34]
    assert encoded.sex.round(2).tolist() == [-1, 1, -1, 1]


def test_standardization_uses_the_population_std(encoded):
    ages = course_example().age
    np.testing.assert_allclose(encoded.age, (ages - ages.mean()) / ages.std(ddof=0))


def test_one_hot_target():
    assert one_hot_target(course_example().car, CAR_CLASSES).tolist() == [
        [1, 0], [0, 1], [1, 0], [0, 1]]


def test_other_column_names_and_sex_values():
    frame = course_example().rename(columns={"age": "Age", "income": "Salary", "sex": "Gender"})
    frame["Gender"] = frame.Gender.str.capitalize()
    features = car_preference_features(("Age", "Salary"), "Gender", ("Male", "Female"))
    assert features.fit_transform(frame).Gender.round(2).tolist() == [-1, 1, -1, 1]
