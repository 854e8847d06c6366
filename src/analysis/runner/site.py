"""outputs/html/index.html: every report with status, duration, parameters and links.

Self-contained (inline CSS, no scripts); every string from data, parameters or error
messages is escaped with ``html.escape``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote

STATUS = {  # status -> (zh, en, css class)
    "built": ("已生成", "built", "ok"),
    "stale": ("已过期 (本次未选)", "out of date (not selected)", "none"),
    "failed": ("失败", "failed", "bad"),
    "not_built": ("未生成", "not built", "none"),
}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #bbb;padding:.35em .6em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#eee}td.ok{color:#1a6b1a}td.bad{color:#a00;font-weight:bold}td.none{color:#777}
code{font-size:.9em}.err{color:#a00;white-space:pre-wrap}.note{background:#fff4d6;padding:.5em .8em}
"""


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(quote(href))}">{escape(text)}</a>'


def illustrative_notice(titles: Sequence[str]) -> str:
    """The index's warning when the data set carries illustrative (constructed) sources."""
    if not titles:
        return ""
    listed = "; ".join(titles)
    return (
        f"注: 本数据集含示意数据(构造数据,不是统计数据): {listed}。使用这些数据的图表和表格均在资料来源注释中标注“示意数据”。"
        f" Note: the data set includes illustrative (constructed, not official) data: {listed}."
        " Every figure and table that uses it says 示意数据 in its source note."
    )


def index_html(
    rows: Sequence[dict[str, Any]], *, title: str = "报告索引 Report index", notice: str = ""
) -> str:
    """The index page. Each row: name, title, status, duration, parameters, views, error;
    ``notice`` (e.g. ``illustrative_notice``) is shown above the table."""
    body = []
    for r in rows:
        zh, en, css = STATUS.get(r["status"], (r["status"], r["status"], "none"))
        links = [
            _link(f"{r['name']}.html", "报告 report") if "report" in r.get("views", ()) else "",
            _link(f"{r['name']}.full.html", "含代码 full") if "full" in r.get("views", ()) else "",
            _link(f"{r['name']}.failed.html", "失败页 failure")
            if "failed" in r.get("views", ())
            else "",
        ]
        params = json.dumps(r.get("parameters", {}), ensure_ascii=False, sort_keys=True)
        err = r.get("error")
        err_html = f'<div class="err">{escape(describe_error(err))}</div>' if err else ""
        dur = f"{r['duration']:.1f} s" if isinstance(r.get("duration"), int | float) else "–"
        body.append(
            "<tr>"
            f"<td>{escape(r['name'])}</td><td>{escape(r.get('title', ''))}</td>"
            f'<td class="{css}">{escape(zh)} / {escape(en)}{err_html}</td>'
            f"<td>{escape(dur)}</td><td><code>{escape(params)}</code></td>"
            f"<td>{' '.join(x for x in links if x)}</td>"
            "</tr>"
        )
    n_fail = sum(r["status"] == "failed" for r in rows)
    summary = f"共 {len(rows)} 个报告, 失败 {n_fail} 个 / {len(rows)} reports, {n_fail} failed"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(summary)}</p>\n"
        + (f'<p class="note">{escape(notice)}</p>\n' if notice else "")
        + "<table>\n<thead><tr><th>报告 Report</th><th>标题 Title</th><th>状态 Status</th>"
        "<th>耗时 Duration</th><th>参数 Parameters</th><th>链接 Links</th></tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )


def describe_error(err: dict[str, Any] | None) -> str:
    """One line naming the failing cell and its error, e.g. 'cell 3 (In [2]): ZeroDivisionError: ...'."""
    if not err:
        return ""
    where = ""
    if err.get("cell_index") is not None:
        where = f"cell {err['cell_index']} (In [{err.get('exec_count')}]): "
    src = f"  <- {err['source_line']}" if err.get("source_line") else ""
    return f"{where}{err.get('ename', '')}: {err.get('evalue', '')}{src}"
