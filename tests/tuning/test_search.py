import json
import sys

import numpy as np
import pytest

from kagglekit import evaluate, make_pipeline
from kagglekit.errors import KagglekitError
from kagglekit.pipelines.params import route
from kagglekit.reports.search import format_table, save_best, write_search_report
from kagglekit.tuning import search as search_module
from kagglekit.tuning.search import search_pipeline
from kagglekit.tuning.space import Distribution, load_params, load_space, parse_space


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_space_reads_exponents_nested_lists_and_single_values(tmp_path):
    path = _write(tmp_path / "space.yaml", "optimizer__learning_rate: {loguniform: [1e-4, 1e-1]}\n"
                  "model__hidden: [[64, 32], [128]]\nmodel__dropout: [0.2, 4e-1]\nepochs: 2\n"
                  "model__l2: {uniform: [0, 1.0e-3]}\nbatch_size: {int: [16, 64]}\n")
    space = load_space(path)
    assert space["optimizer__learning_rate"] == Distribution("loguniform", 1e-4, 1e-1)
    assert space["model__hidden"] == [(64, 32), (128,)]
    assert space["model__dropout"] == [0.2, 0.4] and space["epochs"] == [2]
    assert space["model__l2"] == Distribution("uniform", 0, 1e-3)
    assert space["batch_size"].scipy().support() == (16, 64)  # both ends included
    assert list(space) == ["optimizer__learning_rate", "model__hidden", "model__dropout",
                           "epochs", "model__l2", "batch_size"]
    as_json = _write(tmp_path / "space.json", json.dumps({"model__hidden": [[8], [8, 4]]}))
    assert load_space(as_json) == {"model__hidden": [(8,), (8, 4)]}


@pytest.mark.parametrize(("spec", "message"), [
    ({"model__C": []}, "empty list"),
    ({"model__C": {"normal": [0, 1]}}, "must be a list of values or one of"),
    ({"model__C": {"uniform": [1, 0]}}, "needs low < high"),
    ({"model__C": {"loguniform": [0, 1]}}, "needs low > 0"),
    ({"model__C": {"int": [1.5, 3]}}, "whole-number bounds"),
    ({"model__C": {"uniform": [0, "x"]}}, "two finite numbers"),
    ({"model__C": {"uniform": [0, 1], "int": [0, 1]}}, "must be a list of values or one of"),
    ({}, "must map parameter names"),
    ([1, 2], "must map parameter names"),
])
def test_bad_spaces_are_refused_in_one_line(spec, message):
    with pytest.raises(KagglekitError, match=message) as info:
        parse_space(spec)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("s.yaml", "model__C: [1, 2\n", "not valid YAML"),
    ("s.json", "{\"model__C\": [1, 2}", "not valid JSON"),
    ("s.yaml", "- 1\n- 2\n", "must be a mapping"),
    ("s.txt", "model__C: [1]\n", "must end in .json, .yaml or .yml"),
])
def test_bad_space_files_are_refused(tmp_path, name, text, message):
    with pytest.raises(KagglekitError, match=message) as info:
        load_space(_write(tmp_path / name, text))
    assert "\n" not in str(info.value)
    with pytest.raises(KagglekitError, match="not found"):
        load_space(tmp_path / "missing.yaml")


def test_load_params_makes_lists_tuples(tmp_path):
    path = _write(tmp_path / "best.json", json.dumps({"model__hidden": [8, 4], "epochs": 2}))
    assert load_params(path) == {"model__hidden": (8, 4), "epochs": 2}
    with pytest.raises(KagglekitError, match="must be a mapping"):
        load_params(_write(tmp_path / "list.json", "[1]"))


@pytest.fixture
def no_training(monkeypatch):
    """Any cross-validation now fails the test: errors must come before training."""
    def refuse(*args, **kwargs):
        raise AssertionError("trained before the space was checked")

    monkeypatch.setattr(search_module, "evaluate", refuse)


def test_unknown_parameter_suggests_the_closest_before_training(titanic, no_training):
    with pytest.raises(KagglekitError, match="unknown parameter 'model__CC'.*did you mean "
                                             "'model__C'"):
        search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y,
                        {"model__CC": [1, 2]}, method="grid", trials=2)


def test_grid_limits_are_checked_before_training(titanic, no_training):
    pipe = make_pipeline("titanic-logreg")
    with pytest.raises(KagglekitError, match="grid has 6 combinations, more than --trials 4"):
        search_pipeline(pipe, titanic.X, titanic.y,
                        {"model__C": [0.1, 1, 10], "model__class_weight": [None, "balanced"]},
                        method="grid", trials=4)
    with pytest.raises(KagglekitError, match="grid takes lists.*model__C has a loguniform"):
        search_pipeline(pipe, titanic.X, titanic.y, {"model__C": {"loguniform": [0.1, 1]}},
                        method="grid", trials=4)
    with pytest.raises(KagglekitError, match="unknown search method"):
        search_pipeline(pipe, titanic.X, titanic.y, {"model__C": [1]}, method="anneal")


def test_missing_optuna_says_what_to_install(titanic, no_training, monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)  # import optuna -> ImportError
    with pytest.raises(KagglekitError, match=r"pip install 'kagglekit\[bayes\]'"):
        search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y,
                        {"model__C": [1, 2]}, method="bayes", trials=2)


def test_grid_trial_with_registered_settings_scores_like_evaluate(titanic):
    calls = []
    result = search_pipeline("titanic-logreg", space={"model__C": [0.3, 3.0]}, method="grid",
                             trials=2, folds=3, seed=2, progress=lambda *a: calls.append(a))
    assert calls == [(t, f, 2) for t in (1, 2) for f in (1, 2, 3)]
    registered = next(t for t in result.trials if t.params == {"model__C": 0.3})
    alone = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=3, seed=2)
    assert registered.folds == alone.folds == result.default.folds
    assert registered.scores["roc_auc"] == pytest.approx(alone.scores["roc_auc"]["mean"])
    means = [t.mean for t in result.trials]
    assert means == sorted(means, reverse=True) and len(result.trials) == 2
    assert result.best.mean == max(means)
    assert result.gain == pytest.approx(result.best.mean - result.default.mean)


def test_random_search_is_deterministic_and_json_ready(titanic):
    space = {"model__C": {"loguniform": [0.01, 10]}, "model__class_weight": [None, "balanced"],
             "model__max_iter": {"int": [500, 2000]}}

    def run():
        result = search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y, space,
                                 method="random", trials=3, folds=2, seed=1,
                                 name="titanic-logreg")
        return [(t.trial, t.params, t.folds) for t in result.trials], result

    first, result = run()
    assert run()[0] == first
    assert len({json.dumps(p) for _, p, _ in first}) == 3
    data = json.loads(json.dumps(result.to_dict()))
    assert isinstance(data["trials"][0]["params"]["model__max_iter"], int)
    assert data["best"] == data["trials"][0] and data["method"] == "random"
    lines = format_table(result)
    assert lines[0].startswith("titanic-logreg: random search, 3 trials, 2-fold stratified CV")
    assert len(lines) == 2 + 3 + 2 and "default (registered settings)" in lines[-2]


def test_random_over_small_lists_tries_each_combination_once(titanic):
    result = search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y,
                             {"model__C": [0.1, 1]}, method="random", trials=10, folds=2)
    assert sorted(t.params["model__C"] for t in result.trials) == [0.1, 1]


def test_bayes_search_with_optuna(titanic):
    pytest.importorskip("optuna")
    space = {"model__C": {"loguniform": [0.01, 10]}, "model__fit_intercept": [True, False]}
    a = search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y, space,
                        method="bayes", trials=3, folds=2, seed=0)
    b = search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y, space,
                        method="bayes", trials=3, folds=2, seed=0)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert sorted(t.trial for t in a.trials) == [1, 2, 3] and a.method == "bayes"
    assert all(0.01 <= t.params["model__C"] <= 10 for t in a.trials)


def test_failing_trial_is_one_line_error(titanic):
    with pytest.raises(KagglekitError, match="a trial failed: .*check the values"):
        search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y,
                        {"model__C": [-1.0]}, method="grid", trials=1, folds=2)


def test_keras_space_routes_layer_sizes_as_tuples(small_titanic):
    pytest.importorskip("optuna")
    X, y = small_titanic
    pipe = make_pipeline("titanic-dnn", epochs=2)
    space = {"model__hidden": [[8], [8, 4]], "optimizer__learning_rate": {"loguniform":
             [1e-3, 1e-2]}, "batch_size": [64], "epochs": 2}
    assert route(pipe, "model__hidden") == "model__model__hidden"
    assert route(pipe, "epochs") == "model__epochs"
    result = search_pipeline(pipe, X, y, space, method="bayes", trials=2, folds=2, seed=0)
    assert {tuple(t.params["model__hidden"]) for t in result.trials} <= {(8,), (8, 4)}
    assert all(t.params["epochs"] == 2 and len(t.folds) == 2 for t in result.trials)
    assert result.default.epochs == [2, 2]


def test_search_over_epochs_on_a_seed_ensemble_reaches_its_members(small_titanic):
    X, y = small_titanic
    pipe = make_pipeline("titanic-ensemble", epochs=1, model__n_members=2)
    result = search_pipeline(pipe, X.iloc[:120], y.iloc[:120], {"epochs": [1, 2]},
                             method="grid", trials=2, folds=2)
    assert sorted(t.params["epochs"] for t in result.trials) == [1, 2]
    assert result.default.epochs == [2, 2]  # 2 members x 1 epoch per fold
    by_epochs = {t.params["epochs"]: t for t in result.trials}
    assert by_epochs[1].folds == result.default.folds  # the registered setting, same folds


def test_report_and_best_parameters(tmp_path, titanic):
    result = search_pipeline(make_pipeline("titanic-logreg"), titanic.X, titanic.y,
                             {"model__C": [0.1, 1]}, method="grid", trials=2, folds=2)
    folder = write_search_report(result, tmp_path / "rep", titanic)
    report = json.loads((folder / "report.json").read_text())
    assert report["search"]["best"]["params"] == result.best.params
    assert report["search"]["default"]["mean"] == result.default.mean
    assert report["data"]["train_rows"] == len(titanic.X) and "versions" in report["environment"]
    markdown = (folder / "report.md").read_text()
    assert "| trial | accuracy | fit s | parameters |" in markdown
    assert "default (registered settings)" in markdown
    with pytest.raises(KagglekitError, match="not empty"):
        write_search_report(result, folder)
    best = save_best(result, tmp_path / "best.json")
    assert load_params(best) == result.best.params
    with pytest.raises(KagglekitError, match="already exists"):
        save_best(result, best)
    assert np.isfinite(result.seconds)
