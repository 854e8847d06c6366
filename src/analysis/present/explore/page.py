"""The offline explorer page ``outputs/html/explore.html``: pickers, county map with hover
values, ranked bar and trend linked to the selection, county table, zh/en switch and a CSV
download (UTF-8 with BOM). No server, no network: Plotly's JavaScript (the plotly.js basic
bundle shipped beside this module) is written once to ``outputs/html/assets/`` and the page
refers to it; the numbers are ``export.explore_data`` embedded as JSON.

Usage::

    write_explore_page("data", "outputs")     # what ``analysis run`` calls after index.html
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from analysis import io, paths
from analysis.data import Dataset, load, words
from analysis.errors import UserError, check_lang
from analysis.messages import t
from analysis.present import findings
from analysis.present.cjk_font import PAGE_FAMILY
from analysis.present.escape import script_json

HERE = Path(__file__).resolve().parent
PAGE = "explore.html"
ASSETS = "assets"
KEY_META = "explore-key"

# The embedded CJK subset (``PAGE_FAMILY``, added by the runner) first: it covers CJK code
# points only, so Latin text falls through to the reader's fonts.
FONT_CSS = (
    f'body,select,button{{font-family:"{PAGE_FAMILY}","Noto Sans CJK SC","Microsoft YaHei",'
    '"PingFang SC",sans-serif}'
)
CSS = """
body{margin:1.2em 2em;color:#222}
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.05em;margin:.8em 0 .3em}
.bar{display:flex;flex-wrap:wrap;gap:.8em;align-items:end;margin:.6em 0}
.bar label{display:flex;flex-direction:column;font-size:.85em;color:#555}
select,button{font-size:.95em;padding:.25em .4em}
.badge{background:#fff4d6;border:1px solid #e6b800;padding:.1em .5em;font-weight:bold}
.note{color:#555;font-size:.88em}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1em}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
table{border-collapse:collapse;font-size:.88em;width:100%}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left}th{background:#eee}
td.v,td.r,td.g{text-align:right}tr.sel td{background:#ffe9b3}tbody tr{cursor:pointer}
#selection{font-weight:bold}
.illustrative-banner{background:#fff4d6;border:1px solid #e6b800;padding:.4em .8em}
"""


PLOTLY_JS = HERE / "plotly-basic.min.js"  # plotly.js basic bundle (scatter, bar, pie), MIT


def plotly_js() -> tuple[str, str]:
    """(file name, source) of the plotly.js basic bundle shipped beside this module (npm
    ``plotly.js-basic-dist-min``, unmodified, licence in ``plotly-LICENSE.txt``): 1.2 MB
    instead of the ``plotly`` package's 4.8 MB full bundle (61 MB installed); the page
    draws scatter and bar traces only."""
    src = PLOTLY_JS.read_text(encoding="utf-8")
    version = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", src[:200])
    return f"plotly-basic-{version.group(1) if version else 'x'}.min.js", src


def write_asset(html_dir: Path) -> str:
    """Write Plotly's JavaScript once to ``html_dir/assets/``; return its relative path."""
    name, src = plotly_js()
    path = html_dir / ASSETS / name
    data = src.encode("utf-8")
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        io.write_bytes(path, data)
    return f"{ASSETS}/{name}"


def _levels_with_values(data: dict[str, Any], ind: str) -> set[str]:
    """Levels with a value of ``ind`` in its latest year."""
    per = data["values"].get(ind, {})
    if not per:
        return set()
    row = per[max(per, key=int)]
    return {r["level"] for r, v in zip(data["regions"], row, strict=True) if v is not None}


def _varies(data: dict[str, Any], ind: str) -> bool:
    """Whether the units differ on ``ind`` in its latest year (all at 100 % ranks nothing)."""
    per = data["values"].get(ind, {})
    if not per:
        return False
    unit = data["levels"][0]
    row = per[max(per, key=int)]
    vals = {v for r, v in zip(data["regions"], row, strict=True) if r["level"] == unit}
    return len(vals - {None}) > 1


def _scope_levels(data: dict[str, Any]) -> set[str]:
    """Levels of the top region and the regions below it (not of regions above the top)."""
    children: dict[str, list[dict[str, Any]]] = {}
    for r in data["regions"]:
        children.setdefault(r["parent"], []).append(r)
    out, todo = set(), [r for r in data["regions"] if r["code"] == data["top"]]
    while todo:
        r = todo.pop()
        out.add(r["level"])
        todo.extend(children.get(r["code"], []))
    return out


def _defaults(data: dict[str, Any]) -> dict[str, str]:
    """Initial indicator (the first with a projection, else with a standard, else the first;
    among each, one on which the units differ first, then one with values at every level
    from the top down, so that each level shows from the first load) and region (the first
    unit)."""
    inds = data["indicators"]
    every = _scope_levels(data)
    with_fan = [i["id"] for i in inds if i["id"] in data["fan"]]
    with_std = [i["id"] for i in inds if i["standard"] is not None]
    ranked = [
        i
        for group in (with_fan, with_std, [x["id"] for x in inds])
        for varies in (True, False)
        for full in (True, False)
        for i in group
        if _varies(data, i) == varies and (_levels_with_values(data, i) >= every) == full
    ]
    unit = next(r["code"] for r in data["regions"] if r["level"] == data["levels"][0])
    return {"indicator": ranked[0], "code": unit}


def page_html(data: dict[str, Any], asset: str, lang: str = "zh", key: str = "") -> str:
    """The page: static skeleton, the data as JSON, the app script (``page.js``) inline."""
    lang = check_lang(lang)
    payload = {**data, "lang": lang, "defaults": _defaults(data)}
    if data.get("illustrative"):  # the banner's words in both languages (the zh/en switch)
        payload["labels"] = {
            lg: {**d, "banner": findings.banner_text(lg)} for lg, d in data["labels"].items()
        }
    banner = (
        f'<p class="illustrative-banner" data-l="banner">{escape(findings.banner_text(lang))}</p>\n'
        if data.get("illustrative")
        else ""
    )
    blob = script_json(payload)  # no "<", ">", "&": never closes the script element
    app = (HERE / "page.js").read_text(encoding="utf-8")

    filled = data.get("labels", {}).get(lang, {})  # words of the data set (export.data)

    def text(k: str) -> str:
        return filled.get(k) or words.fill(t("explore." + k, lang), words.neutral(lang))

    def lab(k: str) -> str:
        return f'<span data-l="{k}">{escape(text(k))}</span>'

    def pick(k: str) -> str:
        return f'<label>{lab(k)}<select id="{k if k != "county" else "county"}"></select></label>'

    hide = "" if data.get("illustrative") else ' style="display:none"'
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="{KEY_META}" content="{escape(key)}">\n'
        f"<title>{escape(text('title'))}</title>\n<style>{FONT_CSS}{CSS}</style>\n"
        f'<script src="{escape(asset)}"></script>\n</head>\n<body>\n'
        f'<h1>{lab("title")} <span id="badge" class="badge"{hide}>'
        f"{lab('illustrative')}</span></h1>\n"
        f'<p class="note">{lab("subtitle")}</p>\n{banner}'
        '<div class="bar">'
        + "".join(pick(k) for k in ("indicator", "year", "level", "county"))
        + f'<button id="lang" type="button">{lab("language")}</button>'
        f'<button id="download" type="button">{lab("download")}</button></div>\n'
        '<p id="data-note" class="note"></p>\n<p id="selection"></p>\n'
        '<div class="grid">\n'
        f'<div><div id="map"></div><p id="map-missing" class="note">{lab("no_map")}</p></div>\n'
        '<div><div id="bar"></div></div>\n'
        '<div><div id="trend"></div><p id="trend-note" class="note"></p></div>\n'
        f'<div><h2>{lab("table_title")}</h2><table id="table"></table></div>\n'
        "</div>\n"
        f'<div id="index-box"><h2>{lab("index_title")}</h2><p id="index-note" class="note"></p>'
        '<table id="index-table"></table></div>\n'
        f'<script id="explore-data" type="application/json">{blob}</script>\n'
        f"<script>\n{app}</script>\n</body>\n</html>\n"
    )


def input_key(data_dir: Path) -> str:
    """Hash of what the page is built from: every data file and the analysis package's code
    and scripts, the plotly.js bundle included (same inputs -> page not rebuilt)."""
    h = hashlib.sha256()
    src = Path(__file__).resolve().parents[2]  # src/analysis
    for root, suffixes in ((data_dir, None), (src, (".py", ".toml", ".js"))):
        for p in sorted(q for q in root.rglob("*") if q.is_file()):
            if suffixes is None or p.suffix in suffixes:
                h.update(p.relative_to(root).as_posix().encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _current_key(page: Path) -> str:
    try:
        with page.open(encoding="utf-8") as fh:
            head = fh.read(2048)
    except OSError:
        return ""
    mark = f'<meta name="{KEY_META}" content="'
    i = head.find(mark)
    return head[i + len(mark) : head.find('"', i + len(mark))] if i >= 0 else ""


def build_page(
    ds: Dataset,
    html_dir: Path,
    lang: str = "zh",
    key: str = "",
    font: Callable[[str], str] | None = None,
) -> Path:
    """Write the asset and ``explore.html`` for ``ds`` into ``html_dir``; return the page.
    ``font``: page -> page with its CJK font embedded (the runner's ``fonts.embed_all``)."""
    asset = write_asset(html_dir)
    from analysis.present.explore.export import explore_data

    html = page_html(explore_data(ds), asset, lang, key)
    return io.write_text(html_dir / PAGE, font(html) if font is not None else html)


def write_explore_page(
    data_dir: str | os.PathLike | None = None,
    outputs: str | os.PathLike | None = None,
    *,
    lang: str = "zh",
    log: Callable[[str], None] | None = None,
    font: Callable[[str], str] | None = None,
) -> Path | None:
    """Build ``outputs/html/explore.html`` from the data set in ``data_dir`` unless it is up to
    date (``font``: see ``build_page``). A data set that does not load or has no county
    values gives no page (and a line on ``log``), never a failed run."""
    data = paths.data_dir(data_dir)
    html_dir = paths.outputs_dir(outputs) / "html"
    page = html_dir / PAGE
    try:
        key = input_key(data)
        if page.is_file() and _current_key(page) == key:
            return page
        from analysis.present.explore.export import unit_indicators

        ds = load(data)
        if not unit_indicators(ds):
            raise words.user_error(ds, "explore.no_unit_data")
        return build_page(ds, html_dir, lang, key, font)
    except UserError as exc:
        if log is not None:
            log(t("explore.page_skipped", "zh", reason=exc.zh))
        return None
