"""Keras state released between fits (only for Keras models), and seeded fits that other
users of Python's ``random`` (threads of a Dask worker, a web server) cannot disturb."""

import random
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline as sk_pipeline
from sklearn.preprocessing import StandardScaler

from kagglekit import evaluate, make_pipeline
from kagglekit.models.memory import release_keras, uses_keras
from tests.float32 import PROBA_ATOL, approx_tree


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=80, n_features=5, n_informative=3, random_state=1)
    return X.astype("float32"), y


def _net(meta, compile_kwargs, noisy=False):
    """The dense net; ``noisy`` first draws from Python's ``random`` as another thread could."""
    from kagglekit.models.dense import build_dense_net

    if noisy:
        random.random()
    return build_dense_net(meta, compile_kwargs, hidden=(8,), dropout=0.3)


def test_seeded_fit_ignores_other_draws_from_python_random(data):
    from kagglekit.models.keras import KerasClassifier

    X, y = data
    fits = [KerasClassifier(_net, model__noisy=noisy, epochs=2, random_state=0).fit(X, y)
            for noisy in (False, True, False)]
    quiet, noisy, again = (f.predict_proba(X) for f in fits)
    # float32: three fits with one seed (a shifted layer seed would differ by far more)
    np.testing.assert_allclose(quiet, again, atol=PROBA_ATOL)
    np.testing.assert_allclose(quiet, noisy, atol=PROBA_ATOL)


def test_release_clears_keras_only_for_keras_models(data):
    from kagglekit.models.keras import KerasClassifier

    X, y = data
    net = KerasClassifier(_net, epochs=1, random_state=0).fit(X, y)
    assert uses_keras(net) and uses_keras(sk_pipeline(StandardScaler(), net))
    assert release_keras(sk_pipeline(StandardScaler(), net)) is True
    assert not uses_keras(sk_pipeline(StandardScaler(), LogisticRegression()))
    assert release_keras(LogisticRegression()) is False and not uses_keras(object())


def test_scikit_learn_cv_never_imports_tensorflow():
    code = ("import sys\nfrom kagglekit import evaluate, make_pipeline\n"
            "r = evaluate('titanic-logreg', folds=2)\n"
            "print('FOLDS', len(r.folds), 'TF', 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120).stdout
    assert "FOLDS 2 TF False" in out


def test_release_between_folds_keeps_the_scores(small_titanic, monkeypatch):
    from kagglekit.evaluation import engine as cv

    X, y = small_titanic
    calls = []
    monkeypatch.setattr(cv, "release_keras", lambda est: calls.append(release_keras(est)))
    released = evaluate(make_pipeline("titanic-dnn", epochs=2), X, y, folds=3, seed=0)
    assert calls == [True, True, True]
    monkeypatch.setattr(cv, "release_keras", lambda est: False)
    kept = evaluate(make_pipeline("titanic-dnn", epochs=2), X, y, folds=3, seed=0)
    # 6-decimal scores and losses of two seeded float32 runs
    assert released.scores == approx_tree(kept.scores)
    assert released.histories == approx_tree(kept.histories)
