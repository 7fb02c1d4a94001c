"""Folds on loky worker processes, on a Dask cluster (LocalCluster on 127.0.0.1) and on the
local cluster ``backend="dask"`` starts without a scheduler give the same scores as the
sequential run."""

import importlib.metadata
import json
import os
import socket
import sys
from unittest.mock import ANY

import pytest
from joblib import Parallel, delayed

from kagglekit import evaluate, make_pipeline
from kagglekit import parallel as backends
from kagglekit.cli import main
from kagglekit.errors import KagglekitError
from kagglekit.parallel import parallel_backend
from tests.float32 import approx_tree


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on this machine, closed after the module."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_logreg_scores_on_dask_equal_the_local_run(cluster, titanic):
    local = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=4, seed=3)
    remote = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=4, seed=3,
                      backend="dask", scheduler=cluster.scheduler_address)
    assert remote.folds == local.folds and remote.scores == local.scores
    assert remote.oof_proba == local.oof_proba


def test_folds_run_in_the_cluster_workers(cluster):
    with parallel_backend("dask", cluster.scheduler_address) as client:
        pids = set(Parallel(n_jobs=1)(delayed(os.getpid)() for _ in range(6)))
        workers = set(client.run(os.getpid).values())
    assert os.getpid() not in pids and pids <= workers


def test_workers_without_kagglekit_are_named(cluster, monkeypatch):
    import distributed

    def run(self, function, *args, **kwargs):  # what workers without the package answer
        return {"tcp://127.0.0.1:1": importlib.metadata.PackageNotFoundError("kagglekit")}

    monkeypatch.setattr(distributed.Client, "run", run)
    with pytest.raises(KagglekitError, match=r"not installed on the Dask worker\(s\) "
                                             r"tcp://127.0.0.1:1: install it"):
        with parallel_backend("dask", cluster.scheduler_address):
            pass


def test_one_single_threaded_worker_still_gets_the_work():
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    # joblib would run everything in this process for a cluster of one thread (one GPU box)
    with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as one:
        with parallel_backend("dask", one.scheduler_address) as client:
            pids = set(Parallel(n_jobs=1)(delayed(os.getpid)() for _ in range(3)))
            assert pids == set(client.run(os.getpid).values()) != {os.getpid()}


def test_scheduler_without_workers_is_a_one_line_error():
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as empty:
        with pytest.raises(KagglekitError, match="has no workers: start one with `dask worker"):
            with parallel_backend("dask", empty.scheduler_address, timeout=1):
                pass


@pytest.mark.slow
def test_keras_scores_on_dask_equal_the_local_run(cluster, small_titanic):
    X, y = small_titanic
    local = evaluate(make_pipeline("titanic-dnn", epochs=2), X, y, folds=2, seed=0)
    remote = evaluate(make_pipeline("titanic-dnn", epochs=2), X, y, folds=2, seed=0,
                      backend="dask", scheduler=cluster.scheduler_address)
    # 6-decimal scores and losses of float32 networks trained in two processes
    assert remote.scores == approx_tree(local.scores)
    assert remote.histories == approx_tree(local.histories)
    assert remote.epochs == [2, 2]


def test_loky_processes_give_the_sequential_scores(titanic):
    one = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=3, seed=1)
    two = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=3, seed=1,
                   n_jobs=2, backend="loky")
    assert one.scores == two.scores


def test_unreachable_scheduler_is_a_one_line_error():
    address = f"tcp://127.0.0.1:{_closed_port()}"
    with pytest.raises(KagglekitError, match="cannot reach the Dask scheduler") as info:
        with parallel_backend("dask", address, timeout=1):
            pass
    assert address in str(info.value) and "\n" not in str(info.value)


def test_backend_arguments_are_checked():
    with pytest.raises(KagglekitError, match="unknown backend 'ray'"):
        with parallel_backend("ray"):
            pass
    with pytest.raises(KagglekitError, match="--backend dask"):
        with parallel_backend("loky", "tcp://127.0.0.1:8786"):
            pass
    backends.check_backend("dask")  # no address: a local cluster, as distributed.Client()


def _small_task():
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as sk_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    return sk_pipeline(StandardScaler(), LogisticRegression()), X, y


def _new_children(before: set[int]) -> list:
    """Child processes started since ``before`` that are still alive (multiprocessing's
    resource tracker, started once per process and kept by design, does not count)."""
    import psutil

    def alive(child):
        try:
            return "resource_tracker" not in " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            return False

    children = [c for c in psutil.Process().children(recursive=True) if c.pid not in before]
    gone, alive_now = psutil.wait_procs(children, timeout=10)  # let closing workers exit
    return [c for c in alive_now if alive(c)]


def _children() -> set[int]:
    import psutil

    return {c.pid for c in psutil.Process().children(recursive=True)}


@pytest.fixture
def started_clusters(monkeypatch):
    """Every LocalCluster started during the test, and the arguments it got."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    started, original = [], distributed.LocalCluster

    def spy(*args, **kwargs):
        started.append((original(*args, **kwargs), kwargs))
        return started[-1][0]

    monkeypatch.setattr(distributed, "LocalCluster", spy)
    return started


def test_dask_without_scheduler_runs_a_local_cluster_and_closes_it(started_clusters):
    pipe, X, y = _small_task()
    local = evaluate(pipe, X, y, folds=3, seed=4)
    before = _children()
    remote = evaluate(pipe, X, y, folds=3, seed=4, backend="dask")
    assert remote.folds == local.folds and remote.scores == local.scores  # float64: exact
    assert remote.oof_proba == local.oof_proba
    ((cluster, kwargs),) = started_clusters
    assert kwargs["n_workers"] == backends.machine_cores()  # one worker per core,
    assert kwargs["threads_per_worker"] == 1 and kwargs["processes"] is True  # single-threaded
    assert cluster.status.name == "closed" and cluster.scheduler_address.startswith(
        "tcp://127.0.0.1:")
    assert _new_children(before) == []  # no worker or nanny process left running


def test_local_cluster_names_its_dashboard_and_closes_on_interrupt(started_clusters):
    lines = []
    before = _children()
    with pytest.raises(KeyboardInterrupt):
        with parallel_backend("dask", log=lines.append) as client:
            workers = set(client.run(os.getpid).values())
            assert set(Parallel(n_jobs=1)(delayed(os.getpid)() for _ in range(4))) <= workers
            raise KeyboardInterrupt
    assert len(lines) == 1 and "dashboard http://127.0.0.1:" in lines[0], lines
    assert lines[0].startswith("Dask: local cluster of ")
    assert client.status == "closed" and started_clusters[0][0].status.name == "closed"
    assert _new_children(before) == []


def test_dask_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(KagglekitError, match=r"pip install 'kagglekit\[dask\]'"):
        with parallel_backend("dask", "tcp://127.0.0.1:8786"):
            pass
    with pytest.raises(KagglekitError, match=r"pip install 'kagglekit\[dask\]'"):
        with parallel_backend("dask"):  # the local cluster needs it too
            pass
    assert backends.DASK_INSTALL == "pip install 'kagglekit[dask]'"


def test_cli_evaluate_on_dask_prints_the_local_scores(cluster, capsys):
    argv = ["evaluate", "titanic-logreg", "--folds", "3", "--seed", "2", "--json"]
    assert main(argv) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*argv, "--backend", "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(capsys.readouterr().out) == {**local, "fit_seconds": ANY,
                                                   "predict_seconds": ANY}


@pytest.mark.parametrize("command", ["evaluate", "run"])
def test_cli_help_names_the_backends(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--backend {loky,dask}" in text and "--scheduler ADDRESS" in text
    assert "pip install 'kagglekit[dask]'" in text


def test_cli_backend_mistakes_are_one_line_errors(monkeypatch, capsys):
    monkeypatch.setattr(backends, "CONNECT_TIMEOUT_S", 1.0)
    closed = f"tcp://127.0.0.1:{_closed_port()}"
    cases = [(["--backend", "dask", "--scheduler", closed], "cannot reach the Dask scheduler"),
             (["--scheduler", closed], "--backend dask")]
    for extra, message in cases:
        assert main(["evaluate", "titanic-logreg", "--folds", "2", *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("kagglekit: error: ") and message in err
        assert len(err.strip().splitlines()) == 1, err
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["run", "--backend", "dask", "--scheduler", closed]) == 2
    assert "pip install 'kagglekit[dask]'" in capsys.readouterr().err


def test_search_on_dask_gives_the_local_table(cluster, titanic):
    from kagglekit.tuning.search import search_pipeline

    space = {"model__C": [0.1, 1.0], "model__class_weight": [None, "balanced"]}
    local = search_pipeline("titanic-logreg", titanic.X, titanic.y, space, method="grid",
                            trials=4, folds=3, seed=1)
    remote = search_pipeline("titanic-logreg", titanic.X, titanic.y, space, method="grid",
                             trials=4, folds=3, seed=1, backend="dask",
                             scheduler=cluster.scheduler_address)
    assert [(t.params, t.folds) for t in remote.trials] == \
        [(t.params, t.folds) for t in local.trials]
    assert remote.default.folds == local.default.folds
