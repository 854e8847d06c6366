"""Checks of generated HTML pages, used by the runner tests (test-only helpers).

Each returns what is wrong (an empty list or set when the page is fine), so a failing
assertion shows the offending snippets.
"""

from __future__ import annotations

import base64
import re
from html import unescape

from analysis.runner.fonts import FAMILY, covered
from analysis.runner.pages import page_chars

# resource-loading constructs that must never point outside the file: any src= or href=
# attribute, CSS url() or @import, or an ES module import with an http(s) or
# protocol-relative (//host) address
EXTERNAL = re.compile(
    r"""(\b(src|href|srcset|poster|data)\s*=\s*["']?\s*(https?:)?//)"""
    r"""|(@import\s+(url\()?\s*["']?\s*(https?:)?//)"""
    r"""|(url\(\s*["']?\s*(https?:)?//)"""
    r"""|(import\s[^;]*?from\s+["'](https?:)?//)""",
    re.I,
)
CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_FACE = re.compile(
    r'@font-face\{font-family:"' + re.escape(FAMILY) + r'"[^}]*?base64,([A-Za-z0-9+/=]+)\)'
)
_HIDDEN = re.compile(
    r"<(style|script|code|pre|math)\b[^>]*>.*?</\1>|<[^>]+>",
    re.S | re.I,
)
# TeX left for a browser to show as source: $...$, $$...$$, \( \), \[ \]
TEX = re.compile(r"\$\$.+?\$\$|(?<![A-Za-z0-9$])\$[^$\s][^$\n]*?\$|\\\(|\\\[", re.S)
_CELL = re.compile(r"<t[dh][^>]*>\s*(\.\.\.|\u2026)\s*</t[dh]>", re.I)
_DIMENSIONS = re.compile(r"\d+ rows \u00d7 \d+ columns")


def external_resources(html: str) -> list[str]:
    """Snippets of ``html`` that would load something over the network (should be empty)."""
    return [m.group(0) for m in EXTERNAL.finditer(html)]


def embedded_font(html: str) -> bytes | None:
    """The page's embedded CJK font (WOFF2 bytes), or None."""
    m = _FACE.search(html)
    return base64.b64decode(m.group(1)) if m else None


def cjk_not_covered(html: str) -> set[str]:
    """CJK characters on the page that its embedded font has no glyph for."""
    font = embedded_font(html)
    have = covered(font) if font else frozenset()
    return {c for c in page_chars(html) if CJK.match(c) and ord(c) not in have}


def visible_text(html: str) -> str:
    """The page's text without code, preformatted text, formulas (MathML), styles, scripts."""
    return unescape(_HIDDEN.sub(" ", html))


def tex_left(html: str) -> list[str]:
    """TeX formulas shown as source in the page's text (should be empty)."""
    return TEX.findall(visible_text(html))


def truncated_tables(html: str) -> list[str]:
    """Signs of a table cut by pandas: a row or column of '...' cells, 'N rows x M columns'."""
    return [m.group(0) for m in _CELL.finditer(html)] + _DIMENSIONS.findall(html)


_BAD_CELL = re.compile(
    r"^(nan|NaN|NaT|None|inf|-inf|-0(\.0+)?|<NA>)$"  # missing or negative-zero values
    r"|^[a-z]+(_[a-z0-9]+)+$"  # an internal identifier (snake_case id) as a whole cell
    r"|^-?\d+\.\d{5,}$"  # a raw float (16.714034): numbers are rounded for readers
)


def reader_table_problems(nb) -> list[str]:
    """Cells of HTML tables shown by an executed notebook that a reader must not see: NaN,
    -0.000, raw floats and internal identifiers. Returns ``cell N: 'text'`` entries."""
    out = []
    for n, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            html = o.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if "<table" not in html:
                continue
            body = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S)
            for raw in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", body, flags=re.S):
                text = re.sub(r"<[^>]+>", "", raw).strip()
                if _BAD_CELL.search(text):
                    out.append(f"cell {n}: {text!r}")
    return out
