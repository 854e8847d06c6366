"""outputs/html/index.html: every report with status, duration and links.

Self-contained (inline CSS, the CJK font embedded as a subset, no scripts); every string
from data or error messages is escaped with ``html.escape``. Words come from
the catalogue (``site.toml``); the page is bilingual ("zh en").
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from analysis.messages import pair, t
from analysis.runner.fonts import FAMILY
from analysis.runner.pages import SANS, embed_font, words

STATUS_CSS = {"built": "ok", "stale": "none", "failed": "bad", "not_built": "none"}

CSS = f"""
body{{font-family:"{FAMILY}",{SANS};margin:2em;color:#222}}
h1{{font-size:1.4em}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #bbb;padding:.35em .6em;text-align:left;vertical-align:top;
font-size:.92em}}
th{{background:#eee}}td.ok{{color:#1a6b1a}}td.bad{{color:#a00;font-weight:bold}}
td.none{{color:#777}}
code{{font-size:.9em;font-family:"{FAMILY}",ui-monospace,"DejaVu Sans Mono",monospace}}
.err{{color:#a00;white-space:pre-wrap}}.note{{background:#fff4d6;padding:.5em .8em}}
.wrap{{overflow-x:auto}}
"""


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(quote(href))}">{escape(text)}</a>'


def status_words(status: str) -> tuple[str, str]:
    """(zh, en) name of a report status (built, stale, failed, not_built)."""
    if status in STATUS_CSS:
        return pair(f"site.status_{status}")
    return status, status


def illustrative_notice(titles: Sequence[str]) -> str:
    """The index's warning when the data set carries illustrative (constructed) sources."""
    if not titles:
        return ""
    zh = t("site.illustrative_notice", "zh", listed="\uff1b".join(titles))
    en = t("site.illustrative_notice", "en", listed="; ".join(titles))
    return f"{zh} {en}"


def _row(r: dict[str, Any]) -> str:
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
    return (
        "<tr>"
        f"<td>{escape(r['name'])}</td><td>{escape(r.get('title', ''))}</td>"
        f'<td class="{css}">{escape(zh)} / {escape(en)}{err_html}</td>'
        f"<td>{escape(dur)}</td>"
        f"<td>{' '.join(links)}</td>"
        "</tr>"
    )


def index_html(
    rows: Sequence[dict[str, Any]], *, title: str = "", notice: str = "", explore: bool = False
) -> str:
    """The index page. Each row: name, title, status, duration, views, error;
    ``notice`` (e.g. ``illustrative_notice``) is shown above the table; ``explore`` links
    the offline explorer page ``explore.html``."""
    title = title or words("index_title")
    n_fail = sum(r["status"] == "failed" for r in rows)
    summary = " / ".join(pair("site.summary", total=len(rows), failed=n_fail))
    # no parameters column: a notebook's parameter names (target_values ...) are not plan words
    cols = ("report", "title", "status", "duration", "links")
    head = "".join(f"<th>{escape(words('col_' + c))}</th>" for c in cols)
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
        + f'<div class="wrap"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(_row(r) for r in rows)
        + "\n</tbody>\n</table></div>\n</body>\n</html>\n"
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
