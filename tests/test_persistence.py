import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression

from kagglekit import load, make_pipeline, save
from kagglekit.errors import KagglekitError
from kagglekit.persistence import (
    VersionMismatchWarning,
    data_fingerprint,
    manifest_path,
    read_manifest,
)


@pytest.fixture(scope="module")
def fitted_logreg(titanic):
    return make_pipeline("titanic-logreg").fit(titanic.X, titanic.y)


def test_round_trip_with_manifest(tmp_path, titanic, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib", name="titanic-logreg", cv={"mean": 0.8})
    manifest = read_manifest(path)
    assert manifest["pipeline"] == "titanic-logreg" and manifest["cv"] == {"mean": 0.8}
    loaded = load(path)
    np.testing.assert_array_equal(loaded.predict_proba(titanic.X_test),
                                  fitted_logreg.predict_proba(titanic.X_test))


def test_manifest_records_data_schema_params_and_versions(tmp_path, titanic, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib", name="titanic-logreg",
                training_data=(titanic.X, titanic.y))
    manifest = read_manifest(path)
    data = manifest["training_data"]
    assert (data["rows"], data["columns"]) == (891, 11) and len(data["sha256"]) == 64
    assert data == data_fingerprint(titanic.X, titanic.y)
    assert data != data_fingerprint(titanic.X, 1 - titanic.y)
    assert {"name": "Age", "dtype": "float64"} in manifest["input_schema"]
    assert manifest["params"]["model__C"] == 0.3
    assert set(manifest["versions"]) >= {"kagglekit", "scikit-learn", "numpy", "pandas"}
    json.dumps(manifest)  # plain JSON all the way down


def test_load_warns_when_package_versions_differ(tmp_path, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib")
    manifest = read_manifest(path)
    manifest["versions"]["scikit-learn"] = "0.1.0"
    manifest_path(path).write_text(json.dumps(manifest))
    with pytest.warns(VersionMismatchWarning, match=r"scikit-learn 0\.1\.0 -> "):
        load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(save(fitted_logreg, tmp_path / "same.joblib"))


@pytest.mark.parametrize("ensemble", [False, True])
def test_keras_pipelines_round_trip_exactly(tmp_path, small_titanic, titanic, ensemble):
    X, y = small_titanic
    pipe = make_pipeline("titanic-dnn", epochs=2)
    if ensemble:  # DNN + logistic regression, soft voting, inside the same pipeline
        pipe.steps[-1] = ("model", VotingClassifier(
            [("dnn", pipe.steps[-1][1]), ("lr", LogisticRegression())], voting="soft"))
    pipe.fit(X, y)
    path = save(pipe, tmp_path / "dnn.joblib", name="titanic-dnn")
    loaded = load(path)
    many = pd.concat([titanic.X_test] * 2, ignore_index=True)  # 836 rows: the batched path
    for rows in (titanic.X_test.iloc[:1], many):
        # Exact: save / load promises the same weights bit for bit, and this is the same
        # process and the same call (same rows) on both sides.
        np.testing.assert_array_equal(loaded.predict_proba(rows), pipe.predict_proba(rows))


def test_never_overwrites_without_force(tmp_path, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib")
    before = path.read_bytes()
    with pytest.raises(KagglekitError, match="already exists.*--force"):
        save(fitted_logreg, path)
    assert path.read_bytes() == before
    save(fitted_logreg, path, overwrite=True)


def test_tampered_file_is_refused(tmp_path, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib")
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(KagglekitError, match="sha256 differs"):
        load(path)


@pytest.mark.parametrize("content", [b"", b"not a pickle at all", b"\x80\x04\x95"])
def test_corrupt_file_without_manifest_gives_one_line_error(tmp_path, content):
    path = tmp_path / "bad.joblib"
    path.write_bytes(content)
    with pytest.raises(KagglekitError, match="not a readable joblib model"):
        load(path)


def test_truncated_file_is_refused(tmp_path, fitted_logreg):
    path = save(fitted_logreg, tmp_path / "m.joblib")
    data = path.read_bytes()
    manifest_path(path).unlink()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(KagglekitError, match="not a readable joblib model"):
        load(path)


def test_wrong_suffix_and_missing_file(tmp_path, fitted_logreg):
    with pytest.raises(KagglekitError, match=".joblib"):
        save(fitted_logreg, tmp_path / "m.pkl")
    with pytest.raises(KagglekitError, match="no such model"):
        load(tmp_path / "none.joblib")


def test_non_model_pickle_and_bad_manifest(tmp_path):
    import joblib

    path = tmp_path / "d.joblib"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(KagglekitError, match="not a fitted model"):
        load(path)
    manifest_path(path).write_text("[1, 2]")
    with pytest.raises(KagglekitError, match="not a kagglekit manifest"):
        load(path)


def test_saving_a_keras_pipeline_shows_no_third_party_notices(small_titanic, tmp_path):
    import warnings

    X, y = small_titanic
    pipe = make_pipeline("titanic-dnn", epochs=1).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras' NumPy-2 notice on every save would raise here
        save(pipe, tmp_path / "m.joblib", name="titanic-dnn")
