"""A competition run's (model, fold) fits on a Dask cluster.

The training rows, their target and the test rows are scattered to the cluster once per run
(then copied between workers, not sent again by this machine); each fold of each model is a
task that reads them there, fits through the engine's one per-fold worker
(:func:`~kagglekit.evaluation.engine.fit_fold`) and returns the fold's outcome with the
worker that ran it. Outcomes come back as they finish. A worker that dies takes its tasks
with it and Dask runs them again on another worker; when it also held the last copy of the
data (Dask keeps no spare copies of scattered data), the data is sent again and so are the
folds that needed it. The fold's
result is the same: every fold's model is a clone of the same seeded pipeline. When the
cluster has had no worker for :data:`LOST_AFTER` seconds, or the scheduler is gone, the run
stops with one line (nothing has been written yet).

:class:`ClusterFolds` is a backend of the engine's one fold runner,
:func:`~kagglekit.evaluation.engine.run_folds` (``cluster=``), with the engine's deadline rule.

On a worker, the fit uses the threads that worker has (``dask worker --nthreads``): the
OpenMP and BLAS pools, a GBDT's ``n_jobs`` and TensorFlow's thread pools are set to them.
"""

from __future__ import annotations

import contextlib
import functools
import time
import uuid
from dataclasses import dataclass, field

from kagglekit.errors import KagglekitError, OutOfTime

LOST_AFTER = 10.0
"""Seconds without any worker after which a run stops: the cluster is lost."""
MAX_RESENDS = 3
"""How many times, on average per fold, a model's lost folds are sent again."""
TICK_SECONDS = 0.02
"""How often the waiting client looks at its tasks (local state: no message)."""


@contextlib.contextmanager
def cluster_folds(backend: str, scheduler: str | None, X, y, X_test, *,
                  clock=time.perf_counter):
    """For ``backend="dask"``: a :class:`ClusterFolds` on the cluster at ``scheduler`` (a
    local one without it), its data scattered, for the ``with`` block; else None (the folds
    run here)."""
    if backend != "dask":
        yield None
        return
    from kagglekit.parallel import parallel_backend

    with parallel_backend("dask", scheduler) as client:
        folds = ClusterFolds(client, X, y, X_test, clock=clock)
        try:
            yield folds
        finally:
            folds.close()


class ClusterFolds:
    """The cluster side of one competition run: the data, scattered once, and the tasks.

    Parameters
    ----------
    client : distributed.Client
        Connected to the cluster (see :func:`kagglekit.parallel.parallel_backend`).
    X, y, X_test
        The training features, the target and the test rows, as the engine takes them.
    clock : callable, default=time.perf_counter
        The run's clock (deadlines are its values).
    """

    def __init__(self, client, X, y, X_test, *, clock=time.perf_counter):
        self.client = client
        self.clock = clock
        self.address = getattr(client.scheduler, "address", "the scheduler")
        self._local = (X, y, X_test)
        self.sent: dict[str, Sent] = {}
        self._scatter()

    def _scatter(self) -> None:
        """Send the data to the cluster (again only when a lost worker held its last copy:
        Dask does not keep spare copies of scattered data)."""
        self._wait_for_a_worker()
        try:
            self.data = self.client.scatter(list(self._local), hash=False)
        except (OSError, TimeoutError) as exc:
            raise _lost(self.address, exc) from None

    def _wait_for_a_worker(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=LOST_AFTER)
        except TimeoutError:
            raise KagglekitError(f"the Dask cluster at {self.address} has had no worker for "
                                 f"{LOST_AFTER:g} s; nothing was written: start workers (dask "
                                 "worker ADDRESS) and run again") from None
        except OSError as exc:
            raise _lost(self.address, exc) from None

    def run(self, model: str, pipeline, splits, task: str, metrics, *,
            deadline: float | None = None, on_fold=None, keep=None) -> list[dict]:
        """The outcomes of ``model``'s folds (sent now, unless :meth:`submit` sent them
        already): what :func:`~kagglekit.evaluation.engine.run_folds` returns."""
        if model not in self.sent:
            self.submit(model, pipeline, splits, task, metrics, keep=keep)
        return self.gather(self.sent.pop(model), deadline=deadline, on_fold=on_fold)

    def submit(self, model: str, pipeline, splits, task: str, metrics, *, keep=None) -> Sent:
        """One task per fold of ``pipeline`` (a seeded, unfitted pipeline), sent now and
        kept under ``model`` for :meth:`run`. A pipeline that cannot be pickled is a one-line
        error naming ``model``. ``keep(fitted pipeline, fold)`` runs on the worker (a run
        folder must then be on a file system the workers share)."""
        from distributed.protocol.pickle import dumps

        try:
            dumps(pipeline)
        except Exception as exc:  # noqa: BLE001  pickling raises anything a member raises
            raise KagglekitError(f"model {model!r} cannot be sent to the Dask workers "
                                 f"({type(exc).__name__}: {str(exc).splitlines()[0]}); define "
                                 "it in an importable module, or run without --backend dask"
                                 ) from None
        sent = Sent(model, pipeline, list(splits), task, tuple(metrics or ()), keep)
        sent.futures = [self._send(sent, i) for i in range(len(sent.splits))]
        self.sent[model] = sent
        return sent

    def _send(self, sent: Sent, i: int):
        X, y, X_test = self.data
        train, held = sent.splits[i]
        keep = None if sent.keep is None else functools.partial(sent.keep, fold=i)
        return self.client.submit(remote_fold, sent.pipeline, X, y, X_test, train, held,
                                  sent.task, sent.metrics, i == 0, keep, pure=False,
                                  key=f"{sent.model}-fold{i + 1}-{uuid.uuid4().hex[:8]}")

    def gather(self, sent: Sent, *, deadline: float | None = None,
               on_fold=None) -> list[dict]:
        """The outcomes of ``sent``'s folds in fold order, collected as they finish
        (``on_fold(done, total)`` after each). A fold whose data was lost with a worker is
        sent again (the data too, when no worker has it). When the engine's deadline rule
        (:func:`~kagglekit.evaluation.engine.out_of_time`; the folds are already running)
        says so, the rest are cancelled and :class:`OutOfTime` says how many were done."""
        from kagglekit.evaluation.engine import out_of_time

        outcomes: dict[int, dict] = {}
        total, cut_off = len(sent.futures), None
        while len(outcomes) < total:
            time.sleep(TICK_SECONDS)
            if self.client.status != "running":  # the scheduler is gone (or reconnecting)
                cut_off = cut_off or self.clock()
                if self.clock() - cut_off > LOST_AFTER:
                    raise _lost(self.address, f"no answer for {LOST_AFTER:g} s")
                continue
            cut_off = None
            for i, future in enumerate(sent.futures):
                if i in outcomes or not future.done():
                    continue
                outcome = self._result(future)
                if outcome is None:  # its data went with a worker
                    self._resend(sent, i)
                    continue
                outcomes[i] = outcome
                if on_fold is not None:
                    on_fold(len(outcomes), total)
            if len(outcomes) < total and out_of_time(deadline, self.clock()):
                self.client.cancel([f for i, f in enumerate(sent.futures) if i not in outcomes])
                raise OutOfTime(f"{len(outcomes)} of {total} folds done on the cluster when "
                                "the time limit ran out", done=len(outcomes))
        return [outcomes[i] for i in range(total)]

    def _resend(self, sent: Sent, i: int) -> None:
        sent.resent += 1
        if sent.resent > MAX_RESENDS * len(sent.splits):
            raise KagglekitError(f"the Dask cluster at {self.address} keeps losing the folds "
                                 f"of {sent.model}; check its workers and run again")
        if any(f.status != "finished" for f in self.data):
            self._scatter()
        sent.futures[i] = self._send(sent, i)

    def _result(self, future):
        """The fold's outcome; None when the task was lost with its data (send it again); a
        task's own error is raised as it was."""
        if future.status in ("cancelled", "lost"):
            return None
        try:
            return future.result()
        except (OSError, TimeoutError) as exc:
            raise _lost(self.address, exc) from None
        except Exception as exc:
            name = type(exc).__name__
            if name in ("CancelledError", "FutureCancelledError"):
                return None
            if name == "CommClosedError":
                raise _lost(self.address, exc) from None
            if name == "KilledWorker":
                raise KagglekitError(f"the Dask task {future.key} killed every worker that ran "
                                     "it (out of memory?); give the workers more memory "
                                     "(dask worker --memory-limit) or run without --backend "
                                     "dask") from None
            raise

    def close(self) -> None:
        """Drop the scattered data from the cluster."""
        with contextlib.suppress(Exception):  # a lost cluster has nothing left to drop
            self.client.cancel(self.data)


@dataclass
class Sent:
    """One model's folds on the cluster: what each task needs to be sent again."""

    model: str
    pipeline: object = field(repr=False)
    splits: list = field(repr=False)
    task: str
    metrics: tuple
    keep: object = field(default=None, repr=False)
    futures: list = field(default_factory=list, repr=False)
    resent: int = 0


def remote_fold(pipeline, X, y, X_test, train, held, task, metrics, summary, keep=None):
    """One fold on a worker, with the worker's threads: the engine's outcome plus
    ``where`` (the worker's address)."""
    from threadpoolctl import threadpool_limits

    from kagglekit.evaluation.engine import fit_fold

    threads, where = _worker_threads()
    use_threads(pipeline, threads)
    with threadpool_limits(limits=threads):
        outcome = fit_fold(pipeline, X, y, train, held, task, list(metrics) or None,
                           summary=summary, X_test=X_test, keep=keep)
    outcome["where"] = where
    return outcome


def _worker_threads() -> tuple[int, str]:
    from distributed import get_worker

    worker = get_worker()
    return max(int(worker.state.nthreads), 1), str(worker.address)


def use_threads(pipeline, threads: int) -> None:
    """Set the threads a pipeline's model may use: a final model's ``n_jobs`` where it asks
    for every core (``-1``: LightGBM, CatBoost) and, before TensorFlow first runs in the
    process, its thread pools."""
    from kagglekit.pipelines.params import final_estimator

    model = final_estimator(pipeline, template=True)
    if model.get_params(deep=False).get("n_jobs") == -1:  # "all cores": the worker's threads
        model.set_params(n_jobs=threads)
    import sys

    if "tensorflow" in sys.modules:  # a Keras model: unpickling the pipeline imported it
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # TensorFlow has run in this worker process already
            pass


def _lost(address: str, exc) -> KagglekitError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return KagglekitError(f"lost the Dask cluster at {address} ({reason}); nothing was "
                          "written: check the scheduler and run again")
