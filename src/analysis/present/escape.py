"""Strings from data (region names, codes, indicator names, notes, sources) made safe for the
places a page shows them, so a name such as ``<script>alert(1)</script>`` is read, never run.

- ``markdown_text``: Markdown shown in a notebook and rendered by nbconvert, which passes raw
  HTML and ``javascript:`` links through. ``&``, ``<`` and ``>`` become entities and ``[``,
  ``]`` numeric references (no link can be formed), outside formulas (``$...$``, ``$$...$$``,
  converted to MathML by ``latex2mathml``, which escapes them) and code spans. The reader sees
  the same characters; Markdown emphasis (``**``) and headings (``#``) still work.
- ``script_json``: JSON to embed in ``<script type="application/json">``: ``<``, ``>``, ``&``
  and U+2028/U+2029 as ``\\uXXXX`` escapes, so no ``</script>`` or comment can close the
  element (OWASP, "XSS prevention", rule 3.1); ``JSON.parse`` gives the same data back.

>>> markdown_text("**<b>A&B</b>** [x](javascript:alert(1)) $a<b$")
'**&lt;b&gt;A&amp;B&lt;/b&gt;** &#91;x&#93;(javascript:alert(1)) $a<b$'
>>> script_json({"name": "</script>"})
'{"name":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
import re
from typing import Any

# code spans and blocks, display and inline formulas: kept as written (same rules as the
# runner's formula conversion, runner/pages.py)
_KEEP = re.compile(
    r"(```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.+?\$\$"
    r"|(?<![\\$A-Za-z0-9])\$(?![\s$])[^$\n]+?(?<![\s\\])\$(?![A-Za-z0-9$]))",
    re.S,
)
_MD = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;"})
_JSON = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def markdown_text(text: str) -> str:
    """``text`` with HTML and link syntax neutralised outside formulas and code (see above)."""
    parts = _KEEP.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside formulas and code
        parts[i] = parts[i].translate(_MD)
    return "".join(parts)


def script_json(obj: Any) -> str:
    """Compact, key-sorted JSON of ``obj`` safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.translate(_JSON)


def markdown(text: str) -> Any:
    """An IPython Markdown object of ``markdown_text(text)``."""
    from IPython.display import Markdown

    return Markdown(markdown_text(text))
