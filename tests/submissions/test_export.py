import json

import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.fileio import sha256_of
from kagglekit.submissions.export import latest_submission, validate_submission, write_submission

IDS = np.arange(892, 892 + 418)


def _frame(**changes):
    frame = pd.DataFrame({"PassengerId": IDS, "Survived": np.zeros(418, dtype="int64")})
    for key, value in changes.items():
        frame[key] = value
    return frame


def test_valid_submission_passes():
    validate_submission(_frame(), IDS)


@pytest.mark.parametrize("frame, message", [
    (_frame().rename(columns={"Survived": "survived"}), "columns"),
    (_frame().iloc[:-1], "417 rows"),
    (_frame(PassengerId=np.r_[IDS[:-1], 5]), "ids differ"),
    (_frame(PassengerId=np.r_[IDS[:-1], IDS[0]]), "duplicated"),
    (_frame(Survived=np.full(418, 0.7)), "integers"),
    (_frame(Survived=np.full(418, 2)), "values"),
])
def test_invalid_submissions_are_refused(frame, message):
    with pytest.raises(DataError, match=message):
        validate_submission(frame, IDS)


def test_write_never_overwrites_and_writes_manifest(tmp_path):
    preds = np.ones(418, dtype=int)
    first = write_submission(preds, IDS, tmp_path, pipeline="titanic-dnn", cv_score=0.8345)
    second = write_submission(preds, IDS, tmp_path, pipeline="titanic-dnn", cv_score=0.8345)
    assert first != second and first.exists() and second.exists()
    assert "titanic-dnn_cv0.8345" in first.name
    manifest = json.loads(first.with_suffix(".json").read_text())
    assert manifest["sha256"] == sha256_of(first) and manifest["rows"] == 418
    assert manifest["cv_score"] == 0.8345 and manifest["metric"] == "accuracy"
    assert "scikit-learn" in manifest["versions"]
    frame = pd.read_csv(first)
    assert list(frame.columns) == ["PassengerId", "Survived"] and frame["Survived"].eq(1).all()
    assert latest_submission(tmp_path) == second
    assert not list(tmp_path.glob(".*tmp"))


def test_invalid_predictions_write_nothing(tmp_path):
    with pytest.raises(DataError):
        write_submission(np.full(418, 3), IDS, tmp_path, pipeline="x")
    assert not list(tmp_path.iterdir())


def test_the_manifest_names_the_metric_and_old_manifests_still_read(tmp_path):
    from kagglekit.submissions.export import submission_origin

    path = write_submission(np.ones(418, dtype=int), IDS, tmp_path, pipeline="p",
                            cv_score=0.4012, metric="log_loss")
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["metric"] == "log_loss" and "cv_accuracy" not in manifest
    assert submission_origin(path)["metric"] == "log_loss"
    old = {k: v for k, v in manifest.items() if k not in ("metric", "cv_score")}
    path.with_suffix(".json").write_text(json.dumps({**old, "cv_accuracy": 0.8123}))
    assert submission_origin(path) == {"sha256": sha256_of(path), "pipeline": "p",
                                       "metric": "accuracy", "cv_score": 0.8123}
