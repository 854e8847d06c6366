"""Where the runner's work runs: one interface (``base.Executor``), two implementations.

``local.LocalExecutor`` is a pool of worker processes on this machine; ``dask.DaskExecutor``
sends the same calls to a dask.distributed cluster (a local one, or ``--scheduler``).
Reports (one notebook per call, ``execute.run_task``) and batch pages (a chunk of pages per
call, ``batch.render_chunk``) are both submitted to the one executor a run opens (``open``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analysis.runner.executors.base import Executor, RunFault

KINDS = ("local", "dask")

__all__ = ["KINDS", "Executor", "RunFault", "open_executor", "prestart"]


def open_executor(
    kind: str,
    jobs: int,
    *,
    scheduler: str | None = None,
    log: Path | None = None,
    preload: Sequence[str] = (),
) -> Executor:
    """An executor of ``kind`` ("local" or "dask") with ``jobs`` workers.

    ``log``: file that receives the workers' (and their kernels') output; ``preload``:
    modules every worker imports when it starts (while the main process goes on).
    """
    if kind == "dask":
        from analysis.runner.executors.dask import DaskExecutor

        return DaskExecutor(jobs, scheduler=scheduler, log=log, preload=preload)
    from analysis.runner.executors.local import LocalExecutor

    return LocalExecutor(jobs, log=log, preload=preload)


def prestart(kind: str) -> None:
    """Start, ahead of ``open_executor``, what the executor of ``kind`` can load while the
    runner still prepares the run (the local executor's forkserver); returns at once."""
    if kind == "local":
        from analysis.runner.executors.local import start_server

        start_server()
