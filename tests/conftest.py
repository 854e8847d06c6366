"""Shared fixtures: the embedded data set, copies of it, and the bad-input fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import paths
from analysis.data import load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def ds():
    """The embedded data set, loaded once."""
    return load(paths.PROJECT_ROOT / "data")


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of the embedded data directory."""
    dst = tmp_path / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", dst)
    return dst


def make_case(case: str, dst: Path) -> Path:
    """The minimal valid data set with the bad-input case ``case`` laid over it."""
    shutil.copytree(FIXTURES / "minimal", dst)
    src = FIXTURES / "bad" / case
    for f in src.rglob("*"):
        rel = f.relative_to(src)
        if f.is_dir() or rel.name in ("expect.txt", "ops.txt"):
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dst / rel)
    ops = src / "ops.txt"
    if ops.exists():
        for line in ops.read_text().splitlines():
            verb, name = line.split()
            if verb == "DELETE":
                (dst / name).unlink()
    return dst


# Deterministic property tests (same examples on every run) and no per-example deadline:
# the machines are noisy, and timing is measured in benchmarks/, not asserted in tests.
from hypothesis import settings  # noqa: E402

settings.register_profile("project", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("project")
