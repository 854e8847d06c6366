"""outputs/html/index.html: every report with status, duration and links.

Self-contained (inline CSS and a few lines of inline script, the CJK font embedded as a
subset, nothing loaded from elsewhere: it works from file://); every string from data or
error messages is escaped with ``html.escape``. Words come from the catalogue
(``site.toml``); the page is bilingual ("zh en").

Reports come first; the pages of single regions (profiles, rows whose parameters name a
``region_code``) follow, grouped by the level below the regions' common ancestor when they
do not all share one parent (a province's 88 county profiles under their 9 prefectures),
each group a collapsible block with its count, rows in region-code order. A search box
filters every row by name, title or code (plain JavaScript over the page's own rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analysis.messages import pair, t
from analysis.runner.fonts import FAMILY
from analysis.runner.pages import SANS, embed_font, words

STATUS_CSS = {"built": "ok", "stale": "none", "failed": "bad", "not_built": "none"}

CSS = f"""
body{{font-family:"{FAMILY}",{SANS};margin:2em;color:#222}}
h1{{font-size:1.4em}}h2{{font-size:1.15em;margin:1.2em 0 .4em}}
table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #bbb;padding:.35em .6em;text-align:left;vertical-align:top;
font-size:.92em}}
th{{background:#eee}}td.ok{{color:#1a6b1a}}td.bad{{color:#a00;font-weight:bold}}
td.none{{color:#777}}
code{{font-size:.9em;font-family:"{FAMILY}",ui-monospace,"DejaVu Sans Mono",monospace}}
.err{{color:#a00;white-space:pre-wrap}}.note{{background:#fff4d6;padding:.5em .8em}}
.wrap{{overflow-x:auto}}
.find{{margin:.8em 0}}.find input{{font-size:1em;padding:.3em .5em;width:22em;max-width:90%}}
details.group{{margin:.3em 0;border:1px solid #ddd}}
details.group>summary{{cursor:pointer;padding:.35em .6em;background:#f6f6f6}}
details.group .n{{color:#555}}details.group .bad{{color:#a00}}
"""

# filter rows by the search box: a row stays when its data-find text holds every word typed;
# a group shows when one of its rows stays, and opens while something is typed
FIND_JS = (
    "(function(){var box=document.getElementById('find'),out=document.getElementById('found');"
    "function run(){var q=box.value.toLowerCase().split(/\\s+/).filter(Boolean),n=0;"
    "document.querySelectorAll('tr[data-find]').forEach(function(tr){"
    "var s=tr.getAttribute('data-find'),ok=q.every(function(w){return s.indexOf(w)>=0;});"
    "tr.style.display=ok?'':'none';if(ok){n++;}});"
    "document.querySelectorAll('details.group').forEach(function(d){"
    "var any=d.querySelector('tr[data-find]:not([style*=\"none\"])');"
    "d.style.display=any?'':'none';if(q.length){d.open=!!any;}});"
    "document.querySelectorAll('.block').forEach(function(b){"
    "b.style.display=b.querySelector('tr[data-find]:not([style*=\"none\"])')?'':'none';});"
    "out.textContent=q.length?out.getAttribute('data-words').split('{n}').join(n):'';}"
    "box.addEventListener('input',run);run();})();"
)


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(quote(href))}">{escape(text)}</a>'


def status_words(status: str) -> tuple[str, str]:
    """(zh, en) name of a report status (built, stale, failed, not_built)."""
    if status in STATUS_CSS:
        return pair(f"site.status_{status}")
    return status, status


Title = str | tuple[str, str]


def illustrative_notice(titles: Sequence[Title]) -> str:
    """The index's warning when the data set carries illustrative (constructed) sources.

    ``titles``: each source's title, or its (Chinese, English) titles. Titles that already
    begin with the word for illustrative data (``common.illustrative``) are listed as they
    are, without the notice saying it again before them."""
    if not titles:
        return ""
    zh_titles = [x if isinstance(x, str) else x[0] for x in titles]
    en_titles = [x if isinstance(x, str) else (x[1] or x[0]) for x in titles]
    word = t("common.illustrative", "zh")
    named = all(s.strip().startswith(word) for s in zh_titles)
    key = "site.illustrative_notice_named" if named else "site.illustrative_notice"
    zh = t(key, "zh", listed="\uff1b".join(zh_titles))
    en = t(key, "en", listed="; ".join(en_titles))
    return f"{zh} {en}"


def illustrative_sources(data: Path) -> list[tuple[str, str]]:
    """(Chinese, English) titles of the data set's illustrative sources, by Chinese title
    (none when sources.csv is unreadable)."""
    import pandas as pd

    try:
        src = pd.read_csv(
            data / "sources.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    if not {"kind", "title"} <= set(src.columns):
        return []
    ill = src[src["kind"] == "illustrative"].sort_values("title")
    en = ill["title_en"] if "title_en" in ill.columns else ill["title"]
    return list(zip(ill["title"], en, strict=True))


Tree = Mapping[str, tuple[str, str]]  # region code -> (parent code, Chinese name)


def read_tree(data: Path) -> dict[str, tuple[str, str]]:
    """The data set's region tree from regions.csv (empty when it cannot be read)."""
    import pandas as pd

    try:
        reg = pd.read_csv(
            data / "regions.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not {"code", "parent_code", "name_zh"} <= set(reg.columns):
        return {}
    return {
        str(c).strip(): (str(p).strip(), str(n))
        for c, p, n in zip(reg["code"], reg["parent_code"], reg["name_zh"], strict=True)
    }


def _chain(code: str, tree: Tree) -> list[str]:
    """``code`` and its ancestors, the root last."""
    out = [code]
    while out[-1] in tree and tree[out[-1]][0] and tree[out[-1]][0] not in out:
        out.append(tree[out[-1]][0])
    return out


def groups(codes: Sequence[str], tree: Tree) -> dict[str, str]:
    """Region code -> code of its group: the ancestor one level below the common ancestor
    of ``codes``; empty when the codes share their parent (no intermediate level)."""
    chains = {c: _chain(c, tree) for c in codes}
    if len(chains) < 2:
        return {}
    common = set.intersection(*(set(ch) for ch in chains.values()))
    out = {}
    for c, ch in chains.items():
        below = [a for a in ch if a not in common]  # the region up to below the ancestor
        out[c] = below[-1] if below else c
    if len(set(out.values())) < 2 or all(out[c] == c for c in out):
        return {}
    return out


def _region(r: Mapping[str, Any]) -> str:
    return str((r.get("parameters") or {}).get("region_code") or "")


def _row(r: dict[str, Any], extra: str = "") -> str:
    zh, en = status_words(r["status"])
    views = r.get("views", ())
    links = [
        _link(f"{r['name']}{suffix}.html", words(key))
        for view, suffix, key in (
            ("report", "", "link_report"),
            ("full", ".full", "link_full"),
            ("failed", ".failed", "link_failed"),
        )
        if view in views
    ]
    err = r.get("error")
    err_html = f'<div class="err">{escape(describe_error(err))}</div>' if err else ""
    dur = f"{r['duration']:.1f} s" if isinstance(r.get("duration"), int | float) else "\u2013"
    css = STATUS_CSS.get(r["status"], "none")
    find = " ".join((str(r["name"]), str(r.get("title", "")), _region(r), extra)).lower()
    return (
        f'<tr data-find="{escape(find)}">'
        f"<td>{escape(r['name'])}</td><td>{escape(r.get('title', ''))}</td>"
        f'<td class="{css}">{escape(zh)} / {escape(en)}{err_html}</td>'
        f"<td>{escape(dur)}</td>"
        f"<td>{' '.join(links)}</td>"
        "</tr>"
    )


def _table(rows: Sequence[dict[str, Any]], head: str, extra: str = "") -> str:
    body = "\n".join(_row(r, extra) for r in rows)
    return (
        f'<div class="wrap"><table>\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table></div>\n"
    )


def _grouped(rows: Sequence[dict[str, Any]], head: str, tree: Tree) -> str:
    """The regions' rows, by group (region-code order) when there is an intermediate
    level, else in one table."""
    by_code = sorted(rows, key=lambda r: (_region(r), str(r["name"])))
    group_of = groups(sorted({_region(r) for r in by_code}), tree)
    if not group_of:
        return _table(by_code, head)
    parts = []
    for g in sorted(set(group_of.values())):
        mine = [r for r in by_code if group_of[_region(r)] == g]
        name = tree.get(g, ("", g))[1]
        failed = sum(r["status"] == "failed" for r in mine)
        count = " / ".join(pair("site.group_count", n=len(mine)))
        bad = (
            f' <span class="bad">{escape(" / ".join(pair("site.group_failed", n=failed)))}</span>'
            if failed
            else ""
        )
        parts.append(
            f'<details class="group" data-group="{escape(g)}"><summary>'
            f'<b>{escape(name)}</b> {escape(g)} <span class="n">{escape(count)}</span>{bad}'
            f"</summary>\n" + _table(mine, head, f"{name} {g}") + "</details>\n"
        )
    return "".join(parts)


def index_html(
    rows: Sequence[dict[str, Any]],
    *,
    title: str = "",
    notice: str = "",
    explore: bool = False,
    tree: Tree | None = None,
) -> str:
    """The index page. Each row: name, title, status, duration, views, error, parameters;
    ``notice`` (e.g. ``illustrative_notice``) is shown above the table; ``explore`` links
    the offline explorer page ``explore.html``; ``tree`` (``read_tree``) groups the rows of
    single regions by their intermediate level."""
    title = title or words("index_title")
    n_fail = sum(r["status"] == "failed" for r in rows)
    summary = " / ".join(pair("site.summary", total=len(rows), failed=n_fail))
    # no parameters column: a notebook's parameter names (target_values ...) are not plan words
    cols = ("report", "title", "status", "duration", "links")
    head = "".join(f"<th>{escape(words('col_' + c))}</th>" for c in cols)
    reports = [r for r in rows if not _region(r)]
    regional = [r for r in rows if _region(r)]
    blocks = ""
    if reports:
        blocks += f'<div class="block">{_table(reports, head)}</div>\n'
    if regional:
        blocks += (
            f'<div class="block"><h2>{escape(words("regions_heading"))}</h2>\n'
            + _grouped(regional, head, tree or {})
            + "</div>\n"
        )
    found = " / ".join(pair("site.search_found", n="{n}"))
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(summary)}</p>\n"
        + (f'<p class="note">{escape(notice)}</p>\n' if notice else "")
        + (
            f'<p><a href="explore.html">{escape(" / ".join(pair("site.explore_link")))}</a></p>\n'
            if explore
            else ""
        )
        + f'<p class="find"><label>{escape(words("search"))} '
        f'<input id="find" type="search" autocomplete="off"></label> '
        f'<span id="found" data-words="{escape(found)}"></span></p>\n'
        + blocks
        + f"<script>{FIND_JS}</script>\n</body>\n</html>\n"
    )
    return embed_font(page)


def describe_error(err: dict[str, Any] | None) -> str:
    """One line naming the failing cell and its error, e.g. 'cell 3 (In [2]): E: ...'."""
    if not err:
        return ""
    where = ""
    if err.get("cell_index") is not None:
        where = f"cell {err['cell_index']} (In [{err.get('exec_count')}]): "
    src = f"  <- {err['source_line']}" if err.get("source_line") else ""
    return f"{where}{err.get('ename', '')}: {err.get('evalue', '')}{src}"
