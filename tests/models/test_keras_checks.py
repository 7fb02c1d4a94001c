"""scikit-learn's own estimator checks on kagglekit's SciKeras subclasses."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from kagglekit.models.dense import build_dense_net
from kagglekit.models.keras import KerasClassifier, KerasRegressor

_SCIKERAS = {
    "check_estimator_tags_renamed":
        "SciKeras 0.13 still defines the legacy _more_tags (our subclass adds __sklearn_tags__)",
    "check_no_attributes_set_in_init":
        "SciKeras stores routed parameters (model__hidden, optimizer__...) as attributes",
    "check_mixin_order":
        "SciKeras puts BaseEstimator before ClassifierMixin; reordering is an MRO conflict, "
        "so the subclass declares its tags instead",
    "check_sample_weight_equivalence_on_dense_data":
        "mini-batch SGD: weighting a row is not numerically the same as repeating it",
    # Seen failing here (also at 397be45) by ~1e-7, intermittently: float32 predictions of
    # a reordered or partial batch can differ in the last bit (rtol 1e-7 is float64's).
    "check_methods_sample_order_invariance":
        "float32 batch predictions differ by ~1e-7 when rows are reordered",
    "check_methods_subset_invariance":
        "float32 batch predictions differ by ~1e-7 when predicted in parts",
}


def _net(cls):
    return cls(build_dense_net, model__hidden=(16,), epochs=15, optimizer="adam",
               optimizer__learning_rate=0.03, random_state=0)


@parametrize_with_checks([_net(KerasClassifier), _net(KerasRegressor)],
                         expected_failed_checks=lambda est: _SCIKERAS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
