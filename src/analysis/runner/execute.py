"""Run one report in a worker: papermill executes the notebook, nbconvert renders both views.

Workers are long-lived (a process pool, or dask workers) and import papermill, nbclient
and nbconvert once; the main process only writes files. Results travel back as bytes, so
workers need not share the outputs directory (they do need the notebooks and data).
Executed notebooks are normalised: papermill/nbclient timestamps are removed, so an
unchanged report re-executes to the same bytes when the notebook itself is deterministic.
"""

from __future__ import annotations

import os
import re
import select
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill  # imported once per worker process: the warm-worker speed lever
from papermill.exceptions import PapermillExecutionError

from analysis.runner import render as R
from analysis.runner.config import Task

TIMESTAMP_KEYS = ("start_time", "end_time", "duration")


@dataclass
class Result:
    """What a worker sends back: the executed notebook and its two HTML views, as bytes."""

    name: str
    ok: bool
    duration: float
    notebook: bytes | None = None
    html: dict[str, bytes] = field(default_factory=dict)
    error: dict[str, Any] | None = None


def _die_with(pid: int) -> None:
    """Block until process ``pid`` exits, then kill this process (its kernel follows)."""
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


def worker_init(log_path: str | None = None, main_pid: int | None = None) -> None:
    """Process-pool initializer: die with the runner, send kernel noise to a log.

    Workers come from the forkserver, so PR_SET_PDEATHSIG would watch the forkserver, which
    itself waits for the workers; a watchdog thread on the runner's pid breaks that cycle.
    A killed worker takes its kernels along: the kernel helper (zygote.py) exits when its
    parent goes, and kernels die with the helper (PR_SET_PDEATHSIG) or, when started
    normally, with the worker (ipykernel polls its parent process).
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


def warm_up() -> None:
    """Build and exercise the HTML exporters once (template compilation), e.g. in the
    forkserver before workers are forked from it."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("warm-up")]
    for view in R.VIEWS:
        R.render(nb, view)


def normalise(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Drop run-specific metadata (timestamps, temp paths, random cell ids) from an executed notebook."""
    pm = nb.metadata.get("papermill", {})
    for k in TIMESTAMP_KEYS:
        pm.pop(k, None)
    if "output_path" in pm:
        pm["output_path"] = f"notebooks/{name}.ipynb"
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        for tag in ("injected-parameters", "papermill-error-cell-tag"):  # papermill: random ids
            if tag in tags and "id" in cell:
                cell["id"] = f"{tag}-{i}"
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in TIMESTAMP_KEYS:
                cpm.pop(k, None)
    return nb


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def failing_line(traceback: list[str]) -> str:
    """The cell's own line that raised (IPython marks it '---->' under 'Cell In[n]')."""
    in_cell = False
    for chunk in traceback:
        for line in _ANSI.sub("", chunk).splitlines():
            if line.startswith("Cell In["):
                in_cell = True
            elif in_cell and line.lstrip().startswith("---->"):
                return re.sub(r"^\s*---->\s*\d*\s?", "", line).strip()
    return ""


def _kernel_name(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return nb.metadata.get("kernelspec", {}).get("name") or "python3"


def run_task(task: Task, env: dict[str, str], warm: bool = True) -> Result:
    """Execute ``task`` with papermill and render it; never raises for notebook errors.

    ``warm``: start the kernel from the worker's warm helper (``zygote``), else normally.
    """
    os.environ.update(env)
    extra: dict[str, Any] = {}
    if warm and hasattr(os, "fork"):
        from analysis.runner.zygote import WarmKernelManager

        extra["kernel_manager_class"] = WarmKernelManager
    t0 = time.perf_counter()
    error: dict[str, Any] | None = None
    nb_bytes: bytes | None = None
    with tempfile.TemporaryDirectory(prefix="analysis-run-") as tmp:
        out = Path(tmp) / f"{task.name}.ipynb"
        try:
            papermill.execute_notebook(
                str(task.notebook),
                str(out),
                parameters=dict(task.parameters),
                kernel_name=_kernel_name(task.notebook),
                progress_bar=False,
                log_output=False,
                cwd=str(task.cwd or task.notebook.parent),
                record_timing=False,
                shutdown_kernel="immediate",
                **extra,
            )
        except PapermillExecutionError as exc:
            first = failing_line(exc.traceback or []) or next(
                (ln for ln in (exc.source or "").splitlines() if ln.strip()), ""
            )
            error = {
                "cell_index": exc.cell_index,
                "exec_count": exc.exec_count,
                "ename": exc.ename,
                "evalue": str(exc.evalue),
                "source_line": first,
            }
        except Exception as exc:  # kernel died, bad notebook, ...: report, do not crash the run
            error = {
                "cell_index": None,
                "exec_count": None,
                "ename": type(exc).__name__,
                "evalue": str(exc),
                "source_line": "",
            }
        if out.exists():
            try:
                nb = normalise(nbformat.read(out, as_version=4), task.name)
                nb_bytes = nbformat.writes(nb).encode("utf-8") + b"\n"
            except Exception as exc:
                error = error or {
                    "cell_index": None,
                    "exec_count": None,
                    "ename": type(exc).__name__,
                    "evalue": str(exc),
                    "source_line": "",
                }
    html: dict[str, bytes] = {}
    if nb_bytes is not None:
        views = ("report", "full") if error is None else ("full",)
        for view in views:
            try:
                html[view] = R.render(nb_bytes, view, title=task.title)
            except Exception as exc:
                error = error or {
                    "cell_index": None,
                    "exec_count": None,
                    "ename": type(exc).__name__,
                    "evalue": f"HTML rendering failed: {exc}",
                    "source_line": "",
                }
    return Result(
        task.name, error is None, round(time.perf_counter() - t0, 3), nb_bytes, html, error
    )
