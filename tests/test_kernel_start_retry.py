"""A kernel that dies before answering kernel_info (over TCP, two kernels started at the same
moment could take the same port: papermill issues 239 and 776; report kernels now use sockets
of their own, runner/kernels.py) is started again; an error in a cell is reported at once,
never retried."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from papermill.exceptions import PapermillExecutionError

from analysis.runner import execute as ex


def _task(tmp_path: Path):
    nb = tmp_path / "r.ipynb"
    nb.write_text("{}", encoding="utf-8")
    return SimpleNamespace(notebook=nb, parameters={}, run_params=(), cwd=None)


@pytest.fixture
def calls(monkeypatch):
    seen: list[int] = []

    def fake(errors):
        def run(*a, **k):
            seen.append(1)
            if errors:
                raise errors.pop(0)

        monkeypatch.setattr(ex.papermill, "execute_notebook", run)

    return seen, fake


def test_a_kernel_dying_at_start_is_started_again(tmp_path, calls, monkeypatch):
    seen, fake = calls
    monkeypatch.setattr(ex, "_kernel_name", lambda p: "python3")
    fake([RuntimeError("Kernel died before replying to kernel_info")])
    assert ex.execute(_task(tmp_path), tmp_path / "o.ipynb", {}) is None
    assert len(seen) == 2


def test_retries_are_bounded_and_the_failure_reported(tmp_path, calls, monkeypatch):
    seen, fake = calls
    monkeypatch.setattr(ex, "_kernel_name", lambda p: "python3")
    err = "Kernel died before replying to kernel_info"
    fake([RuntimeError(err) for _ in range(5)])
    info = ex.execute(_task(tmp_path), tmp_path / "o.ipynb", {})
    assert info is not None and err in info["evalue"]
    assert len(seen) == 1 + ex.STARTUP_RETRIES


def test_a_cell_error_is_not_retried(tmp_path, calls, monkeypatch):
    seen, fake = calls
    monkeypatch.setattr(ex, "_kernel_name", lambda p: "python3")
    cell = PapermillExecutionError(2, 3, "x = 1", "ValueError", "bad", ["ValueError: bad"])
    fake([cell])
    info = ex.execute(_task(tmp_path), tmp_path / "o.ipynb", {})
    assert info is not None and info["ename"] == "ValueError"
    assert len(seen) == 1
