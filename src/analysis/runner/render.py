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
from html import escape
from html.parser import HTMLParser
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


NO_ALT = "No description has been provided for this image"  # nbconvert's words
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_FOCUSABLE = re.compile(
    r'(<div class="(?:[^"]* )?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?: [^"]*)?")'
)


def accessible(html: str) -> str:
    """What nbconvert's ``HTMLExporter`` does after its template, without parsing the page:
    every ``<img>`` gets nbconvert's alt text when it has none (``_img``), and each cell's
    input wrapper and output is focusable (``tabindex="0"``). nbconvert does this with
    BeautifulSoup's pure-Python parser, which took 43 of the 48 s of rendering a national
    page (20 MB of tables); two regular expressions take a fraction of a second. The
    pages' elements are the same (``tests/test_render_pass.py``)."""
    html = _IMG.sub(_img, html)
    return _FOCUSABLE.sub(r'\1 tabindex="0"', html)


class _Tag(HTMLParser):
    """The attributes of one start tag (values unescaped)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = {k: v or "" for k, v in attrs}

    handle_startendtag = handle_starttag


def _img(m: re.Match) -> str:
    """An ``<img>`` tag written again with every attribute quoted (the template writes
    ``width=641``) and nbconvert's alt text when it has none."""
    attrs = _Tag(m.group(0)).attrs
    attrs.setdefault("alt", NO_ALT)
    return "<img " + " ".join(f'{k}="{escape(v.strip())}"' for k, v in attrs.items()) + "/>"


@cache
def _exporter(view: str) -> Any:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """``HTMLExporter`` with its page pass done by ``accessible`` (same filters and
        template; nbconvert 7's ``from_notebook_node`` otherwise)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(html), resources

    return Exporter(
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
