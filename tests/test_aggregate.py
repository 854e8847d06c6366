"""Aggregation up the region tree, checked against hand-computed totals."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.data.aggregate import aggregate, depths, rules

# country X -> provinces P, Q; P -> counties a, b; Q -> county c
REGIONS = pd.DataFrame(
    {"code": ["X", "P", "Q", "a", "b", "c"], "parent_code": ["", "X", "X", "P", "P", "Q"]}
)
INDS = pd.DataFrame(
    {
        "id": ["workers", "age", "rate", "per10k"],
        "kind": ["count", "mean", "rate", "ratio"],
        "aggregate": ["", "mean", "", ""],
        "weight": ["", "workers", "", ""],
    }
)


def obs(rows):
    f = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "value"])
    return f.assign(source="s_" + f["region_code"], note="")


def test_rules_from_kind_and_column():
    r = rules(INDS)
    assert r.to_dict() == {"workers": "sum", "age": "mean", "rate": "none", "per10k": "ratio"}


def test_depths_of_a_three_level_tree():
    assert depths(REGIONS).to_dict() == {"X": 0, "P": 1, "Q": 1, "a": 2, "b": 2, "c": 2}


def test_sum_and_weighted_mean_by_hand_up_two_levels():
    o = obs(
        [
            ("a", 2020, "workers", 10),
            ("b", 2020, "workers", 30),
            ("c", 2020, "workers", 60),
            ("a", 2020, "age", 40),
            ("b", 2020, "age", 50),
            ("c", 2020, "age", 45),
            ("a", 2020, "rate", 80),
            ("b", 2020, "rate", 90),
            ("c", 2020, "rate", 70),
        ]
    )
    rows, disc = aggregate(o, REGIONS, INDS)
    got = rows.set_index(["region_code", "indicator"])["value"].to_dict()
    # sums: P = 10 + 30 = 40, Q = 60, X = 40 + 60 = 100
    assert got[("P", "workers")] == 40 and got[("Q", "workers")] == 60
    assert got[("X", "workers")] == 100
    # weighted means: P = (10*40 + 30*50) / 40 = 47.5; X = (40*47.5 + 60*45) / 100 = 46.0
    assert got[("P", "age")] == pytest.approx(47.5)
    assert got[("X", "age")] == pytest.approx(46.0)
    # a rate without a weight is not aggregated; ratios are left to the derive step
    assert ("P", "rate") not in got and ("X", "rate") not in got
    assert rows.loc[rows["region_code"] == "X", "source"].iloc[0] == "s_a+s_b+s_c"
    assert disc.empty


def test_incomplete_children_give_no_total_and_observed_totals_win():
    o = obs(
        [
            ("a", 2021, "workers", 10),  # b missing in 2021: no P total
            ("a", 2020, "workers", 10),
            ("b", 2020, "workers", 30),
            ("P", 2020, "workers", 41),  # observed, differs from 40 by 2.5 %
        ]
    )
    rows, disc = aggregate(o, REGIONS, INDS)
    assert rows[(rows["region_code"] == "P")].empty
    assert disc[["region_code", "observed", "aggregated"]].to_dict("records") == [
        {"region_code": "P", "observed": 41.0, "aggregated": 40.0}
    ]


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3))
def test_sum_of_the_root_equals_sum_of_the_leaves(values):
    o = obs([(c, 2020, "workers", v) for c, v in zip("abc", values, strict=True)])
    rows, _ = aggregate(o, REGIONS, INDS)
    x = rows[(rows["region_code"] == "X") & (rows["indicator"] == "workers")]["value"].iloc[0]
    assert x == pytest.approx(sum(values), rel=1e-12, abs=1e-9)


def _county_only_copy(tmp_path):
    import shutil

    from analysis import paths

    dst = tmp_path / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", dst)
    for f in (dst / "observations").glob("*.csv"):
        d = pd.read_csv(f, dtype=str, keep_default_na=False)
        d = d[d["region_code"] == d["region_code"].where(~d["region_code"].str.endswith("00"))]
        if d.empty:
            f.unlink()
        else:
            d.to_csv(f, index=False)
    return dst


def test_county_only_data_get_prefecture_totals_by_hand(tmp_path):
    """Without any prefecture row, the prefecture's count is the county sum and its
    per-10k ratio is recomputed from the summed numerator and denominator."""
    from analysis.data import load

    ds = load(_county_only_copy(tmp_path))
    assert ds.top == "522700"
    o = ds.observations.query("year == 2020")
    county = o[o["region_code"].isin(ds.unit_codes)]
    pref = o[o["region_code"] == "522700"].set_index("indicator")
    workers = county[county["indicator"] == "community_workers"]["value"].sum()
    pop = county[county["indicator"] == "population"]["value"].sum()
    assert pref.loc["community_workers", "value"] == pytest.approx(workers)
    assert pref.loc["workers_per_10k", "value"] == pytest.approx(workers / pop * 10_000)
    assert "sum of 12 sub-regions" in pref.loc["community_workers", "note"]
    # a ratio of sums is not the mean of the county ratios
    ratios = county[county["indicator"] == "workers_per_10k"]["value"]
    assert pref.loc["workers_per_10k", "value"] != pytest.approx(ratios.mean())


def test_top_is_the_lowest_common_ancestor_or_explicit(ds):
    from analysis.data import load
    from analysis.errors import UserError

    assert ds.top == "522700"  # the data also list the province 520000 above it
    one = load(top="522700", unit_level="county")
    assert one.top == "522700" and len(one.unit_codes) == 12
    with pytest.raises(UserError):
        load(top="999999")
    with pytest.raises(UserError):
        load(unit_level="township")
