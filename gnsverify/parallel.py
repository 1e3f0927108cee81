"""Independent tasks on every core, or on a dask cluster.

A campaign's cases are independent: each task is ``verify(case)`` with the campaign's
``eps``, budget and seed, and each returns a :class:`gnsverify.pipeline.CaseReport`
whose ``case`` is replaced by its :class:`gnsverify.portable.CaseInfo` (what the report needs of it:
name, description, Hessian rule, summary), so that it can travel between processes
and be stored. The verdicts do not depend on where a task ran: every task is seeded
by the campaign, runs with one BLAS thread, and its result is put back at its place
in the campaign's order.

Every executor returns the reports made portable (so a campaign's reports have the same
types whatever ``jobs`` or scheduler). Executors (:func:`run_tasks`):

* ``workers == 1``: in this process, in order;
* ``workers > 1``: a pool of forked worker processes (POSIX; they inherit the loaded
  compiled code, so nothing is recompiled or reloaded). The cases are handed over by
  their index into the list inherited at the fork, never pickled, so cases built from
  closures or user callables work too. Progress events of the workers reach the
  caller's ``progress`` through a queue. Tasks are submitted largest problem first
  (dimension ``n``), which keeps the slowest case from starting last;
* ``scheduler`` (``host:port`` of a ``dask.distributed`` scheduler, or a
  ``distributed.Client``): the cases are sent to the cluster's workers (pickled by
  dask with cloudpickle; the workers need gnsverify installed). Progress is reported
  per finished task.
"""
from __future__ import annotations

import multiprocessing
import os
import queue as queue_mod
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from gnsverify.portable import CaseInfo, portable  # noqa: F401  (CaseInfo: re-exported)


@dataclass
class Extra:
    """An independent task run beside a campaign's cases, by the same executor:
    ``fn(*args, **kwargs)`` (``fn`` a module-level function, so that it pickles); the
    campaign puts its return value in :attr:`result`. Extras are submitted after the
    cases and are never stored."""

    label: str
    fn: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    result: Any = None
    #: ``{"wall_s", "compile_s"}`` of the run (set by the campaign with :attr:`result`)
    timing: dict | None = None

    def run(self):
        return self.fn(*self.args, **self.kwargs)

    def timed_run(self) -> "Timed":
        """:meth:`run` with its wall and compile seconds, where it ran."""
        from gnsverify.pipeline import StageClock
        clock = StageClock()
        clock.start("run")
        value = self.run()
        return Timed(value, clock.stop()["run"])


@dataclass
class Timed:
    """An extra's return value with its ``{"wall_s", "compile_s"}``."""

    value: Any
    timing: dict


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# state inherited by forked workers (set just before the pool forks)
_FORKED: dict[str, Any] = {}


def _worker_init():
    """A forked worker leaves interrupts to its parent: SIGINT (a terminal's Ctrl-C
    reaches the whole process group) is ignored, and SIGTERM, which the parent sends to
    stop it, kills it at once (the default action) instead of running the handler it
    inherited, which would wait until a long compiled call or a numba compilation
    returns to the interpreter. The parent writes every output; a worker has nothing
    to clean up."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def warming(fn: Callable, enabled: bool = True):
    """Run ``fn()`` in a process forked beside this one, for work whose only product is
    on disk (numba's cache: a kernel compiled there is loaded, not compiled, by every
    process that needs it later). Yields the process (join it before forking workers
    that should find the cache warm), or ``None`` when not ``enabled`` or where fork is
    not available; on the way out (an interrupt, an error, a caller that did not wait)
    a process still running is stopped. A failure of ``fn`` only costs the time: the
    process exits with code 1 and whoever needs the kernel compiles it as before."""
    proc = None
    if enabled and "fork" in multiprocessing.get_all_start_methods():
        proc = multiprocessing.get_context("fork").Process(target=_warm_main, args=(fn,),
                                                           daemon=True)
        proc.start()
    try:
        yield proc
    finally:
        if proc is not None and proc.is_alive():
            proc.terminate()
            proc.join()


def _warm_main(fn):
    _worker_init()
    from gnsverify.threads import single_threaded_blas
    try:
        with single_threaded_blas():
            fn()
    except Exception:
        os._exit(1)


def _run_one(i: int):
    """Worker side: task ``i`` of the inherited list, with progress to the queue."""
    from gnsverify.threads import single_threaded_blas
    fn, items, q = _FORKED["fn"], _FORKED["items"], _FORKED["queue"]

    def progress(ev):
        try:
            q.put((i, ev))
        except Exception:  # pragma: no cover - progress is best effort
            pass
    with single_threaded_blas():
        return i, portable(fn(items[i], progress))


def _dask_one(fn, item):
    from gnsverify.threads import single_threaded_blas
    with single_threaded_blas():
        return portable(fn(item, None))


def run_tasks(fn: Callable, items: list, *, workers: int = 1, scheduler=None,
              progress: Callable[[int, dict], Any] | None = None,
              done: Callable[[int, Any], Any] | None = None, size=None) -> list:
    """``[fn(item, progress_of_item) for item in items]`` (see the module docstring).

    ``progress(i, event)`` receives the events of task ``i``; ``done(i, result)`` is
    called in this process as each task finishes (to store it at once). ``size(item)``
    orders the submission of the parallel executors (largest first).
    """
    n = len(items)
    out: list = [None] * n
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}.")
    order = sorted(range(n), key=lambda i: -(size(items[i]) if size else 0))
    if scheduler is not None:
        return _run_dask(fn, items, order, scheduler, out, done)
    fork = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or n <= 1 or not fork:
        for i in range(n):   # portable here too: the same report types whatever the executor
            out[i] = portable(fn(items[i], (lambda ev, i=i: progress(i, ev)) if progress else None))
            if done:
                done(i, out[i])
        return out
    ctx = multiprocessing.get_context("fork")
    q = ctx.SimpleQueue()
    _FORKED.update(fn=fn, items=items, queue=q)
    stop = threading.Event()

    def drain():
        while not stop.is_set() or not q.empty():
            try:
                if q.empty():
                    stop.wait(0.05)
                    continue
                i, ev = q.get()
            except (EOFError, OSError, queue_mod.Empty):  # pragma: no cover
                return
            if progress:
                progress(i, ev)
    reader = threading.Thread(target=drain, daemon=True)
    pool = ProcessPoolExecutor(max_workers=min(workers, n), mp_context=ctx,
                               initializer=_worker_init)
    try:
        futures = [pool.submit(_run_one, i) for i in order]
        # the workers are forked as tasks are submitted: start the reader thread only now,
        # so that no fork happens while it holds a lock (stderr, the queue)
        reader.start()
        for fut in as_completed(futures):
            i, rep = fut.result()
            out[i] = rep
            if done:
                done(i, rep)
        pool.shutdown(wait=True)
    except BaseException:
        # an interrupt (Ctrl-C, SIGTERM) or a failed task: stop the workers now rather
        # than wait for their running tasks (a case can take tens of seconds)
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        stop.set()
        if reader.is_alive():
            reader.join(timeout=5)
        _FORKED.clear()
    return out


def _remote(fn, case):
    """What travels to a dask worker for ``case``: ``("catalog", name, key)`` for a
    catalog case (rebuilt there, checked against ``key``), else the case itself."""
    name = getattr(case, "catalog_name", None)
    if name is None or not hasattr(fn, "seed"):
        return case
    from gnsverify.store import task_key
    return ("catalog", name, task_key(case, seed=fn.seed, budget=fn.budget, eps=fn.eps))


def _run_dask(fn, items, order, scheduler, out, done):
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise ValueError("--scheduler needs dask.distributed: pip install 'gnsverify[cluster]' "
                         "(or dask[distributed]).") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        # a catalog case travels as its name and is rebuilt by the worker; any other
        # case is pickled by dask (cloudpickle), which needs it to be picklable
        payload = [_remote(fn, c) for c in items]
        futures = {client.submit(_dask_one, fn, payload[i], pure=False): i for i in order}
        for fut in dask_completed(list(futures)):
            i = futures[fut]
            out[i] = fut.result()
            if done:
                done(i, out[i])
    finally:
        if client is not scheduler:
            client.close()
    return out
