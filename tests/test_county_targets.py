"""County targets: standard floors, documented splits, no NaN; hand-worked and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.analyses import county_targets as ct
from analysis.analyses import targets as tv
from analysis.data import load
from analysis.methods import decompose
from analysis.present.words import targets as target_words


@pytest.fixture(scope="module")
def ds():
    return load()


def test_floor_by_hand():
    cur = pd.Series({"a": 13.7, "b": 25.0, "c": np.nan})
    assert ct.floor_at(18.0, cur, "higher").tolist() == [18.0, 25.0, 18.0]
    assert ct.floor_at(18.0, cur, "lower").tolist() == [13.7, 18.0, 18.0]


def test_standard_targets_on_the_default_data(ds):
    """Staff per 10k urban residents, standard 18: no county below it, counties above keep
    their value; increments and shares have no NaN; shares sum to 100."""
    f = ct.county_targets(ds, "workers_per_10k_urban", 18.0, "gap", 2020, 2025)
    units = f[f["region_code"] != ds.top]
    assert (units["target"] >= 18 - 1e-9).all()
    assert (units["target"] >= units["baseline"] - 1e-9).all()
    above = units[units["baseline"] > 18]
    assert np.allclose(above["target"], above["baseline"])
    assert units["share"].notna().all() and units["share"].sum() == pytest.approx(100)
    # the prefecture value follows from the county amounts: sum(target amount) / sum(den)
    top = f[f["region_code"] == ds.top].iloc[0]
    assert top["target_amount"] == pytest.approx(units["target_amount"].sum())
    assert top["target"] >= 18


def test_coverage_standard_with_nothing_to_add_has_zero_shares(ds):
    f = ct.county_targets(ds, "urban_facility_coverage", 100.0, "gap", 2025, 2030)
    assert f["share"].notna().all() and (f["share"] == 0).all()
    assert (f["increment"].fillna(0) == 0).all()


def test_display_has_no_nan_or_negative_zero(ds):
    view = tv.prepare(ds, method="linear")
    for ind in view.indicators:
        text = target_words.county_table(view, ind).to_string()
        assert "NaN" not in text and "-0.0" not in text and "<NA>" not in text


def test_count_split_by_hand():
    """Total 100 over current (10, 20, 30) = 60, sizes (1, 1, 2): uniform standards
    (25, 25, 50); gap rule: needs (15, 5, 20) share the increase 40 -> (25, 25, 50)."""
    cur = pd.Series([10.0, 20.0, 30.0], index=list("abc"))
    size = pd.Series([1.0, 1.0, 2.0], index=list("abc"))
    assert decompose.split_total(100, cur, size, "gap").tolist() == pytest.approx([25, 25, 50])
    # uniform with a county above its share: (40, 20, 30) -> standard (25, 25, 50), floored
    cur2 = pd.Series([40.0, 20.0, 30.0], index=list("abc"))
    split = decompose.split_total(100, cur2, size, "uniform")
    held = np.fmax(split, cur2)
    assert held.tolist() == [40, 25, 50] and held.sum() >= 100


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 500), min_size=2, max_size=8),
    st.lists(st.floats(1, 1000), min_size=8, max_size=8),
    st.floats(1, 5000),
    st.sampled_from(decompose.RULES),
)
def test_count_targets_never_below_current_and_sum_at_least_total(cur, sizes, total, rule):
    idx = [f"u{i}" for i in range(len(cur))]
    x = pd.Series(cur, index=idx)
    d = pd.Series(sizes[: len(cur)], index=idx)
    split = decompose.split_total(total, x, d, rule)
    held = np.fmax(split, x)
    assert (held >= x - 1e-9).all()
    assert held.sum() >= total - 1e-6 * max(total, 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.floats(0, 100), st.just(np.nan)), min_size=1, max_size=12),
    st.floats(0, 100),
)
def test_rate_targets_at_least_standard_and_current(cur, standard):
    x = pd.Series(cur, index=[f"u{i}" for i in range(len(cur))])
    held = ct.floor_at(standard, x, "higher")
    assert (held >= standard).all()
    assert (held[x.notna()] >= x[x.notna()]).all()
