"""Plan and run a regeneration: validate, hash, skip what is unchanged, execute the rest in
parallel on one executor (``executors``: local process pool or dask.distributed), write
every output atomically, then the index page and the manifest.

Each data set and scope has its own outputs folder (``outputs_for``): the default data keep
``outputs/``, another data set or scope gets ``outputs/<data set>-<top>[-<level>]/``.

Only the main process writes into outputs/ (workers return bytes), each file through a
temporary file and a rename, and a report's record is written after its files: a run
killed at any moment leaves whole files, and the next run redoes exactly what is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import unknown, user_error
from analysis.io import give_back_memory, write_bytes, write_text
from analysis.messages import pair
from analysis.runner import cache as C
from analysis.runner.config import Task, load_config, region_tree, safe_piece, select
from analysis.runner.executors import KINDS as EXECUTORS
from analysis.runner.executors import Executor, RunFault, open_executor, prestart
from analysis.runner.site import illustrative_notice, illustrative_sources, index_html, read_tree

__all__ = ["EXECUTORS", "Options", "RunFault", "Summary", "run"]
STATE_DIR = ".runner"
KERNEL_ENV = {"PYTHONHASHSEED": "0"}  # the kernels' only environment setting (no paths)


@dataclass
class Options:
    """Everything ``analysis run`` needs (CLI flags map one to one)."""

    config: Path = field(default_factory=lambda: paths.PROJECT_ROOT / "reports.toml")
    data_dir: Path | None = None
    top: str | None = None  # region analysed (default: the units' common parent)
    unit_level: str | None = None  # level of the units (default: the lowest)
    outputs: Path | None = None
    only: Sequence[str] = ()
    jobs: int = 0  # 0 = number of CPUs
    force: bool = False
    executor: str | None = None  # local (default) or dask; a scheduler alone implies dask
    scheduler: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)  # -p NAME=VALUE overrides
    progress: bool = True  # a progress bar, when stderr is a terminal
    dry_run: bool = False
    explore: bool = True  # also (re)build the offline explorer page html/explore.html


@dataclass
class Summary:
    """Outcome of a run: names per status, failures with their error, wall time."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)
    planned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    outputs: Path | None = None  # the outputs folder of this data set and scope
    needs: list[Any] = field(default_factory=list)  # preflight.Need: inputs reports lack

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@dataclass
class Plan:
    tasks: list[Task]  # every task of the config
    selected: list[Task]
    keys: dict[str, str]
    inputs: dict[str, dict[str, str]]
    notebook_sha: dict[str, str]
    all_inputs: dict[str, str]
    to_run: list[Task]


def load_tasks(opts: Options) -> tuple[Path, list[Task], list[Task]]:
    """Data directory, every task of the configuration and the selected ones (validated)."""
    data = paths.data_dir(opts.data_dir)
    if not data.is_dir():
        raise user_error("runner.data_dir_missing", path=data)
    tasks = load_config(opts.config, data, opts.top, opts.unit_level, opts.parameters)
    return data, tasks, select(tasks, opts.only)


def outputs_for(opts: Options, data: Path) -> Path:
    """The outputs folder of this data set and scope: ``--outputs-dir`` if given; else
    ``outputs/`` for the default data at the default scope, and
    ``outputs/<data set>-<top>[-<level>]/`` otherwise (``<data set>``: the data folder's
    name), so that builds of different data or regions never mix or overwrite each other."""
    if opts.outputs not in (None, ""):
        return paths.outputs_dir(opts.outputs)
    base = paths.outputs_dir()
    default = data.resolve() == paths.data_dir().resolve()
    if default and not opts.top and not opts.unit_level:
        return base
    parts = [data.name if data.name else "data", opts.top or "", opts.unit_level or ""]
    return base / "-".join(safe_piece(p) for p in parts if p)


def resolve_executor(opts: Options) -> str:
    """The executor kind: ``--executor``, else dask when a scheduler is given, else local;
    a scheduler with the local executor is a usage error."""
    kind = opts.executor or ("dask" if opts.scheduler else "local")
    if kind not in EXECUTORS:
        raise unknown("kinds.executor", [kind], EXECUTORS)
    if opts.scheduler and kind != "dask":
        raise user_error("runner.scheduler_needs_dask")
    return kind


def make_plan(
    opts: Options, records: C.Records, loaded: tuple[Path, list[Task], list[Task]] | None = None
) -> Plan:
    """Decide which tasks must run (no kernel started, nothing written)."""
    data, tasks, selected = loaded or load_tasks(opts)
    hasher = C.DataHasher(data, region_tree(data))
    nb_sha: dict[str, str] = {}
    keys, inputs = {}, {}
    for t in tasks:
        nb_sha.setdefault(str(t.notebook), C.sha256_file(t.notebook))
        inputs[t.name] = {**hasher.inputs(t), **C.scope_inputs(opts.top, opts.unit_level)}
        keys[t.name] = C.task_key(t, inputs[t.name], nb_sha[str(t.notebook)])
    to_run = [
        t
        for t in selected
        if opts.force or not records.up_to_date(t.name, keys[t.name], t.products)
    ]
    all_inputs = {hasher.rel(p): hasher.file(p) for p in hasher.files}
    return Plan(tasks, selected, keys, inputs, nb_sha, all_inputs, to_run)


@contextlib.contextmanager
def _lock(outputs: Path) -> Iterator[None]:
    """One runner per outputs directory (released by the OS even on SIGKILL)."""
    state = outputs / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    f = (state / "lock").open("a")
    try:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not on Unix: no lock
            pass
        except OSError as exc:
            raise RunFault(*pair("runner.locked", path=outputs)) from exc
        yield
    finally:
        f.close()


def clean_temp(outputs: Path) -> list[Path]:
    """Remove temporary files a killed run left behind (atomic_path's '.<name>.*.tmp*')."""
    removed = []
    for d in (outputs, outputs / "notebooks", outputs / "html", outputs / STATE_DIR / "records"):
        for p in d.glob(".*.tmp*") if d.is_dir() else []:
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def _order(tasks: Sequence[Task], records: C.Records) -> list[Task]:
    """Longest first (last recorded duration; unknown counts as long): shorter makespan."""

    def dur(t: Task) -> float:
        rec = records.get(t.name)
        return float(rec.get("duration", 1e9)) if rec else 1e9

    return sorted(tasks, key=lambda t: (-dur(t), t.name))


def _rel(p: Path, root: Path) -> str:
    return p.relative_to(root).as_posix()


def _store(res, task: Task, plan: Plan, outputs: Path, records: C.Records) -> None:
    """Write a result's files atomically, then its record."""
    nb_dir, html_dir = outputs / "notebooks", outputs / "html"
    base_rec = {
        "name": task.name,
        "report": task.report,
        "title": task.title,
        "notebook": task.notebook.name,
        "notebook_sha256": plan.notebook_sha[str(task.notebook)],
        "parameters": task.parameters,
        "reads": task.reads,
        "region": task.region,
        "key": plan.keys[task.name],
        "data_inputs": plan.inputs[task.name],
        "duration": res.duration,
        "products": list(task.products),
    }
    written: dict[str, dict[str, Any]] = {}

    def put(path: Path, data: bytes) -> None:
        write_bytes(path, data)
        written[_rel(path, outputs)] = {"sha256": C.sha256_bytes(data), "size": len(data)}

    if res.ok:
        for rel in task.products:  # written by the notebook itself: record what is there
            target = outputs / rel
            files = (
                sorted(f for f in target.rglob("*") if f.is_file())
                if target.is_dir()
                else ([target] if target.is_file() else [])
            )
            for f in files:
                if not f.name.startswith("."):
                    written[_rel(f, outputs)] = {
                        "sha256": C.sha256_file(f),
                        "size": f.stat().st_size,
                    }
        stale_files = [nb_dir / f"{task.name}.failed.ipynb", html_dir / f"{task.name}.failed.html"]
        if res.notebook is not None:  # batch pages (batch.py) have no notebook or full view
            put(nb_dir / f"{task.name}.ipynb", res.notebook)
        else:
            stale_files.append(nb_dir / f"{task.name}.ipynb")
        put(html_dir / f"{task.name}.html", res.html["report"])
        if "full" in res.html:
            put(html_dir / f"{task.name}.full.html", res.html["full"])
        else:
            stale_files.append(html_dir / f"{task.name}.full.html")
        for stale in stale_files:
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        records.put({**base_rec, "status": "ok", "error": None, "outputs": written})
    else:  # keep the previous good outputs; the failed notebook goes next to them
        if res.notebook is not None:
            put(nb_dir / f"{task.name}.failed.ipynb", res.notebook)
        if "full" in res.html:
            put(html_dir / f"{task.name}.failed.html", res.html["full"])
        prev = records.get(task.name) or {}
        keep = prev.get("outputs", {}) if prev.get("status") == "ok" else prev.get("last_good", {})
        records.put(
            {
                **base_rec,
                "status": "failed",
                "error": res.error,
                "outputs": written,
                "last_good": keep,
            }
        )


def _failed(task: Task, exc: BaseException):
    from analysis.runner.execute import Result

    return Result(
        task.name,
        False,
        0.0,
        None,
        {},
        {
            "cell_index": None,
            "exec_count": None,
            "ename": type(exc).__name__,
            "evalue": str(exc) or "worker process died",
            "source_line": "",
        },
    )


def run_reports(
    ex: Executor,
    tasks: Sequence[Task],
    run_params: dict[str, str],
    on_done: Callable[[Task, Any], None],
) -> None:
    """Execute notebook tasks on ``ex`` in the order given, calling ``on_done(task, result)``
    as each ends. At most ``ex.jobs`` run at once, and never two with the same
    ``Task.exclusive`` name: the next task that may start takes a freed worker."""
    from analysis.runner.execute import run_task

    waiting = list(tasks)
    running: dict[Any, Task] = {}  # future -> task

    def start() -> None:
        busy = {t.exclusive for t in running.values() if t.exclusive}
        for t in list(waiting):
            if len(running) >= ex.jobs:
                return
            if t.exclusive and t.exclusive in busy:
                continue
            waiting.remove(t)
            running[ex.submit(run_task, t, run_params, KERNEL_ENV)] = t
            busy.add(t.exclusive)

    start()
    while running:
        fut = next(iter(ex.as_completed(list(running))))
        task = running.pop(fut)
        try:
            res = fut.result()
        except Exception as exc:  # noqa: BLE001 - the call raised or its worker died
            res = _failed(task, exc)
        start()  # the freed worker starts the next task before this one's files are written
        on_done(task, res)


def clear_products(tasks: Sequence[Task], outputs: Path) -> None:
    """Empty the product folders of ``tasks`` (e.g. figures/, tables/) before they run, so
    a build leaves exactly its own files there, never an earlier build's."""
    import shutil

    root = outputs.resolve()
    for t in tasks:
        for rel in t.products:
            p = (outputs / rel).resolve()
            if p.is_dir() and root in p.parents:
                shutil.rmtree(p)


RESULTS_DIR = "data/results"  # the results model's published tables, under outputs/


def check_inputs(opts: Options, data: Path, tasks: Sequence[Task]) -> tuple[Any, list[Any]]:
    """The loaded data set of the run's scope and what ``tasks`` lack from it
    (``preflight.check``); (None, []) when the data set does not load (``analysis
    validate`` names its problems; each report then says so in its own page)."""
    from analysis.data import load
    from analysis.errors import UserError
    from analysis.runner import preflight

    if not tasks:
        return None, []
    try:
        ds = load(data, top=opts.top or None, unit_level=opts.unit_level or None)
    except UserError:
        return None, []
    return ds, preflight.check(tasks, ds)


def _refused(task: Task, need: Any):
    """The result of a task preflight stopped: failed, no kernel started."""
    from analysis.runner.execute import Result

    error = {
        "cell_index": None,
        "exec_count": None,
        "ename": "Preflight",
        "evalue": f"{need.zh}\n{need.en}",
        "source_line": "",
    }
    return Result(task.name, False, 0.0, None, {}, error)


def before_kernels(
    plan: Plan, data: Path, outputs: Path, run_params: dict[str, str], ds: Any = None
) -> None:
    """Work done once per data set and scope before any report starts: the scope's results
    model (``analysis.results.warm``) is computed (or read back from its cache) and its tables
    are published under ``outputs/data/results``, so that every kernel and batch page only
    reads the persisted forecasts instead of fitting its own. Loading the data set here also
    stores it (``analysis.data.stored``): each kernel's ``load`` reads it back instead of
    validating, aggregating and deriving it again. It runs in the main process,
    inside the outputs lock, only when something is to be (re)built.
    """
    from analysis import results
    from analysis.data import load
    from analysis.errors import UserError

    try:
        if ds is None:
            ds = load(
                data, top=run_params.get("top") or None, unit_level=run_params.get("level") or None
            )
        results.warm(ds, publish=outputs / RESULTS_DIR)
    except UserError:  # each report then says what is missing in its own page
        return
    finally:  # the kernels read the stored data set and forecasts: hold none of it here
        results.forget()
        give_back_memory()


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_text(path, text)


def index_rows(plan: Plan, records: C.Records, outputs: Path) -> list[dict[str, Any]]:
    """One row per report; links only to pages of this build (a failed report links its
    failure, never an older page that another build left)."""
    rows = []
    html_dir = outputs / "html"
    for t in plan.tasks:
        rec = records.get(t.name) or {}
        # status from the records only, so that a no-change rerun writes the same page
        if rec.get("status") == "failed":
            status = "failed"
        elif rec.get("status") == "ok":
            status = "built" if rec.get("key") == plan.keys[t.name] else "stale"
        else:
            status = "not_built"
        own = {
            "built": (("report", ""), ("full", ".full")),
            "failed": (("failed", ".failed"),),
        }.get(status, ())
        views = [v for v, sfx in own if (html_dir / f"{t.name}{sfx}.html").exists()]
        rows.append(
            {
                "name": t.name,
                "title": t.title,
                "status": status,
                "parameters": t.parameters,
                "duration": rec.get("duration"),
                "views": views,
                "error": rec.get("error") if status == "failed" else None,
            }
        )
    return rows


def manifest(plan: Plan, records: C.Records, data_dir: Path) -> dict[str, Any]:
    """What was built from which inputs: data hashes, code hash, versions, report records."""
    names = {t.name for t in plan.tasks}
    return {
        "format": C.FORMAT_VERSION,
        "data_dir": str(data_dir),
        "inputs": plan.all_inputs,
        "code_sha256": C.code_hash(),
        "versions": C.versions(),
        "reports": [r for r in records.all() if r.get("name") in names],
    }


def _execute(
    plan: Plan, opts: Options, data: Path, outputs: Path, records: C.Records, held: list[Any]
) -> Summary:
    """Run ``plan.to_run`` on one executor, storing each result as it arrives (``held``: the
    data set already loaded for the preflight, in a list this function empties when it
    passes it on to ``before_kernels``, so that no frame keeps it while the kernels run)."""
    summary = Summary()
    jobs = max(1, min(opts.jobs or os.cpu_count() or 1, len(plan.to_run)))
    # the runner's parameters of every notebook (declared in its parameters cell)
    run_params = {
        "data_dir": str(data),
        "top": opts.top or "",
        "level": opts.unit_level or "",
        "outputs_dir": str(outputs),
    }
    from tqdm import tqdm

    bar = tqdm(
        total=len(plan.to_run),
        desc=" ".join(pair("runner.progress")),
        unit="report",
        file=sys.stderr,
        disable=not (opts.progress and sys.stderr.isatty()),  # never into a log file
        dynamic_ncols=True,
    )

    def on_done(task: Task, res) -> None:
        _store(res, task, plan, outputs, records)
        if res.ok:
            summary.built.append(task.name)
        else:
            summary.failed[task.name] = res.error or {}
        bar.set_postfix_str(f"{'+' if res.ok else 'x'} {task.name} ({res.duration:.1f} s)")
        bar.update()

    ordered = [t for t in _order(plan.to_run, records) if not t.batch]
    batch_tasks = [t for t in plan.to_run if t.batch]
    # a batch's renderer (pandas, matplotlib, the national tables it prepares) is imported
    # by its first chunk, after the reports: preloaded, it would sit in every worker beside
    # the report kernels (150-200 MB each at national scale)
    preload = ["analysis.runner.execute"] if ordered else sorted({t.batch for t in batch_tasks})
    logfile = outputs / STATE_DIR / "workers.log"  # worker and kernel output of this run
    logfile.write_bytes(b"")
    clear_products(plan.to_run, outputs)
    kind = resolve_executor(opts)
    prestart(kind)  # the local forkserver loads papermill and nbconvert meanwhile
    before_kernels(plan, data, outputs, run_params, held.pop() if held else None)
    try:
        with open_executor(
            kind, jobs, scheduler=opts.scheduler, log=logfile, preload=preload
        ) as ex:
            # the reports first: a batch leaves its computation (a national data set and
            # its tables) in each worker, which would sit idle beside the report kernels
            if ordered:
                run_reports(ex, ordered, run_params, on_done)
            if batch_tasks:  # pages rendered from one computation per worker (batch.py)
                from analysis.runner import batch

                batch.run(ex, batch_tasks, run_params, outputs, on_done=on_done)
    finally:
        bar.close()
    return summary


def plan_task(plan: Plan, name: str) -> Task:
    return next(t for t in plan.tasks if t.name == name)


def write_site(plan: Plan, records: C.Records, data: Path, outputs: Path) -> None:
    """The index page and the manifest (each rewritten only when its text changed)."""
    rows = index_rows(plan, records, outputs)
    notice = illustrative_notice(illustrative_sources(data))
    explore = (outputs / "html" / "explore.html").exists()
    page = index_html(rows, notice=notice, explore=explore, tree=read_tree(data))
    _write_if_changed(outputs / "html" / "index.html", page)
    man = (
        json.dumps(manifest(plan, records, data), sort_keys=True, ensure_ascii=False, indent=1)
        + "\n"
    )
    _write_if_changed(outputs / "manifest.json", man)


def run(opts: Options, *, log: Callable[[str], None] | None = None) -> Summary:
    """Regenerate the reports; returns a Summary (exit code 1 when any report failed).

    Raises ``UserError`` for configuration problems before anything is written (no lock
    file, no outputs folder), and ``RunFault`` when outputs cannot be written (unwritable
    or full). ``--dry-run`` writes nothing.
    """
    t0 = time.perf_counter()
    resolve_executor(opts)
    loaded = load_tasks(opts)  # configuration errors surface here, before any write
    data = loaded[0]
    outputs = outputs_for(opts, data)
    records = C.Records(outputs)
    if opts.dry_run:  # what would run, and what the selected reports lack (preflight)
        plan = make_plan(opts, records, loaded)
        summary = Summary(planned=[t.name for t in plan.to_run], outputs=outputs)
        will_run = set(summary.planned)  # a set: thousands of counties, one pass
        summary.skipped = [t.name for t in plan.selected if t.name not in will_run]
        summary.needs = check_inputs(opts, data, plan.selected)[1]
        summary.seconds = time.perf_counter() - t0
        return summary
    try:
        with _lock(outputs):
            plan = make_plan(opts, records, loaded)
            clean_temp(outputs)
            C.prune(records, {t.name for t in plan.tasks})  # pages of reports no longer listed
            planned = [t.name for t in plan.to_run]
            ds, needs = check_inputs(opts, data, plan.to_run)
            refused = {n.task: n for n in needs}
            for t in plan.to_run:  # failed before any kernel: the page says what to add
                if t.name in refused:
                    _store(_refused(t, refused[t.name]), t, plan, outputs, records)
            plan.to_run = [t for t in plan.to_run if t.name not in refused]
            held = [ds]  # handed to the warm-up, then dropped: not held while kernels run
            del ds
            summary = (
                _execute(plan, opts, data, outputs, records, held) if plan.to_run else Summary()
            )
            for name, need in refused.items():
                summary.failed[name] = _refused(plan_task(plan, name), need).error or {}
            summary.needs = needs
            summary.planned = planned
            ran = set(planned)
            summary.skipped = [t.name for t in plan.selected if t.name not in ran]
            if opts.explore:
                from analysis.present.explore import write_explore_page
                from analysis.runner.fonts import embed_all

                write_explore_page(data, outputs, log=log, font=embed_all)
            write_site(plan, records, data, outputs)
    except OSError as exc:  # unwritable or full outputs
        where = exc.filename or outputs
        error = exc.strerror or exc
        raise RunFault(*pair("runner.outputs_unwritable", path=where, error=error)) from None
    summary.built.sort()
    summary.outputs = outputs
    summary.seconds = time.perf_counter() - t0
    return summary
