"""The project's CJK font (Noto Sans CJK SC, from the ``mplfonts`` wheel) embedded in a page
as a subset of exactly the characters that page uses, WOFF2-compressed (fontTools + brotli).

So every page reads on a machine without any CJK font. Subsetting the full font (65,535
glyphs, 16 MB, subroutinised CFF) takes seconds per page, so it is done in two steps:
once per process, a *prepared* font holding the characters any page is likely to use (the
6,763 GB 2312 hanzi, Latin, punctuation, full-width forms; desubroutinised, no hinting,
no layout tables: about 1.5 MB) is cut from the full font and kept in memory (the runner's
forkserver builds it before forking workers); each page is then cut from the prepared
font (well under a second). A page using a character outside that set is cut from the
full font instead. Same characters in, same bytes out (no timestamps are recalculated).
"""

from __future__ import annotations

import base64
import importlib.util
import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FAMILY = "Noto Sans CJK SC Page"  # the embedded subset's family name in the page's CSS
_DROP = ["GSUB", "GPOS", "VORG", "vhea", "vmtx", "DSIG", "BASE", "JSTF"]
_EXTRA_RANGES = (
    (0x20, 0x250),  # Latin, Latin-1, Latin Extended A/B
    (0x370, 0x400),  # Greek (formulas)
    (0x2000, 0x2070),  # general punctuation
    (0x2100, 0x2200),  # letter-like symbols, number forms, arrows
    (0x2200, 0x2300),  # mathematical operators
    (0x2460, 0x2500),  # enclosed numbers
    (0x25A0, 0x2600),  # geometric shapes
    (0x3000, 0x3040),  # CJK symbols and punctuation
    (0xFF00, 0xFFF0),  # full-width forms
)


def font_path() -> Path:
    """The Noto Sans CJK SC file inside the installed ``mplfonts`` package (not imported)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise FileNotFoundError("mplfonts is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / FONT_FILE


def _options(flavor: str | None, desubroutinize: bool):
    from fontTools import subset

    opts = subset.Options()
    opts.flavor = flavor
    opts.layout_features = []
    opts.drop_tables = [*opts.drop_tables, *_DROP]
    opts.hinting = False
    opts.desubroutinize = desubroutinize
    opts.name_IDs = [1, 2]
    opts.name_languages = [0x409]
    opts.notdef_outline = True
    opts.recalc_bounds = False
    opts.recalc_timestamp = False
    return opts


def _cut(font_bytes: bytes, chars: str, flavor: str | None, desubroutinize: bool) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_bytes), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    sub = subset.Subsetter(_options(flavor, desubroutinize))
    sub.populate(text=chars)
    sub.subset(font)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def likely_chars() -> str:
    """The characters of the prepared font: GB 2312 hanzi and the ranges in ``_EXTRA_RANGES``."""
    hanzi = []
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        hanzi.append(chr(code))
    extra = (chr(c) for a, b in _EXTRA_RANGES for c in range(a, b))
    return "".join(hanzi) + "".join(extra)


@cache
def full_font() -> bytes:
    return font_path().read_bytes()


@cache
def prepared_font() -> tuple[bytes, frozenset[int]]:
    """The prepared font (OTF bytes) and the code points it covers; built once per process."""
    from fontTools.ttLib import TTFont

    data = _cut(full_font(), likely_chars(), None, desubroutinize=True)
    cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
    return data, frozenset(cmap)


def subset_woff2(chars: Iterable[str]) -> bytes:
    """WOFF2 font with the glyphs of ``chars`` (those the font has) and nothing else."""
    text = "".join(sorted(set(chars)))
    data, covered = prepared_font()
    if all(ord(c) in covered for c in text if c.isprintable() and not c.isspace()):
        return _cut(data, text, "woff2", desubroutinize=False)
    return _cut(full_font(), text, "woff2", desubroutinize=True)


def font_face_css(chars: Iterable[str]) -> str:
    """A CSS ``@font-face`` rule embedding the subset for ``chars`` as a data: URL."""
    b64 = base64.b64encode(subset_woff2(chars)).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;'
        f'font-display:block;src:url(data:font/woff2;base64,{b64}) format("woff2")}}'
    )


def covered(woff2: bytes) -> frozenset[int]:
    """Code points a (WOFF2) font maps to glyphs: for tests and checks."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(woff2)).getBestCmap())
