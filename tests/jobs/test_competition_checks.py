"""run --competition checks its three files against each other before any model trains."""

import numpy as np
import pandas as pd
import pytest

from kagglekit.cli import main


def _files(tmp_path, *, train=None, test=None, sample=None):
    """A small binary competition (id `row`, target `y`), with any file replaced."""
    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame({"row": np.arange(n) + 1000, "a": rng.normal(size=n),
                          "b": rng.choice(["u", "v", "w"], n)})
    frame["y"] = (frame["a"] + (frame["b"] == "u") > 0.3).astype(int)
    folder = tmp_path / "comp"
    folder.mkdir()
    good_test = frame.iloc[90:].drop(columns="y")
    parts = {"train.csv": frame.iloc[:90] if train is None else train(frame.iloc[:90]),
             "test.csv": good_test if test is None else test(good_test),
             "sample_submission.csv": pd.DataFrame({"row": good_test["row"], "y": 0.5})}
    if sample is not None:
        parts["sample_submission.csv"] = sample(parts["sample_submission.csv"])
    for name, part in parts.items():
        part.to_csv(folder / name, index=False)


def _run(tmp_path, monkeypatch, capsys, *extra):
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--competition", "comp", "--data-dir", str(tmp_path), "--models",
                 "linear", "--metric", "roc_auc", *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("change,says", [
    ({"test": lambda t: t.drop(columns="b")},
     "test.csv lacks column(s) ['b'] that train.csv has"),
    ({"sample": lambda s: s.assign(row=s["row"] + 500)},
     "sample_submission.csv: its 'row' values are not test.csv's"),
    ({"sample": lambda s: s.iloc[:-1]}, "sample_submission.csv has 29 rows, test.csv 30"),
    ({"test": lambda t: t.assign(row=t["row"].where(t.index != 95, 1090))},
     "test.csv: column 'row' repeats ids ['1090']"),
    ({"test": lambda t: t.assign(a=t["a"].astype(str).where(t.index != 91, "unknown"))},
     "test.csv: column 'a' holds text (['unknown']) where train.csv has numbers"),
])
def test_mismatched_files_are_refused_before_any_training(tmp_path, monkeypatch, capsys,
                                                          change, says):
    _files(tmp_path, **change)
    code, out, err = _run(tmp_path, monkeypatch, capsys)
    assert code == 2
    assert err.count("\n") == 1 and says in err, err
    assert "cross-validating" not in out  # no model was fitted
    assert not (tmp_path / "submissions").exists()


def test_class_columns_must_be_the_training_classes(tmp_path, monkeypatch, capsys):
    _files(tmp_path, sample=lambda s: pd.DataFrame({"row": s["row"], "0": 0.5, "7": 0.5}))
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--competition", "comp", "--data-dir", str(tmp_path), "--models",
                 "linear", "--metric", "log_loss"])
    out, err = capsys.readouterr()
    assert code == 2 and "sample" in err and "cross-validating" not in out
    assert not (tmp_path / "submissions").exists()


def test_text_read_as_numbers_is_named_and_extra_columns_are_ignored(tmp_path, monkeypatch,
                                                                      capsys):
    _files(tmp_path, train=lambda t: t.assign(b=t["b"].map({"u": "1", "v": "2", "w": "x"})),
           test=lambda t: t.assign(b=t["b"].map({"u": "1", "v": "2", "w": "2"}), note="x"))
    code, out, err = _run(tmp_path, monkeypatch, capsys, "--folds", "2")
    assert code == 0, err
    assert "warning: column 'b' holds text in train.csv but numbers in test.csv" in err
    assert "test.csv columns that train.csv lacks are ignored: ['note']" in out
