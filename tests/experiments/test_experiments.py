"""Each experiment with tiny sizes: the report folder, the tables, the findings' logic."""

import json

import numpy as np
import pytest

from kagglekit.cli import main
from kagglekit.errors import KagglekitError
from kagglekit.experiments import EXPERIMENTS, run_experiment
from kagglekit.experiments.deepnets import distinct_units
from kagglekit.experiments.overfitting import findings

TINY = {
    "overfitting": {"rows": 300, "epochs": 3},
    "activations": {"depth": 3, "width": 8, "epochs": 2, "rows": 200},
    "initializers": {"hidden": (4, 4), "epochs": 2, "rows": 200},
    "regression-scaling": {"epochs": 2, "hidden": (4,), "step": 10.0},
}


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_each_experiment_writes_a_complete_report(name, tmp_path, shared_datasets):
    result, folder = run_experiment(name, report=tmp_path / "r", data_dir=shared_datasets,
                                    **TINY[name])
    report = json.loads((folder / "report.json").read_text())
    assert report["experiment"] == name and report["environment"]["seed"] == 0
    assert report["findings"] and all(f["holds"] in (True, False, None)
                                      for f in report["findings"])
    for table in report["tables"].values():
        assert table["rows"] and all(len(r) == len(table["columns"]) for r in table["rows"])
    for plot in report["plots"]:
        assert (folder / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(report["plots"]) >= 1
    markdown = (folder / "report.md").read_text()
    assert "## What the course claims" in markdown and "scikit-learn" in markdown


def test_same_seed_same_numbers(tmp_path):
    first, _ = run_experiment("initializers", report=tmp_path / "a", **TINY["initializers"])
    again, _ = run_experiment("initializers", report=tmp_path / "b", **TINY["initializers"])
    assert first.curves == again.curves


def test_overfitting_findings_read_the_curves():
    falling = [1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1]
    curves = {"baseline": {"loss": falling, "val_loss": [0.9, 0.7, 0.6, 0.65, 0.7, 0.8, 0.9]},
              "L2": {"loss": falling, "val_loss": [0.9, 0.7, 0.6, 0.55, 0.5, 0.5, 0.45]}}
    turn, gap = findings(curves)
    assert turn.holds is True and "epoch 3" in turn.measured
    assert gap.holds is True
    curves["L2"]["val_loss"] = [1.0] * 7  # a larger final gap than the baseline's 0.8
    assert findings(curves)[1].holds is False


def test_distinct_units_counts_identical_columns():
    class Layer:
        def __init__(self, kernel):
            self.kernel = kernel

        def get_weights(self):
            return [self.kernel, np.zeros(self.kernel.shape[1])]

    class Model:
        layers = [Layer(np.ones((3, 4))), Layer(np.arange(8.0).reshape(2, 4)),
                  Layer(np.ones((4, 1)))]

    assert distinct_units(Model()) == [1, 4]  # the output layer is not counted


def test_unknown_experiment_and_used_report_folder_fail_before_training(tmp_path):
    with pytest.raises(KagglekitError, match="did you mean overfitting"):
        run_experiment("overfiting")
    (tmp_path / "used.txt").write_text("x")
    with pytest.raises(KagglekitError, match="not empty"):
        run_experiment("activations", report=tmp_path)


def test_cli_prints_the_findings_and_the_report(tmp_path, capsys, monkeypatch):
    import kagglekit.experiments as experiments

    def tiny(**kwargs):
        from kagglekit.experiments import scaling
        return scaling.run(**{**kwargs, **TINY["regression-scaling"]})

    monkeypatch.setitem(experiments.EXPERIMENTS, "regression-scaling", tiny)
    assert main(["experiment", "regression-scaling", "--report", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "linear activations recovers y = x + 10" in out and "report.html" in out
    assert main(["experiment", "nope"]) == 2
    assert "unknown experiment" in capsys.readouterr().err
