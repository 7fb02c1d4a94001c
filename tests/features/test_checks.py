"""scikit-learn's own estimator checks on every transformer kagglekit defines."""

from kagglekit.features import (
    CabinDeck,
    FamilySize,
    FrequencyEncoder,
    GroupMedianImputer,
    GroupTargetRate,
    InputSchema,
    NameFeatures,
)
from tests.checks import parametrize_with_checks

_TEXT_OUTPUT = "outputs text categories (titles, decks); the check compares outputs numerically"
_TEXT_CHECKS = ("check_pipeline_consistency", "check_estimators_pickle",
                "check_transformer_data_not_an_array", "check_transformer_general",
                "check_transformer_preserve_dtypes", "check_methods_sample_order_invariance",
                "check_methods_subset_invariance", "check_fit_idempotent")
_OUT_OF_SAMPLE = ("fit_transform leaves each row out of its own group on purpose (no target "
                  "leakage, like TargetEncoder), so it differs from fit().transform()")


def expected_failures(estimator):
    if isinstance(estimator, NameFeatures | CabinDeck):
        return dict.fromkeys(_TEXT_CHECKS, _TEXT_OUTPUT)
    if isinstance(estimator, GroupTargetRate):
        return dict.fromkeys(("check_transformer_general",
                              "check_transformer_data_not_an_array"), _OUT_OF_SAMPLE)
    return {}


@parametrize_with_checks(
    [FamilySize(), FrequencyEncoder(), GroupMedianImputer(), GroupTargetRate(),
     NameFeatures(), CabinDeck(), InputSchema()],
    expected_failed_checks=expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
