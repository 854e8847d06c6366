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
