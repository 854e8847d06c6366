"""A benchmark (a target from elsewhere, attribute ``benchmark``) is context only: it never
drives a shortfall, a cost, a status, a split or a next-period target (issue 24 item 3)."""

from __future__ import annotations

import pytest

from analysis import results
from analysis.analyses import gaps, profile
from analysis.data import load

pytestmark = pytest.mark.cost(8)


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def bench(ds) -> set[str]:
    b = set(ds.targets.loc[ds.targets["attribute"] == "benchmark", "indicator"])
    assert b, "the default data has a benchmark (Longnan's certified social worker share)"
    return b


def test_no_shortfall_or_cost_against_a_benchmark(ds, bench):
    short = gaps.shortfall_table(ds, 2020)
    assert not set(short["indicator"]) & bench
    assert not set(gaps.targets(ds).index) & bench
    assert set(gaps.targets(ds, benchmarks=True).index) & bench  # still there as context


def test_no_status_split_or_next_target_against_a_benchmark(ds, bench, tmp_path):
    res = results.open(ds, cache_dir=tmp_path)
    view = res.target_view(2020, 2025)
    assert not set(view.summary["indicator"]) & bench
    assert not set(res.evaluation(2020, 2025)["indicator"]) & bench
    frame, std = res.next_targets(2025, 2030)
    assert not set(frame["indicator"]) & bench and not set(std.index) & bench


def test_profile_standards_leave_benchmarks_out(ds, bench):
    batch = profile.compute(ds)
    assert not set(batch.target.dropna().index) & bench
    assert not set(batch.shortfall["indicator"]) & bench
