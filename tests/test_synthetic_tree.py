"""The multi-level synthetic generator (``analysis.data.synthetic.write_tree``)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.data import load, synthetic


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return load(synthetic.write_tree(tmp_path_factory.mktemp("tree") / "data", seed=3))


def test_a_province_of_five_prefectures_and_forty_counties(tree):
    levels = tree.regions["level"].value_counts().to_dict()
    assert levels == {"province": 1, "prefecture": 5, "county": 40}
    assert tree.top == "900000" and len(tree.unit_codes) == 40
    codes = tree.regions["code"].astype(str)
    assert codes.str.fullmatch(r"\d{6}").all() and codes.is_unique
    for lang in ("zh", "en"):
        assert tree.regions[f"name_{lang}"].is_unique
    parent = dict(zip(codes, tree.regions["parent_code"], strict=True))
    for code, level in zip(codes, tree.regions["level"], strict=True):
        p = parent[code]
        if level == "prefecture":  # PPCC00 under PP0000
            assert p == code[:2] + "0000" and code.endswith("00") and not code.endswith("0000")
        if level == "county":  # PPCCDD under PPCC00
            assert p == code[:4] + "00" and not code.endswith("00")


def test_county_observations_only_and_prefectures_aggregated(tree):
    panel = tree.observations[tree.observations["indicator"] == "community_workers"]
    prefs = tree.regions.loc[tree.regions["level"] == "prefecture", "code"].tolist()
    p = prefs[0]
    kids = tree.regions.loc[tree.regions["parent_code"] == p, "code"].tolist()
    v = panel[panel["year"] == 2020].set_index("region_code")["value"]
    assert v[p] == v[kids].sum()  # aggregated by load (the files hold counties and the top)
    files = " ".join(tree.files)
    assert "base.csv" in files


def test_observed_totals_calibrate_the_panel(tmp_path):
    root = synthetic.write_tree(tmp_path / "d", levels=(3, 12), totals=("prefecture",))
    ds = load(root)
    obs = ds.observations
    base = obs[(obs["source"] == "synthetic") & (obs["indicator"] == "grids")]
    prefs = base[
        base["region_code"].str.fullmatch(r"\d{4}00") & ~base["region_code"].str.endswith("0000")
    ]
    assert len(prefs) == 3
    panel = obs[(obs["indicator"] == "grids") & (obs["year"] == 2020)].set_index("region_code")
    for code, total in zip(prefs["region_code"], prefs["value"], strict=True):
        kids = ds.regions.loc[ds.regions["parent_code"] == code, "code"]
        assert panel.loc[kids, "value"].sum() == total
    assert ds.discrepancies is not None and ds.discrepancies.empty


def test_national_preset_tree():
    """31 provinces, 330 prefectures, 2,850 counties (writing the whole set takes about 4 s:
    see benchmarks/; here only the tree, which is what can go wrong)."""
    regions = synthetic._tree_regions(synthetic.NATIONAL["levels"], np.random.default_rng(0))
    counts = regions["level"].value_counts().to_dict()
    assert counts == {"country": 1, "province": 31, "prefecture": 330, "county": 2850}
    assert regions["code"].is_unique and regions["code"].str.fullmatch(r"\d{6}").all()
    assert regions["name_zh"].is_unique and regions["name_en"].is_unique
    kids = regions[regions["level"].isin(["prefecture", "county"])]
    assert (kids["parent_code"].str[:2] == kids["code"].str[:2]).all()
    assert set(regions.loc[regions["level"] == "province", "code"].str[:2]) == set(
        synthetic.PROVINCE_PREFIXES
    )
