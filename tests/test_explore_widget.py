"""The JupyterLab explorer panel: controls set programmatically, figures and tables checked
against the analysis functions and against values read straight from the data."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.analyses import gaps
from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.errors import UserError
from analysis.present import style
from analysis.present.explore import explore
from analysis.present.explore.export import num, ranks
from analysis.present.words import gaps as gap_words

pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def ex(ds):
    return explore(ds, lang="zh")


def _bars(fig) -> dict[str, float]:
    """Bar label -> bar length, read from the drawn ranked bar."""
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return {lab: p.get_width() for lab, p in zip(labels, ax.patches, strict=True)}


def _colour(fig, label: str) -> str:
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return mcolors.to_hex(ax.patches[labels.index(label)].get_facecolor())


def test_indicator_switch_gives_the_analysis_values(ex, ds):
    for ind, has_standard in (("workers_per_10k", False), ("facility_area_per_100hh", True)):
        ex.controls["indicator"].value = ind
        year = ex.state["year"]
        assert year == max(ex.years(ind))
        expected = ds.values([ind], year)[ind].rename(ds.names("zh"))  # straight from the data
        pd.testing.assert_series_equal(ex.view.ranked_values, expected, check_names=False)
        ref = gap_words.ranked_input(ds, ind, year, "zh")
        pd.testing.assert_series_equal(ex.view.ranked_values, ref["values"])
        assert ex.view.standard == ref["standard"]
        drawn = _bars(ex.view.ranked)
        assert drawn == pytest.approx(expected.dropna().to_dict())
        # the standard line is drawn at the standard
        xs = {ln.get_xdata()[0] for ln in ex.view.ranked.axes[0].lines}
        assert (ref["standard"] in xs) if has_standard else (not xs and ref["standard"] is None)
    # the year dropdown follows the indicator
    assert list(ex.controls["year"].options) == ex.years("facility_area_per_100hh")


def test_county_switch_updates_profile_highlight_and_trend(ex, ds):
    ex.controls["indicator"].value = "facility_area_per_100hh"
    code = ds.unit_codes[3]
    ex.controls["county"].value = code
    v = ex.view
    name = ds.name(code)
    assert _colour(v.ranked, name) == mcolors.to_hex(style.ORANGE)
    other = ds.name(ds.unit_codes[0])
    assert _colour(v.ranked, other) == mcolors.to_hex(style.BLUE)
    spec = gaps.resolve(ds, ex.state["year"])
    pd.testing.assert_frame_equal(v.profile, gaps.profile(ds, code, spec))
    # the profile value is the county's own observation
    ind = "facility_area_per_100hh"
    assert v.profile.loc[ind, "value"] == ds.values([ind], spec.year).loc[code, ind]
    # the trend is the fan chart of that county, with the target star at the standard
    ax = v.trend.axes[0]
    star = [ln for ln in ax.lines if ln.get_marker() == "*"]
    assert len(star) == 1
    assert star[0].get_ydata()[0] == pytest.approx(gaps.targets(ds, [ind]).iloc[0])
    observed = [ln for ln in ax.lines if ln.get_marker() == "o"][0]
    hist = ds.panel(ind).loc[code].dropna()
    hist = hist[hist.index <= ex.target_view.as_of_year]
    assert list(observed.get_ydata()) == pytest.approx(hist.to_list())
    assert v.map is not None


def test_weighting_and_indicator_selection_change_the_index(ex, ds):
    ids = gaps.index_indicators(ds)[:3]
    ex.controls["index_indicators"].value = tuple(ids)
    ex.controls["weighting"].value = "entropy"
    ex.controls["normalisation"].value = "zscore"
    idx = ex.view.index
    spec = gaps.resolve(ds, ex.state["year"], ids, "zscore", "entropy")
    pd.testing.assert_frame_equal(idx, gaps.development_index(ds, spec))
    assert (idx["worst_rank"] - idx["best_rank"] == idx["rank_range"]).all()
    assert (idx["best_rank"] <= idx["rank"]).all() and (idx["rank"] <= idx["worst_rank"]).all()
    assert sorted(idx["rank"]) == list(range(1, len(ds.unit_codes) + 1))
    # the readable table has Chinese headers and no NaN
    assert "综合指数" in ex.view.index_table.columns
    assert not ex.view.index_table.isna().any().any()
    ex.set(
        index_indicators=tuple(gaps.index_indicators(ds)), weighting="equal", normalisation="minmax"
    )


def test_level_switch_shows_the_upper_region(ex, ds):
    ex.controls["indicator"].value = "community_workers"
    levels = list(dict(ex.controls["level"].options).values())
    assert levels[0] == "county" and "prefecture" in levels
    year = 2020
    ex.controls["year"].value = year
    ex.controls["level"].value = "prefecture"
    v = ex.view
    top = ds.top
    assert list(v.ranked_values.index) == [ds.name(top)]
    assert v.ranked_values.iloc[0] == ds.values(["community_workers"], year, [top]).iloc[0, 0]
    assert v.map is None
    # a level without data for the indicator: no figure, a message instead of an exception
    ex.controls["level"].value = "province"
    assert ex.view.ranked is None and ex.view.messages
    ex.controls["level"].value = "county"
    assert len(ex.view.ranked_values) == len(ds.unit_codes)


def test_bad_control_values_are_user_errors(ex):
    with pytest.raises(UserError):
        ex.set(indicator="no_such_indicator")
    with pytest.raises(UserError):
        ex.set(county="999999")
    with pytest.raises(UserError):
        ex.set(colour="red")


def test_panel_builds_and_english_labels(ds):
    en = explore(ds, lang="en")
    w = en.widget  # builds every widget and draws the outputs
    assert w.children
    assert en.controls["indicator"].description == "Indicator"
    assert "Index" in en.view.index_table.columns


def test_another_region_set(tmp_path):
    """A synthetic 15-county set (other codes, no map file): the panel works, no map."""
    sds = load(write_dataset(tmp_path / "d", n_units=15))
    ex = explore(sds)
    assert len(ex.view.ranked_values) == 15
    assert ex.view.map is None
    ex.set(indicator="workers_per_10k", county=sds.unit_codes[-1])
    exp = sds.values(["workers_per_10k"], ex.state["year"])["workers_per_10k"]
    assert np.allclose(ex.view.ranked_values.to_numpy(), exp.to_numpy(), equal_nan=True)


@given(st.lists(st.one_of(st.none(), st.integers(-5, 5).map(float)), min_size=1, max_size=20))
def test_page_ranks_are_min_ranks_in_the_indicator_direction(values):
    """export.ranks (the page's rank rule) = pandas min rank of the oriented values."""
    s = pd.Series([np.nan if v is None else v for v in values], dtype=float)
    for direction, oriented in (("higher", s), ("lower", -s)):
        exp = oriented.rank(ascending=False, method="min")
        got = ranks(values, direction)
        assert [None if np.isnan(e) else int(e) for e in exp] == got
        have = [r for r in got if r is not None]
        assert all(1 <= r <= len(have) for r in have)


def test_num_keeps_six_significant_digits_and_no_negative_zero():
    assert num(1234.5678) == 1234.57
    assert num(0.000123456789) == 0.000123457
    assert num(-0.0000001) == -1e-07 and str(num(-0.0)) == "0.0"
    assert num(float("nan")) is None and num(None) is None
