"""Blending stored runs and a competitor's own predictions (`kagglekit blend`, `run
--competition --with-runs`) on a competition built so that each source helps: the target
depends on three columns; one run's model sees only `a`, another's only `b`, and the
competitor's own file is made from `c`, which train.csv does not hold."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from kagglekit.cli import main
from kagglekit.jobs.blend import blend_stored
from kagglekit.jobs.competition import run_competition
from kagglekit.runs import list_runs, load_run
from tests.runs.test_store import _same_submission


def _sees(column: str) -> Pipeline:
    return Pipeline([("pick", ColumnTransformer([("only", "passthrough", [column])])),
                     ("fit", LogisticRegression())])


def _fold_fitted(column, train, test, folds):
    """The competitor's own notebook: a model of ``column`` fitted on each fold of the run's
    folds.csv; out-of-fold and fold-averaged test probabilities of class 1."""
    oof = np.zeros(len(train))
    test_p = np.zeros(len(test))
    fold_of = folds.set_index("id").loc[train["id"], "fold"].to_numpy()
    for k in np.unique(fold_of):
        model = LogisticRegression().fit(train.loc[fold_of != k, [column]],
                                         train.loc[fold_of != k, "y"])
        oof[fold_of == k] = model.predict_proba(train.loc[fold_of == k, [column]])[:, 1]
        test_p += model.predict_proba(test[[column]])[:, 1] / len(np.unique(fold_of))
    return oof, test_p, fold_of


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The competition (c held back), two runs (a, then b), and the competitor's files."""
    tmp = tmp_path_factory.mktemp("blend")
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame({"id": np.arange(n), "a": rng.normal(size=n), "b": rng.normal(size=n),
                          "c": rng.normal(size=n)})
    frame["y"] = (frame["a"] + frame["b"] + frame["c"] + rng.normal(scale=0.5, size=n) > 0
                  ).astype(int)
    train, test = frame.iloc[:450], frame.iloc[450:].drop(columns=["y"])
    folder = tmp / "comp"
    folder.mkdir()
    train.drop(columns=["c"]).to_csv(folder / "train.csv", index=False)
    test.drop(columns=["c"]).to_csv(folder / "test.csv", index=False)
    pd.DataFrame({"id": test["id"], "y": 0.5}).to_csv(folder / "sample_submission.csv",
                                                      index=False)
    options = {"data_dir": tmp, "metric": "roc_auc", "folds": 3, "runs_dir": tmp / "runs",
               "submissions": tmp / "subs"}
    first = run_competition("comp", models=[("a", _sees("a"))], **options)
    second = run_competition("comp", models=[("b", _sees("b"))], **options)
    oof, test_p, fold_of = _fold_fitted("c", train, test, load_run(first.run_dir).folds)
    pd.DataFrame({"id": train["id"], "y": oof, "fold": fold_of}).to_csv(tmp / "mine.csv",
                                                                       index=False)
    pd.DataFrame({"id": test["id"], "y": test_p}).to_csv(tmp / "mine_test.csv", index=False)
    return tmp, options, first, second


def test_a_blend_of_two_runs_and_own_predictions_weighs_every_source(world, capsys):
    tmp, options, first, second = world
    result = blend_stored("comp", add=[(tmp / "mine.csv", tmp / "mine_test.csv")],
                          data_dir=tmp, runs_dir=tmp / "runs", submissions=tmp / "subs")
    names = [c.name for c in result.candidates]
    assert names == [f"a@{first.run_dir.name}", f"b@{second.run_dir.name}", "mine"]
    weights = result.blend.weights
    assert all(weights[n] > 0 for n in names), weights
    singles = max(c.mean for c in result.candidates)
    assert result.blend.oof_score > singles + 0.05  # each source holds a third of the signal
    assert result.gains[result.blend.method].mean > 0
    info = json.loads((result.run_dir / "run.json").read_text())
    assert info["kind"] == "blend"
    assert info["sources"] == [first.run_dir.name, second.run_dir.name]
    assert [m["source"] for m in info["models"]][-1].startswith("file ")
    written = pd.read_csv(result.submission)
    assert list(written.columns) == ["id", "y"] and written["y"].between(0, 1).all()
    lines = result.lines()
    assert lines[-2:] == [f"run:        {result.run_dir}", f"submission: {result.submission}"]
    assert main(["runs", "comp", "--runs-dir", str(tmp / "runs")]) == 0
    assert f"blends {first.run_dir.name}, {second.run_dir.name}" in capsys.readouterr().out


def test_a_run_with_stored_runs_predicts_its_submission_from_their_models(world, tmp_path):
    tmp, options, first, second = world
    options = {**options, "runs_dir": tmp_path / "runs"}
    for run in (first, second):
        shutil.copytree(run.run_dir, tmp_path / "runs" / "comp" / run.run_dir.name)
    third = run_competition("comp", models=[("a", _sees("a"))], with_runs=second.run_dir.name,
                            **options)
    assert [c.name for c in third.stored] == [f"b@{second.run_dir.name}"]
    assert third.blend.weights[f"b@{second.run_dir.name}"] > 0
    assert f"b@{second.run_dir.name}" in "\n".join(third.lines())
    test = pd.read_csv(tmp / "comp" / "test.csv")
    _same_submission(load_run(third.run_dir).submission(test), pd.read_csv(third.submission))
    shutil.rmtree(tmp_path / "runs" / "comp" / second.run_dir.name)  # its source is gone
    with pytest.raises(Exception, match="copy that run folder too"):
        load_run(third.run_dir).submission(test)


def test_a_run_on_other_folds_is_left_out_with_a_line(world, tmp_path):
    tmp, options, first, _ = world
    root = tmp_path / "runs"
    shutil.copytree(first.run_dir, root / "comp" / first.run_dir.name)
    other = run_competition("comp", **{**options, "runs_dir": root, "seed": 1},
                            models=["linear"])
    said = []
    result = blend_stored("comp", data_dir=tmp, runs_dir=root, submissions=tmp_path,
                          log=said.append)
    assert [c.name for c in result.candidates] == [f"linear@{other.run_dir.name}"]
    assert said and said[0].startswith(f"run {first.run_dir.name} left out: its folds differ")


def _refused(args, capsys) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kagglekit: error: ") and "\n" not in err
    return err


@pytest.mark.parametrize("change,expected", [
    (lambda f: f.iloc[1:], "lacks 1 of train.csv's ids"),
    (lambda f: f.assign(id=f["id"] + 10_000), "lacks 450 of train.csv's ids"),
    (lambda f: f.drop(columns=["y"]), "no column 'y'"),
    (lambda f: f.assign(y=f["y"] * 3), "outside 0 to 1"),
    (lambda f: f.assign(extra=1), "columns the sample does not have (extra)"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "appears twice"),
])
def test_a_bad_added_file_is_one_line_and_nothing_is_written(world, tmp_path, capsys, change,
                                                             expected):
    tmp, *_ = world
    bad = tmp_path / "bad.csv"
    change(pd.read_csv(tmp / "mine.csv")).to_csv(bad, index=False)
    before = sorted((tmp / "runs" / "comp").iterdir()), sorted((tmp / "subs").iterdir())
    err = _refused(["blend", "comp", "--data-dir", str(tmp), "--runs-dir", str(tmp / "runs"),
                    "--add", str(bad), str(tmp / "mine_test.csv")], capsys)
    assert expected in err and "bad.csv" in err
    assert (sorted((tmp / "runs" / "comp").iterdir()), sorted((tmp / "subs").iterdir())) == before


def test_unknown_stamps_and_runs_of_another_competition_are_one_line(world, tmp_path, capsys):
    tmp, _, first, _ = world
    base = ["--data-dir", str(tmp), "--runs-dir", str(tmp / "runs")]
    assert "no run 'nosuch' of comp" in _refused(["blend", "comp", "--runs", "nosuch", *base],
                                                 capsys)
    run = ["run", "--competition", "comp", "--models", "linear", "--metric", "roc_auc"]
    assert "no run 'nosuch'" in _refused([*run, "--with-runs", "nosuch", *base], capsys)
    stray = tmp_path / "runs" / "comp" / first.run_dir.name
    shutil.copytree(first.run_dir, stray)
    info = json.loads((stray / "run.json").read_text())
    (stray / "run.json").write_text(json.dumps({**info, "competition": "other"}))
    err = _refused(["blend", "comp", "--data-dir", str(tmp), "--runs-dir",
                    str(tmp_path / "runs")], capsys)
    assert "is of competition 'other'" in err
    assert list_runs("comp", tmp_path / "runs")[0].path == stray  # nothing else was written
    assert len(list((tmp_path / "runs" / "comp").iterdir())) == 1


def test_added_labels_and_class_probabilities_take_the_runs_class_order(tmp_path):
    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.runs.candidates import added_candidate
    from kagglekit.submissions.sample import CompetitionLayout

    ids, test_ids = np.arange(6), np.arange(6, 8)
    y, fold_of = np.array([0, 1, 2, 0, 1, 2]), np.array([0, 0, 0, 1, 1, 1])
    per_class = CompetitionLayout("id", "y", "multiclass", "class_probabilities",
                                  ("id", "p2", "p0", "p1"), (0, 1, 2), ("p2", "p0", "p1"),
                                  (2, 0, 1))
    matrix = np.eye(3)[y] * 0.7 + 0.1
    frame = pd.DataFrame({"id": ids, "p2": matrix[:, 2], "p0": matrix[:, 0],
                          "p1": matrix[:, 1]})
    frame.to_csv(tmp_path / "oof.csv", index=False)
    frame.iloc[:2].assign(id=test_ids).to_csv(tmp_path / "test.csv", index=False)
    said = []
    where = {"ids": ids, "test_ids": test_ids, "y": y, "fold_of": fold_of, "warn": said.append,
             "classes": np.array([0, 1, 2])}
    found = added_candidate(tmp_path / "oof.csv", tmp_path / "test.csv", layout=per_class,
                            metric=get_metric("log_loss"), **where)
    np.testing.assert_allclose(found.oof, matrix, atol=1e-12)  # columns p0, p1, p2 again
    assert said and "folds are unknown" in said[0]
    labels = CompetitionLayout("id", "y", "multiclass", "labels", ("id", "y"), (0, 1, 2))
    pd.DataFrame({"id": ids, "y": y, "fold": fold_of}).to_csv(tmp_path / "l.csv", index=False)
    pd.DataFrame({"id": test_ids, "y": [2, 0]}).to_csv(tmp_path / "lt.csv", index=False)
    said.clear()
    found = added_candidate(tmp_path / "l.csv", tmp_path / "lt.csv", layout=labels,
                            metric=get_metric("accuracy"), **where)
    np.testing.assert_array_equal(found.test, [[0, 0, 1], [1, 0, 0]])
    assert found.fold_scores == [1.0, 1.0] and not said  # its fold column matches
