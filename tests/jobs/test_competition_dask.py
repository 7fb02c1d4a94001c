"""`run --competition NAME --backend dask`: every (model, fold) a task on a Dask cluster, the same
scores as the local run, a killed worker's folds run again elsewhere, a lost cluster is one line.

The fault tests start a real `dask scheduler` and two `dask worker` processes on 127.0.0.1 and
kill workers with SIGKILL mid-run; each is bounded in time.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition import run_competition

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
MODELS = ["linear", "hgb", "lgbm"]


class SlowRidge(Ridge):
    """Ridge that takes a while to fit, so a worker can be killed while folds are running
    (importable on the workers as tests.jobs.test_competition_dask.SlowRidge)."""

    def fit(self, X, y, sample_weight=None):
        time.sleep(0.4)
        return super().fit(X, y, sample_weight)


class Unpicklable(Ridge):
    def __init__(self, alpha=1.0):
        super().__init__(alpha=alpha)
        self.lock = threading.Lock()


def _competition(tmp_path, kind="binary", n=300):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(n), "x1": rng.normal(size=n),
                          "x2": rng.normal(size=n),
                          "color": rng.choice(["red", "green", "blue"], size=n)})
    score = frame["x1"] + 0.5 * frame["x2"] + (frame["color"] == "red")
    frame["y"] = (score + rng.normal(scale=0.5, size=n) > 0.5).astype(int) \
        if kind == "binary" else 3 * score + rng.normal(scale=0.3, size=n)
    train, test = frame.iloc[:240], frame.iloc[240:].drop(columns=["y"])
    folder = tmp_path / "comp"
    folder.mkdir()
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    pd.DataFrame({"id": test["id"], "y": 0.5}).to_csv(folder / "sample_submission.csv",
                                                      index=False)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def _folds(result):
    return {r.name: r.fold_scores for r in result.runs}


def test_the_folds_run_on_the_cluster_with_the_local_scores(tmp_path, cluster):
    _competition(tmp_path)
    common = dict(data_dir=tmp_path, metric="roc_auc", models=MODELS, folds=3, seed=1)
    here = run_competition("comp", submissions=tmp_path / "here", **common)
    there = run_competition("comp", submissions=tmp_path / "there", backend="dask",
                            scheduler=cluster.scheduler_address, report=tmp_path / "rep",
                            **common)
    for model in MODELS:  # LightGBM: 2 threads here, 1 on a worker; sums may round apart
        np.testing.assert_allclose(_folds(there)[model], _folds(here)[model], atol=1e-6)
    np.testing.assert_allclose(pd.read_csv(there.submission)["y"],
                               pd.read_csv(here.submission)["y"], atol=1e-6)
    workers = set(cluster.scheduler_info["workers"])
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    where = {w for row in report["leaderboard"] for w in row["where"]}
    assert where <= workers and where, (where, workers)
    assert all(r.where == ["local"] * 3 for r in here.runs)


def test_a_model_that_cannot_be_pickled_is_named(tmp_path, cluster):
    _competition(tmp_path, "regression")
    with pytest.raises(KagglekitError, match="model 'locked' cannot be sent to the Dask "
                                             "workers") as info:
        run_competition("comp", data_dir=tmp_path, metric="rmse", folds=3,
                        models=["linear", ("locked", Unpicklable())], backend="dask",
                        scheduler=cluster.scheduler_address, submissions=tmp_path / "subs")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "subs").exists()


@pytest.fixture
def processes(tmp_path):
    """A `dask scheduler` and two `dask worker` processes (no nanny: a killed worker stays
    dead) on 127.0.0.1; yields the scheduler's address and the worker processes."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    file = tmp_path / "scheduler.json"
    started = [subprocess.Popen([bin_dir / "dask", "scheduler", "--host", "127.0.0.1",
                                 "--port", "0", "--dashboard-address", ":0",
                                 "--scheduler-file", file], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        workers = [subprocess.Popen([bin_dir / "dask", "worker", address, "--nthreads", "1",
                                     "--no-nanny", "--host", "127.0.0.1",
                                     "--name", f"w{i}"], env=env, cwd=tmp_path,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for i in range(2)]
        started += workers
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in started:
            process.kill()
            process.wait(timeout=30)


def _kill_on_first_fold(workers):
    def on_fold(model, done, total):
        for worker in workers:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
        workers.clear()
    return on_fold


def test_a_killed_worker_reruns_its_folds_elsewhere_with_the_same_scores(tmp_path,
                                                                          processes):
    address, workers = processes
    _competition(tmp_path, "regression")
    common = dict(data_dir=tmp_path, metric="rmse", folds=4,
                  models=[("slow", SlowRidge()), "linear"])
    here = run_competition("comp", submissions=tmp_path / "here", **common)
    start = time.monotonic()
    there = run_competition("comp", submissions=tmp_path / "there", backend="dask",
                            scheduler=address, on_fold=_kill_on_first_fold([workers[0]]),
                            **common)
    assert workers[0].poll() is not None and workers[1].poll() is None  # one was killed
    assert time.monotonic() - start < 120
    for model in ("slow", "linear"):
        np.testing.assert_allclose(_folds(there)[model], _folds(here)[model], atol=1e-9)
    np.testing.assert_allclose(pd.read_csv(there.submission)["y"],
                               pd.read_csv(here.submission)["y"], atol=1e-9)


def test_losing_every_worker_is_one_line_and_writes_nothing(tmp_path, processes,
                                                            monkeypatch):
    from kagglekit.evaluation import remote

    monkeypatch.setattr(remote, "LOST_AFTER", 2.0)
    address, workers = processes
    _competition(tmp_path, "regression")
    start = time.monotonic()
    with pytest.raises(KagglekitError, match="has had no worker for 2 s; nothing was "
                                             "written") as info:
        run_competition("comp", data_dir=tmp_path, metric="rmse", folds=4,
                        models=[("slow", SlowRidge())], backend="dask", scheduler=address,
                        submissions=tmp_path / "subs",
                        on_fold=_kill_on_first_fold(list(workers)))
    assert "\n" not in str(info.value) and time.monotonic() - start < 60
    assert not (tmp_path / "subs").exists() or not any((tmp_path / "subs").iterdir())
