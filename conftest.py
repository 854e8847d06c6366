"""Root pytest configuration, shared by `tests/` and the nbval pass over `notebooks/`.

Tests never write into the checkout's `outputs/` or `.cache/`: unless the caller chose
directories, ANALYSIS_OUTPUTS_DIR and ANALYSIS_CACHE_DIR point at fresh temporary directories
for the whole session (xdist workers and notebook kernels inherit them).
"""

from __future__ import annotations

import os
import shutil
import tempfile

_CREATED: list[str] = []

# Notebooks that a papermill test in tests/ executes with their default parameters (and
# checks what they show). nbval runs every other notebook top to bottom, so each notebook
# runs once in `make test` (tests/test_notebooks_committed.py keeps this list honest).
EXECUTED_IN_TESTS = frozenset(
    {
        "01_baseline",
        "02_county_gaps",
        "03_target_projection",
        "04_plan_figures",
        "05_final_evaluation",
        "06_next_period_targets",
        "county_profile",
    }
)


def pytest_ignore_collect(collection_path, config):  # noqa: ARG001 (pytest hook signature)
    """Skip nbval's run of a notebook already executed by a papermill test."""
    if collection_path.suffix == ".ipynb" and collection_path.stem in EXECUTED_IN_TESTS:
        return True
    return None


def pytest_configure(config):  # noqa: ARG001 (pytest hook signature)
    """One outputs folder and one cache folder for the whole session, made by the main
    process before the xdist workers start (they and the kernels inherit the variables): the
    loaded data sets (``analysis.data.stored``) and the fitted forecasts (``analysis.results``)
    are computed once per test run and read back by every other test, worker and kernel."""
    for var, prefix in (
        ("ANALYSIS_OUTPUTS_DIR", "analysis-test-outputs-"),
        ("ANALYSIS_CACHE_DIR", "analysis-test-cache-"),
    ):
        if not os.environ.get(var):
            tmp = tempfile.mkdtemp(prefix=prefix)
            _CREATED.append(tmp)
            os.environ[var] = tmp


def pytest_unconfigure(config):  # noqa: ARG001
    for tmp in _CREATED:
        shutil.rmtree(tmp, ignore_errors=True)


def _cost(item) -> float:
    marker = item.get_closest_marker("cost")
    return float(marker.args[0]) if marker else 0.0


def pytest_collection_modifyitems(config, items):  # noqa: ARG001 (pytest hook signature)
    """Heaviest test files first (module marker ``cost``; the sort is stable, so the order
    within a file is kept). With ``--dist loadfile --no-loadscope-reorder`` the xdist workers
    take whole files in this order as they become free, so the long end-to-end files start
    early instead of last and the two workers finish together."""
    items[:] = sorted(items, key=lambda item: -_cost(item))
