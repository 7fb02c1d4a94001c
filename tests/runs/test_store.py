"""The run folder of a competition run (kagglekit.runs): what it holds, predicting new rows
from a copy of it in a fresh process, listing runs, and one line for a broken folder."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from kagglekit.cli import main
from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition import run_competition
from kagglekit.runs import list_runs, load_run
from tests.jobs.test_competition import _competition

METRIC = {"binary": "roc_auc", "regression": "rmse", "multiclass": "log_loss"}


@pytest.fixture(scope="module", params=["binary", "regression"])
def stored(request, tmp_path_factory):
    """A small competition's run: (the result, the data folder, test.csv)."""
    tmp = tmp_path_factory.mktemp(request.param)
    _, test, _ = _competition(tmp, request.param)
    result = run_competition("comp", data_dir=tmp, metric=METRIC[request.param],
                             models=["linear", "hgb"], folds=3, runs_dir=tmp / "runs",
                             submissions=tmp / "subs")
    return result, tmp, test


def test_a_run_folder_keeps_its_folds_predictions_and_fold_models(stored):
    result, tmp, _ = stored
    folder = result.run_dir
    assert folder.parent == tmp / "runs" / "comp" and not list(folder.parent.glob(".*"))
    info = json.loads((folder / "run.json").read_text())
    assert info["competition"] == "comp" and info["folds"] == 3 and info["seed"] == 0
    assert len(info["fold_fingerprint"]) == 64 and len(info["train_sha256"]) == 64
    assert [m["name"] for m in info["models"]] == ["linear", "hgb"]
    for entry in info["models"]:
        assert len(entry["files"]) == 3 and all((folder / f).is_file() for f in entry["files"])
        assert entry["fold_scores"] == [r for r in result.runs
                                        if r.name == entry["name"]][0].fold_scores
    run = load_run(folder)
    folds = run.folds
    assert sorted(folds["fold"].unique()) == [0, 1, 2] and len(folds) == len(result.y)
    assert list(run.oof.columns)[0] == "row" and len(run.oof) == len(result.y)
    board = run.leaderboard()
    sign = 1 if info["metric"]["direction"] == "higher" else -1
    best = max(result.runs, key=lambda r: sign * r.mean)
    assert board["model"].iloc[0] == best.name and set(board) >= {"mean", "std", "weight"}
    assert dict(zip(board["model"], board["weight"], strict=True)) == {
        n: result.blend.weights.get(n, 0.0) for n in ("linear", "hgb")}
    assert f"run:        {folder}" in result.lines()


def test_a_copied_run_predicts_its_submission_in_a_fresh_process(stored, tmp_path):
    result, tmp, test = stored
    copy = tmp_path / "elsewhere" / "my-run"
    shutil.copytree(result.run_dir, copy)
    out = tmp_path / "predicted.csv"
    script = ("import sys, pandas as pd; from kagglekit import load_run; "
              "run = load_run(sys.argv[1]); "
              "run.submission(pd.read_csv(sys.argv[2])).to_csv(sys.argv[3], index=False)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLEKIT_")}
    subprocess.run([sys.executable, "-c", script, str(copy), str(tmp / "comp" / "test.csv"),
                    str(out)], check=True, cwd=tmp_path, env=env, timeout=300)
    _same_submission(pd.read_csv(out), pd.read_csv(result.submission))


def test_predict_takes_a_run_folder(stored, tmp_path, capsys):
    result, tmp, _ = stored
    out = tmp_path / "p.csv"
    assert main(["predict", str(result.run_dir), str(tmp / "comp" / "test.csv"), "--out",
                 str(out)]) == 0
    _same_submission(pd.read_csv(out), pd.read_csv(result.submission))
    assert main(["predict", str(result.run_dir), str(tmp / "comp" / "test.csv"), "--out",
                 str(out)]) == 2  # never overwritten without --force
    assert main(["runs", "comp", "--runs-dir", str(tmp / "runs")]) == 0
    listed = capsys.readouterr().out
    assert str(result.run_dir) in listed and "linear" in listed and "hgb" in listed
    assert [r.path for r in list_runs("comp", tmp / "runs")] == [result.run_dir]


def _same_submission(found: pd.DataFrame, expected: pd.DataFrame):
    assert list(found.columns) == list(expected.columns) and len(found) == len(expected)
    for column in expected.columns:
        if pd.api.types.is_float_dtype(expected[column]):
            np.testing.assert_allclose(found[column], expected[column], rtol=1e-6, atol=1e-6)
        else:
            assert (found[column] == expected[column]).all()


def test_a_broken_run_folder_is_one_line(stored, tmp_path):
    result, _, test = stored
    copy = tmp_path / "run"
    shutil.copytree(result.run_dir, copy)
    model = copy / json.loads((copy / "run.json").read_text())["models"][0]["files"][0]
    model.write_bytes(model.read_bytes() + b"changed")
    with pytest.raises(KagglekitError) as changed:
        load_run(copy).submission(test)
    (copy / "oof.csv").unlink()
    with pytest.raises(KagglekitError, match="lacks oof.csv") as missing:
        load_run(copy)
    with pytest.raises(KagglekitError, match="is not a run folder"):
        load_run(tmp_path)
    for error in (changed, missing):
        assert "\n" not in str(error.value)


def test_a_failed_run_leaves_no_run_folder(tmp_path):
    _competition(tmp_path, "binary")

    with pytest.raises(RuntimeError, match="cannot learn"):
        run_competition("comp", data_dir=tmp_path, metric="accuracy", folds=3,
                        models=["linear", ("broken", Broken())], runs_dir=tmp_path / "runs")
    assert list((tmp_path / "runs" / "comp").iterdir()) == []  # the partial folder is gone


class Broken(LogisticRegression):
    """A classifier whose every fit fails (after the linear model's folds were saved)."""

    def fit(self, X, y):
        raise RuntimeError("this model cannot learn")


def test_a_run_takes_frames_instead_of_a_folder_and_scores_the_same(stored, tmp_path):
    result, tmp, _ = stored
    folder = tmp / "comp"
    frames = {part: pd.read_csv(folder / f"{part}.csv")
              for part in ("train", "test", "sample_submission")}
    kept = {part: frame.copy() for part, frame in frames.items()}
    again = run_competition("comp", metric=result.metric, models=["linear", "hgb"], folds=3,
                            train=frames["train"], test=frames["test"],
                            sample=frames["sample_submission"], runs_dir=tmp_path / "runs",
                            submissions=tmp_path / "subs")
    assert [r.fold_scores for r in again.runs] == [r.fold_scores for r in result.runs]
    _same_submission(pd.read_csv(again.submission), pd.read_csv(result.submission))
    for part, frame in frames.items():  # the caller's frames are not changed
        pd.testing.assert_frame_equal(frame, kept[part])
    info = json.loads((again.run_dir / "run.json").read_text())
    assert len(info["train_frame_sha256"]) == 64
    with pytest.raises(KagglekitError, match="either as a folder"):
        run_competition("comp", data_dir=tmp, train=frames["train"], test=frames["test"])
    with pytest.raises(KagglekitError, match="test= must be a pandas DataFrame"):
        run_competition("comp", train=frames["train"])


def test_a_pruned_run_keeps_its_predictions_and_says_why_it_cannot_predict(stored, tmp_path,
                                                                           capsys):
    result, _, test = stored
    root = tmp_path / "runs"
    shutil.copytree(result.run_dir, root / "comp" / result.run_dir.name)
    stamp = result.run_dir.name
    assert main(["runs", "comp", "--runs-dir", str(root), "--prune", "nosuch"]) == 2
    assert main(["runs", "comp", "--runs-dir", str(root), "--prune", stamp]) == 0
    assert "pruned:" in capsys.readouterr().out
    run = load_run(root / "comp" / stamp)
    assert run.info["pruned"] and not (run.path / "models").exists()
    assert len(run.oof) == len(result.y) and len(run.test_predictions) == len(test)
    with pytest.raises(KagglekitError, match="was pruned"):
        run.submission(test)
    assert main(["runs", "comp", "--runs-dir", str(root)]) == 0
    assert "(pruned)" in capsys.readouterr().out


def test_a_fold_model_is_saved_by_an_absolute_path_whatever_a_workers_folder(tmp_path,
                                                                             monkeypatch):
    from kagglekit.runs.store import RunWriter

    monkeypatch.chdir(tmp_path)
    writer = RunWriter("comp", "runs")  # relative, as the default runs/ is
    keep = writer.keeper("linear", seed=0)
    assert Path(keep.keywords["folder"]).is_absolute()
    monkeypatch.chdir(tmp_path.parent)  # a Dask worker started elsewhere
    relative = keep(LogisticRegression(), 0)
    assert (tmp_path / "runs" / "comp" / f".{writer.stamp}.partial" / relative).is_file()
    monkeypatch.chdir(tmp_path)
    writer.abandon()
    assert not (tmp_path / "runs" / "comp" / f".{writer.stamp}.partial").exists()
