"""Atomic, deterministic file output: write to a temporary file, then rename.

A reader never sees a half-written file, and a killed run leaves the previous
good file in place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it onto ``path``.

    The file gets ordinary permissions (0o666 minus the umask), not mkstemp's owner-only 0o600,
    so a shared outputs folder stays readable.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp" + path.suffix, dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():
            os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
"""The one timestamp written into every xlsx/docx the project makes (document properties)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The one modification time of every entry of every zip (xlsx/docx) the project writes."""
_CORE_TIME = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (xlsx/docx) with fixed entry times, attributes and document dates.

    Libraries stamp zip entries and ``docProps/core.xml`` with the clock; after this the
    bytes depend only on the content.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            entry = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                entry = _CORE_TIME.sub(rb"\g<1>" + stamp + rb"\g<2>", entry)
            dst.writestr(zi, entry)
    return buf.getvalue()


def write_zip(path: str | os.PathLike, data: bytes) -> Path:
    """Write an xlsx/docx atomically after ``normalise_zip``: same content, same bytes."""
    return write_bytes(path, normalise_zip(data))


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (newline '\\n')."""
    return write_bytes(path, text.encode("utf-8"))


def write_csv(path: str | os.PathLike, frame) -> Path:
    """Write a DataFrame as UTF-8 CSV without index, atomically and deterministically."""
    return write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def give_back_memory() -> None:
    """Return the memory freed by a large step (a national Word document, a report's pages)
    to the operating system: glibc keeps freed blocks in its heap, so a kernel that built a
    60 MB document.xml held 1 GB after it was written (measured: 1,298 -> 378 MiB). Calls
    ``malloc_trim(0)`` where the C library has it (glibc); elsewhere nothing."""
    import gc

    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (looked up once: ``find_library`` runs ldconfig)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
