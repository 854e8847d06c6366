"""Render an executed notebook to one self-contained HTML file (nbconvert, in-process).

Template "lab" with images embedded (``embed_images``) so a single file can be mailed.
The lab template links require.js, MathJax, Mermaid and widget scripts from CDNs; they
are removed here (``OFFLINE_TEMPLATE``) so the page needs no network. Formulas are
converted to MathML before rendering and the CJK font is embedded as a subset
(``pages.py``). CSS comments (which carry reference URLs in the lab stylesheet) are
dropped as well.

Two views: ``report`` (code cells hidden, ``exclude_input``) and ``full`` (code shown).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import nbformat

from analysis.runner import pages

OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
VIEWS = ("report", "full")
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def _exporter(view: str) -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        raw_template=OFFLINE_TEMPLATE,
        embed_images=True,
        exclude_input=(view == "report"),
        exclude_input_prompt=(view == "report"),
        exclude_output_prompt=(view == "report"),
    )


def strip_css_comments(html: str) -> str:
    """Drop ``/* ... */`` comments inside ``<style>`` blocks (they hold reference URLs)."""
    return _STYLE.sub(lambda m: m.group(1) + _CSS_COMMENT.sub("", m.group(2)) + m.group(3), html)


def render(
    nb: nbformat.NotebookNode | str | bytes,
    view: str = "report",
    title: str = "",
    nav: pages.Nav | None = None,
) -> bytes:
    """HTML (UTF-8 bytes) of an executed notebook; ``view`` is "report" or "full".

    ``title`` becomes the page <title> (escaped by the template); ``nav`` gives the links
    to the previous and next report.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    if isinstance(nb, bytes | str):
        text = nb.decode("utf-8") if isinstance(nb, bytes) else nb
        node = nbformat.reads(text, as_version=4)
    else:
        node = copy.deepcopy(nb)
    math = pages.extract_math(node)
    resources = {"metadata": {"name": title or "Notebook"}}
    body, _ = _exporter(view).from_notebook_node(node, resources=resources)
    return pages.finish(strip_css_comments(body), nav=nav, math=math).encode("utf-8")
