"""What turns nbconvert's HTML into a page a reader can use anywhere, without a network:

- formulas: TeX in markdown (``$...$``, ``$$...$$``) becomes MathML (``latex2mathml``),
  which browsers draw natively; no MathJax, no script from a CDN;
- ``<html lang="zh-CN">``, a bar with links to the index and to the previous and next
  report, and a table of contents built from the page's headings;
- figures at their full resolution: shown fitted to the column, a click toggles their
  natural size (a few lines of inline script, no library);
- tables scroll sideways inside their own box instead of being cut;
- the CJK font embedded as a subset of the page's own characters (``fonts.py``).

All reader-facing words come from the catalogue (``site.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from typing import TYPE_CHECKING
from urllib.parse import quote

from analysis.messages import pair
from analysis.runner.config import Link, Nav
from analysis.runner.fonts import FAMILY, font_face_css

if TYPE_CHECKING:  # nbformat pulls in jsonschema (about 1.5 s): not at import time
    import nbformat

__all__ = ["Link", "Nav", "extract_math", "finish", "embed_font", "words"]

# --- formulas ---------------------------------------------------------------------------------

_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$A-Za-z0-9])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?![A-Za-z0-9$])")
_TOKEN = "QNMATH{}QN"
_TOKEN_RE = re.compile(r"QNMATH(\d+)QN")


def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML of one TeX formula; on a formula latex2mathml cannot read, the TeX as code."""
    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any parser error: show the source as code, not as TeX
        return f'<code class="tex">{escape(tex)}</code>'


def _replace_math(text: str, found: list[str]) -> str:
    """``text`` with each formula outside code replaced by a token (its MathML in ``found``)."""

    def keep(m: re.Match[str], display: bool) -> str:
        found.append(tex_to_mathml(m.group(1), display))
        return _TOKEN.format(len(found) - 1)

    parts = _CODE.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = _DISPLAY.sub(lambda m: keep(m, True), parts[i])
        parts[i] = _INLINE.sub(lambda m: keep(m, False), parts[i])
    return "".join(parts)


def extract_math(nb: nbformat.NotebookNode) -> list[str]:
    """Replace the formulas of markdown cells and markdown outputs by tokens (in place);
    returns the MathML of each token, to be put back by ``insert_math``."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _replace_math(cell.source, found)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if isinstance(data.get("text/markdown"), str):
                data["text/markdown"] = _replace_math(data["text/markdown"], found)
    return found


def insert_math(html: str, found: list[str]) -> str:
    """Put the MathML back where ``extract_math`` left its tokens (in text; a token inside
    a tag, e.g. a heading's id, is dropped)."""
    if not found:
        return html
    html = re.sub(r"<[^<>]*>", lambda m: _TOKEN_RE.sub("", m.group(0)), html)
    return _TOKEN_RE.sub(lambda m: found[int(m.group(1))], html)


# --- page furniture ---------------------------------------------------------------------------


def words(key: str) -> str:
    """Catalogue message ``site.<key>`` as 'zh en' (pages are bilingual)."""
    return " ".join(pair(f"site.{key}"))


def _a(href: str, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(quote(href))}"{attr}>{escape(text)}</a>'


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def toc(html: str) -> str:
    """A table of contents (nested by level) from the page's h1-h3 headings with ids."""
    items = []
    for level, anchor, inner in _HEADING.findall(html):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        text = " ".join(unescape(_TAG.sub(" ", inner)).split())
        if text:
            items.append(f'<li class="toc{level}"><a href="#{anchor}">{escape(text)}</a></li>')
    if len(items) < 2:
        return ""
    return (
        f'<nav class="toc" aria-label="toc"><details open><summary>{escape(words("toc"))}'
        f"</summary><ul>{''.join(items)}</ul></details></nav>"
    )


def nav_bar(nav: Nav | None) -> str:
    """Links to the index and to the previous / next report."""
    links = [_a("index.html", words("back_to_index"), "home")]
    if nav and nav.prev:
        links.append(_a(nav.prev.href, f"\u2190 {words('previous')}: {nav.prev.title}", "prev"))
    if nav and nav.next:
        links.append(_a(nav.next.href, f"{words('next')}: {nav.next.title} \u2192", "next"))
    return f'<nav class="site-nav">{" ".join(links)}</nav>'


# The embedded font comes first in every list: it covers CJK code points only
# (unicode-range), so Latin text falls through to the reader's fonts (monospaced text stays
# monospaced); placed after a local font, Chromium on Linux drew boxes instead of using it.
SANS = '-apple-system,"Segoe UI","Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif'
PAGE_CSS = f"""
:root{{--jp-content-font-family:"{FAMILY}",{SANS};--jp-ui-font-family:"{FAMILY}",{SANS};
--jp-code-font-family:"{FAMILY}",ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}}
body{{font-family:var(--jp-content-font-family)}}
pre,code,kbd,samp{{font-family:var(--jp-code-font-family)}}
main{{max-width:1200px;margin:0 auto}}
.site-nav{{display:flex;flex-wrap:wrap;gap:.4em 1.2em;padding:.6em 1em;border-bottom:1px solid #ccc;
background:#f6f6f6;font-family:var(--jp-ui-font-family);position:sticky;top:0;z-index:10}}
.site-nav .next{{margin-left:auto}}
.toc{{margin:.8em 1em;padding:.4em .8em;border:1px solid #ddd;background:#fbfbfb;
font-family:var(--jp-ui-font-family)}}
.toc ul{{margin:.3em 0;padding-left:1.2em}}.toc li.toc2{{margin-left:1em}}
.toc li.toc3{{margin-left:2em;font-size:.95em}}
.jp-RenderedHTMLCommon table,.jp-RenderedHTML table{{display:block;overflow-x:auto;max-width:100%}}
.jp-OutputArea-output{{overflow-x:auto}}
.jp-RenderedImage img{{max-width:100%;height:auto;cursor:zoom-in}}
.jp-RenderedImage img.zoomed{{max-width:none;width:auto!important;cursor:zoom-out}}
.jp-RenderedImage{{overflow-x:auto}}
math[display=block]{{margin:.6em 0;overflow-x:auto}}
"""
# click on a figure: toggle between fitted and natural (full-resolution) size
ZOOM_JS = (
    "document.addEventListener('click',function(e){var t=e.target;"
    "if(t.tagName==='IMG'&&t.closest('.jp-RenderedImage')){t.classList.toggle('zoomed');}});"
)
_HEIGHT_ATTR = re.compile(r'(<img [^>]*?)\sheight="\d+"', re.S)
_WIDTH_ATTR = re.compile(r'<img (?![^>]*\sstyle=)([^>]*?)\swidth="(\d+)"', re.S)


def _grow(m: re.Match) -> str:
    """An image as wide as the column, up to its own pixels (``style.SCREEN_DPI`` per inch,
    about twice its print width), so a figure is not shown at a fraction of the page."""
    from analysis.present.style import CSS_PX_PER_INCH, SCREEN_DPI

    width = int(m.group(2))
    most = round(width * SCREEN_DPI / CSS_PX_PER_INCH)
    return f'<img {m.group(1)} width="{width}" style="width:100%;max-width:{most}px"'


def full_resolution(html: str) -> str:
    """Figures at the column's width with their full pixels: the ``width`` attribute (print
    size in CSS pixels) is kept for readers without CSS, and an inline style widens the image
    to the column, at most to its own pixels (``_grow``; a click shows them). A fixed height
    is dropped so the fitted image keeps its aspect."""
    prev = None
    while prev != html:
        prev, html = html, _HEIGHT_ATTR.sub(r"\1", html)
    return _WIDTH_ATTR.sub(_grow, html)


_STRIP_FOR_CHARS = re.compile(
    r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+|<style[^>]*>.*?</style>|<script[^>]*>.*?</script>",
    re.S | re.I,
)


def page_chars(html: str) -> set[str]:
    """Characters a reader can see on the page: text and attributes, without embedded data,
    style sheets and scripts (entities decoded)."""
    return set(unescape(_STRIP_FOR_CHARS.sub(" ", html)))


def embed_font(html: str) -> str:
    """Insert the page's CJK font subset (``@font-face``) at the end of ``<head>``."""
    css = font_face_css(page_chars(html))
    return html.replace("</head>", f"<style>{css}</style>\n</head>", 1)


def finish(
    html: str,
    *,
    nav: Nav | None,
    math: list[str] | None = None,
    extra: Callable[[str], str] | None = None,
) -> str:
    """nbconvert's page -> the site's page (formulas, lang, navigation, toc, figures, font)."""
    html = insert_math(html, math or [])
    html = re.sub(r"<html[^>]*>", '<html lang="zh-CN">', html, count=1)
    html = full_resolution(html)
    head = f"<style>{PAGE_CSS}</style>\n<script>{ZOOM_JS}</script>\n</head>"
    html = html.replace("</head>", head, 1)
    top = nav_bar(nav) + toc(html)
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + top, html, count=1)
    if extra is not None:
        html = extra(html)
    return embed_font(html)
