"""Where joblib runs cross-validation folds and search trials: local worker processes (loky)
or the workers of a Dask cluster (dask.distributed's joblib backend): the cluster whose
scheduler address is given, or, as ``distributed.Client()`` does without an address, a local
cluster started for the job and closed when it ends.

TensorFlow is never forked: loky starts fresh Python processes, and Dask workers are their
own processes (spawned by ``dask worker`` or a ``LocalCluster``). Neither imports Dask here
unless the Dask backend is asked for.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import logging
import os
from collections.abc import Callable

from kagglekit.errors import KagglekitError

BACKENDS = ("loky", "dask")
"""The backends :func:`parallel_backend` accepts."""
CONNECT_TIMEOUT_S = 10.0
"""Seconds to wait for the Dask scheduler to answer (and for a first worker) before giving up."""
DASK_INSTALL = "pip install 'kagglekit[dask]'"

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def parallel_backend(backend: str = "loky", scheduler: str | None = None, *,
                     timeout: float | None = None, log: Callable[[str], object] | None = None):
    """Run the joblib ``Parallel`` calls inside the ``with`` block on ``backend``.

    Parameters
    ----------
    backend : {"loky", "dask"}, default="loky"
        ``"loky"``: joblib's own local worker processes (what ``n_jobs`` counts; an enclosing
        ``joblib.parallel_config`` is left in force). ``"dask"``: the workers of the Dask
        cluster whose scheduler is at ``scheduler``; there the cluster's worker threads, not
        ``n_jobs``, decide how many run at once.
    scheduler : str, optional
        The Dask scheduler's address, e.g. ``"tcp://10.0.0.5:8786"`` (only with ``"dask"``).
        Without one, ``"dask"`` starts a local cluster (see :func:`local_cluster`) for the
        block and closes it when the block ends.
    timeout : float, optional
        Seconds to wait for the scheduler and for a first worker (default
        :data:`CONNECT_TIMEOUT_S`).
    log : callable, optional
        Called with one line naming a local cluster's dashboard (also logged at INFO level
        on this module's logger); nothing is printed otherwise.

    Yields
    ------
    distributed.Client or None
        The connected client with ``"dask"`` (closed when the block ends, with the local
        cluster if one was started), else None.

    Raises
    ------
    KagglekitError
        An unknown backend, a scheduler without ``"dask"``, Dask not installed, or a
        scheduler that cannot be reached or has no workers.

    Examples
    --------
    >>> from joblib import Parallel, delayed
    >>> with parallel_backend("loky"):
    ...     Parallel(n_jobs=2)(delayed(abs)(x) for x in (-1, -2))
    [1, 2]
    """
    check_backend(backend, scheduler)
    if backend == "loky":
        yield None
        return
    from joblib import parallel_config

    with contextlib.ExitStack() as stack:
        if scheduler:
            client = connect(scheduler, timeout=timeout)
            stack.callback(client.close)
        else:
            client = stack.enter_context(local_cluster(log=log))
        with parallel_config(backend=_cluster_backend(client)):
            yield client


def machine_cores() -> int:
    """The CPU cores this process may use (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


@contextlib.contextmanager
def local_cluster(n_workers: int | None = None, *, log: Callable[[str], object] | None = None):
    """A Dask cluster on this machine for the ``with`` block, and a client connected to it.

    What ``distributed.Client()`` without an address does, made explicit: a
    ``distributed.LocalCluster`` listening on 127.0.0.1 only, one single-threaded worker
    process per core (TensorFlow is never forked: the workers are spawned), its dashboard on
    a free port. Client and cluster are closed when the block ends, also on an error or
    Ctrl-C, so no worker process is left running.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes (default: :func:`machine_cores`).
    log : callable, optional
        Called with one line: the cluster's size, scheduler and dashboard address (the line
        is also logged at INFO level on this module's logger).

    Yields
    ------
    distributed.Client
        Connected to the local cluster (``client.cluster``); not Dask's default client.
    """
    check_backend("dask")
    import distributed

    n_workers = machine_cores() if n_workers is None else n_workers
    with contextlib.ExitStack() as stack:
        try:
            cluster = distributed.LocalCluster(
                host="127.0.0.1", n_workers=n_workers, threads_per_worker=1, processes=True,
                dashboard_address="127.0.0.1:0")
        except (OSError, TimeoutError, RuntimeError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() \
                else type(exc).__name__
            raise KagglekitError(f"cannot start a local Dask cluster ({reason}); give a "
                                 "running one with --scheduler tcp://HOST:8786") from None
        stack.callback(cluster.close)
        client = distributed.Client(cluster, set_as_default=False)
        stack.callback(client.close)  # closed first, then the cluster
        line = (f"Dask: local cluster of {n_workers} worker process(es) at "
                f"{cluster.scheduler_address}, dashboard {cluster.dashboard_link}")
        if importlib.util.find_spec("bokeh") is None:
            line += " (pip install bokeh to see it)"
        logger.info(line)
        if log is not None:
            log(line)
        yield client


def check_backend(backend: str, scheduler: str | None = None) -> None:
    """Raise a :class:`~kagglekit.errors.KagglekitError` for a backend choice that cannot work
    (unknown name, an address without Dask, Dask not installed), without connecting to
    anything. Dask without an address is fine: it means a local cluster."""
    if backend not in BACKENDS:
        raise KagglekitError(f"unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if backend == "loky":
        if scheduler:
            raise KagglekitError(f"a scheduler ({scheduler}) is for the Dask backend: add "
                                 "--backend dask (backend='dask')")
        return
    if importlib.util.find_spec("distributed") is None:
        raise KagglekitError(f"the Dask backend needs dask.distributed: {DASK_INSTALL}")


def connect(scheduler: str | None, *, timeout: float | None = None):
    """A ``distributed.Client`` connected to ``scheduler`` with at least one worker.

    Parameters
    ----------
    scheduler : str
        The scheduler's address (``tcp://HOST:8786``).
    timeout : float, optional
        Seconds to wait for the scheduler, then again for a worker (default
        :data:`CONNECT_TIMEOUT_S`).

    Returns
    -------
    distributed.Client
        Not set as Dask's default client; close it when done.

    Raises
    ------
    KagglekitError
        Dask is not installed, no address was given, or the scheduler does not answer or has
        no worker within ``timeout``.
    """
    if not scheduler:
        raise KagglekitError("connect() needs the Dask scheduler's address (tcp://HOST:8786); "
                             "local_cluster() starts one on this machine")
    check_backend("dask", scheduler)
    import distributed

    timeout = CONNECT_TIMEOUT_S if timeout is None else timeout
    try:
        client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KagglekitError(f"cannot reach the Dask scheduler at {scheduler} within "
                             f"{timeout:g} s ({reason}); check the address and that "
                             "`dask scheduler` runs there") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise KagglekitError(f"the Dask scheduler at {scheduler} has no workers: start one "
                             f"with `dask worker {scheduler}` where kagglekit is installed") \
            from None
    missing = [worker for worker, version in
               client.run(importlib.metadata.version, "kagglekit", on_error="return").items()
               if not isinstance(version, str)]
    if missing:
        client.close()
        raise KagglekitError(f"kagglekit is not installed on the Dask worker(s) "
                             f"{', '.join(sorted(missing))}: install it (same version as "
                             "here) where each worker runs")
    return client


def _cluster_backend(client):
    """dask.distributed's joblib backend on ``client``, always sending the work out."""
    from kagglekit._compat import dask_backend_class

    class ClusterBackend(dask_backend_class()):
        def effective_n_jobs(self, n_jobs):
            # joblib runs a call in the calling process when this is 1; a cluster of one
            # single-threaded worker (e.g. one GPU machine) must still get the folds.
            return max(super().effective_n_jobs(n_jobs), 2)

    return ClusterBackend(client=client)
