"""The cluster backend of the fold runner (kagglekit.evaluation.remote.ClusterFolds) against a
scripted stand-in for a Dask client: collecting folds as they finish, the deadline and its
cancel, sending lost folds again, and mapping the cluster's failures to one line each."""

import numpy as np
import pytest

from kagglekit.errors import KagglekitError, OutOfTime
from kagglekit.evaluation import remote


class Clock:
    """Moves one second at each reading."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


class KilledWorker(Exception):
    pass


class Future:
    """Finishes when the clock reaches ``ready_at``: with ``outcome``, or raising it when it
    is an exception, or as a lost task (``outcome == "lost"``)."""

    def __init__(self, key, outcome, ready_at, clock):
        self.key, self.outcome, self.ready_at, self.clock = key, outcome, ready_at, clock

    def done(self):
        return self.clock.now >= self.ready_at

    @property
    def status(self):
        if not self.done():
            return "pending"
        return "lost" if self.outcome == "lost" else "finished"

    def result(self):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class Scheduler:
    address = "tcp://fake:8786"


class Client:
    """Each fold's tasks take ``script[fold]``'s next ``(seconds, outcome)``."""

    scheduler = Scheduler()

    def __init__(self, clock, script):
        self.clock, self.script, self.status = clock, script, "running"
        self.cancelled, self.sent, self.scattered = [], [], 0

    def wait_for_workers(self, n, timeout):
        pass

    def scatter(self, data, hash):
        self.scattered += 1
        return [Future("data", None, 0.0, self.clock) for _ in data]

    def submit(self, fn, *args, pure, key):
        fold = int(key.split("-fold")[1].split("-")[0]) - 1
        seconds, outcome = self.script[fold].pop(0)
        self.sent.append(fold)
        return Future(key, outcome, self.clock.now + seconds, self.clock)

    def cancel(self, futures):
        self.cancelled.extend(futures)


@pytest.fixture(autouse=True)
def no_wait(monkeypatch):
    monkeypatch.setattr(remote, "TICK_SECONDS", 0.0)


def _folds(script):
    clock = Clock()
    X, y = np.zeros((6, 2)), np.arange(6) % 2
    client = Client(clock, script)
    return remote.ClusterFolds(client, X, y, None, clock=clock), client


SPLITS = [(np.arange(3), np.arange(3, 6)), (np.arange(3, 6), np.arange(3))]


def test_folds_come_back_in_fold_order_as_they_finish():
    cluster, client = _folds({0: [(5, {"fold": 1})], 1: [(2, {"fold": 2})]})
    seen = []
    outcomes = cluster.run("lgbm", "pipeline", SPLITS, "binary", ("accuracy",),
                           on_fold=lambda done, total: seen.append((done, total)))
    assert outcomes == [{"fold": 1}, {"fold": 2}] and seen == [(1, 2), (2, 2)]
    assert "lgbm" not in cluster.sent  # collected: a later run sends again


def test_folds_sent_ahead_are_collected_not_sent_again():
    cluster, client = _folds({0: [(1, {"fold": 1})], 1: [(1, {"fold": 2})]})
    cluster.submit("hgb", "pipeline", SPLITS, "binary", ("accuracy",))
    assert cluster.run("hgb", "pipeline", SPLITS, "binary", ("accuracy",)) == [
        {"fold": 1}, {"fold": 2}]
    assert client.sent == [0, 1]


def test_past_the_deadline_the_rest_are_cancelled_and_the_done_counted():
    cluster, client = _folds({0: [(2, {"fold": 1})], 1: [(1000, {"fold": 2})]})
    with pytest.raises(OutOfTime, match="1 of 2 folds done on the cluster") as stopped:
        cluster.run("net", "pipeline", SPLITS, "binary", ("accuracy",), deadline=20.0)
    assert stopped.value.done == 1 and [f.outcome for f in client.cancelled] == [{"fold": 2}]
    assert client.clock.now > 20.0


def test_a_lost_fold_is_sent_again_with_its_data_and_not_forever():
    cluster, client = _folds({0: [(1, "lost"), (1, {"fold": 1})], 1: [(1, {"fold": 2})]})
    assert cluster.run("rf", "pipeline", SPLITS, "binary", ("accuracy",)) == [
        {"fold": 1}, {"fold": 2}]
    assert client.sent == [0, 1, 0]
    always_lost = {0: [(1, "lost")] * 20, 1: [(1, {"fold": 2})]}
    cluster, _ = _folds(always_lost)
    with pytest.raises(KagglekitError, match="keeps losing the folds of rf"):
        cluster.run("rf", "pipeline", SPLITS, "binary", ("accuracy",))


@pytest.mark.parametrize("error, message", [
    (KilledWorker("boom"), "killed every worker that ran it"),
    (OSError("connection reset"), "lost the Dask cluster at tcp://fake:8786 (connection reset)"),
])
def test_a_cluster_failure_is_one_line(error, message):
    cluster, _ = _folds({0: [(1, error)], 1: [(1, {"fold": 2})]})
    with pytest.raises(KagglekitError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cluster.run("lgbm", "pipeline", SPLITS, "binary", ("accuracy",))


def test_a_models_own_error_is_raised_as_it_was():
    cluster, _ = _folds({0: [(1, ValueError("bad input"))], 1: [(1, {"fold": 2})]})
    with pytest.raises(ValueError, match="bad input"):
        cluster.run("knn", "pipeline", SPLITS, "binary", ("accuracy",))


def test_a_scheduler_that_stops_answering_is_one_line():
    cluster, client = _folds({0: [(1000, {"fold": 1})], 1: [(1000, {"fold": 2})]})
    client.status = "closed"
    with pytest.raises(KagglekitError, match="no answer for 10 s"):
        cluster.run("lgbm", "pipeline", SPLITS, "binary", ("accuracy",))


def test_an_unpicklable_model_is_named_before_anything_is_sent():
    import threading

    pytest.importorskip("distributed")
    cluster, client = _folds({0: [], 1: []})
    with pytest.raises(KagglekitError, match="model 'locked' cannot be sent to the Dask"):
        cluster.run("locked", threading.Lock(), SPLITS, "binary", ("accuracy",))
    assert client.sent == []
