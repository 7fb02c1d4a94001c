import numpy as np
import pandas as pd
import pytest

from kagglekit.features import CabinDeck, NameFeatures, titanic_features


def test_name_features_title_synonyms_rare_and_surname():
    names = pd.DataFrame({"Name": ["Braund, Mr. Owen", "Smith, Mlle. Anna", "Doe, Col. John",
                                   "Roe, Mr. Tim", "Nobody", None]})
    nf = NameFeatures(min_title_count=2).set_output(transform="pandas").fit(names)
    out = nf.transform(names)
    assert list(out.columns) == ["Title", "Surname"]
    assert out["Title"].tolist() == ["Mr", "Rare", "Rare", "Mr", "Unknown", "Unknown"]
    assert out["Surname"].tolist()[:4] == ["Braund", "Smith", "Doe", "Roe"]


def test_name_features_maps_spelling_variants():
    names = pd.DataFrame({"Name": ["A, Mlle. X", "B, Ms. Y", "C, Miss. Z", "D, Mme. W"]})
    out = NameFeatures(min_title_count=1).fit_transform(names)
    assert out[:, 0].tolist() == ["Miss", "Miss", "Miss", "Mrs"]


def test_name_features_handles_the_countess():
    out = NameFeatures(min_title_count=1).fit_transform(
        pd.DataFrame({"Name": ["Rothes, the Countess. of (Lucy)"]}))
    assert out[0, 0] == "Countess"


def test_cabin_deck():
    cabins = pd.DataFrame({"Cabin": ["C85", None, "F G73", " e12"]})
    out = CabinDeck().set_output(transform="pandas").fit_transform(cabins)
    assert out["Deck"].tolist() == ["C", "U", "F", "E"]
    assert out["CabinKnown"].tolist() == [1.0, 0.0, 1.0, 1.0]


def test_titanic_features_output_is_numeric_complete_and_named(titanic):
    feats = titanic_features()
    train = feats.fit_transform(titanic.X, titanic.y)
    test = feats.transform(titanic.X_test)  # test.csv has a missing Fare
    assert titanic.X_test["Fare"].isna().sum() == 1
    for frame in (train, test):
        assert frame.shape[1] == train.shape[1]
        assert not frame.isna().any().any()
        assert all(np.issubdtype(t, np.number) for t in frame.dtypes)
    names = list(feats.get_feature_names_out())
    assert names == list(train.columns)
    for expected in ("num__Age", "num__FarePerPerson", "num__Ticket_rate", "cat__Title_Mr",
                     "cat__Sex_female", "cat__Deck_U"):
        assert expected in names


def test_titanic_features_unseen_categories_do_not_crash(titanic):
    feats = titanic_features().fit(titanic.X, titanic.y)
    odd = titanic.X_test.head(3).copy()
    odd["Embarked"] = ["X", None, "S"]
    odd["Name"] = ["Zed, Capt. Z", "no title here", None]
    odd["Cabin"] = ["Z9", None, "T"]
    odd["Ticket"] = ["NEW", None, "NEW"]
    out = feats.transform(odd)
    assert out.shape == (3, len(feats.get_feature_names_out()))
    assert not out.isna().any().any()


def test_titanic_features_scaler_option(titanic):
    out = titanic_features(scaler="minmax").fit_transform(titanic.X, titanic.y)
    numeric = out.filter(like="num__")
    assert numeric.min().min() >= 0.0 and numeric.max().max() <= 1.0
    with pytest.raises(ValueError, match="scaler"):
        titanic_features(scaler="robust")


def test_titanic_features_without_group_rates(titanic):
    out = titanic_features(group_rates=False).fit_transform(titanic.X, titanic.y)
    assert not any("rate" in c for c in out.columns)


def test_age_imputation_learns_from_training_fold_only(titanic):
    X, y = titanic.X, titanic.y
    fold = X.iloc[:300]
    feats = titanic_features().fit(fold, y.iloc[:300])
    imputer = feats.named_steps["engineer"].named_transformers_["age"]
    expected = fold["Age"].median()
    assert imputer.overall_median_ == pytest.approx(expected)
