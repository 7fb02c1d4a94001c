"""The `kagglekit` command end to end on the bundled data (tiny epoch counts)."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from kagglekit import make_pipeline, save
from kagglekit.cli import main


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # no real Kaggle credentials
    for var in ("KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_API_TOKEN", "KAGGLE_CONFIG_DIR"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def _run(*argv):
    return subprocess.run([sys.executable, "-m", "kagglekit.cli", *argv],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["evaluate", "--folds", "x"]])
def test_help_list_and_argument_errors_import_no_heavy_library(argv):
    code = ("import sys; from kagglekit.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('tensorflow', 'keras', 'kaggle', 'scikeras', 'matplotlib',\n"
            "                   'sklearn', 'scipy', 'pandas') if m in sys.modules]\n"
            "print('IMPORTED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert "IMPORTED []" in out


def test_list_prints_one_line_per_pipeline(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("titanic-dnn ") and len(lines) >= 4


def test_evaluate_json_is_one_line(capsys):
    assert main(["evaluate", "titanic-logreg", "--folds", "3", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert data["pipeline"] == "titanic-logreg" and len(data["folds"]) == 3


def test_evaluate_text_and_report(workdir, capsys):
    assert main(["evaluate", "titanic-logreg", "--folds", "3", "--report", "rep"]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "roc_auc" in out and "log_loss" in out and "±" in out
    assert (workdir / "rep" / "report.json").is_file()


def test_user_errors_are_one_line_without_traceback():
    for argv in (["evaluate", "titanic-nope"], ["train", "titanic-dnn", "--set", "model__x=1"],
                 ["predict", "missing.joblib", "x.csv"], ["submit", "nothing.csv"]):
        proc = _run(*argv)
        assert proc.returncode == 2, argv
        assert proc.stderr.startswith("kagglekit: error: ") and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_train_predict_submission_with_a_saved_model(workdir, capsys, titanic):
    assert main(["train", "titanic-logreg", "--out", "models/lr.joblib"]) == 0
    assert (workdir / "models" / "lr.manifest.json").is_file()
    assert main(["train", "titanic-logreg", "--out", "models/lr.joblib"]) == 2  # no overwrite
    assert main(["train", "titanic-logreg", "--out", "models/lr.joblib", "--force"]) == 0
    titanic.X_test.head(7).to_csv("in.csv", index=False)
    assert main(["predict", "models/lr.joblib", "in.csv", "--out", "pred.csv"]) == 0
    pred = pd.read_csv("pred.csv")
    assert list(pred.columns) == ["PassengerId", "Survived", "probability"] and len(pred) == 7
    capsys.readouterr()
    assert main(["submission", "models/lr.joblib", "--out", "subs"]) == 0
    path = capsys.readouterr().out.strip().split("submission: ")[1]
    sub = pd.read_csv(path)
    assert sub.shape == (418, 2) and sub["PassengerId"].tolist() == titanic.X_test[
        "PassengerId"].tolist()


def test_run_end_to_end_then_submit_without_credentials(workdir, capsys):
    code = main(["run", "--set", "epochs=2", "--compare", "titanic-logreg", "--folds", "3"])
    assert code == 0
    out = capsys.readouterr().out
    for label in ("CV accuracy", "report:", "model:", "submission:"):
        assert label in out
    subs = list((workdir / "submissions").glob("*.csv"))
    models = list((workdir / "models").glob("*.joblib"))
    reports = list((workdir / "reports").glob("*/report.md"))
    assert len(subs) == 1 and len(models) == 1 and len(reports) == 1
    assert "titanic-logreg" in reports[0].read_text()
    assert main(["submit"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    for way in ("kaggle.json", "KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_API_TOKEN"):
        assert way in err
    assert subs[0].exists()  # the CSV written before the upload attempt is kept


def test_set_values_are_python_literals_and_bad_ones_fail_in_one_line(capsys):
    assert main(["evaluate", "titanic-dnn", "--folds", "2", "--set", "model__hidden=(8,)",
                 "--set", "epochs=1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pipeline"] == "titanic-dnn"
    assert main(["evaluate", "titanic-dnn", "--folds", "2", "--set", "model__hidden=big",
                 "--set", "epochs=1"]) == 2
    err = capsys.readouterr().err
    assert "hidden must be a sequence" in err and err.count("\n") == 1


def test_data_dir_after_the_command_and_submit_uses_it(workdir, capsys, titanic):
    folder = workdir / "dd" / "titanic"
    folder.mkdir(parents=True)
    titanic.X.assign(Survived=titanic.y).head(120).to_csv(folder / "train.csv", index=False)
    titanic.X_test.head(20).to_csv(folder / "test.csv", index=False)
    assert main(["submission", "titanic-logreg", "--data-dir", "dd", "--out", "s"]) == 0
    path = capsys.readouterr().out.strip().split("submission: ")[1]
    assert len(pd.read_csv(path)) == 20
    # Validation before upload uses the same test ids; only the missing credentials stop it.
    assert main(["submit", path, "--data-dir", "dd"]) == 2
    assert "credentials" in capsys.readouterr().err


def test_user_mistakes_are_caught_before_slow_work(workdir, capsys):
    (workdir / "m.joblib").write_bytes(b"")
    assert main(["train", "titanic-dnn", "--out", "m.joblib"]) == 2
    assert "already exists" in capsys.readouterr().err
    (workdir / "rep").mkdir()
    (workdir / "rep" / "x").write_text("")
    assert main(["evaluate", "titanic-dnn", "--report", "rep"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["run", "--compare", "titanic-rff"]) == 2
    assert "did you mean 'titanic-rf'" in capsys.readouterr().err
    assert main(["evaluate", "titanic-logreg", "--set", "epochz=2"]) == 2
    assert main(["evaluate", "titanic-dnn", "--folds", "2", "--set", "epochs=0"]) == 2
    assert "epochs must be" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["evaluate", "titanic-logreg", "--jobs", "0"],
                                  ["evaluate", "titanic-logreg", "--seed", "-1"]])
def test_bad_numbers_are_argument_errors(argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_predict_force_and_written_files_are_readable_by_others(workdir, titanic):
    import os
    import stat

    assert main(["train", "titanic-logreg", "--out", "lr.joblib"]) == 0
    titanic.X_test.head(3).to_csv("in.csv", index=False)
    assert main(["predict", "lr.joblib", "in.csv", "--out", "p.csv"]) == 0
    assert main(["predict", "lr.joblib", "in.csv", "--out", "p.csv"]) == 2
    assert main(["predict", "lr.joblib", "in.csv", "--out", "p.csv", "--force"]) == 0
    old = os.umask(0o022)
    os.umask(old)
    if old == 0o022:
        assert stat.S_IMODE(os.stat("p.csv").st_mode) == 0o644


def test_predict_streams_chunks_to_stdout_and_file(workdir, titanic, capsys):
    from kagglekit.jobs.predict import predict_chunks, write_predictions
    from kagglekit.jobs.spec import from_manifest
    from kagglekit.persistence import read_manifest

    model = make_pipeline("titanic-logreg").fit(titanic.X, titanic.y)
    path = save(model, "lr.joblib", name="titanic-logreg")
    spec = from_manifest(read_manifest(path))
    titanic.X_test.to_csv("in.csv", index=False)
    chunks = list(predict_chunks(model, spec, "in.csv", chunk_rows=100))
    assert [len(c) for c in chunks] == [100, 100, 100, 100, 18]
    seen = []
    assert write_predictions(predict_chunks(model, spec, "in.csv", chunk_rows=100), "p.csv",
                             progress=seen.append) == 418
    assert seen == [100, 200, 300, 400, 418]
    whole = pd.read_csv("p.csv")
    assert whole["PassengerId"].tolist() == titanic.X_test["PassengerId"].tolist()
    np.testing.assert_allclose(whole["probability"],
                               model.predict_proba(titanic.X_test)[:, 1].round(6))
    assert main(["predict", "lr.joblib", "in.csv"]) == 0
    assert capsys.readouterr().out == open("p.csv").read()


def test_import_kagglekit_is_lazy_and_the_public_names_still_work():
    code = ("import sys, kagglekit\n"
            "print('IMPORTED', [m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules])\n"
            "from kagglekit import make_pipeline, load_dataset, evaluate, save, load\n"
            "from kagglekit import list_pipelines, KagglekitError\n"
            "print('OK', callable(evaluate), 'make_pipeline' in dir(kagglekit))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120).stdout
    assert "IMPORTED []" in out and "OK True True" in out


def test_sigterm_while_predicting_leaves_no_file(workdir, titanic):
    import signal
    import time

    model = make_pipeline("titanic-logreg").fit(titanic.X, titanic.y)
    save(model, "lr.joblib", name="titanic-logreg")
    # Large enough that the prediction is still being written when the signal arrives (at
    # 500 copies a loaded machine once finished it first).
    pd.concat([titanic.X_test] * 2000, ignore_index=True).to_csv("big.csv", index=False)
    proc = subprocess.Popen([sys.executable, "-m", "kagglekit.cli", "predict", "lr.joblib",
                             "big.csv", "--out", "pred.csv"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not list(workdir.glob(".pred.csv.*.tmp")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    assert list(workdir.glob(".pred.csv.*.tmp")), "the temporary file never appeared"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert "kagglekit: interrupted" in proc.stderr.read()
    assert not (workdir / "pred.csv").exists()
    assert not list(workdir.glob(".pred.csv*"))  # no litter
