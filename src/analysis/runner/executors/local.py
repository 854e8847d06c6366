"""The local executor: a pool of fresh worker processes (``spawn``) on this machine."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from analysis.runner.executors.base import Executor, worker_init


class LocalExecutor(Executor):
    """``jobs`` worker processes; each starts with ``base.worker_init``."""

    def __init__(self, jobs: int, *, log: Path | None = None, preload: Sequence[str] = ()):
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=mp.get_context("spawn"),
            initializer=worker_init,
            initargs=(str(log) if log else None, os.getpid(), tuple(preload)),
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def as_completed(self, futures: Sequence[Future]) -> Iterator[Future]:
        return as_completed(futures)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
