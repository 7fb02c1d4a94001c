"""Where joblib runs cross-validation folds and search trials: local worker processes (loky)
or the workers of a Dask cluster (dask.distributed's joblib backend).

TensorFlow is never forked: loky starts fresh Python processes, and Dask workers are their
own processes (spawned by ``dask worker`` or a ``LocalCluster``). Neither imports Dask here
unless the Dask backend is asked for.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util

from kagglekit.errors import KagglekitError

BACKENDS = ("loky", "dask")
"""The backends :func:`parallel_backend` accepts."""
CONNECT_TIMEOUT_S = 10.0
"""Seconds to wait for the Dask scheduler to answer (and for a first worker) before giving up."""
DASK_INSTALL = "pip install 'kagglekit[dask]'"


@contextlib.contextmanager
def parallel_backend(backend: str = "loky", scheduler: str | None = None, *,
                     timeout: float | None = None):
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
    timeout : float, optional
        Seconds to wait for the scheduler and for a first worker (default
        :data:`CONNECT_TIMEOUT_S`).

    Yields
    ------
    distributed.Client or None
        The connected client with ``"dask"`` (closed when the block ends), else None.

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

    client = connect(scheduler, timeout=timeout)
    try:
        with parallel_config(backend=_cluster_backend(client)):
            yield client
    finally:
        client.close()


def check_backend(backend: str, scheduler: str | None = None) -> None:
    """Raise a :class:`~kagglekit.errors.KagglekitError` for a backend choice that cannot work
    (unknown name, an address without Dask, Dask without an address or not installed),
    without connecting to anything."""
    if backend not in BACKENDS:
        raise KagglekitError(f"unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if backend == "loky":
        if scheduler:
            raise KagglekitError(f"a scheduler ({scheduler}) is for the Dask backend: add "
                                 "--backend dask (backend='dask')")
        return
    if not scheduler:
        raise KagglekitError("the Dask backend needs the scheduler's address: --scheduler "
                             "tcp://HOST:8786 (start one with `dask scheduler`)")
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
    from joblib._dask import DaskDistributedBackend  # joblib's Dask backend class

    class ClusterBackend(DaskDistributedBackend):
        def effective_n_jobs(self, n_jobs):
            # joblib runs a call in the calling process when this is 1; a cluster of one
            # single-threaded worker (e.g. one GPU machine) must still get the folds.
            return max(super().effective_n_jobs(n_jobs), 2)

    return ClusterBackend(client=client)
