"""The one router (``--set``, make_pipeline, search spaces) and final_estimator()."""

import pytest
from sklearn.compose import TransformedTargetRegressor

from kagglekit import make_pipeline
from kagglekit.errors import KagglekitError
from kagglekit.models.ensembles import SeedEnsemble
from kagglekit.pipelines.params import final_estimator, route, set_params


def test_route_reaches_the_network_inside_a_target_transformer():
    pipe = make_pipeline("shift-relu")
    assert route(pipe, "epochs") == "model__regressor__epochs"
    assert route(pipe, "scale__with_mean") == "scale__with_mean"
    with pytest.raises(KagglekitError, match="did you mean 'epochs'"):
        route(pipe, "epoch")


def test_route_reaches_the_network_a_seed_ensemble_copies():
    pipe = make_pipeline("titanic-ensemble")
    assert route(pipe, "epochs") == "model__estimator__epochs"
    assert route(pipe, "model__hidden") == "model__estimator__model__hidden"
    assert route(pipe, "optimizer__learning_rate") == \
        "model__estimator__optimizer__learning_rate"
    assert route(pipe, "model__n_members") == "model__n_members"  # the ensemble's own


def test_make_pipeline_and_set_params_use_the_router():
    pipe = make_pipeline("titanic-ensemble", epochs=3, model__hidden=(8,))
    template = final_estimator(pipe, template=True)
    assert template.epochs == 3 and template.model__hidden == (8,)
    set_params(pipe, {"batch_size": 16})
    assert template.batch_size == 16
    with pytest.raises(KagglekitError, match="unknown parameter 'epoch'.*did you mean"):
        make_pipeline("titanic-ensemble", epoch=3)


def test_final_estimator_unwraps_pipelines_target_transformers_and_ensembles():
    pipe = make_pipeline("shift-relu")
    assert not isinstance(final_estimator(pipe), TransformedTargetRegressor)
    assert final_estimator(pipe) is pipe.steps[-1][1].regressor
    ensemble = make_pipeline("titanic-ensemble")
    assert isinstance(final_estimator(ensemble), SeedEnsemble)
    assert final_estimator(ensemble, template=True) is ensemble.steps[-1][1].estimator
    logreg = make_pipeline("titanic-logreg")
    assert final_estimator(logreg) is logreg.steps[-1][1]
    assert final_estimator(logreg.steps[-1][1]) is logreg.steps[-1][1]
