"""Batch county profiles: one computation per worker, then a static page per county.

A report marked ``batch = true`` in reports.toml (the county profile) is not run as one
notebook kernel per county. Its tasks are grouped by parameters (all but ``region_code``)
and cut into chunks; each chunk goes to a worker (the local process pool or a dask
worker), which loads the data set and runs the gap pipeline once
(``analysis.analyses.profile.compute``, kept for the next chunk on the same worker) and
renders each county's page as static HTML (``analysis.present.profile_page``), with the
same content as the notebook. Workers send the pages back as bytes; the main process writes
them, like any report's pages.

Font: cutting a WOFF2 subset per page costs about a second (fontTools + brotli), more than
the rest of a page. So one subset is cut per batch, in the main process while the workers
render, over every character the pages can show (the catalogue's words, the data set's
region, indicator and source names), written once as ``html/<report>.font.woff2`` and linked
by every page of the batch. Same data and code, same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import UserError
from analysis.runner.config import Nav, Task
from analysis.runner.fonts import FAMILY, UNICODE_RANGE, is_cjk, subset_woff2
from analysis.runner.pages import PAGE_CSS, ZOOM_JS, nav_bar, toc

if TYPE_CHECKING:
    from analysis.runner.execute import Result

# catalogue files whose words a profile page can show
CATALOGUES = ("profile", "gaps", "methods", "present", "findings", "data", "regions", "site")
PUNCTUATION = "\uff08\uff09\uff1a\uff1b\uff0c\u3001\u3002\u201c\u201d\u2014"
CHUNK_MIN, CHUNK_MAX = 4, 64
REGION_PARAM = "region_code"


@dataclass(frozen=True)
class Item:
    """One page of a chunk: output name, county code, page title, neighbours."""

    name: str
    code: str
    title: str
    nav: Nav


def font_name(report: str) -> str:
    """The shared font file of a batch report (in outputs/html/)."""
    return f"{report}.font.woff2"


def font_chars(data_dir: Path, tasks: Sequence[Task] = ()) -> str:
    """Every CJK character a profile page can show: the catalogue files in ``CATALOGUES``,
    the tables at the top of the data directory (regions, indicators, sources ...), and the
    titles of ``tasks`` and of the pages they link to (page title, navigation bar)."""
    from analysis import messages

    root = Path(messages.__file__).resolve().parent
    files = [root / f"{stem}.toml" for stem in CATALOGUES]
    files += sorted(data_dir.glob("*.csv"))
    chars = set(PUNCTUATION)
    for f in files:
        chars.update(f.read_text(encoding="utf-8-sig", errors="replace"))
    for t in tasks:
        links = [x for x in (t.nav.prev, t.nav.next) if x is not None]
        chars.update(t.title + "".join(x.title for x in links))
    return "".join(sorted(c for c in chars if is_cjk(c)))


def font_head(href: str) -> str:
    """The page's styles: the linked CJK font, the site's page style, the figure zoom."""
    face = (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;'
        f'font-display:block;unicode-range:{UNICODE_RANGE};src:url("{href}") format("woff2")}}'
    )
    return f"<style>{face}</style>\n<style>{PAGE_CSS}</style>\n<script>{ZOOM_JS}</script>\n"


# --- worker side ----------------------------------------------------------------------------

_COMPUTED: dict[str, Any] = {}  # one computation per worker process (the last one asked for)


def _signature(data_dir: Path) -> list[tuple[str, int, int]]:
    """Names, sizes and modification times of the data files: a changed file, a new run."""
    out = []
    for p in sorted(data_dir.rglob("*")):
        if p.is_file():
            st = p.stat()
            out.append((p.relative_to(data_dir).as_posix(), st.st_size, st.st_mtime_ns))
    return out


def computation(data_dir: str, params: dict[str, Any]) -> Any:
    """``profile.compute`` for the data set and the notebook parameters it uses (year,
    method, unit costs), cached in this process (the last one asked for)."""
    from analysis.analyses import profile
    from analysis.data import load

    args = {
        "year": params.get("year", 0),
        "normalisation": params.get("normalisation", "minmax"),
        "weighting": params.get("weighting", "equal"),
        "unit_costs": {
            "facility_area": params.get("facility_cost_per_m2", 3000),
            "urban_community_workers": params.get("worker_cost_per_year", 50000),
        },
    }
    key = json.dumps([data_dir, _signature(Path(data_dir)), args], sort_keys=True, default=str)
    if _COMPUTED.get("key") != key:
        _COMPUTED.clear()
        _COMPUTED["batch"] = profile.compute(load(data_dir), **args)
        _COMPUTED["contexts"] = {}
        _COMPUTED["key"] = key
    return _COMPUTED


def page(context: Any, item: Item, head: str) -> bytes:
    """One county's page as UTF-8 bytes (navigation bar and table of contents on top)."""
    from analysis.present import profile_page as PP

    blocks = PP.build(context, item.code)
    body = PP.html(blocks, context.lang, title=item.title, head=head)
    top = nav_bar(item.nav) + toc(body)
    return body.replace("<body>\n", "<body>\n" + top + "\n", 1).encode("utf-8")


def _error(exc: BaseException) -> dict[str, Any]:
    text = exc.message() if isinstance(exc, UserError) else str(exc)
    return {
        "cell_index": None,
        "exec_count": None,
        "ename": type(exc).__name__,
        "evalue": text,
        "source_line": "",
    }


def _result(name: str, ok: bool, duration: float, **kw: Any) -> dict[str, Any]:
    """A page's outcome as the fields of ``execute.Result`` (plain data: workers need not
    import execute.py, which imports papermill)."""
    return {"name": name, "ok": ok, "duration": duration, **kw}


def render_chunk(
    data_dir: str, params: dict[str, Any], items: Sequence[Item], font_href: str
) -> list[dict[str, Any]]:
    """Pages of ``items`` (one result each, ``_result``; a county that fails does not stop
    the others)."""
    from analysis.present import profile_page as PP

    t0 = time.perf_counter()
    lang = params.get("lang", "zh")
    try:
        comp = computation(data_dir, params)
        ctx = comp["contexts"].get(lang) or PP.context(comp["batch"], lang)
        comp["contexts"][lang] = ctx
    except Exception as exc:  # noqa: BLE001 - reported per page, like a failed notebook
        dur = (time.perf_counter() - t0) / max(len(items), 1)
        return [_result(i.name, False, dur, error=_error(exc)) for i in items]
    head = font_head(font_href)
    out = []
    for item in items:
        t1 = time.perf_counter()
        try:
            html = page(ctx, item, head)
            res = _result(item.name, True, time.perf_counter() - t1, html={"report": html})
        except Exception as exc:  # noqa: BLE001
            res = _result(item.name, False, time.perf_counter() - t1, error=_error(exc))
        out.append(res)
    first = time.perf_counter() - t0 - sum(r["duration"] for r in out)
    if out:  # the shared computation is counted in the chunk's first page
        out[0]["duration"] += first
    return out


# --- main side ------------------------------------------------------------------------------


def chunks(tasks: Sequence[Task], jobs: int) -> list[tuple[dict[str, Any], list[Item]]]:
    """Tasks grouped by parameters (all but the region) and cut into about four chunks per
    worker (``CHUNK_MIN`` to ``CHUNK_MAX`` pages each), in name order."""
    groups: dict[str, tuple[dict[str, Any], list[Item]]] = {}
    for t in sorted(tasks, key=lambda t: t.name):
        params = {k: v for k, v in t.parameters.items() if k != REGION_PARAM}
        key = json.dumps([t.report, params], sort_keys=True, default=str)
        code = str(t.parameters.get(REGION_PARAM, ""))
        groups.setdefault(key, (params, []))[1].append(Item(t.name, code, t.title, t.nav))
    out = []
    for params, items in groups.values():
        size = max(CHUNK_MIN, min(CHUNK_MAX, -(-len(items) // max(1, 4 * jobs))))
        out += [(params, items[i : i + size]) for i in range(0, len(items), size)]
    return out


def write_font(tasks: Sequence[Task], data_dir: Path, html_dir: Path) -> None:
    """The shared font of each batch report, rewritten only when its bytes change.

    ``tasks``: every task of the batch reports (not only those rebuilt now), so the font
    covers the pages left as they are too."""
    from analysis.io import write_bytes

    data = subset_woff2(font_chars(data_dir, tasks))
    for report in sorted({t.report for t in tasks}):
        path = html_dir / font_name(report)
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        write_bytes(path, data)


def run(
    tasks: Sequence[Task],
    data_dir: Path,
    outputs: Path,
    *,
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    on_done: Callable[[Task, Result], None],
    every: Sequence[Task] = (),
) -> None:
    """Render the pages of ``tasks`` (batch reports) in chunks on ``executor``; call
    ``on_done`` for each page as its chunk returns. ``every``: all tasks of the batch
    reports, built now or not (the shared font covers their pages; default ``tasks``)."""
    from analysis.runner.execute import Result

    by_name = {t.name: t for t in tasks}
    parts = chunks(tasks, jobs)
    hrefs = {t.report: font_name(t.report) for t in tasks}
    jobs_list = [(params, items, hrefs[by_name[items[0].name].report]) for params, items in parts]
    submit, finish = (_dask if executor == "dask" else _local)(jobs, scheduler)
    try:
        futures = [submit(str(data_dir), p, items, href) for p, items, href in jobs_list]
        reports = {t.report for t in tasks}
        every = [t for t in (every or tasks) if t.report in reports]
        write_font(every, data_dir, outputs / "html")  # while the workers render
        for fut, (_, items, _) in _completed(futures, jobs_list, executor):
            try:
                results = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died: its pages fail
                results = [_result(i.name, False, 0.0, error=_error(exc)) for i in items]
            for res in results:
                on_done(by_name[res["name"]], Result(**res))
    finally:
        finish()


def _completed(futures: list, jobs_list: list, executor: str):
    """(future, its chunk) as each future finishes."""
    index = {id(f): k for k, f in enumerate(futures)}
    if executor == "dask":
        from dask.distributed import as_completed

        done: Any = as_completed(futures)
    else:
        from concurrent.futures import as_completed as cf_completed

        done = cf_completed(futures)
    for fut in done:
        yield fut, jobs_list[index[id(fut)]]


def warm_worker() -> None:
    """Pool initializer: die with the runner (Linux: PR_SET_PDEATHSIG), and import the
    renderer (``batch_warm``) while the main process cuts the font."""
    import importlib

    with contextlib.suppress(Exception):  # not Linux: the pool's own shutdown only
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    importlib.import_module("analysis.runner.batch_warm")


def _local(jobs: int, scheduler: str | None):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # fresh interpreters: the notebook workers' forkserver preloads papermill and nbconvert
    # (execute.py, warm.py), which pages rendered here do not need (~20 s on a busy machine)
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=mp.get_context("spawn"),
        initializer=warm_worker,
    )

    def submit(*args: Any):
        return pool.submit(render_chunk, *args)

    def finish() -> None:
        pool.shutdown(wait=True, cancel_futures=True)

    return submit, finish


def _dask(jobs: int, scheduler: str | None):
    from analysis.runner.cluster import dask_client

    client, cluster = dask_client(jobs, scheduler)
    stamp = f"{os.getpid()}-{time.time_ns()}"
    count = iter(range(1 << 30))

    def submit(*args: Any):
        key = f"analysis-profiles-{stamp}-{next(count)}"
        return client.submit(render_chunk, *args, key=key, pure=False, retries=0)

    def finish() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return submit, finish
