"""The SciKeras layer behaves as a scikit-learn classifier / regressor should."""

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_score

from kagglekit.models.dense import build_dense_net, output_spec
from kagglekit.models.keras import KerasClassifier, KerasRegressor
from tests.float32 import PROBA_ATOL


def _clf(**params):
    defaults = {"model__hidden": (8,), "epochs": 5, "optimizer": "adam",
                "optimizer__learning_rate": 0.02, "random_state": 0}
    return KerasClassifier(build_dense_net, **{**defaults, **params})


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=120, n_features=6, n_informative=4, random_state=0)
    return X.astype("float32"), y


def test_is_a_classifier_and_cv_is_stratified(data):
    X, y = data
    est = _clf()
    assert is_classifier(est) and not is_regressor(est)
    assert isinstance(check_cv(5, y, classifier=is_classifier(est)), StratifiedKFold)
    assert is_regressor(KerasRegressor(build_dense_net))


def test_roc_auc_and_log_loss_scoring_are_numbers(data):
    X, y = data
    for scoring in ("roc_auc", "neg_log_loss"):
        scores = cross_val_score(_clf(), X, y, cv=2, scoring=scoring)
        assert np.isfinite(scores).all()


@pytest.mark.parametrize("wrap", [
    lambda net: VotingClassifier([("net", net), ("lr", LogisticRegression())], voting="soft"),
    lambda net: StackingClassifier([("net", net), ("lr", LogisticRegression())], cv=2),
    lambda net: CalibratedClassifierCV(net, cv=2),
], ids=["voting", "stacking", "calibrated"])
def test_works_inside_sklearn_ensembles(data, wrap):
    X, y = data
    model = wrap(_clf()).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)  # float32 softmax sums


def test_predict_proba_on_one_row_is_2d(data):
    X, y = data
    est = _clf().fit(X, y)
    assert est.predict_proba(X[:1]).shape == (1, 2)
    y3 = y + (X[:, 0] > 1)
    est3 = _clf().fit(X, y3)
    assert est3.predict_proba(X[:1]).shape == (1, 3)


def test_same_random_state_same_predictions(data):
    X, y = data
    a = _clf().fit(X, y).predict_proba(X)
    b = clone(_clf()).fit(X, y).predict_proba(X)
    # float32: the same seed, two fits (identical on this CPU; the tolerance covers kernels
    # that sum in another order) -- another seed differs by far more.
    np.testing.assert_allclose(a, b, atol=PROBA_ATOL)
    c = _clf(random_state=1).fit(X, y).predict_proba(X)
    assert not np.allclose(a, c, atol=PROBA_ATOL)


def test_early_stopping_stops_and_restores_best_weights(data):
    X, y = data
    est = _clf(epochs=200, early_stopping=2, validation_split=0.25,
               optimizer__learning_rate=0.1).fit(X, y)
    assert est.epochs_run_ < 200
    val = est.history_["val_loss"]
    assert est.best_epoch_ == int(np.argmin(val)) + 1
    assert est.best_epoch_ <= est.epochs_run_


def test_early_stopping_needs_validation_split(data):
    X, y = data
    with pytest.raises(ValueError, match="validation_split"):
        _clf(early_stopping=3).fit(X, y)


def test_lr_decay_multiplies_the_learning_rate_each_epoch(data):
    X, y = data
    est = _clf(epochs=4, lr_decay=0.5, optimizer__learning_rate=0.04).fit(X, y)
    # the learning rate is a float32 variable: float32(0.005) is 0.005 to ~1e-8 relative
    np.testing.assert_allclose(est.history_["learning_rate"], [0.04, 0.02, 0.01, 0.005],
                               rtol=1e-6)
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.005, rel=1e-6)
    with pytest.raises(ValueError, match="lr_decay"):
        _clf(lr_decay=1.5).fit(X, y)


def test_lr_decay_model_pickles_and_predicts_the_same(data):
    import pickle

    X, y = data
    est = _clf(epochs=2, lr_decay=0.9).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    # Exact: pickling keeps the weights bit for bit (same process, same call).
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))


def test_mixed_precision_computes_in_16_bits_and_returns_float32(data):
    import keras

    X, y = data
    est = _clf(precision="mixed_bfloat16").fit(X, y)
    dense = [layer for layer in est.model_.layers if isinstance(layer, keras.layers.Dense)]
    assert {layer.compute_dtype for layer in dense} == {"bfloat16"}
    assert {w.dtype for w in est.model_.weights} == {"float32"}
    assert keras.config.dtype_policy().name == "float32"  # the global policy is restored
    for rows in (X[:3], X):  # the small-input path and Keras' predict
        proba = est.predict_proba(rows)
        assert proba.dtype == np.float32
        # bfloat16 maths (8 bits of mantissa): softmax sums are 1 to about 1e-2
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-2)
    assert (est.predict(X) == y).mean() > 0.6
    with pytest.raises(ValueError, match="precision"):
        _clf(precision="half").fit(X, y)


def test_silent_by_default(data, capsys):
    X, y = data
    _clf().fit(X, y).predict(X)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("y_kind, loss, units, activation", [
    ("binary", "binary_crossentropy", 1, "sigmoid"),
    ("multiclass", "sparse_categorical_crossentropy", 3, "softmax"),
    ("onehot", "categorical_crossentropy", 3, "softmax"),
])
def test_loss_and_output_follow_the_target(data, y_kind, loss, units, activation):
    X, y = data
    y3 = (y + (X[:, 0] > 1)).astype(int)
    target = {"binary": y, "multiclass": y3, "onehot": np.eye(3)[y3]}[y_kind]
    est = _clf(epochs=1).fit(X, target)
    assert est.model_.loss == loss
    out = est.model_.layers[-1]
    assert out.units == units and out.activation.__name__ == activation


def test_regressor_uses_mse_and_multi_output(data):
    X, _ = data
    Y = np.column_stack([X[:, 0] * 2 + 1, X[:, 1] - X[:, 2]])
    est = KerasRegressor(build_dense_net, model__hidden=(), epochs=2, random_state=0).fit(X, Y)
    assert est.model_.loss == "mean_squared_error"
    assert est.model_.layers[-1].units == 2
    assert est.predict(X[:3]).shape == (3, 2)


def test_explicit_categorical_loss_one_hot_encodes_integer_labels(data):
    X, y = data
    y3 = (y + (X[:, 0] > 1)).astype(int)
    est = _clf(epochs=1, loss="categorical_crossentropy").fit(X, y3)
    assert est.model_.loss.__name__ == "categorical_crossentropy"
    assert est.model_.layers[-1].units == 3


def test_binary_target_under_categorical_loss_is_one_hot_with_two_softmax_units(data):
    X, y = data
    labels = np.where(y == 1, "SUV", "SEDAN")
    est = _clf(epochs=1, loss="categorical_crossentropy").fit(X, labels)
    out = est.model_.layers[-1]
    assert out.units == 2 and out.activation.__name__ == "softmax"
    np.testing.assert_array_equal(est.target_encoder_.transform(labels[:2]),
                                  np.eye(2)[(labels[:2] == "SUV").astype(int)])
    assert est.predict_proba(X[:3]).shape == (3, 2)
    assert set(est.predict(X)) <= {"SUV", "SEDAN"}


def test_output_spec_rejects_unsupported_targets():
    with pytest.raises(ValueError, match="multilabel"):
        output_spec({"target_type_": "multilabel-indicator", "n_classes_": 3})


@pytest.mark.parametrize("init", ["glorot_uniform", "he_normal", "random_normal", "zeros"])
@pytest.mark.parametrize("activation", ["relu", "elu", "tanh", "sigmoid", "linear"])
def test_builder_options_build(init, activation):
    import keras

    meta = {"target_type_": "binary", "n_classes_": 2, "n_features_in_": 4}
    model = build_dense_net(meta, {"optimizer": keras.optimizers.Adam(), "loss": None},
                            hidden=(5, 3), activation=activation, kernel_initializer=init,
                            dropout=0.1, l1=1e-4, l2=1e-4, batch_norm=True)
    assert model.count_params() > 0
    if init == "zeros":
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        assert not dense[0].get_weights()[0].any()


def test_builder_rejects_bad_options():
    meta = {"target_type_": "binary", "n_classes_": 2, "n_features_in_": 4}
    for bad in ({"activation": "swishy"}, {"kernel_initializer": "nope"}, {"dropout": 1.0}):
        with pytest.raises(ValueError):
            build_dense_net(meta, {"optimizer": "adam"}, **bad)


def test_dense_layer_parameter_count():
    import keras

    meta = {"target_type_": "multiclass", "n_classes_": 10, "n_features_in_": 100}
    model = build_dense_net(meta, {"optimizer": keras.optimizers.Adam()}, hidden=())
    assert model.count_params() == 1010  # 100 inputs x 10 units + 10 biases


@pytest.mark.parametrize("make", [_clf, lambda: KerasRegressor(build_dense_net, epochs=3,
                                                                random_state=0)])
def test_small_batches_take_the_fast_path_with_the_same_predictions(make, data, monkeypatch):
    from kagglekit.models import keras as layer

    X, y = data
    est = make()
    est.fit(X, y if is_classifier(est) else y.astype("float32"))
    predict = est.predict_proba if is_classifier(est) else est.predict
    original, calls = type(est.model_).predict_on_batch, []
    monkeypatch.setattr(type(est.model_), "predict_on_batch",
                        lambda self, x: calls.append(len(x)) or original(self, x))
    fast = predict(X[:5])
    assert calls == [5]
    monkeypatch.setattr(layer, "FAST_PATH_MAX_ROWS", 2)  # 5 rows now go through Model.predict
    slow = predict(X[:5])
    assert calls == [5]
    # float32: predict_on_batch vs Model.predict (other batching, other kernel order)
    np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=PROBA_ATOL)
    assert fast.shape == slow.shape


def test_predict_proba_keeps_rows_for_one_class_and_one_row():
    X = np.random.default_rng(0).normal(size=(12, 3))
    net = KerasClassifier(build_dense_net, model__hidden=(4,), epochs=1, random_state=0)
    assert net.fit(X, np.zeros(12, dtype=int)).predict_proba(X).shape == (12, 1)
    assert net.fit(X, np.arange(12) % 3).predict_proba(X[:1]).shape == (1, 3)
