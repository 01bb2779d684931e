"""Many tasks at once on Dask: an embedded local cluster, or a cluster by address.

Dask (dask.distributed) schedules the tasks, retries one whose worker died (up to the
scheduler's ``allowed-failures``) and runs on one machine or on many alike. This is the
only module that imports it, and only when a command runs tasks on it, so that
``mstrack track`` and the app start no slower.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

CONNECT_SECONDS = 10
PRE_SPAWN_ENV = "distributed.nanny.pre-spawn-environ"


@dataclass
class Outcome:
    """How one task ended: its ``value``, or the ``error`` it raised (or why it never
    ran); both None for a task cancelled before it ended."""

    value: Any = None
    error: BaseException | None = None


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None):
    """A ``distributed.Client``: on `scheduler` (``tcp://HOST:PORT``) if given, else on a
    local cluster of `workers` single-threaded worker processes (default: one per core).
    Closed, with the local cluster, on leaving the block.

    Raises
    ------
    InputError
        The scheduler cannot be reached in `CONNECT_SECONDS`.
    """
    import dask
    from distributed import Client, LocalCluster

    _quiet_logs()
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as e:
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise InputError(f"cannot reach the Dask scheduler at {scheduler!r}: {reason}") from None
        cluster = None
    else:
        config = {
            # One task per thread at a time: the rest wait at the scheduler, in priority
            # order, for the first worker free (not in a queue of a worker that may be slower).
            "distributed.scheduler.worker-saturation": 1.0,
            # Dask gives its worker processes MALLOC_TRIM_THRESHOLD_=65536, which stops glibc
            # from keeping freed frame-sized buffers for reuse: every frame's arrays become
            # fresh pages, and tasks take 25-40 % longer. (BLAS keeps Dask's one thread.)
            f"{PRE_SPAWN_ENV}.MALLOC_TRIM_THRESHOLD_": None,
        }
        with dask.config.set(config), _sigint_ignored():   # Ctrl+C is the client's to handle
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=":0",   # a free port
                                   scheduler_kwargs={"dashboard": _has_dashboard()},
                                   silence_logs=logging.CRITICAL)
        client = Client(cluster)
    try:
        # Every worker, those there now and those that join later, one thread for
        # OpenCV and numba: N workers use N cores (a worker started by hand too).
        try:
            client.register_plugin(_one_thread_plugin(), name="meanshift-tracker-one-thread")
        except Exception as e:  # noqa: BLE001 - whatever a worker raised, say it in one line
            raise InputError(f"the Dask workers cannot run this package's tasks ({type(e).__name__}: "
                             f"{str(e).strip()[:200]}): install meanshift-tracker on every worker") from None
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)


def dashboard_address(client) -> str | None:
    """The Dask dashboard's address, if the scheduler serves one (it needs bokeh there)."""
    try:
        if "dashboard" in client.scheduler_info().get("services", {}) \
                and client.run_on_scheduler(_has_dashboard):
            return client.dashboard_link
    except Exception:  # noqa: BLE001 - a link is a nicety
        pass
    return None


def cluster_size(client) -> tuple[int, int]:
    """(workers, threads over them) now: the threads are the tasks that can run at once."""
    try:
        workers = client.scheduler_info()["workers"].values()
        return len(workers), sum(w.get("nthreads", 1) for w in workers)
    except Exception:  # noqa: BLE001 - for a progress bar: a scheduler gone says so elsewhere
        return 0, 0


def run_tasks(client, function, items, *args, priorities=None, stop=None, on_done=None,
              on_wait=None, poll: float = 0.1) -> list[Outcome | None]:
    """``function(item, *args)`` for each item as a task; the outcomes in the items' order.

    Parameters
    ----------
    priorities : sequence of int, optional
        Higher first (say, the longest videos first, so that none is left alone at the end).
    stop : object, optional
        Checked between polls: once true, the tasks not yet ended are cancelled and their
        outcome is None.
    on_done : callable, optional
        ``on_done(index, outcome)`` as each task ends, in the order they end.
    on_wait : callable, optional
        Called at every poll that found nothing new (for a progress bar).
    """
    from distributed import as_completed

    futures = [client.submit(function, item, *args, pure=False,
                             priority=priorities[i] if priorities is not None else 0)
               for i, item in enumerate(items)]
    index = {future.key: i for i, future in enumerate(futures)}
    outcomes: list[Outcome | None] = [None] * len(futures)
    left = len(futures)
    ended = as_completed(futures)

    def report(ready):
        nonlocal left
        for future in ready:
            i = index[future.key]
            outcome = _outcome(future)
            if outcome is None:      # its result went with its worker: it runs again
                ended.add(future)
                continue
            outcomes[i] = outcome
            left -= 1
            if on_done is not None:
                on_done(i, outcomes[i])

    try:
        while left and not stop:
            ready = ended.next_batch(block=False)
            if ready:
                report(ready)
                continue
            if on_wait is not None:
                on_wait()
            time.sleep(poll)
        if left:                    # stopped: what ended meanwhile still counts
            report([f for f in futures if f.done() and outcomes[index[f.key]] is None])
    finally:
        if left:
            client.cancel([f for f in futures if not f.done()])
    return outcomes


def _outcome(future) -> Outcome | None:
    """How `future` ended; None if it has not after all: it finished on a worker that died
    before its result was fetched, and the scheduler runs it again."""
    if future.status == "finished":
        try:
            return Outcome(value=future.result())
        except Exception as error:  # noqa: BLE001 - whatever it was, it is this task's
            return None if future.status in ("lost", "pending") else Outcome(error=error)
    if future.status == "error":
        error = future.exception()
        if type(error).__name__ == "KilledWorker":
            error = RuntimeError("the worker running it died, each time it was tried (killed, "
                                 "or out of memory)")
        return Outcome(error=error)
    if future.status in ("lost", "pending"):
        return None
    return Outcome(error=RuntimeError("cancelled on the Dask cluster (was the scheduler restarted?)"))


def _one_thread_plugin():
    from distributed import WorkerPlugin

    class OneThread(WorkerPlugin):
        def setup(self, worker):
            from tracker.app.batch import one_thread

            one_thread()

    return OneThread()


def _has_dashboard() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _quiet_logs() -> None:
    """distributed logs every worker start, stop and lost connection, and the races of a
    cluster shutting down (a heartbeat to a scheduler just closed) as errors with their
    tracebacks: noise to someone tracking videos, who is told per task what matters."""
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextlib.contextmanager
def _sigint_ignored():
    """Worker processes started here inherit an ignored SIGINT: Ctrl+C in the terminal
    reaches every process of the group, and only the client should decide what it means
    (cancel what is pending, keep what is finished)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:                 # not the main thread: nothing to protect
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
