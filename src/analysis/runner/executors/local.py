"""The local executor: a pool of worker processes on this machine.

Workers are forked from multiprocessing's forkserver where the platform has one: the server
is started once per runner process and imports papermill, nbconvert and nbformat once
(``SERVER_PRELOAD``, about 1.5 CPU-s a worker paid at every start before), so each run's
workers start at once and without that cost; elsewhere they are fresh interpreters
(``spawn``). Either way a worker is a new process per run: nothing it computed survives the
run. The server may have been started by an earlier run, so each worker first takes the
runner's current environment, working directory and import path (``start_in``): it sees
exactly what a freshly spawned one would.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from analysis.runner.executors.base import Executor, worker_init

# imported once by the forkserver before it forks workers (heavy, and free of state that
# depends on the environment or on what a run computes)
SERVER_PRELOAD = ("analysis.runner.executors.server",)


def context() -> Any:
    """The multiprocessing context of the pool: forkserver (preloading ``SERVER_PRELOAD``)
    where available, else spawn."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(SERVER_PRELOAD))  # no effect once the server runs
        return ctx
    return mp.get_context("spawn")


def start_server() -> None:
    """Start the forkserver now (if this platform has one and it is not running), so that it
    loads ``SERVER_PRELOAD`` while the runner prepares the run; returns at once."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def caller() -> tuple[dict[str, str], str, list[str]]:
    """This process's environment, working directory and import path."""
    return dict(os.environ), os.getcwd(), list(sys.path)


def start_in(state: tuple[dict[str, str], str, list[str]], *init_args: Any) -> None:
    """Worker start-up: the runner's environment, working directory and import path when it
    opened the pool (``state``, from ``caller``; a forked worker has the server's), then
    ``base.worker_init(*init_args)``."""
    env, cwd, path = state
    if dict(os.environ) != env:
        os.environ.clear()
        os.environ.update(env)
    os.chdir(cwd)
    sys.path[:] = path
    worker_init(*init_args)


class LocalExecutor(Executor):
    """``jobs`` worker processes; each starts with ``start_in``."""

    def __init__(self, jobs: int, *, log: Path | None = None, preload: Sequence[str] = ()):
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context(),
            initializer=start_in,
            initargs=(
                caller(),
                str(log) if log else None,
                os.getpid(),
                tuple(preload),
            ),
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def as_completed(self, futures: Sequence[Future]) -> Iterator[Future]:
        return as_completed(futures)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
