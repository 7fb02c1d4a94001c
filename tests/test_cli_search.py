"""`kagglekit search` and `train/evaluate --params` end to end on the bundled Titanic data."""

import json

import pytest

from kagglekit import load
from kagglekit.cli import main


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_search_prints_table_writes_report_and_best(workdir, capsys):
    (workdir / "space.json").write_text(json.dumps({"model__C": [0.05, 0.3, 2.0]}))
    argv = ["search", "titanic-logreg", "--space", "space.json", "--method", "grid",
            "--trials", "3", "--folds", "3", "--report", "rep", "--save-best", "best.json"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == ("titanic-logreg: grid search, 3 trials, 3-fold stratified CV, seed 0; "
                        "accuracy, best first")
    rows = lines[2:5]
    assert sorted(row.split()[0] for row in rows) == ["1", "2", "3"]
    means = [float(row.split()[1]) for row in rows]
    assert means == sorted(means, reverse=True)
    assert lines[5].startswith("default (registered settings): ")
    assert err == ""  # no progress lines when stderr is not a terminal
    report = json.loads((workdir / "rep" / "report.json").read_text())
    best = json.loads((workdir / "best.json").read_text())
    assert report["search"]["best"]["params"] == best and set(best) == {"model__C"}
    assert f"model__C={best['model__C']:.4g}" in rows[0]
    # the file is never replaced silently
    assert main([*argv[:-4], "--save-best", "best.json"]) == 2
    assert "best.json already exists" in capsys.readouterr().err


@pytest.mark.parametrize(("space", "message"), [
    ({"model__CC": [1]}, "unknown parameter 'model__CC' for this pipeline; did you mean "
                         "'model__C'?"),
    ({"model__C": {"lognormal": [1, 2]}}, "must be a list of values or one of"),
])
def test_search_errors_are_one_line(workdir, capsys, space, message):
    (workdir / "space.json").write_text(json.dumps(space))
    assert main(["search", "titanic-logreg", "--space", "space.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kagglekit: error: ") and message in err and err.count("\n") == 1


def test_search_refuses_a_used_report_folder_before_training(workdir, capsys):
    (workdir / "rep").mkdir()
    (workdir / "rep" / "old.txt").write_text("x")
    (workdir / "space.json").write_text(json.dumps({"model__C": [1]}))
    assert main(["search", "titanic-logreg", "--space", "space.json", "--report", "rep"]) == 2
    assert "rep is not empty" in capsys.readouterr().err


def test_saved_best_parameters_round_trip_through_train_and_evaluate(workdir, capsys):
    (workdir / "space.json").write_text(json.dumps({"model__C": [0.05, 2.0]}))
    assert main(["search", "titanic-logreg", "--space", "space.json", "--method", "grid",
                 "--trials", "2", "--folds", "2", "--save-best", "best.json"]) == 0
    best = json.loads((workdir / "best.json").read_text())
    assert main(["train", "titanic-logreg", "--params", "best.json", "--out", "m.joblib"]) == 0
    assert load("m.joblib").get_params()["model__C"] == best["model__C"]
    capsys.readouterr()
    assert main(["evaluate", "titanic-logreg", "--params", "best.json", "--set",
                 "model__C=0.3", "--folds", "2", "--json"]) == 0
    with_set = json.loads(capsys.readouterr().out)
    assert main(["evaluate", "titanic-logreg", "--folds", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["folds"] == with_set["folds"]  # --set wins


def test_params_file_gives_keras_layer_sizes_as_a_tuple(workdir):
    (workdir / "p.json").write_text(json.dumps({"model__hidden": [8, 4], "epochs": 1}))
    assert main(["train", "titanic-dnn", "--params", "p.json", "--out", "dnn.joblib"]) == 0
    params = load("dnn.joblib").get_params()
    assert params["model__model__hidden"] == (8, 4) and params["model__epochs"] == 1


@pytest.mark.parametrize(("text", "message"), [
    ("[1, 2]", "must be a mapping"),
    ("{\"model__CC\": 1}", "did you mean 'model__C'"),
    ("{nope", "not valid JSON"),
])
def test_bad_params_files_are_one_line_errors(workdir, capsys, text, message):
    (workdir / "p.json").write_text(text)
    assert main(["train", "titanic-logreg", "--params", "p.json", "--out", "m.joblib"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (workdir / "m.joblib").exists()


def test_progress_shows_on_a_terminal_only(monkeypatch):
    import io
    import sys

    from kagglekit.cli.output import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    quiet = Progress("folds")
    quiet(1, 4)
    quiet.close()
    assert not quiet.enabled and sys.stderr.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = Progress("folds", description="kagglekit: trial folds")
    for done in range(1, 5):
        bar(done, 4)
    bar.close()
    text = terminal.getvalue()
    assert bar.enabled and "kagglekit: trial folds" in text and "4/4" in text
