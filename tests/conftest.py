"""Shared fixtures: the embedded data set, copies of it, and the bad-input fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cases import FIXTURES, make_case  # noqa: F401 (re-exported for fixtures)

from analysis import paths
from analysis.data import load


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


# Deterministic property tests (same examples on every run) and no per-example deadline:
# the machines are noisy, and timing is measured in benchmarks/, not asserted in tests.
from hypothesis import settings  # noqa: E402

settings.register_profile("project", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("project")


@pytest.fixture(autouse=True)
def _reader_tables_are_clean(monkeypatch):
    """Every notebook a test executes through papermill shows no NaN, -0.000, raw float or
    internal identifier in its tables (checked after each successful execution)."""
    import papermill as pm
    from html_checks import reader_table_problems

    real = pm.execute_notebook

    def checked(*args, **kwargs):
        nb = real(*args, **kwargs)
        problems = reader_table_problems(nb)
        assert not problems, f"reader-facing tables: {problems[:10]} ({len(problems)} cells)"
        return nb

    monkeypatch.setattr(pm, "execute_notebook", checked)


@pytest.fixture(scope="session")
def guizhou_dir(tmp_path_factory) -> Path:
    """The real Guizhou census tree (9 prefectures, 88 county units) with the illustrative
    panel, built once per session (``tests/guizhou.py``)."""
    import guizhou

    if not guizhou.available():
        pytest.skip("../shared/data/census is not present")
    return guizhou.build(tmp_path_factory.mktemp("guizhou") / "data")


# -- end-to-end builds shared by test files and xdist workers (tests/once.py) -----------------
@pytest.fixture(scope="session")
def three_level_tree(tmp_path_factory) -> Path:
    """The synthetic province of 5 prefectures and 40 counties with its grid map (seed 0),
    written once per test run (read only: tests that edit data copy it)."""
    import builds
    from once import once

    return once(tmp_path_factory, "three_level_tree", builds.tree)


@pytest.fixture(scope="session")
def province_build(three_level_tree, tmp_path_factory) -> dict:
    """Every report of reports.toml, the explorer page and the profiles of two counties built
    once per test run by ``analysis run`` on ``three_level_tree`` with the province as the top
    region (read by test_one_answer and test_three_levels; nothing may write into it)."""
    import builds
    from once import once

    counties = builds.province_counties(three_level_tree)
    return once(
        tmp_path_factory,
        "province_build",
        lambda folder: builds.build(three_level_tree, folder, counties, explore=True),
    )
