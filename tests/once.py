"""Work done once per test run and shared by every pytest-xdist worker.

Session fixtures run once per worker; ``once`` makes an expensive, read-only product (a data
tree, a runner build) once per test run: the first worker that asks builds it into a folder
under the run's shared temporary directory while holding a file lock, and every later caller,
in any worker, waits for the lock and reads the pickled result back. A build that raised
leaves no result, so the next caller builds again (and meets the same error in its own test).
Tests that use a shared product only read it; tests that change outputs build their own.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary directory seen by every worker (its parent under xdist, where each
    worker has its own ``popen-gwN`` base)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Any]) -> Any:
    """``build(folder)`` run once per test run for ``name``; its (picklable) result."""
    folder = shared_root(tmp_path_factory) / "once" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    result = folder / ".result.pkl"
    with FileLock(str(folder) + ".lock"):
        if result.is_file():
            return pickle.loads(result.read_bytes())  # noqa: S301 (our own file, this run)
        shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
        folder.mkdir()
        value = build(folder)
        result.write_bytes(pickle.dumps(value))
        return value
