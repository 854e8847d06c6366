"""The project's CJK font (Noto Sans CJK SC, ``analysis.present.cjk_font``) embedded in a page
as a subset of exactly the CJK characters that page uses, WOFF2-compressed (fontTools +
brotli).

So every page reads on a machine without any CJK font. Subsetting the full font (65,535
glyphs, 16 MB, subroutinised CFF) takes seconds per page, so it is done in two steps:
once per process, a *prepared* font holding the characters any page is likely to use (the
6,763 GB 2312 hanzi, CJK punctuation, full-width forms; desubroutinised, no hinting, no
layout tables: about 1.5 MB) is cut from the full font and kept in memory (the runner's
forkserver loads it before forking workers) and in the user's cache folder
(``~/.cache/qiannan-community-analysis``); each page is then cut from the prepared font
(well under a second). A page using a character outside that set is cut from the
full font instead. Same characters in, same bytes out (no timestamps are recalculated).
"""

from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from analysis.present.cjk_font import PAGE_FAMILY

FAMILY = PAGE_FAMILY  # the embedded subset's family name in the page's CSS
_DROP = ["GSUB", "GPOS", "VORG", "vhea", "vmtx", "DSIG", "BASE", "JSTF"]
# The embedded font serves these code points only (CSS unicode-range): Han ideographs and
# radicals, CJK symbols and punctuation, kana, compatibility ideographs, vertical and
# small forms, full-width forms. Latin text keeps the reader's own fonts (so monospaced
# text stays monospaced), and the browser falls through to the embedded font for CJK.
CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)
UNICODE_RANGE = ",".join(f"U+{a:04X}-{b:04X}" for a, b in CJK_RANGES)


def is_cjk(char: str) -> bool:
    """True for a character the embedded font is used for (``CJK_RANGES``)."""
    code = ord(char)
    return any(a <= code <= b for a, b in CJK_RANGES)


def font_path() -> Path:
    """The Noto Sans CJK SC file (``analysis.present.cjk_font``: the SC face of the
    ``noto-cjk-sans-otc`` wheel's collection, copied out once)."""
    from analysis.present import cjk_font

    path = cjk_font.font_file()
    if path is None:  # pragma: no cover - a dependency
        raise FileNotFoundError("noto-cjk-sans-otc is not installed")
    return path


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


@cache
def likely_chars() -> str:
    """The characters of the prepared font: GB 2312 hanzi, CJK symbols and punctuation,
    full-width forms."""
    hanzi = []
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        hanzi.append(chr(code))
    ranges = ((0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
    extra = [chr(c) for a, b in ranges for c in range(a, b + 1)]
    return "".join(hanzi) + "".join(extra)


@cache
def full_font() -> bytes:
    return font_path().read_bytes()


@cache
def _cache_file() -> Path:
    """Where the prepared font is kept between runs: the user's cache folder, keyed by the
    font file, the fontTools version and the character set (once per process: every page's
    subset is keyed by it, and listing the GB 2312 characters takes a tenth of a second)."""
    import hashlib
    import os

    from fontTools import version

    src = font_path()
    stamp = f"{src.stat().st_size}:{version}:{likely_chars()}".encode()
    key = hashlib.sha256(stamp).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "qiannan-community-analysis" / f"cjk-prepared-{key}.otf"


@cache
def prepared_font() -> tuple[bytes, frozenset[int]]:
    """The prepared font (OTF bytes) and the code points it covers; built once and kept in
    the user's cache folder (rebuilt when missing or unreadable)."""
    from fontTools.ttLib import TTFont

    from analysis.io import write_bytes

    path = _cache_file()
    try:
        data = path.read_bytes()
        cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
        return data, frozenset(cmap)
    except Exception:  # noqa: BLE001 - missing or damaged: build it again
        pass
    data = _cut(full_font(), likely_chars(), None, desubroutinize=True)
    with contextlib.suppress(OSError):  # a read-only home only costs speed
        write_bytes(path, data)
    cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
    return data, frozenset(cmap)


def subset_woff2(chars: Iterable[str]) -> bytes:
    """WOFF2 font with the glyphs of the CJK characters in ``chars`` (those the font has).

    A subset once cut is kept in the cache folder (``paths.cache_dir()/fonts``), keyed by
    the characters and the prepared font's key (font file, fontTools version): the index
    page of a no-change run is checked without cutting its font again (half a second)."""
    import hashlib

    from analysis import paths
    from analysis.io import write_bytes

    text = "".join(sorted(c for c in set(chars) if is_cjk(c)))
    key = hashlib.sha256(f"{_cache_file().name}|{text}".encode()).hexdigest()[:24]
    kept = paths.cache_dir() / "fonts" / f"{key}.woff2"
    with contextlib.suppress(OSError):
        return kept.read_bytes()
    data, covered = prepared_font()
    if all(ord(c) in covered for c in text):
        out = _cut(data, text, "woff2", desubroutinize=False)
    else:
        out = _cut(full_font(), text, "woff2", desubroutinize=True)
    with contextlib.suppress(OSError):  # a read-only cache only costs speed
        write_bytes(kept, out)
    return out


def font_face_css(chars: Iterable[str]) -> str:
    """A CSS ``@font-face`` rule embedding the subset for ``chars`` as a data: URL."""
    b64 = base64.b64encode(subset_woff2(chars)).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;'
        f"font-display:block;unicode-range:{UNICODE_RANGE};"
        f'src:url(data:font/woff2;base64,{b64}) format("woff2")}}'
    )


def embed_all(html: str) -> str:
    """``html`` with a ``@font-face`` rule for every CJK character anywhere in it (text,
    scripts and their JSON data: a page that draws its labels from data, such as the
    explorer) inserted at the end of ``<head>``."""
    css = font_face_css(html)
    return html.replace("</head>", f"<style>{css}</style>\n</head>", 1)


def covered(woff2: bytes) -> frozenset[int]:
    """Code points a (WOFF2) font maps to glyphs: for tests and checks."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(woff2)).getBestCmap())
