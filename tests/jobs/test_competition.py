"""`kagglekit run --competition NAME` end to end on small generated competitions."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.svm import SVC

from kagglekit.cli import main
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import get_metric, prediction_for
from kagglekit.jobs.competition import run_competition


def _table(n=240, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                          "color": rng.choice(["red", "green", "blue"], size=n)})
    score = frame["x1"] + 0.5 * frame["x2"] + (frame["color"] == "red")
    return frame, score.to_numpy(), rng


def _write(folder, train, test, sample):
    folder.mkdir(parents=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    sample.to_csv(folder / "sample_submission.csv", index=False)


def _competition(tmp_path, kind):
    frame, score, rng = _table()
    if kind == "regression":
        frame["y"] = 3 * score + rng.normal(scale=0.1, size=len(frame))
    elif kind == "multiclass":
        frame["y"] = np.digitize(score, [-0.5, 0.5]).astype(int)
    else:
        frame["y"] = np.where(score + rng.normal(scale=0.3, size=len(frame)) > 0.5,
                              "good", "bad")
    frame.insert(2, "row", np.arange(1000, 1000 + len(frame)))  # the id, not the first column
    train, test = frame.iloc[:180], frame.iloc[180:].drop(columns=["y"])
    sample = pd.DataFrame({"row": test["row"]})
    if kind == "multiclass":
        for label in (2, 0, 1):  # not in sorted order
            sample[str(label)] = 1 / 3
    else:
        sample["y"] = 0.5 if kind == "binary" else 0.0
    _write(tmp_path / "comp", train, test, sample)
    return train, test, sample


@pytest.mark.parametrize("kind,metric", [("binary", "roc_auc"), ("multiclass", "log_loss"),
                                         ("regression", "rmse")])
def test_each_kind_writes_a_valid_submission(tmp_path, kind, metric):
    train, test, sample = _competition(tmp_path, kind)
    result = run_competition("comp", data_dir=tmp_path, metric=metric,
                             models=["hgb", "linear"], folds=3,
                             submissions=tmp_path / "subs", report=tmp_path / "rep")
    written = pd.read_csv(result.submission)
    assert list(written.columns) == list(sample.columns)
    assert written["row"].tolist() == test["row"].tolist()
    assert [r.name for r in result.runs] == ["linear", "hgb"]  # the fast one first
    if kind == "binary":  # P("good"), not labels
        assert written["y"].between(0, 1).all() and written["y"].nunique() > 2
    if kind == "multiclass":
        np.testing.assert_allclose(written[["2", "0", "1"]].sum(axis=1), 1.0, atol=1e-6)
    manifest = json.loads(result.submission.with_suffix(".json").read_text())
    assert manifest["metric"] == metric and set(manifest["models"]) == {"linear", "hgb"}
    assert abs(sum(manifest["blend"]["weights"].values()) - 1) < 1e-9
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["metric"]["name"] == metric and len(report["leaderboard"]) == 2
    scorer = get_metric(metric)
    classes = None if kind == "regression" else np.unique(train["y"])
    single = [scorer.score(train["y"].to_numpy(), prediction_for(scorer, r.oof, classes),
                           classes=classes) for r in result.runs]  # on all OOF rows
    best = max(single) if scorer.greater_is_better else min(single)
    sign = 1 if scorer.greater_is_better else -1
    assert sign * (result.score - best) >= -1e-12  # never worse than its best member


def test_label_metrics_write_labels_in_the_training_type(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the submission goes to ./submissions, not the checkout's
    train, test, sample = _competition(tmp_path / "first", "binary")
    _write(tmp_path / "comp", train, test, sample.assign(y="bad"))  # a label placeholder
    assert main(["--data-dir", str(tmp_path), "run", "--competition", "comp", "--metric",
                 "accuracy", "--models", "linear", "--folds", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("submission: ")
    run_dir = Path(out[-2].split(":", 1)[1].strip())  # the report is in the run folder
    assert out[-3].startswith(f"report:     {run_dir / 'report' / 'report.html'}")
    assert (run_dir / "report" / "report.html").is_file()
    written = pd.read_csv(out[-1].split(": ", 1)[1])
    assert set(written["y"]) <= {"good", "bad"}


def test_a_leaking_column_is_named_before_training(tmp_path):
    train, test, sample = _competition(tmp_path / "a", "regression")
    train = train.assign(copy=train["y"] * 2 + 1)
    test = test.assign(copy=0.0)
    _write(tmp_path / "b" / "comp", train, test, sample)
    with pytest.warns(UserWarning, match="column 'copy' alone predicts 'y'"):
        run_competition("comp", data_dir=tmp_path / "b", metric="rmse", models=["linear"],
                        folds=3, submissions=tmp_path / "subs")


def test_a_tiny_time_limit_still_submits_and_no_model_trains_folds_it_then_drops(tmp_path):
    train, test, sample = _competition(tmp_path, "binary")
    result = run_competition("comp", data_dir=tmp_path, metric="roc_auc",
                             models=["linear", "hgb", "net"], folds=3, time_limit=4,
                             submissions=tmp_path / "subs")
    written = pd.read_csv(result.submission)
    assert written["row"].tolist() == test["row"].tolist() and written["y"].between(0, 1).all()
    for run in result.runs:  # each model either trained all its folds or none
        assert (run.skipped is None and run.trained_folds == 3) or \
            (run.skipped is not None and run.trained_folds == 0), run
    net = next(r for r in result.runs if r.name == "net")
    # decided before training: no time left, or too little for 3 folds of the network
    assert net.skipped == "no time left" or "it needs 4 s" in net.skipped
    assert "(share " in next(line for line in result.lines() if line.startswith("net "))
    assert result.seconds <= 1.1 * 4 + 5  # the machine's start-up of the models aside


def test_left_over_time_bags_more_seeds_of_the_best_seeded_model(tmp_path):
    from kagglekit.evaluation.budget import MAX_EXTRA_SEEDS

    _competition(tmp_path, "regression")
    # A clock that stands still: every model and probe takes no time, so the time left buys
    # every extra seed the planner allows, whatever the machine's speed.
    result = run_competition("comp", data_dir=tmp_path, metric="rmse",
                             models=["linear", "rf"], folds=3, time_limit=12,
                             submissions=tmp_path / "subs", clock=lambda: 0.0)
    rf = next(r for r in result.runs if r.name == "rf")
    assert rf.seeds == 1 + MAX_EXTRA_SEEDS and rf.trained_folds == 3
    assert np.isfinite(rf.fold_scores).all() and len(rf.files) == 3 * rf.seeds
    assert f"{rf.seeds} seeds" in "\n".join(result.lines())
    assert next(r for r in result.runs if r.name == "linear").seeds == 1  # not seeded


def test_unknown_metric_and_missing_files_are_one_line_errors(tmp_path):
    _competition(tmp_path, "binary")
    with pytest.raises(KagglekitError, match="did you mean roc_auc"):
        run_competition("comp", data_dir=tmp_path, metric="roc_aux", models=["linear"])
    with pytest.raises(KagglekitError, match="train.csv not found"):
        run_competition("nope", data_dir=tmp_path, models=["linear"])


def test_without_a_metric_it_warns_how_to_set_one(tmp_path):
    _competition(tmp_path, "regression")
    with pytest.warns(UserWarning, match="pass --metric"):
        result = run_competition("comp", data_dir=tmp_path, models=["linear"], folds=3,
                                 submissions=tmp_path / "subs")
    assert result.metric == "rmse" and result.metric_source == "default"


@pytest.mark.parametrize("option,says", [
    (["--model", "hgb"], "--models M1,M2"), (["--test", "t.csv"], "drop --test"),
    (["--params", "p.json"], "drop --params"), (["--task", "regression"], "use --metric"),
    (["--set", "epochs=1"], "drop --set"), (["--compare", "titanic-hgb"], "drop --compare"),
    (["titanic-hgb"], "drop the pipeline"), (["titanic-dnn"], "drop the pipeline"),
    (["--csv", "x.csv"], "drop --csv"),
])
def test_competition_refuses_the_options_it_would_ignore(tmp_path, monkeypatch, capsys, option,
                                                         says):
    _competition(tmp_path, "binary")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--competition", "comp", "--data-dir", str(tmp_path), "--models",
                 "linear", *option]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kagglekit: error: ") and says in err[0]
    assert not (tmp_path / "submissions").exists() and not (tmp_path / "reports").exists()


@pytest.mark.parametrize("folds", ["0", "1"])
def test_fewer_than_two_folds_is_an_option_error_not_a_traceback(tmp_path, capsys, folds):
    _competition(tmp_path, "binary")
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--competition", "comp", "--data-dir", str(tmp_path), "--folds", folds])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "--folds: must be 2 or more" in err
    assert "Traceback" not in err


def test_competition_takes_id_and_drop(tmp_path, monkeypatch, capsys):
    train, test, sample = _competition(tmp_path, "regression")
    folder = tmp_path / "comp"
    train.assign(after=np.arange(len(train))).to_csv(folder / "train.csv", index=False)
    sample[["y", "row"]].to_csv(folder / "sample_submission.csv", index=False)  # id not first
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--competition", "comp", "--data-dir", str(tmp_path), "--models", "linear",
            "--folds", "2", "--metric", "rmse"]
    assert main(argv) == 2
    assert "pass --id COLUMN" in capsys.readouterr().err
    assert main([*argv, "--id", "row", "--drop", "after"]) == 0
    out = capsys.readouterr().out
    assert "target 'y' (regression), id 'row'" in out
    written = pd.read_csv(next((tmp_path / "submissions").glob("*.csv")))
    assert list(written.columns) == ["y", "row"]
    assert written["row"].tolist() == test["row"].tolist()
    assert main([*argv, "--id", "row", "--drop", "nope"]) == 2
    assert "--drop: train.csv has no column 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("kind,metric", [("binary", "roc_auc"), ("multiclass", "log_loss"),
                                         ("regression", "rmse")])
def test_lightgbm_and_catboost_compete_and_blend(tmp_path, kind, metric):
    train, test, sample = _competition(tmp_path, kind)
    result = run_competition("comp", data_dir=tmp_path, metric=metric,
                             models=["catboost", "lgbm", "linear"], folds=3,
                             submissions=tmp_path / "subs")
    assert [r.name for r in result.runs] == ["linear", "lgbm", "catboost"]  # fastest first
    assert all(len(r.fold_scores) == 3 and not r.skipped for r in result.runs)
    assert {r.pipeline for r in result.runs} == {"tabular-linear", "tabular-lgbm",
                                                 "tabular-catboost"}
    written = pd.read_csv(result.submission)
    assert list(written.columns) == list(sample.columns) and len(written) == len(test)


def test_your_own_models_compete_beside_the_built_in_ones(tmp_path):
    from kagglekit import run_competition as public

    train, test, sample = _competition(tmp_path, "binary")
    own = make_pipeline(  # a full pipeline takes the raw DataFrame as it is
        make_column_transformer(("passthrough", ["x1", "x2"]), (OneHotEncoder(), ["color"])),
        KNeighborsClassifier(5))
    result = public("comp", data_dir=tmp_path, metric="roc_auc", folds=3,
                    models=["linear", ("knn", KNeighborsClassifier(15)), ("knn-raw", own)],
                    submissions=tmp_path / "subs")
    runs = {r.name: r for r in result.runs}
    assert [r.name for r in result.runs] == ["linear", "knn", "knn-raw"]
    assert runs["knn"].pipeline == "custom-knn" and len(runs["knn"].fold_scores) == 3
    assert runs["knn"].mean > 0.7 and runs["knn-raw"].mean > 0.6  # they learn
    assert set(result.blend.weights) == {"linear", "knn", "knn-raw"}
    assert len(pd.read_csv(result.submission)) == len(test)


@pytest.mark.parametrize(("models", "message"), [
    ([("ridge", Ridge())], "'ridge' must be a classifier with predict_proba"),
    ([("svc", SVC())], "'svc' must be a classifier with predict_proba"),
    ([("knn",)], "neither a model name nor a (name, estimator) pair"),
])
def test_own_models_that_cannot_work_are_one_line_errors(tmp_path, models, message):
    _competition(tmp_path, "binary")
    with pytest.raises(KagglekitError, match=re.escape(message)):
        run_competition("comp", data_dir=tmp_path, metric="roc_auc", models=models, folds=3,
                        submissions=tmp_path / "subs")
    assert not (tmp_path / "subs").exists()  # refused before anything was written


def test_a_shifted_test_set_is_named_before_training_and_at_the_top_of_the_report(tmp_path):
    frame, score, rng = _table(n=600)
    frame["y"] = np.where(score + rng.normal(scale=0.3, size=len(frame)) > 0.5, "good", "bad")
    frame.insert(0, "row", np.arange(len(frame)))
    late = (frame["x2"] >= frame["x2"].quantile(0.8)).to_numpy()  # test: the top fifth of x2
    train, test = frame[~late], frame[late].drop(columns=["y"])
    _write(tmp_path / "comp", train, test, pd.DataFrame({"row": test["row"], "y": 0.5}))
    with pytest.warns(UserWarning, match=r"test.csv differs from train.csv.*most by x2"):
        result = run_competition("comp", data_dir=tmp_path, metric="roc_auc",
                                 models=["linear"], folds=3, submissions=tmp_path / "subs",
                                 report=tmp_path / "rep")
    assert result.shift.warns
    lines = (tmp_path / "rep" / "report.md").read_text().splitlines()
    assert lines[2] == "## Warnings"  # the first section
    assert lines[4].startswith("- shift warning:") and "x2" in lines[4]


def test_quiet_prints_only_the_results_and_a_terminal_gets_a_progress_bar(tmp_path,
                                                                          monkeypatch, capsys):
    import io
    import sys

    from kagglekit.cli.output import RunProgress

    _competition(tmp_path, "binary")
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--competition", "comp", "--data-dir", str(tmp_path), "--models", "linear",
            "--folds", "2", "--metric", "roc_auc"]
    assert main([*argv, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "cross-validating" not in out and out.splitlines()[0].startswith("comp: 2-fold CV")
    assert main(argv) == 0
    assert "cross-validating linear" in capsys.readouterr().out  # not a terminal: plain lines

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    progress = RunProgress(120)
    progress.fold("lgbm", 3, 5)
    progress.line("  roc_auc 0.9000")
    shown = sys.stderr.getvalue()
    progress.close()
    assert "lgbm: fold 3 of 5 done" in shown and "of 120 s" in shown


@pytest.mark.parametrize(("kind", "metric", "pictures"), [
    ("binary", "roc_auc", {"leaderboard", "calibration", "roc", "importance"}),
    ("multiclass", "log_loss", {"leaderboard", "confusion", "roc", "importance"}),
    ("regression", "rmse", {"leaderboard", "predicted-vs-actual", "residuals", "importance"}),
])
def test_the_report_shows_the_run_in_pictures(tmp_path, kind, metric, pictures):
    _competition(tmp_path, kind)
    result = run_competition("comp", data_dir=tmp_path, metric=metric, folds=3,
                             models=["linear", "hgb"], submissions=tmp_path / "subs",
                             report=tmp_path / "rep")
    folder = tmp_path / "rep"
    drawn = {p.stem for p in (folder / "plots").glob("*.png")}
    assert drawn == pictures
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(pictures)
    md = (folder / "report.md").read_text()
    for heading in ("## Leaderboard", "## The blend", "## What drives the model",
                    "## Out-of-fold predictions against the truth", "## The run"):
        assert heading in md
    report = json.loads((folder / "report.json").read_text())
    assert report["plots"] == sorted(f"plots/{p}.png" for p in pictures)
    assert result.importance["model"] in {"linear", "hgb"}
    assert set(result.importance["drops"]) <= {"x1", "x2", "color", "row"}
    assert next(iter(result.importance["drops"])) == "x1"  # the strongest signal


@pytest.mark.slow
def test_a_competition_report_renders_in_headless_chromium(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "check_report.py"
    sys.path.insert(0, str(script.parent))
    try:
        import check_report
    finally:
        sys.path.remove(str(script.parent))
    if check_report.find_chromium() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("chromium not installed; CI must install it (.ci/run does)")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    _competition(tmp_path, "binary")
    run_competition("comp", data_dir=tmp_path, metric="roc_auc", folds=3,
                    models=["linear", "hgb"], submissions=tmp_path / "subs",
                    report=tmp_path / "rep")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "rep")],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
