"""The executor interface: submit calls, collect results as they finish, close.

Modelled on ploomber's ``executors/abc.py``: the runner decides *what* runs (tasks, page
chunks), an executor decides *where* (a local process pool, a dask cluster). Workers only
compute and return bytes; the main process writes every file.
"""

from __future__ import annotations

import contextlib
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from analysis.errors import UserError


class RunFault(UserError):
    """A fault while running (outputs unwritable or full, scheduler unreachable): one
    bilingual line, exit code 1. Configuration problems stay plain ``UserError`` (exit 2)."""


class Executor(ABC):
    """Runs ``fn(*args)`` calls in worker processes; use as a context manager."""

    jobs: int

    @abstractmethod
    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start one call; returns a future (``.result()`` gives its value or raises)."""

    @abstractmethod
    def as_completed(self, futures: Sequence[Any]) -> Iterator[Any]:
        """``futures`` in the order they finish."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers; calls not started yet are cancelled."""

    def map_unordered(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        during: Callable[[], None] | None = None,
    ) -> Iterator[tuple[int, Any, BaseException | None]]:
        """Submit ``fn(*args)`` for every ``args`` of ``calls``, run ``during()`` in this
        process while the workers compute, then yield ``(index, result, error)`` as each
        call finishes (``error`` set, ``result`` None when the call or its worker failed)."""
        futures = [self.submit(fn, *args) for args in calls]
        index = {id(f): i for i, f in enumerate(futures)}
        if during is not None:
            during()
        done = self.as_completed(futures)
        # only ``as_completed`` holds the futures now, and lets go of each once yielded: a
        # handled result (a national report's notebook and pages, tens of MB) is freed
        # instead of staying in this list until the last call ends
        del futures
        for fut in done:
            try:
                yield index[id(fut)], fut.result(), None
            except Exception as exc:  # noqa: BLE001 - the call raised or its worker died
                yield index[id(fut)], None, exc

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- worker side: the same start-up for every executor ------------------------------------


def _die_with(pid: int) -> None:
    """Block until process ``pid`` exits, then kill this process (its kernels follow)."""
    import select
    import signal
    import time

    try:
        fd = os.pidfd_open(pid)
        select.select([fd], [], [])
    except (AttributeError, OSError):  # no pidfd: poll
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGKILL)


def worker_init(
    log_path: str | None = None, main_pid: int | None = None, preload: Sequence[str] = ()
) -> None:
    """Start-up of every worker: die with the runner, send output (kernel banners, library
    warnings) to the run's log instead of the terminal, import ``preload``.

    A watchdog thread on the runner's pid (not PR_SET_PDEATHSIG, which would watch the
    pool's own parent thread); a killed worker takes its kernels along, since ipykernel
    polls its parent process.
    """
    if main_pid:
        threading.Thread(
            target=_die_with, args=(main_pid,), daemon=True, name="die-with-runner"
        ).start()
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    import importlib

    for mod in preload:
        with contextlib.suppress(Exception):  # a failing import shows up in the call itself
            importlib.import_module(mod)
