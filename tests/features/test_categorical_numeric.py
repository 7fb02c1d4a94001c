"""Category codes (kagglekit.features.categorical) and robust scaling with a smooth clip
(kagglekit.features.numeric)."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.features.categorical import CategoryCodes
from kagglekit.features.numeric import RobustScaleClip
from tests.checks import parametrize_with_checks


def test_codes_by_frequency_with_zero_for_rare_unseen_and_rare_missing():
    train = pd.DataFrame({"c": ["b"] * 5 + ["a"] * 3 + ["rare"] + [None] * 3})
    codes = CategoryCodes(min_frequency=3).fit(train)
    assert list(codes.categories_[0]) == ["b", "\x00missing", "a"]   # ties: text order
    assert list(codes.cardinalities_) == [4]
    out = codes.transform(pd.DataFrame({"c": ["a", "b", "rare", "never seen", None]}))
    np.testing.assert_array_equal(out.ravel(), [3, 1, 0, 0, 2])
    assert CategoryCodes(max_levels=1).fit(train).transform(train).max() == 1


def test_codes_treat_whole_floats_and_ints_as_one_level():
    codes = CategoryCodes(min_frequency=1).fit(np.array([[3], [3.0], [4]], dtype=object))
    assert list(codes.categories_[0]) == ["3", "4"]


def test_codes_reject_bad_settings():
    with pytest.raises(ValueError, match="min_frequency"):
        CategoryCodes(min_frequency=0).fit([["a"]])
    with pytest.raises(ValueError, match="max_levels"):
        CategoryCodes(max_levels=0).fit([["a"]])


def test_robust_scale_clip_centres_scales_and_bounds():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0], [1e6, 5.0], [np.nan, 5.0]])
    scaler = RobustScaleClip().fit(X)
    np.testing.assert_allclose(scaler.center_, [3.0, 5.0], atol=1e-12)
    np.testing.assert_allclose(scaler.scale_, [2.0, 1.0], atol=1e-12)   # IQR 4 - 2; constant
    out = scaler.transform(X)
    assert np.nanmax(np.abs(out)) < 3.0 and np.isnan(out[5, 0])
    np.testing.assert_allclose(out[:, 1], 0.0, atol=1e-12)
    z = (np.array([1.0, 2.0]) - 3.0) / 2.0
    np.testing.assert_allclose(out[:2, 0], z / np.sqrt(1 + (z / 3) ** 2), atol=1e-12)
    np.testing.assert_allclose(RobustScaleClip(clip=None).fit(X).transform(X)[4, 0],
                               (1e6 - 3) / 2, rtol=1e-12)


def test_robust_scale_falls_back_to_the_range_when_quartiles_coincide():
    X = np.array([[0.0]] * 9 + [[10.0]])
    np.testing.assert_allclose(RobustScaleClip().fit(X).scale_, [5.0], atol=1e-12)


@parametrize_with_checks([CategoryCodes(), RobustScaleClip()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
