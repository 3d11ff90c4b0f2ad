"""Parse + check of fetched messages, here or in a process pool (Preparer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..store.rows import Prepared, prepare_batch
from ..types import CheckContext
from . import limits

# --- parse + check, here or in a process pool ---------------------------------------------------------


#: A handle on a submitted batch: call it for the batch's Prepared list (in order).
_Result = Callable[[], list[Prepared]]

_WORKER: dict[str, Any] = {}


def _pool_init(folder: str, ctx: CheckContext) -> None:
    """Pool worker start-up: keep the folder name and the check context; leave Ctrl-C to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["folder"], _WORKER["ctx"] = folder, ctx


def _pool_prepare(items: list[tuple[int | None, bytes]]) -> list[Prepared]:
    """Pool task: ``prepare_batch`` the (uid, raw) pairs with the worker's folder and context."""
    return prepare_batch(_WORKER["folder"], items, _WORKER["ctx"])


def pool_size(count: int) -> int:
    """Worker processes for ``count`` new messages: 0 (parse here) below POOL_MIN or on one CPU, else the
    CPUs this process may use, at most MAX_WORKERS."""
    import os

    if count < limits.POOL_MIN:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return 0 if cpus < 2 else min(cpus, limits.MAX_WORKERS)


class _Preparer:
    """Runs ``prepare`` on fetched batches: in this process (``workers`` 0) or in a process pool.

    The pool forks when this is the only thread (cheap: the modules are loaded already) and spawns fresh
    interpreters otherwise (the TUI syncs in a worker thread; forking a threaded process can deadlock).
    A broken pool (a worker died) is not fatal: that batch and the rest are prepared here.
    """

    def __init__(self, folder: str, ctx: CheckContext, workers: int) -> None:
        self.folder = folder
        self.ctx = ctx
        self.workers = workers
        self.pool: Any = None
        if workers:
            import multiprocessing
            import threading
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() \
                else "spawn"
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                            initializer=_pool_init, initargs=(folder, ctx))

    @property
    def parallel(self) -> bool:
        """True while a pool does the work (results arrive later)."""
        return self.pool is not None

    def _here(self, items: Sequence[tuple[int | None, bytes]]) -> list[Prepared]:
        return prepare_batch(self.folder, items, self.ctx)

    def submit(self, items: Sequence[tuple[int | None, bytes]]) -> _Result:
        """Start preparing ``items`` ((uid, raw bytes) pairs); returns a callable giving the Prepared list in
        the same order."""
        fetched = list(items)
        if self.pool is None:
            done = self._here(fetched)
            return lambda: done
        step = max(1, -(-len(fetched) // self.workers))
        try:
            futs = [self.pool.submit(_pool_prepare, fetched[i:i + step])
                    for i in range(0, len(fetched), step)]
        except Exception:  # noqa: BLE001 - a broken or shut-down pool: do the work here
            self._drop_pool()
            done = self._here(fetched)
            return lambda: done

        def result() -> list[Prepared]:
            try:
                return [p for f in futs for p in f.result()]
            except Exception:  # noqa: BLE001 - a worker died (BrokenProcessPool) or a task failed: here, then
                self._drop_pool()  # a real bug raises again, in this process, with its own traceback
                return self._here(fetched)

        return result

    def _drop_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> _Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


