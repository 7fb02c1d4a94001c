"""The course's ``car-preference`` preprocessing: standardized age and income, sex as one
standardized +/-1 column, and a one-hot target."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def car_preference_features(numeric: Sequence[str] = ("age", "income"), sex: str = "sex",
                            sex_values: Sequence[str] = ("male", "female")) -> ColumnTransformer:
    """ColumnTransformer for car-preference data (pandas output, other columns dropped).

    ``StandardScaler`` divides by the population standard deviation (``ddof=0``), as the
    course does. Sex becomes one column: ``sex_values[0]`` -> 0 and ``sex_values[1]`` -> 1,
    then standardized, which is exactly -1 / +1 when both are equally common.

    Parameters
    ----------
    numeric : sequence of str
        Numeric columns to standardize (age and income).
    sex : str
        The two-valued sex column.
    sex_values : (str, str)
        Its values, the one standardized to the negative side first.

    Examples
    --------
    >>> from kagglekit.data.car import course_example
    >>> car_preference_features().fit_transform(course_example()).round(2)["sex"].tolist()
    [-1.0, 1.0, -1.0, 1.0]
    """
    sex_column = make_pipeline(OrdinalEncoder(categories=[list(sex_values)]), StandardScaler())
    return ColumnTransformer(
        [("numeric", StandardScaler(), list(numeric)), ("sex", sex_column, [sex])],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")


def one_hot_target(y, classes: Sequence[str]) -> np.ndarray:
    """One-hot rows for labels ``y``, columns in the order of ``classes``.

    Examples
    --------
    >>> one_hot_target(["SUV", "SEDAN"], ("SUV", "SEDAN")).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    encoder = OneHotEncoder(categories=[list(classes)], sparse_output=False)
    return encoder.fit_transform(np.asarray(y, dtype=object).reshape(-1, 1))
