import json

import pandas as pd
import pytest

from kagglekit import evaluate
from kagglekit.errors import KagglekitError
from kagglekit.reports.report import write_report


def test_report_folder_contents(tmp_path, titanic):
    results = [evaluate("titanic-logreg", folds=3), evaluate("titanic-hgb", folds=3)]
    folder = write_report(results, titanic, tmp_path / "r")
    report = json.loads((folder / "report.json").read_text())
    assert [row["pipeline"] for row in report["leaderboard"]] == sorted(
        ["titanic-logreg", "titanic-hgb"], key=lambda n: -next(
            r.mean for r in results if r.pipeline == n))
    assert report["data"]["train_rows"] == 891 and report["data"]["missing"]["Age"] == 177
    assert "scikit-learn" in report["environment"]["versions"]
    md = (folder / "report.md").read_text()
    assert "| titanic-logreg |" in md and "Accuracy per fold" in md
    oof = pd.read_csv(folder / "oof_predictions.csv")
    assert list(oof.columns) == ["PassengerId", "y", "titanic-logreg", "titanic-hgb"]
    with pytest.raises(KagglekitError, match="not empty"):
        write_report(results, titanic, folder)


def test_regression_report_has_test_scores_and_the_network(tmp_path):
    from kagglekit import load_dataset, make_pipeline

    ds = load_dataset("shift")
    results = [evaluate(make_pipeline(name, epochs=2), ds.X, ds.y, folds=2, name=name,
                        holdout=(ds.X_test, ds.y_test))
               for name in ("shift-linear", "shift-relu")]
    folder = write_report(results, ds, tmp_path / "r", id_column=None)
    md = (folder / "report.md").read_text()
    assert "| pipeline | RMSE | MAE |" in md and "2-fold CV" in md and "RMSE per fold" in md
    assert "## Test set" in md and "## Network: shift-relu" in md
    assert "| Dense | (None, 8) | 16 |" in md  # 1 input x 8 units + 8 biases
    report = json.loads((folder / "report.json").read_text())
    ranked = [row["pipeline"] for row in report["leaderboard"]]
    assert ranked == sorted(ranked, key=lambda n: next(r.mean for r in results
                                                       if r.pipeline == n))  # lowest first
    assert "holdout_rmse" in report["leaderboard"][0] and "target" in report["data"]
    oof = pd.read_csv(folder / "oof_predictions.csv")
    assert list(oof.columns) == ["y", "shift-linear", "shift-relu"]
