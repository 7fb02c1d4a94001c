"""scikit-learn transformers and the ColumnTransformer builders that use them."""

from kagglekit.features.groups import (
    FamilySize,
    FrequencyEncoder,
    GroupMedianImputer,
    GroupTargetRate,
)
from kagglekit.features.inputs import InputSchema
from kagglekit.features.titanic import CabinDeck, NameFeatures, titanic_features

__all__ = [
    "CabinDeck",
    "FamilySize",
    "FrequencyEncoder",
    "GroupMedianImputer",
    "GroupTargetRate",
    "InputSchema",
    "NameFeatures",
    "titanic_features",
]
