"""Titanic feature engineering: name parts, cabin deck, and the full ColumnTransformer chain."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from kagglekit.features.groups import (
    FamilySize,
    FrequencyEncoder,
    GroupMedianImputer,
    GroupTargetRate,
    group_key,
    input_names,
)

# Spelling variants of common titles (French forms, abbreviations).
_TITLE_SYNONYMS = {"Mlle": "Miss", "Ms": "Miss", "Mme": "Mrs"}
_TITLE_PATTERN = re.compile(r",\s*([^.,]+?)\s*\.")


def _texts(column) -> list:
    return [None if pd.isna(v) else str(v) for v in column]


def _output_names(estimator, parts: tuple[str, ...]) -> np.ndarray:
    """``parts`` for a single input column, ``<column>_<part>`` for several."""
    if estimator.n_features_in_ == 1:
        return np.array(parts, dtype=object)
    return np.array([f"{c}_{p}" for c in input_names(estimator, None) for p in parts],
                    dtype=object)


class _TextTransformer(TransformerMixin, BaseEstimator):
    """Base for transformers parsing text columns; each input column gives two outputs."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags

    def _validate(self, X, reset):
        X = validate_data(self, X, dtype=None, ensure_all_finite="allow-nan", reset=reset)
        for column in X.T:
            group_key(column)
        return X


class NameFeatures(_TextTransformer):
    """Title and surname from names written ``"Surname, Title. Given names"``.

    Outputs ``Title`` and ``Surname`` for one input column (``<col>_Title``... for several).
    Titles seen fewer than ``min_title_count`` times in ``fit`` (after merging spelling
    variants such as Mlle -> Miss) become ``"Rare"``; names without a title give ``"Unknown"``.

    Parameters
    ----------
    min_title_count : int, default=10

    Attributes
    ----------
    titles_ : list of str
        The titles kept as their own category.
    """

    def __init__(self, min_title_count=10):
        self.min_title_count = min_title_count

    def fit(self, X, y=None):
        X = self._validate(X, reset=True)
        titles = pd.Series([self._raw_title(n) for c in X.T for n in _texts(c)], dtype=object)
        counts = titles.dropna().value_counts()
        self.titles_ = sorted(counts.index[counts >= self.min_title_count])
        return self

    def transform(self, X):
        check_is_fitted(self, "titles_")
        return self._lean(self._validate(X, reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        out = []
        for column in values.T:
            names = _texts(column)
            out.append([self._group_title(self._raw_title(n)) for n in names])
            out.append([n.split(",", 1)[0].strip() if n else None for n in names])
        return np.array(out, dtype=object).T.reshape(values.shape[0], -1)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "titles_")
        return _output_names(self, ("Title", "Surname"))

    @staticmethod
    def _raw_title(name):
        match = _TITLE_PATTERN.search(name) if name else None
        if match is None:
            return None
        title = match.group(1).split()[-1]
        return _TITLE_SYNONYMS.get(title, title)

    def _group_title(self, title):
        if title is None:
            return "Unknown"
        return title if title in self.titles_ else "Rare"



class CabinDeck(_TextTransformer):
    """Deck letter from a cabin number (``"C85"`` -> ``"C"``) and whether the cabin is known.

    Outputs ``Deck`` (``"U"`` when unknown) and ``CabinKnown`` (1.0 / 0.0).
    """

    def fit(self, X, y=None):
        self._validate(X, reset=True)
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_in_")
        return self._lean(self._validate(X, reset=False))

    def _lean(self, values):
        """The transform of validated values (also called by LeanColumnTransformer)."""
        out = []
        for column in values.T:
            cabins = [c.strip() if c else "" for c in _texts(column)]
            out.append([c[0].upper() if c and c[0].isalpha() else "U" for c in cabins])
            out.append([1.0 if c else 0.0 for c in cabins])
        return np.array(out, dtype=object).T.reshape(values.shape[0], -1)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_in_")
        return _output_names(self, ("Deck", "CabinKnown"))


def fare_per_person(X):
    """First column divided by the second (fare / passengers on the ticket)."""
    X = np.asarray(X, dtype=float)
    return (X[:, 0] / np.maximum(X[:, 1], 1.0)).reshape(-1, 1)


def _fare_name(transformer, input_features):
    return np.array(["FarePerPerson"], dtype=object)


CATEGORICAL = ["Pclass", "Sex", "Embarked", "Title", "Deck"]
NUMERIC = ["Age", "SibSp", "Parch", "FamilySize", "IsAlone", "CabinKnown", "Fare",
           "FarePerPerson", "Ticket_count"]
GROUP_KEYS = ["Ticket", "Surname"]


def titanic_features(*, scaler: str = "standard", group_rates: bool = True,
                     min_title_count: int = 10, group_smoothing: float = 1.0) -> Pipeline:
    """The Titanic feature chain: raw Kaggle columns in, a numeric model matrix out.

    Three steps, each a ColumnTransformer with pandas output:

    1. ``derive``: title and surname from Name, deck from Cabin, family size, ticket group size;
    2. ``engineer``: age imputed by title and class, fare per person, and (``group_rates``) the
       survival rate of the other passengers on the same ticket / with the same surname;
    3. ``encode``: median imputation + scaling for numbers, most-frequent imputation + one-hot
       (unknown categories ignored) for categories.

    Everything that learns from data (title list, medians, counts, rates, scalers, categories)
    is fitted on the rows given to ``fit`` only, so cross-validation folds do not leak.

    Parameters
    ----------
    scaler : {"standard", "minmax"}
    group_rates : bool
        Add the fellow-traveller survival rates (needs ``y`` in ``fit``).
    min_title_count : int
        Titles rarer than this become "Rare".
    group_smoothing : float
        Pseudo-count pulling small groups' rates toward the overall survival rate.
    """
    scalers = {"standard": StandardScaler, "minmax": MinMaxScaler}
    if scaler not in scalers:
        raise ValueError(f"scaler must be one of {sorted(scalers)}, got {scaler!r}")
    derive = ColumnTransformer(
        [
            ("name", NameFeatures(min_title_count=min_title_count), ["Name"]),
            ("cabin", CabinDeck(), ["Cabin"]),
            ("family", FamilySize(), ["SibSp", "Parch"]),
            ("ticket", FrequencyEncoder(), ["Ticket"]),
            ("keep", "passthrough", ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare",
                                     "Embarked", "Ticket"]),
        ],
        verbose_feature_names_out=False,
    )
    engineered = [
        ("age", GroupMedianImputer(), ["Age", "Title", "Pclass"]),
        ("fare", FunctionTransformer(fare_per_person, feature_names_out=_fare_name),
         ["Fare", "Ticket_count"]),
    ]
    numeric = list(NUMERIC)
    if group_rates:
        engineered.append(("groups", GroupTargetRate(smoothing=group_smoothing), GROUP_KEYS))
        numeric += [f"{k}_{part}" for k in GROUP_KEYS for part in ("rate", "known")]
    keep = [c for c in CATEGORICAL + NUMERIC if c not in ("Age", "FarePerPerson")]
    engineer = ColumnTransformer(engineered + [("keep", "passthrough", keep)],
                                 verbose_feature_names_out=False)
    encode = ColumnTransformer(
        [
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                              ("scale", scalers[scaler]())]), numeric),
            ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                              ("onehot", OneHotEncoder(handle_unknown="ignore",
                                                       sparse_output=False))]),
             CATEGORICAL),
        ],
        verbose_feature_names_out=True,
    )
    return Pipeline([("derive", derive), ("engineer", engineer),
                     ("encode", encode)]).set_output(transform="pandas")
