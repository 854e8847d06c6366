"""Figures at many units: the trends figure shows the laggards, ranked bars and heatmaps split
into legible panels, maps of 80+ units keep labels apart and off small areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.present import plan_figures


@pytest.fixture(scope="module")
def ds20(tmp_path_factory):
    return load(write_dataset(tmp_path_factory.mktemp("s") / "d", n_units=20, seed=5))


def test_lagging_takes_the_lowest_or_for_lower_is_better_the_highest():
    latest = pd.Series([5.0, 1.0, np.nan, 3.0, 9.0, 2.0], index=list("abcdef"))
    # hand-sorted: ascending b(1) f(2) d(3) a(5) e(9), c has no value
    assert plan_figures.lagging(latest, n=3) == ["b", "f", "d"]
    assert plan_figures.lagging(latest, lower_is_better=True, n=3) == ["e", "a", "d"]
    assert plan_figures.lagging(latest, n=10) == ["b", "f", "d", "a", "e", "c"]


@pytest.mark.parametrize("ind", ["facility_area_per_100hh", "worker_avg_age"])
def test_trends_figure_panels_are_the_lagging_units(ds20, ind):
    ds = ds20
    assert len(ds.unit_codes) > plan_figures.MAX_PANELS
    lower = ds.indicator(ind)["direction"] == "lower"
    # independent truth: each unit's value in its latest observed year, by hand
    obs = ds.obs(ind, ds.unit_codes).dropna(subset=["value"])
    last = obs.sort_values("year").groupby("region_code")["value"].last()
    worst_first = sorted(last.index, key=lambda k: (-last[k] if lower else last[k], k))
    names = ds.names("en")
    expected = {names[k] for k in worst_first[: plan_figures.MAX_PANELS]}
    best = {names[k] for k in worst_first[plan_figures.MAX_PANELS :]}
    c = plan_figures._Ctx(ds, "en", 2020, None)
    item = plan_figures._small_multiples(c, ind)
    titles = {ax.get_title(loc="left").replace("\n", " ") for ax in item.figure.axes}
    titles.discard("")
    assert titles == expected
    assert not titles & best
    plan_figures.close([item])
