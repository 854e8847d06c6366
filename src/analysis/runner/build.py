"""Plan and run a regeneration: validate, hash, skip what is unchanged, execute the rest in
parallel (local process pool or dask.distributed), write every output atomically, then
the index page and the manifest.

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
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import UserError, unknown, user_error
from analysis.io import write_bytes, write_text
from analysis.messages import pair
from analysis.runner import cache as C
from analysis.runner.config import Regions, Task, load_config, select
from analysis.runner.site import illustrative_notice, index_html

EXECUTORS = ("local", "dask")
STATE_DIR = ".runner"


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
    executor: str = "local"
    scheduler: str | None = None
    progress: bool = True
    dry_run: bool = False
    warm_kernels: bool = True  # fork kernels from a preloaded helper (see zygote.py)
    explore: bool = True  # also (re)build the offline explorer page html/explore.html


@dataclass
class Summary:
    """Outcome of a run: names per status, failures with their error, wall time."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)
    planned: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class RunFault(UserError):
    """A fault while running (outputs unwritable or full): one bilingual line, exit code 1.

    Configuration problems stay plain ``UserError`` (exit code 2)."""


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
    tasks = load_config(opts.config, data, opts.top, opts.unit_level)
    return data, tasks, select(tasks, opts.only)


def make_plan(
    opts: Options, records: C.Records, loaded: tuple[Path, list[Task], list[Task]] | None = None
) -> Plan:
    """Decide which tasks must run (no kernel started, nothing written)."""
    data, tasks, selected = loaded or load_tasks(opts)
    regions = Regions.read(data)
    hasher = C.DataHasher(data, regions)
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


def _mp_context(warm: bool) -> Any:
    """Worker start method. Warm (the optional speed-up): workers forked from a forkserver
    that has imported papermill/nbconvert and built the page font once (``warm.py``).
    Plain (``--cold-kernels``, or no forkserver on this system): fresh interpreters."""
    import multiprocessing as mp

    if warm:
        try:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["analysis.runner.warm"])
            return ctx
        except ValueError:  # no forkserver (Windows)
            pass
    return mp.get_context("spawn")


def _run_local(
    tasks: Sequence[Task],
    env: dict[str, str],
    jobs: int,
    log: Path,
    warm: bool,
    on_done: Callable[[Task, Any], None],
) -> None:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from analysis.runner.execute import run_task, worker_init

    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_mp_context(warm),
        initializer=worker_init,
        initargs=(str(log), os.getpid()),
    )

    try:
        futs: dict[Future, Task] = {pool.submit(run_task, t, env, warm): t for t in tasks}
        for fut in as_completed(futs):
            t = futs[fut]
            try:
                res = fut.result()
            except Exception as exc:  # worker died (BrokenProcessPool, ...)
                res = _failed(t, exc)
            on_done(t, res)
    finally:  # on a fault (e.g. a full disk in on_done) queued reports are not started
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    tasks: Sequence[Task],
    env: dict[str, str],
    jobs: int,
    scheduler: str | None,
    warm: bool,
    on_done: Callable[[Task, Any], None],
) -> None:
    from dask.distributed import as_completed

    from analysis.runner.cluster import dask_client
    from analysis.runner.execute import run_task

    client, cluster = dask_client(jobs, scheduler)
    try:
        futs = {
            client.submit(
                run_task,
                t,
                env,
                warm,
                key=f"analysis-report-{t.name}-{os.getpid()}-{time.time_ns()}",
                pure=False,
                retries=0,
            ): t
            for t in tasks
        }
        for fut in as_completed(list(futs)):
            t = futs[fut]
            try:
                res = fut.result()
            except Exception as exc:
                res = _failed(t, exc)
            on_done(t, res)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_text(path, text)


def index_rows(plan: Plan, records: C.Records, outputs: Path) -> list[dict[str, Any]]:
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
        views = [
            v
            for v, f in (
                ("report", f"{t.name}.html"),
                ("full", f"{t.name}.full.html"),
                ("failed", f"{t.name}.failed.html"),
            )
            if (html_dir / f).exists()
        ]
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


def _illustrative_titles(data: Path) -> list[str]:
    """Titles of the data set's illustrative sources (none when sources.csv is unreadable)."""
    import pandas as pd

    try:
        src = pd.read_csv(
            data / "sources.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    if not {"kind", "title"} <= set(src.columns):
        return []
    return sorted(src.loc[src["kind"] == "illustrative", "title"])


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


def _execute(plan: Plan, opts: Options, data: Path, outputs: Path, records: C.Records) -> Summary:
    """Run ``plan.to_run`` in workers, storing each result as it arrives."""
    summary = Summary()
    jobs = max(1, min(opts.jobs or os.cpu_count() or 1, len(plan.to_run)))
    env = {
        "ANALYSIS_DATA_DIR": str(data),
        "ANALYSIS_OUTPUTS_DIR": str(outputs),
        "PYTHONHASHSEED": "0",
        **C.scope_env(opts.top, opts.unit_level),
    }
    from tqdm import tqdm

    bar = tqdm(
        total=len(plan.to_run),
        desc=" ".join(pair("runner.progress")),
        unit="report",
        file=sys.stderr,
        disable=not opts.progress,
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
    try:
        if batch_tasks:  # county profiles: one computation per worker, no kernels (batch.py)
            from analysis.runner import batch

            batch.run(
                batch_tasks,
                data,
                outputs,
                jobs=jobs,
                executor=opts.executor,
                scheduler=opts.scheduler,
                on_done=on_done,
                every=[t for t in plan.tasks if t.batch],
            )
        if opts.executor == "dask" and ordered:
            _run_dask(ordered, env, jobs, opts.scheduler, opts.warm_kernels, on_done)
        elif ordered:
            logfile = outputs / STATE_DIR / "workers.log"  # kernel/worker messages, this run
            logfile.write_bytes(b"")
            _run_local(ordered, env, jobs, logfile, opts.warm_kernels, on_done)
    finally:
        bar.close()
    return summary


def write_site(plan: Plan, records: C.Records, data: Path, outputs: Path) -> None:
    """The index page and the manifest (each rewritten only when its text changed)."""
    rows = index_rows(plan, records, outputs)
    notice = illustrative_notice(_illustrative_titles(data))
    explore = (outputs / "html" / "explore.html").exists()
    page = index_html(rows, notice=notice, explore=explore)
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
    if opts.executor not in EXECUTORS:
        raise unknown("kinds.executor", [opts.executor], EXECUTORS)
    outputs = paths.outputs_dir(opts.outputs)
    records = C.Records(outputs)
    loaded = load_tasks(opts)  # configuration errors surface here, before any write
    data = loaded[0]
    if opts.dry_run:
        plan = make_plan(opts, records, loaded)
        summary = Summary(planned=[t.name for t in plan.to_run])
        summary.skipped = [t.name for t in plan.selected if t not in plan.to_run]
        summary.seconds = time.perf_counter() - t0
        return summary
    try:
        with _lock(outputs):
            plan = make_plan(opts, records, loaded)
            clean_temp(outputs)
            C.prune(records, {t.name for t in plan.tasks})  # pages of reports no longer listed
            summary = _execute(plan, opts, data, outputs, records) if plan.to_run else Summary()
            summary.planned = [t.name for t in plan.to_run]
            summary.skipped = [t.name for t in plan.selected if t not in plan.to_run]
            if opts.explore:
                from analysis.present.explore import write_explore_page

                write_explore_page(data, outputs, log=log)
            write_site(plan, records, data, outputs)
    except OSError as exc:  # unwritable or full outputs
        where = exc.filename or outputs
        error = exc.strerror or exc
        raise RunFault(*pair("runner.outputs_unwritable", path=where, error=error)) from None
    summary.built.sort()
    summary.seconds = time.perf_counter() - t0
    return summary
