"""Atomic writes: all or nothing, ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from analysis import io


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    p = tmp_path / "out" / "a.txt"
    io.write_text(p, "one")
    io.write_text(p, "two")
    assert p.read_text() == "two"
    assert sorted(os.listdir(p.parent)) == ["a.txt"]
    assert stat.S_IMODE(p.stat().st_mode) & 0o044  # readable by group/others (umask permitting)


def test_failed_write_keeps_the_previous_file(tmp_path):
    p = tmp_path / "a.txt"
    io.write_text(p, "good")
    with pytest.raises(RuntimeError), io.atomic_path(p) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert p.read_text() == "good"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_memory_given_back_after_a_large_allocation():
    """``give_back_memory`` returns freed heap to the system on glibc: after 200 MB of small
    blocks are freed, the resident size falls back near where it was."""
    import platform

    from analysis.io import _malloc_trim, give_back_memory

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        assert give_back_memory() is None  # nothing to do elsewhere, and no error
        return
    assert _malloc_trim() is not None

    def rss_mib() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 2**20

    give_back_memory()
    before = rss_mib()
    blocks = [bytes(1000) for _ in range(200_000)]  # small blocks: glibc's heap, not mmap
    pin = bytes(1000)  # above them: the heap's top stays in use, glibc cannot shrink it itself
    grown = rss_mib()
    del blocks
    kept = rss_mib()  # freed, still resident: what a kernel showed after its Word document
    give_back_memory()
    after = rss_mib()
    assert grown - before > 150 and kept - before > 150
    assert after - before < 50
    del pin
