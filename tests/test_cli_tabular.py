"""`kagglekit ... tabular --csv FILE --target COLUMN`: any CSV without writing Python."""

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kagglekit.cli import main


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def people(workdir):
    """120 people: numeric, categorical, an id, free text and an empty column."""
    rng = np.random.default_rng(0)
    n = 120
    age = rng.integers(18, 70, n)
    frame = pd.DataFrame({
        "pid": np.arange(1000, 1000 + n), "age": age,
        "city": rng.choice(["north", "south", "east"], n),
        "note": [f"free text {i}" for i in range(n)], "blank": np.nan,
        "bought": np.where(age + rng.normal(0, 5, n) > 45, "yes", "no"),
    })
    frame.to_csv("people.csv", index=False)
    frame.drop(columns="bought").iloc[:10].to_csv("new.csv", index=False)
    return frame


def _err_lines(capsys):
    captured = capsys.readouterr()
    return captured.out, captured.err.strip().splitlines()


def test_evaluate_says_what_it_inferred_and_warns(people, capsys):
    argv = ["evaluate", "tabular", "--csv", "people.csv", "--target", "bought", "--id", "pid",
            "--model", "linear", "--folds", "3", "--json", "--report", "rep"]
    assert main(argv) == 0
    out, err = _err_lines(capsys)
    assert err[0] == ("kagglekit: inferred: classification (2 classes) of 'bought'; numeric: "
                      "age; categorical: city; id: pid; not used: note (text with 120 distinct "
                      "values), blank (no values)")
    assert any("warning: text column 'note' has 120 distinct values" in e and "dropped" in e
               for e in err)
    assert any("warning: column 'blank' has no values; dropped" in e for e in err)
    result = json.loads(out)
    assert result["pipeline"] == "tabular-linear" and result["mean"] > 0.7
    report = json.loads(Path("rep", "report.json").read_text())
    assert report["data"]["inferred"]["categorical"] == ["city"]
    assert pd.read_csv(Path("rep", "oof_predictions.csv")).columns[0] == "pid"


def test_drop_and_regression_task(people, capsys):
    argv = ["evaluate", "tabular", "--csv", "people.csv", "--target", "age", "--drop", "note",
            "blank", "--model", "hgb", "--folds", "3"]
    assert main(argv) == 0
    out, err = _err_lines(capsys)
    assert "regression of 'age'" in err[0] and "note (--drop)" in err[0]
    assert "3-fold K-fold CV" in out and "rmse" in out and "mae" in out
    assert not any("note" in e for e in err[1:])


def test_net_train_predict_and_submission(people, capsys):
    common = ["--csv", "people.csv", "--target", "bought", "--id", "pid", "--set", "epochs=2"]
    assert main(["train", "tabular", *common, "--out", "m.joblib"]) == 0
    manifest = json.loads(open("m.manifest.json").read())
    assert manifest["pipeline"] == "tabular-net" and manifest["tabular"]["id_column"] == "pid"
    capsys.readouterr()
    assert main(["predict", "m.joblib", "new.csv"]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(predicted.columns) == ["pid", "bought", "probability"] and len(predicted) == 10
    assert set(predicted.bought) <= {"yes", "no"}
    assert main(["predict", "tabular", "new.csv", *common, "--out", "p.csv"]) == 0
    assert main(["submission", "m.joblib", "--test", "new.csv", "--out", "subs"]) == 0
    assert main(["submission", "tabular", *common, "--test", "new.csv", "--out", "subs"]) == 0
    written = sorted(Path("subs").glob("*.csv"))
    assert len(written) == 2 and list(pd.read_csv(written[0]).columns) == ["pid", "bought"]


@pytest.mark.parametrize("argv, message", [
    (["--target", "nope"], "no target column 'nope'; the columns are pid, age"),
    (["--target", "bought", "--id", "who"], "no id column 'who'"),
    (["--target", "city", "--task", "regression"], "not numeric"),
    (["--target", "blank"], "missing in 120 rows"),
])
def test_bad_options_are_one_line_errors(people, capsys, argv, message):
    assert main(["evaluate", "tabular", "--csv", "people.csv", *argv]) == 2
    _, err = _err_lines(capsys)
    assert len(err) == 1 and err[0].startswith("kagglekit: error: ") and message in err[0]


def test_bad_files_are_one_line_errors(workdir, capsys):
    pd.DataFrame({"x": range(10), "y": 1}).to_csv("constant.csv", index=False)
    open("latin.csv", "wb").write("name,y\nJos\xe9,1\nAna,0\n".encode("latin-1"))
    cases = [(["--csv", "constant.csv", "--target", "y"], "single value"),
             (["--csv", "latin.csv", "--target", "y"], "not UTF-8"),
             (["--csv", "absent.csv", "--target", "y"], "no such file"),
             (["--csv", "constant.csv"], "needs --csv FILE and --target COLUMN")]
    for argv, message in cases:
        assert main(["evaluate", "tabular", *argv]) == 2
        _, err = _err_lines(capsys)
        assert len(err) == 1 and message in err[0], err


def test_tabular_options_only_with_tabular(capsys):
    assert main(["evaluate", "titanic-logreg", "--csv", "x.csv"]) == 2
    assert "go with the pipeline name `tabular`" in capsys.readouterr().err


def test_car_purchase_through_the_tabular_path(shared_datasets, capsys):
    csv = str(shared_datasets / "car-purchase" / "car_purchase.csv")
    argv = ["evaluate", "tabular", "--csv", csv, "--target", "Purchased", "--id", "User ID",
            "--model", "hgb", "--json"]
    assert main(argv) == 0
    out, err = _err_lines(capsys)
    assert "numeric: Age, AnnualSalary; categorical: Gender; id: User ID" in err[0]
    assert json.loads(out)["mean"] > 0.89


def test_evaluate_compare_and_test_set_scores(workdir, capsys):
    assert main(["evaluate", "car-logreg", "--compare", "car-hgb", "--folds", "3",
                 "--report", "rep"]) == 0
    out = capsys.readouterr().out
    assert out.count("3-fold stratified CV") == 2 and "test set  rows 250  accuracy" in out
    assert "| car-hgb |" in Path("rep", "report.md").read_text()
    assert main(["evaluate", "car-logreg", "--compare", "titanic-hgb"]) == 2
    assert "for the titanic data" in capsys.readouterr().err
    assert main(["evaluate", "shift-linear", "--set", "epochs=2", "--folds", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["metric"] == "rmse" and result["holdout"]["rows"] == 100


def test_run_on_generated_car_data_compares_within_its_data_set(workdir, capsys):
    assert main(["run", "car-logreg", "--folds", "2", "--compare", "car-hgb"]) == 0
    out = capsys.readouterr().out
    assert "CV accuracy (car-logreg)" in out
    report = (next(Path("reports").iterdir()) / "report.md").read_text()
    assert "| car-hgb |" in report and "titanic" not in report
    submission = pd.read_csv(next(Path("submissions").glob("*.csv")))
    assert list(submission.columns) == ["id", "car"] and len(submission) == 250
    assert main(["run", "car-logreg", "--compare", "titanic-hgb"]) == 2
    assert "it is for the titanic data" in capsys.readouterr().err


def test_run_without_test_rows_stops_before_training(shared_datasets, workdir, capsys):
    argv = ["run", "car-purchase-logreg", "--data-dir", str(shared_datasets)]
    assert main(argv) == 2
    assert "has no test rows" in capsys.readouterr().err
    assert not Path("reports").exists()


def test_run_tabular_with_a_test_csv_reports_trains_and_submits(people, workdir, capsys):
    argv = ["run", "tabular", "--csv", "people.csv", "--target", "bought", "--id", "pid",
            "--model", "linear", "--folds", "3"]
    assert main(argv) == 2  # a submission of your own CSV needs the rows to predict
    assert "needs --test FILE" in capsys.readouterr().err
    assert main([*argv, "--test", "new.csv"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("cross-validating tabular-linear (3 folds")
    assert out[-4].startswith("CV accuracy (tabular-linear): ")
    submission = pd.read_csv(out[-1].split(": ", 1)[1].strip())
    assert submission.columns.tolist() == ["pid", "bought"]
    assert submission["pid"].tolist() == list(range(1000, 1010))
    assert set(submission["bought"]) <= {"yes", "no"}
    model = out[-2].split(": ", 1)[1].strip()
    manifest = json.loads(Path(model).with_name(Path(model).stem + ".manifest.json")
                          .read_text())
    assert manifest["tabular"]["target"] == "bought" and manifest["cv"]["n_splits"] == 3


def test_old_model_name_dnn_warns_in_one_line_and_trains_the_network(people, capsys):
    assert main(["evaluate", "tabular", "--csv", "people.csv", "--target", "bought", "--id",
                 "pid", "--model", "dnn", "--folds", "2", "--set", "epochs=1"]) == 0
    err = capsys.readouterr().err
    assert "kagglekit: warning: model 'dnn' is now called 'net'" in err
