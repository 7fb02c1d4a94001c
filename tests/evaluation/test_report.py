import json

import pandas as pd
import pytest

from kagglekit import evaluate
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.report import write_report


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
