"""Atomic, deterministic file output: write to a temporary file, then rename.

A reader never sees a half-written file, and a killed run leaves the previous
good file in place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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
