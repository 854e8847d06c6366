"""The dask executor: the same calls on a dask.distributed cluster.

On an existing scheduler (``--scheduler ADDRESS``, connection given up after
``CONNECT_TIMEOUT``) or on a local cluster of ``jobs`` single-threaded worker processes.
Workers of the local cluster send their output (and their kernels') to the run's log.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import count
from pathlib import Path
from typing import Any

from analysis.messages import pair
from analysis.runner.executors.base import Executor, RunFault, worker_init

CONNECT_TIMEOUT = "5s"


class DaskExecutor(Executor):
    """A dask.distributed client (and its local cluster, if it started one)."""

    def __init__(
        self,
        jobs: int,
        *,
        scheduler: str | None = None,
        log: Path | None = None,
        preload: Sequence[str] = (),
    ):
        from dask.distributed import Client, LocalCluster

        self.jobs = jobs
        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, ValueError) as exc:  # refused, timed out, bad address
                raise RunFault(
                    *pair("runner.scheduler_unreachable", address=scheduler, error=exc)
                ) from None
            log = None  # remote workers: their own terminals
        else:
            self._cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        self._client.run(worker_init, str(log) if log else None, None, tuple(preload))
        self._stamp = f"{os.getpid()}-{time.time_ns()}"
        self._count = count()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        key = f"analysis-{fn.__name__}-{self._stamp}-{next(self._count)}"
        return self._client.submit(fn, *args, key=key, pure=False, retries=0)

    def as_completed(self, futures: Sequence[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        return iter(as_completed(list(futures)))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
