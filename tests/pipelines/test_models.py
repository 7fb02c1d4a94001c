"""The one table of built-in models (kagglekit.pipelines.models) and how a competition
resolves its ``--models``."""

import ast
from pathlib import Path

import pytest
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsClassifier

import kagglekit
from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition_models import resolve_models
from kagglekit.pipelines.models import MODELS, default_models, get_model, models_help


def test_the_tabular_network_is_net_and_old_names_still_work_with_a_warning():
    assert "net" in MODELS and "dnn" not in MODELS and "logreg" not in MODELS
    with pytest.warns(FutureWarning, match="'dnn' is now called 'net'"):
        assert get_model("dnn").name == "net"
    with pytest.warns(FutureWarning, match="'logreg' is now called 'linear'"):
        assert get_model("logreg").name == "linear"
    with pytest.raises(KagglekitError, match="unknown model 'xgb'; use one of net, mlp"):
        get_model("xgb")


def test_every_spec_is_whole_and_the_default_set_is_fastest_first():
    assert default_models() == ["linear", "hgb", "lgbm", "catboost", "net"]
    ranks = [s.speed for s in MODELS.values()]
    assert len(set(ranks)) == len(ranks)
    for spec in MODELS.values():
        assert spec.layout in ("net", "onehot", "tree") and spec.weight > 0
        assert spec.name in models_help() and spec.pipeline_name == f"tabular-{spec.name}"
    assert {s.name for s in MODELS.values() if s.budgeted} == {"net", "lgbm", "catboost"}


def test_a_competition_resolves_names_old_names_registered_pipelines_and_own_models():
    with pytest.warns(FutureWarning, match="'dnn' is now called 'net'"):
        specs = resolve_models("comp", ["dnn", "logreg"], "binary")
    assert [s.name for s in specs] == ["linear", "net"]
    # Titanic's registered pipelines keep their names, unwarned: titanic-dnn, titanic-logreg.
    titanic = resolve_models("titanic", ["dnn", "hgb", "linear", "net"], "binary")
    assert [(s.name, s.pipeline_name) for s in titanic] == [
        ("linear", "titanic-logreg"), ("hgb", "titanic-hgb"), ("net", "tabular-net"),
        ("dnn", "titanic-dnn")]  # net is the tabular network, not the course's titanic-dnn
    own = resolve_models("comp", [("knn", KNeighborsClassifier()), "hgb"], "binary")
    assert [(s.name, s.pipeline_name) for s in own] == [("hgb", "tabular-hgb"),
                                                         ("knn", "custom-knn")]
    with pytest.raises(KagglekitError, match="lists a model twice"), \
            pytest.warns(FutureWarning):
        resolve_models("comp", ["net", "dnn"], "binary")
    with pytest.raises(KagglekitError, match="must be a classifier with predict_proba"):
        resolve_models("comp", [("ridge", Ridge())], "binary")
    with pytest.raises(KagglekitError, match="unknown model 'nosuch'"):
        resolve_models("comp", ["linear", "nosuch"], "binary")


def _collections_of_names(tree):
    """Every tuple, list, set or dict literal (and dict key set) holding two or more names
    of built-in models."""
    names = set(MODELS) | {a for s in MODELS.values() for a in s.aliases}
    for node in ast.walk(tree):
        items = (node.keys if isinstance(node, ast.Dict) else
                 node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [])
        found = [i.value for i in items if isinstance(i, ast.Constant) and i.value in names]
        if len(found) >= 2:
            yield node.lineno, found


def test_model_names_appear_in_one_table_only():
    src = Path(kagglekit.__file__).resolve().parent
    table = src / "pipelines" / "models.py"
    found = [f"{path.relative_to(src)}:{line} {names}"
             for path in sorted(src.rglob("*.py")) if path != table
             for line, names in _collections_of_names(ast.parse(path.read_text()))]
    assert found == []
