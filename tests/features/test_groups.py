import numpy as np
import pandas as pd
import pytest

from kagglekit.features import FamilySize, FrequencyEncoder, GroupMedianImputer, GroupTargetRate


def test_family_size_counts_the_passenger_and_flags_alone():
    X = pd.DataFrame({"SibSp": [0, 1, np.nan], "Parch": [0, 2, 0]})
    out = FamilySize().set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["FamilySize", "IsAlone"]
    assert out["FamilySize"].tolist() == [1, 4, 1]
    assert out["IsAlone"].tolist() == [1, 0, 1]


def test_frequency_encoder_counts_training_rows_and_unseen_as_one():
    enc = FrequencyEncoder().fit(pd.DataFrame({"Ticket": ["A", "A", "B", None]}))
    out = enc.transform(pd.DataFrame({"Ticket": ["A", "B", "C", None]}))
    assert out[:, 0].tolist() == [2, 1, 1, 1]
    assert enc.get_feature_names_out().tolist() == ["Ticket_count"]


def test_group_median_imputer_uses_group_then_overall_median():
    X = pd.DataFrame({"Age": [10, 20, np.nan, 40, 50, np.nan, np.nan],
                      "Title": ["Master", "Master", "Master", "Mr", "Mr", "Mr", "Dr"]})
    imp = GroupMedianImputer().fit(X)
    out = imp.transform(X)[:, 0]
    assert out.tolist() == [10, 20, 15, 40, 50, 45, 30]  # Dr unseen -> median of all ages
    assert imp.get_feature_names_out().tolist() == ["Age"]


def test_group_median_imputer_is_fitted_on_training_rows_only():
    train = pd.DataFrame({"Age": [10.0, 30.0], "Pclass": [1, 1]})
    test = pd.DataFrame({"Age": [np.nan, 99.0], "Pclass": [1, 1]})
    assert GroupMedianImputer().fit(train).transform(test)[:, 0].tolist() == [20.0, 99.0]


def test_group_target_rate_leaves_each_row_out_in_fit_transform():
    X = pd.DataFrame({"Ticket": ["A", "A", "A", "B"]})
    y = np.array([1, 1, 0, 0])
    enc = GroupTargetRate(smoothing=0.0)
    train_out = enc.fit_transform(X, y)
    # Row 0's group-mates are rows 1 and 2: one of two survived.
    assert train_out[:, 0].tolist() == [0.5, 0.5, 1.0, enc.prior_]
    assert train_out[:, 1].tolist() == [2, 2, 2, 0]
    new = enc.transform(pd.DataFrame({"Ticket": ["A", "Z"]}))
    assert new[0].tolist() == pytest.approx([2 / 3, 3])
    assert new[1].tolist() == [enc.prior_, 0]
    assert enc.get_feature_names_out().tolist() == ["Ticket_rate", "Ticket_known"]


def test_group_target_rate_label_never_leaks_into_own_feature():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"g": rng.integers(0, 50, 400)})
    y = rng.integers(0, 2, 400)  # pure noise: the feature must not predict it in-sample
    rate = GroupTargetRate().fit_transform(X, y)[:, 0]
    assert abs(np.corrcoef(rate, y)[0, 1]) < 0.2


def test_group_target_rate_smoothing_pulls_small_groups_to_prior():
    X = pd.DataFrame({"g": ["a", "b", "b"]})
    y = np.array([1, 0, 0])
    out = GroupTargetRate(smoothing=2.0).fit(X, y).transform(pd.DataFrame({"g": ["a"]}))
    assert out[0, 0] == pytest.approx((1 + 2 * (1 / 3)) / 3)


def test_group_target_rate_needs_y():
    with pytest.raises(ValueError, match="requires y"):
        GroupTargetRate().fit(pd.DataFrame({"g": ["a"]}), None)
