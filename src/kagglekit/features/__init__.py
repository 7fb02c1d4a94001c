"""scikit-learn transformers and the ColumnTransformer builders that use them."""

from kagglekit.features.groups import (
    FamilySize,
    FrequencyEncoder,
    GroupMedianImputer,
    GroupTargetRate,
)
from kagglekit.features.titanic import CabinDeck, NameFeatures, titanic_features

__all__ = [
    "CabinDeck",
    "FamilySize",
    "FrequencyEncoder",
    "GroupMedianImputer",
    "GroupTargetRate",
    "NameFeatures",
    "titanic_features",
]
