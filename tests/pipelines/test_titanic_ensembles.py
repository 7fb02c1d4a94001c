import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression

from kagglekit import make_pipeline
from kagglekit.features.inputs import InputSchema
from kagglekit.models.ensembles import SeedEnsemble
from kagglekit.persistence import load, save
from kagglekit.pipelines.lean import LeanPipeline
from tests.float32 import PROBA_ATOL

# Two epochs per network: these tests check the wiring, not the accuracy.
FAST = {"titanic-ensemble": {"epochs": 2},
        "titanic-vote": {"model__dnn__epochs": 2},
        "titanic-stack": {"model__dnn__epochs": 2}}


@pytest.mark.parametrize("name", list(FAST))
def test_ensembles_are_lean_titanic_classifier_pipelines(name):
    pipe = make_pipeline(name)
    assert isinstance(pipe, LeanPipeline) and is_classifier(pipe)
    assert [s for s, _ in pipe.steps] == ["input", "features", "model"]
    assert isinstance(pipe.steps[0][1], InputSchema)
    clone(pipe)


def test_the_members_are_the_titanic_models():
    seeds = make_pipeline("titanic-ensemble").named_steps["model"]
    assert isinstance(seeds, SeedEnsemble) and seeds.n_members == 3
    dnn = make_pipeline("titanic-dnn").named_steps["model"]
    assert seeds.estimator.get_params() == dnn.get_params()
    vote = make_pipeline("titanic-vote").named_steps["model"]
    stack = make_pipeline("titanic-stack").named_steps["model"]
    assert isinstance(vote, VotingClassifier) and vote.voting == "soft"
    assert isinstance(stack, StackingClassifier) and stack.stack_method == "predict_proba"
    assert isinstance(stack.final_estimator, LogisticRegression)
    for model in (vote, stack):
        assert [n for n, _ in model.estimators] == ["dnn", "hgb", "logreg"]


def test_seed_ensemble_settings_reach_the_network_of_every_member():
    seeds = make_pipeline("titanic-ensemble", epochs=3, model__hidden=(8,)).named_steps["model"]
    assert seeds.estimator.epochs == 3 and seeds.estimator.model__hidden == (8,)


@pytest.mark.parametrize("name", list(FAST))
def test_ensembles_fit_predict_and_round_trip(name, small_titanic, tmp_path):
    X, y = small_titanic
    pipe = make_pipeline(name, **FAST[name]).fit(X, y)
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.allclose(proba.sum(axis=1), 1, atol=PROBA_ATOL)  # float32 softmax sums
    # the small-input path (one array through the features) gives the same probabilities,
    # up to float32 rounding (predict_on_batch on 5 rows vs Model.predict on 200)
    np.testing.assert_allclose(pipe.predict_proba(X.iloc[:5]), proba[:5], atol=PROBA_ATOL)
    assert set(pipe.predict(X)) <= {0, 1}
    path = save(pipe, tmp_path / f"{name}.joblib", name=name)
    # Exact: save / load keeps the weights bit for bit (same process, same call).
    assert np.array_equal(load(path).predict_proba(X), proba)
