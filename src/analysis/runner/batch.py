"""Batch pages: one computation per worker, then a static page per region.

A report with ``batch = "<module>"`` in reports.toml (the county profile:
``analysis.present.profile_page``) is not run as one notebook kernel per region. The module
is the report's page renderer, the same one its notebook calls; the runner knows it only by
this protocol:

- ``prepare(ds, **parameters) -> context``: everything the pages share, from the data set
  and the report's notebook parameters (all but the region);
- ``page_html(context, code, *, title, head) -> str``: one region's page;
- ``CATALOGUES``: the message catalogue files whose words a page can show (for the font).

Tasks are grouped by parameters (all but ``region_code``) and cut into chunks; each chunk
goes to the run's executor (``executors``), whose worker loads the data set in the run's
scope, calls ``prepare`` once (kept for the next chunk on the same worker) and renders each
region's page. Workers send the pages back as bytes; the main process writes them, like
any report's pages.

Font: each page embeds a WOFF2 subset of the project's CJK font covering exactly its own
characters (``pages.embed_font``, cut in the worker from the prepared font: a fraction of
a second per page), so a page copied alone to another folder or sent by mail still reads
on a machine without a CJK font. Same data and code, same bytes. ``font_chars`` lists every
character a batch page can show (for checks and the font benchmark).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import UserError
from analysis.runner.config import REGION_PARAMS, Nav, Task
from analysis.runner.fonts import is_cjk
from analysis.runner.pages import PAGE_CSS, ZOOM_JS, embed_font, nav_bar, toc

if TYPE_CHECKING:
    from analysis.runner.execute import Result
    from analysis.runner.executors import Executor

SITE_CATALOGUES = ("site",)  # the navigation bar and table of contents
PUNCTUATION = "\uff08\uff09\uff1a\uff1b\uff0c\u3001\u3002\u201c\u201d\u2014"
CHUNK_MIN, CHUNK_MAX = 4, 64
REGION_PARAM = REGION_PARAMS[0]


@dataclass(frozen=True)
class Item:
    """One page of a chunk: output name, county code, page title, neighbours."""

    name: str
    code: str
    title: str
    nav: Nav


def font_chars(data_dir: Path, tasks: Sequence[Task] = ()) -> str:
    """Every CJK character a batch page can show: the catalogue files its renderer lists
    (``CATALOGUES``), the tables at the top of the data directory (regions, indicators,
    sources ...), and the titles of ``tasks`` and of the pages they link to."""
    from analysis import messages

    root = Path(messages.__file__).resolve().parent
    stems = set(SITE_CATALOGUES)
    for module in sorted({t.batch for t in tasks if t.batch}):
        stems |= set(getattr(importlib.import_module(module), "CATALOGUES", ()))
    files = [root / f"{stem}.toml" for stem in sorted(stems)]
    files += sorted(data_dir.glob("*.csv"))
    chars = set(PUNCTUATION)
    for f in files:
        chars.update(f.read_text(encoding="utf-8-sig", errors="replace"))
    for t in tasks:
        links = [x for x in (t.nav.prev, t.nav.next) if x is not None]
        chars.update(t.title + "".join(x.title for x in links))
    return "".join(sorted(c for c in chars if is_cjk(c)))


def page_head() -> str:
    """The page's styles: the site's page style, the figure zoom (the embedded CJK font is
    added at the end of ``<head>`` by ``pages.embed_font``)."""
    return f"<style>{PAGE_CSS}</style>\n<script>{ZOOM_JS}</script>\n"


# --- worker side ----------------------------------------------------------------------------

_PREPARED: dict[str, Any] = {}  # one context per worker process (the last one asked for)


def _signature(data_dir: Path) -> list[tuple[str, int, int]]:
    """Names, sizes and modification times of the data files: a changed file, a new run."""
    out = []
    for p in sorted(data_dir.rglob("*")):
        if p.is_file():
            st = p.stat()
            out.append((p.relative_to(data_dir).as_posix(), st.st_size, st.st_mtime_ns))
    return out


def prepared(module: str, run_params: dict[str, str], params: dict[str, Any]) -> Any:
    """``module.prepare(ds, **params)`` on the data set in the run's scope, cached in this
    process (the last one asked for)."""
    from analysis.data import load

    data_dir = run_params["data_dir"]
    key = json.dumps(
        [module, run_params, _signature(Path(data_dir)), params], sort_keys=True, default=str
    )
    if _PREPARED.get("key") != key:
        _PREPARED.clear()
        ds = load(
            data_dir,
            top=run_params.get("top") or None,
            unit_level=run_params.get("level") or None,
        )
        _PREPARED["context"] = importlib.import_module(module).prepare(ds, **params)
        _PREPARED["key"] = key
    return _PREPARED["context"]


def page(module: str, context: Any, item: Item, head: str) -> bytes:
    """One region's page as UTF-8 bytes (navigation bar and table of contents on top, the
    CJK font subset of its characters embedded)."""
    body = importlib.import_module(module).page_html(
        context, item.code, title=item.title, head=head
    )
    top = nav_bar(item.nav) + toc(body)
    return embed_font(body.replace("<body>\n", "<body>\n" + top + "\n", 1)).encode("utf-8")


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
    module: str,
    run_params: dict[str, str],
    params: dict[str, Any],
    items: Sequence[Item],
) -> list[dict[str, Any]]:
    """Pages of ``items`` by renderer ``module`` (one result each, ``_result``; a region
    that fails does not stop the others)."""
    t0 = time.perf_counter()
    try:
        ctx = prepared(module, run_params, params)
    except Exception as exc:  # noqa: BLE001 - reported per page, like a failed notebook
        dur = (time.perf_counter() - t0) / max(len(items), 1)
        return [_result(i.name, False, dur, error=_error(exc)) for i in items]
    head = page_head()
    out = []
    for item in items:
        t1 = time.perf_counter()
        try:
            html = page(module, ctx, item, head)
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
    """Tasks grouped by report and parameters (all but the region) and cut into about four
    chunks per worker (``CHUNK_MIN`` to ``CHUNK_MAX`` pages each), in name order."""
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


def run(
    ex: Executor,
    tasks: Sequence[Task],
    run_params: dict[str, str],
    outputs: Path,
    *,
    on_done: Callable[[Task, Result], None],
) -> None:
    """Render the pages of ``tasks`` (batch reports) in chunks on the executor ``ex``; call
    ``on_done`` for each page as its chunk returns."""
    from analysis.runner.execute import Result

    by_name = {t.name: t for t in tasks}
    calls = []
    for params, items in chunks(tasks, ex.jobs):
        report = by_name[items[0].name]
        calls.append((report.batch, run_params, params, items))
    for i, results, exc in ex.map_unordered(render_chunk, calls):
        if exc is not None:  # a worker died: its pages fail
            results = [_result(it.name, False, 0.0, error=_error(exc)) for it in calls[i][3]]
        for res in results:
            on_done(by_name[res["name"]], Result(**res))
