"""``kagglekit evaluate NAME --holdout`` through the command line: text, JSON and report."""

import json

import pytest

from kagglekit.cli import main


def test_holdout_prints_the_test_scores_and_writes_its_report(tmp_path, capsys):
    assert main(["evaluate", "car-logreg", "--holdout", "--report", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "car-logreg: trained on 1000 rows, tested on 250, seed 0"
    assert lines[1].startswith("  test accuracy 0.") and "log loss" in lines[1]
    assert lines[2] == (f"report: {tmp_path / 'r' / 'report.md'} "
                        "(also report.json, confusion.png)")
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.md", "report.json",
                                                            "confusion.png"}


def test_holdout_json_is_one_line_without_the_history(capsys):
    assert main(["evaluate", "car-logreg", "--holdout", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    result = json.loads(out[0])
    assert result["pipeline"] == "car-logreg" and result["test_rows"] == 250
    assert 0.5 < result["accuracy"] <= 1 and "history" not in result
    assert sum(map(sum, result["confusion"])) == 250


def test_holdout_refuses_compare(capsys):
    assert main(["evaluate", "car-logreg", "--holdout", "--compare", "car-hgb"]) == 2
    assert "--holdout scores one pipeline" in capsys.readouterr().err


@pytest.mark.slow
def test_mnist_mlp_holdout_with_the_learning_curve(shared_datasets, tmp_path, capsys):
    """The README's image command, one epoch: the Keras path with the watched test split."""
    assert main(["--data-dir", str(shared_datasets), "evaluate", "mnist-mlp", "--holdout",
                 "--set", "epochs=1", "--report", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "mnist-mlp: trained on 60000 rows, tested on 10000, seed 0"
    accuracy = float(lines[1].split()[2])
    assert accuracy > 0.9 and "1 epoch, 407,050 parameters" in lines[1]
    assert lines[2].endswith("(also report.json, confusion.png, loss.png)")
    assert (tmp_path / "r" / "loss.png").is_file()
