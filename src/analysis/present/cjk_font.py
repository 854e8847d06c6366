"""The project's one CJK font, Noto Sans CJK SC Regular, as a plain OpenType file.

Source: the ``noto-cjk-sans-otc`` wheel (SIL Open Font License 1.1; 19 MB installed), which
ships Adobe/Google's Noto Sans CJK Regular OpenType *collection* (``.ttc``: the JP, KR, SC,
TC and HK faces and their monospaced twins share one set of 65,535 glyph outlines, so every
character of the full font is there: all 20,992 URO hanzi, Extension A and the rest, as any
region name needs).  matplotlib before 3.11 and fontTools' subsetter want a single face,
so the SC face is copied out of the collection once (its tables as stored, no timestamp
recalculated: same wheel in, same bytes out; about a second) into the user's cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``, ``qiannan-community-analysis/``; the system's temporary
folder when that is not writable) and read from there afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import tempfile
from functools import cache
from pathlib import Path

PACKAGE = "noto_cjk_sans_otc"  # pip: noto-cjk-sans-otc
COLLECTION = "NotoSansCJK-Regular.ttc"
FAMILY = "Noto Sans CJK SC"
PAGE_FAMILY = "Noto Sans CJK SC Page"  # the subset embedded in HTML pages (runner.fonts)
FILE_NAME = "NotoSansCJKsc-Regular"


def collection_path() -> Path | None:
    """The installed collection file (the package is located, not imported); None when
    the package or the file is missing."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).resolve() / COLLECTION
    return path if path.is_file() else None


def face_bytes(collection: Path) -> bytes:
    """The ``FAMILY`` face of ``collection`` saved as a standalone OpenType font."""
    from fontTools.ttLib import TTCollection, TTFont

    with TTCollection(str(collection), lazy=True) as ttc:
        names = [f["name"].getDebugName(1) for f in ttc.fonts]
    index = names.index(FAMILY)
    font = TTFont(
        str(collection), fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False
    )
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    return buf.getvalue()


def _cache_dirs() -> list[Path]:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tmp = Path(tempfile.gettempdir()) / f"qiannan-community-analysis-{os.getuid()}"
    return [base / "qiannan-community-analysis", tmp]


@cache
def font_file() -> Path | None:
    """Path of the Noto Sans CJK SC OpenType file (extracted on first use); None when the
    font package is not installed."""
    from analysis.io import write_bytes

    src = collection_path()
    if src is None:
        return None
    stamp = f"{src.stat().st_size}:{src.stat().st_mtime_ns}:{FAMILY}".encode()
    name = f"{FILE_NAME}-{hashlib.sha256(stamp).hexdigest()[:12]}.otf"
    for folder in _cache_dirs():
        if (folder / name).is_file():
            return folder / name
    data = face_bytes(src)
    for folder in _cache_dirs():
        with contextlib.suppress(OSError):
            write_bytes(folder / name, data)  # atomic: parallel workers may race here
            return folder / name
    raise OSError(f"no writable cache folder for {name}")  # pragma: no cover
