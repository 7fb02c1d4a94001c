"""The model names of ``tabular`` and ``run --competition``."""

import pytest

from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition_models import _ordered
from kagglekit.pipelines.tabular import MODELS, model_name


def test_the_tabular_network_is_net_and_dnn_still_works_with_a_warning():
    assert "net" in MODELS and "dnn" not in MODELS
    with pytest.warns(FutureWarning, match="'dnn' is now called 'net'"):
        assert model_name("dnn") == "net"
    with pytest.raises(KagglekitError, match="unknown model 'xgb'; use one of net, mlp"):
        model_name("xgb")


def test_a_competition_renames_dnn_unless_it_has_a_registered_dnn():
    with pytest.warns(FutureWarning, match="'dnn' is now called 'net'"):
        assert _ordered("comp", ["dnn", "logreg"]) == ["logreg", "net"]
    # Titanic's registered titanic-dnn (the course's dense net) keeps its name, unwarned.
    assert _ordered("titanic", ["dnn", "hgb"]) == ["hgb", "dnn"]
    with pytest.raises(KagglekitError, match="lists a model twice"), \
            pytest.warns(FutureWarning):
        _ordered("comp", ["net", "dnn"])
