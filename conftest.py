"""Root pytest configuration, shared by `tests/` and the nbval pass over `notebooks/`.

Tests never write into the checkout's `outputs/`: unless the caller chose a directory,
ANALYSIS_OUTPUTS_DIR points at a fresh temporary directory for the whole session (notebook
kernels inherit it).
"""

from __future__ import annotations

import os
import shutil
import tempfile

_CREATED: list[str] = []


def pytest_configure(config):  # noqa: ARG001 (pytest hook signature)
    if not os.environ.get("ANALYSIS_OUTPUTS_DIR"):
        tmp = tempfile.mkdtemp(prefix="analysis-test-outputs-")
        _CREATED.append(tmp)
        os.environ["ANALYSIS_OUTPUTS_DIR"] = tmp


def pytest_unconfigure(config):  # noqa: ARG001
    for tmp in _CREATED:
        shutil.rmtree(tmp, ignore_errors=True)
