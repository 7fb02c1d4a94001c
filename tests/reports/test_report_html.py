"""report.html and the plots, for binary, multiclass and regression runs on tiny data."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kagglekit import evaluate, make_pipeline
from kagglekit.data.base import Dataset
from kagglekit.reports.report import write_report

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_report.py"
PNG = b"\x89PNG\r\n\x1a\n"


def _check_files(folder: Path) -> tuple[dict, str]:
    """The report's JSON and HTML, after the checks every report must pass."""
    report = json.loads((folder / "report.json").read_text())
    for key in ("leaderboard", "results", "data", "environment", "training", "plots",
                "overfitting_rule", "oof_csv"):
        assert key in report, key
    html = (folder / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched
    assert "http://" not in html and "https://" not in html
    plots = [report["plots"]["roc"], *report["plots"]["loss"].values(),
             *report["plots"]["confusion"].values(), *report["plots"]["residuals"].values(),
             *report["plots"]["roc_per_class"].values()]
    plots = [p for p in plots if p]
    assert html.count('src="data:image/png;base64,') == len(plots) > 0
    for path in plots:
        png = (folder / path).read_bytes()
        assert png.startswith(PNG) and len(png) > 5000  # a real picture, not an empty canvas
    env = report["environment"]
    assert {"seed", "cpus", "cpu", "gpus", "threads", "versions"} <= set(env)
    assert "matplotlib" in env["versions"]
    return report, html


@pytest.fixture(scope="module")
def binary_report(tmp_path_factory):
    """A Keras net with a validation split (2 folds, 3 epochs) and a baseline on 200 rows."""
    from kagglekit.data import load_dataset

    titanic = load_dataset("titanic")
    ds = Dataset("titanic", titanic.X.iloc[:200], titanic.y.iloc[:200], titanic.X_test,
                 titanic.source)
    dnn = make_pipeline("titanic-dnn", epochs=3, validation_split=0.25)
    results = [evaluate(dnn, ds.X, ds.y, folds=2, name="titanic-dnn"),
               evaluate("titanic-logreg", ds.X, ds.y, folds=2)]
    return write_report(results, ds, tmp_path_factory.mktemp("binary") / "r")


def test_binary_report(binary_report):
    report, html = _check_files(binary_report)
    plots = report["plots"]
    assert plots["roc"] == "plots/roc.png" and plots["residuals"] == {}
    assert set(plots["confusion"]) == {"titanic-dnn", "titanic-logreg"}
    assert set(plots["loss"]) == {"titanic-dnn"}
    rows = {row["pipeline"]: row for row in report["leaderboard"]}
    assert rows["titanic-dnn"]["n_weights"] > 0 and rows["titanic-logreg"]["n_weights"] is None
    assert rows["titanic-dnn"]["overfitting"] in (True, False)
    curves = report["training"]["titanic-dnn"]["histories"]
    assert len(curves) == 2 and all(len(c["loss"]) == len(c["val_loss"]) == 3 for c in curves)
    assert report["oof_csv"] == "oof_predictions.csv"
    assert '<a href="oof_predictions.csv">' in html and "Leaderboard" in html
    assert "Scores per fold" in html and "class balance" in html and "scikit-learn" in html
    md = (binary_report / "report.md").read_text()
    assert "](plots/loss-titanic-dnn.png)" in md and "report.html" in md


def _blobs(n=120, classes=3, seed=0):
    """Three well-separated classes in two numeric columns."""
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(classes), n // classes)
    y = np.array(list("abc"))[codes]
    X = pd.DataFrame(rng.normal(size=(len(y), 2)) + 3 * codes[:, None], columns=["u", "v"])
    return Dataset("blobs", X, pd.Series(y, name="label"), X.head(5), "generated")


def test_multiclass_report_has_confusion_matrices_and_curves(tmp_path):
    from kagglekit.models.dense import build_dense_net
    from kagglekit.models.keras import KerasClassifier

    ds = _blobs()
    net = KerasClassifier(build_dense_net, model__hidden=(8,), epochs=3, optimizer="adam",
                          validation_split=0.25, random_state=0)
    result = evaluate(net, ds.X, ds.y, folds=2, name="net")
    assert result.task == "multiclass" and result.n_weights == 2 * 8 + 8 + 8 * 3 + 3
    assert sorted(set(result.oof_labels)) <= ["a", "b", "c"]
    report, _ = _check_files(write_report([result], ds, tmp_path / "r", id_column=None))
    assert report["plots"]["roc"] is None and set(report["plots"]["confusion"]) == {"net"}
    assert set(report["plots"]["roc_per_class"]) == {"net"}
    assert result.classes == ["a", "b", "c"] and len(result.oof_class_proba) == len(ds.y)
    assert np.allclose(np.sum(result.oof_class_proba, axis=1), 1, atol=1e-4)
    oof = pd.read_csv(tmp_path / "r" / report["oof_csv"])
    assert oof.columns.tolist() == ["y", "net P(a)", "net P(b)", "net P(c)"]
    np.testing.assert_allclose(oof.iloc[:, 1:].to_numpy(), result.oof_class_proba)


def test_regression_report_has_residuals_and_says_there_is_no_validation_curve(tmp_path):
    from kagglekit import load_dataset

    ds = load_dataset("shift")
    result = evaluate(make_pipeline("shift-relu", epochs=2), ds.X, ds.y, folds=2,
                      name="shift-relu")
    report, html = _check_files(write_report([result], ds, tmp_path / "r", id_column=None))
    assert set(report["plots"]["residuals"]) == {"shift-relu"}
    assert report["plots"]["confusion"] == {} and report["plots"]["roc"] is None
    verdict = report["training"]["shift-relu"]["overfitting"]
    assert verdict["overfitting"] is None and "--set validation_split=0.2" in verdict["text"]
    assert "no validation curve" in html


def test_importing_kagglekit_does_not_import_matplotlib():
    code = ("import sys, kagglekit, kagglekit.reports.report\n"
            "print('IMPORTED', 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert "IMPORTED False" in out


def _check_report():
    """scripts/check_report.py as a module, when Chromium is installed.

    Without Chromium the browser check skips on a developer's machine, but fails under
    ``CI=true``: CI installs Debian's chromium (.ci/run), so a missing one is a broken setup,
    not a reason to let a blank report.html through.
    """
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import check_report
    finally:
        sys.path.remove(str(SCRIPT.parent))
    if check_report.find_chromium() is None:
        reason = ("chromium not installed (apt-get install -y chromium): the browser check "
                  "of report.html cannot run")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI must install it (.ci/run does)")
        pytest.skip(reason)
    return check_report


@pytest.mark.slow
def test_report_renders_in_headless_chromium(binary_report, tmp_path):
    _check_report()
    shot = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, str(SCRIPT), str(binary_report), "--screenshot",
                           str(shot)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok:" in done.stdout and shot.read_bytes().startswith(PNG)


def test_browser_check_fails_on_a_blank_report(tmp_path):
    _check_report()
    (tmp_path / "report.html").write_text("<!DOCTYPE html><html><body></body></html>")
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr  # 1: rendered, but blank
    assert "BLANK" in done.stdout


def test_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "no-such-chromium-binary")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must install it"):
        _check_report()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium not installed"):
        _check_report()
