"""Run one report in a worker: papermill executes the notebook, nbconvert renders both views.

Workers are long-lived (a process pool, or dask workers) and import papermill, nbclient
and nbconvert once; the main process only writes files. Results travel back as bytes, so
workers need not share the outputs directory (they do need the notebooks and data).
Executed notebooks are normalised: papermill/nbclient timestamps are removed, so an
unchanged report re-executes to the same bytes when the notebook itself is deterministic.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill  # imported once per worker process: the warm-worker speed lever
from papermill.exceptions import PapermillExecutionError

from analysis.io import give_back_memory
from analysis.messages import pair
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


# a 1x1 PNG: the warm-up page's figure
_PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5Erk"
    "Jggg=="
)


def warm_up() -> None:
    """Build and exercise the HTML exporters once, as a report page does: templates compiled,
    Python's highlighter, Markdown tables and formulas, a figure, the CJK font prepared. Run
    by the local executor's forkserver (``executors/server.py``), so that the workers forked
    from it render their first page without that set-up."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    figure = v4.new_output(
        "display_data",
        {"image/png": _PIXEL, "text/plain": "f"},
        metadata={"image/png": {"width": 10}},
    )
    table = v4.new_output("display_data", {"text/html": "<table><tr><td>1</td></tr></table>"})
    nb.cells = [
        v4.new_markdown_cell("# warm-up\n\n| a | b |\n|---|---|\n| 1 | $x^2$ |"),
        v4.new_code_cell("x = 1", execution_count=1, outputs=[figure, table]),
    ]
    for view in R.VIEWS:
        R.render(nb, view)


# the runner's path parameters: local folders, not part of what a report shows
PATH_PARAMS = ("data_dir", "outputs_dir")
_PATH_LINE = re.compile(r"^(data_dir|outputs_dir) = .*\n?", re.M)


def normalise(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Drop run-specific metadata (timestamps, temp paths, random cell ids) from a notebook,
    and the runner's folder parameters from its injected-parameters cell (so the bytes do
    not depend on where the data and outputs are; run again by hand, the saved notebook
    reads the default data and writes to a scratch folder)."""
    pm = nb.metadata.get("papermill", {})
    for k in TIMESTAMP_KEYS:
        pm.pop(k, None)
    for k in PATH_PARAMS:
        pm.get("parameters", {}).pop(k, None)
    if "output_path" in pm:
        pm["output_path"] = f"notebooks/{name}.ipynb"
    if "input_path" in pm:  # an absolute path: the bytes would depend on the checkout's place
        pm["input_path"] = Path(str(pm["input_path"])).name
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        for tag in ("injected-parameters", "papermill-error-cell-tag"):  # papermill: random ids
            if tag in tags and "id" in cell:
                cell["id"] = f"{tag}-{i}"
        if "injected-parameters" in tags:
            cell.source = _PATH_LINE.sub("", cell.source)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in TIMESTAMP_KEYS:
                cpm.pop(k, None)
    return nb


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def failing_line(traceback: list[str]) -> str:
    """The cell's own line that raised: the last '--->' line IPython marks under a
    'Cell In[n]' frame (the cell's last frame before the library frames)."""
    found, in_cell = "", False
    for chunk in traceback:
        for line in _ANSI.sub("", chunk).splitlines():
            if line.startswith("Cell In["):
                in_cell = True
            elif line.startswith(("File ", "Input In")):
                in_cell = False
            elif in_cell and re.match(r"^\s*-+>", line):
                found = re.sub(r"^\s*-+>\s*\d*\s?", "", line).strip()
    return found


FALLBACK_KERNEL = "python3"  # ipykernel's own spec: the interpreter running this worker


@functools.cache
def installed_kernels() -> frozenset[str]:
    """Names of the Jupyter kernels this interpreter can start (``jupyter kernelspec list``,
    with ipykernel's native ``python3``)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return frozenset(KernelSpecManager().find_kernel_specs())


@functools.cache
def kernel_for(name: str) -> str:
    """``name`` when that kernel is installed, else ``FALLBACK_KERNEL`` with one line on
    stderr (the run's worker log): the notebooks name ``qiannan-analysis``, which ``make
    setup`` installs into .venv, and a plain venv or a JupyterLab elsewhere may lack it."""
    if name == FALLBACK_KERNEL or name in installed_kernels():
        return name
    print(" / ".join(pair("runner.kernel_fallback", name=name, fallback=FALLBACK_KERNEL)),
          file=sys.stderr, flush=True)  # fmt: skip
    return FALLBACK_KERNEL


def _kernel_name(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return kernel_for(nb.metadata.get("kernelspec", {}).get("name") or FALLBACK_KERNEL)


KERNEL_SETUP = (
    # full tables in every kernel: pandas cuts frames longer than display.max_rows (60)
    # or wider than display.max_columns (20 in a kernel) to their first and last rows
    '__import__("pandas").set_option("display.max_rows", None, "display.max_columns", None)',
)


def kernel_options() -> dict[str, Any]:
    """papermill/nbclient options: the kernel setup lines. Every kernel starts the plain way
    (a fresh ``ipykernel`` process): kernels forked from a preloaded helper were measured
    slower, not faster (``benchmarks/regenerate.py --kernels-only``: cold/warm 0.74-0.86),
    and were removed (issue 23)."""
    from analysis.runner.kernels import LocalSocketKernelManager

    return {
        "extra_arguments": [f"--IPKernelApp.exec_lines={line}" for line in KERNEL_SETUP],
        "kernel_manager_class": LocalSocketKernelManager,  # no TCP port to race for
    }


def error_info(exc: BaseException, prefix: str = "") -> dict[str, Any]:
    """The error record of a failure outside a notebook cell (kernel died, bad file, ...)."""
    if isinstance(exc, PapermillExecutionError):
        # the line that raised, from the traceback's last frame in the cell; none when the
        # traceback has no cell frame (a UserError shows its message only): never a guess
        # such as the cell's first line
        first = failing_line(exc.traceback or [])
        return {
            "cell_index": exc.cell_index,
            "exec_count": exc.exec_count,
            "ename": exc.ename,
            "evalue": str(exc.evalue),
            "source_line": first,
        }
    return {
        "cell_index": None,
        "exec_count": None,
        "ename": type(exc).__name__,
        "evalue": prefix + str(exc),
        "source_line": "",
    }


def execute(
    task: Task, out: Path, options: dict[str, Any], run_params: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """Run the notebook into ``out`` with papermill; the error record, or None on success.

    ``run_params``: the runner's parameters (data_dir, top, level, outputs_dir); those the
    notebook declares (``task.run_params``) are passed with the report's own parameters."""
    mine = {k: v for k, v in (run_params or {}).items() if k in task.run_params}
    for attempt in range(1 + STARTUP_RETRIES):
        try:
            papermill.execute_notebook(
                str(task.notebook),
                str(out),
                parameters={**task.parameters, **mine},
                kernel_name=_kernel_name(task.notebook),
                progress_bar=False,
                log_output=False,
                cwd=str(task.cwd or task.notebook.parent),
                record_timing=False,
                shutdown_kernel="immediate",
                start_timeout=300,  # a loaded machine can take minutes to start a kernel
                **options,
            )
        except Exception as exc:  # a cell raised, the kernel died, ...: report, never crash
            if attempt < STARTUP_RETRIES and died_at_start(exc):
                continue
            return error_info(exc)
        return None
    return None  # pragma: no cover (the loop returns)


# A kernel that dies before running any cell is started again, at most this many times; a
# cell's error is never retried. Report kernels talk over sockets of their own
# (runner/kernels.py), so the TCP port race (papermill issues 239 and 776) no longer causes
# this; the retry stays for a kernel that dies at start for any other reason.
STARTUP_RETRIES = 2


def died_at_start(exc: BaseException) -> bool:
    """Whether ``exc`` is a kernel dying before it ran a cell, not an error of the
    notebook."""
    return not isinstance(exc, PapermillExecutionError) and "before replying to kernel_info" in str(
        exc
    )


def read_executed(out: Path, name: str) -> bytes:
    """The executed notebook, normalised, as the bytes written to outputs/notebooks/."""
    nb = normalise(nbformat.read(out, as_version=4), name)
    return nbformat.writes(nb).encode("utf-8") + b"\n"


def render_views(
    nb_bytes: bytes, task: Task, ok: bool
) -> tuple[dict[str, bytes], dict[str, Any] | None]:
    """Both HTML views of a good run, the full view of a failed one; and a rendering error."""
    html: dict[str, bytes] = {}
    for view in ("report", "full") if ok else ("full",):
        try:
            html[view] = R.render(nb_bytes, view, title=task.title, nav=task.nav)
        except Exception as exc:
            return html, error_info(exc, "HTML rendering failed: ")
    return html, None


def run_task(
    task: Task,
    run_params: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Execute ``task`` with papermill and render it; never raises for notebook errors.

    ``run_params``: the runner's notebook parameters; ``env``: the kernel's environment
    additions (a hash seed, no paths).
    """
    os.environ.update(env or {})
    t0 = time.perf_counter()
    nb_bytes: bytes | None = None
    with tempfile.TemporaryDirectory(prefix="analysis-run-") as tmp:
        out = Path(tmp) / f"{task.name}.ipynb"
        error = execute(task, out, kernel_options(), run_params)
        if out.exists():
            try:
                nb_bytes = read_executed(out, task.name)
            except Exception as exc:
                error = error or error_info(exc)
    html: dict[str, bytes] = {}
    if nb_bytes is not None:
        html, render_error = render_views(nb_bytes, task, error is None)
        error = error or render_error
    seconds = round(time.perf_counter() - t0, 3)
    result = Result(task.name, error is None, seconds, nb_bytes, html, error)
    give_back_memory()  # the worker parsed and rendered a page of up to tens of MB
    return result
