"""The embedded data: published totals, illustrative calibration, provenance, derived values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main
from analysis.data import illustrate, load
from analysis.data.derived import interpolate
from analysis.data.synthetic import write_dataset
from analysis.errors import UserError

DATA = paths.PROJECT_ROOT / "data"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / "observations" / name, dtype={"region_code": str})


def test_embedded_data_validates(capsys):
    assert main(["validate"]) == 0
    assert "Data OK" in capsys.readouterr().out


def test_census_counties_sum_to_published_prefecture_totals():
    c = _csv("census.csv")
    counties = c[c["region_code"].str.startswith("5227") & (c["region_code"] != "522700")]
    counties = counties[counties["year"] == 2020]
    total = counties.groupby("indicator")["value"].sum()
    assert total["population"] == 3_494_385  # 七普 黔南州常住人口
    assert total["urban_population"] == 1_800_536
    top = c[(c["region_code"] == "522700") & (c["year"] == 2020)].set_index("indicator")["value"]
    assert top["population"] == 3_494_385 and top["urban_population"] == 1_800_536
    assert counties["region_code"].nunique() == 12


def test_plan_baseline_numbers_are_the_plan_texts():
    p = _csv("plan_baseline.csv").set_index("indicator")["value"]
    expected = {
        "villages_communities": 1431,
        "community_workers": 7257,
        "grids": 12609,
        "grid_staff": 12824,
        "township_service_centres": 109,
        "registered_volunteers": 418_400,
        "social_organisations": 1174,
        "community_social_organisations": 898,
        "volunteer_hours": 2_037_500,
        "worker_avg_age": 48,
    }
    for k, v in expected.items():
        assert p[k] == v, k
    assert set(_csv("plan_baseline.csv")["source"]) == {"qiannan_plan_2022"}


def test_illustrative_2020_county_values_sum_to_the_plan_totals():
    panel, plan = (
        _csv("illustrative_panel.csv"),
        _csv("plan_baseline.csv").set_index("indicator")["value"],
    )
    c2020 = panel[(panel["year"] == 2020) & (panel["region_code"] != "522700")]
    sums = c2020.groupby("indicator")["value"].sum()
    checked = 0
    for ind in sums.index.intersection(plan.index):
        if ind == "worker_avg_age":
            continue
        assert sums[ind] == plan[ind], ind
        checked += 1
    assert (
        checked >= 8
    )  # workers, grids, grid staff, stations, orgs, community orgs, volunteers, hours
    # average age: workers-weighted mean of the counties equals the plan's 48
    # (to rounding of 0.1 year)
    w = c2020[c2020["indicator"] == "community_workers"].set_index("region_code")["value"]
    a = c2020[c2020["indicator"] == "worker_avg_age"].set_index("region_code")["value"]
    assert (a * w).sum() / w.sum() == pytest.approx(48, abs=0.05)
    assert set(panel["source"]) == {"illustrative_panel"}


def test_illustrative_panel_regenerates_byte_identically():
    ds = load(DATA, derive=False)
    text = illustrate.to_csv_text(illustrate.build(ds))
    assert text == (DATA / illustrate.FILE).read_text(encoding="utf-8")


def test_illustrative_panel_scales_with_population_and_keeps_dispersion(ds):
    w = ds.values(["community_workers", "population", "social_organisations"], 2020)
    assert np.corrcoef(w["population"], w["social_organisations"])[0, 1] > 0.8
    per10k = ds.values(["social_orgs_per_10k"], 2020)["social_orgs_per_10k"]
    assert per10k.idxmax() == "522701"  # the most urban county (都匀) is ahead
    assert per10k.std() / per10k.mean() > 0.1


def test_every_source_is_recorded_and_illustrative_rows_are_flagged(ds):
    kinds = ds.sources.set_index("id")["kind"]
    assert set(ds.source_ids(ds.observations)) <= set(kinds.index)
    panel = ds.obs("community_workers", "522701")
    assert ds.is_illustrative(panel)
    assert not ds.is_illustrative(ds.obs("population"))


def test_derived_values_by_hand(ds):
    area = ds.obs("facility_area", "522701", 2020)["value"].iloc[0]
    hh = 170_064  # 都匀市 family households, census 2020
    v = ds.obs("facility_area_per_100hh", "522701", 2020)
    assert v["value"].iloc[0] == pytest.approx(area / hh * 100)
    assert set(v["source"].iloc[0].split("+")) == {"census2020", "illustrative_panel"}
    # 2015 is half-way between the censuses: geometric mean of 2010 and 2020 population
    p = ds.obs("workers_per_10k", "522701", 2016)
    w = ds.obs("community_workers", "522701", 2016)["value"].iloc[0]
    pop2016 = 443_721 * (529_688 / 443_721) ** 0.6
    assert p["value"].iloc[0] == pytest.approx(w / pop2016 * 1e4)
    assert "interpolated" in p["note"].iloc[0]


def test_interpolation_is_geometric_and_flat_outside():
    wide = pd.DataFrame({2010: [100.0, 50.0], 2020: [400.0, np.nan]}, index=["a", "b"])
    out = interpolate(wide, [2005, 2015, 2020, 2024])
    assert out.loc["a"].tolist() == pytest.approx([100, 200, 400, 400])
    assert out.loc["b"].tolist() == pytest.approx([50, 50, 50, 50])


def test_unknown_codes_list_the_valid_ones(ds):
    with pytest.raises(UserError) as err:
        ds.check_regions("123456")
    assert "522701 都匀市" in str(err.value) and "Valid region codes" in str(err.value)
    with pytest.raises(UserError) as err:
        ds.check_indicators(["community_worker"])
    assert "community_workers" in str(err.value) and "未知的指标" in str(err.value)


def test_a_synthetic_region_set_of_another_size_loads(tmp_path):
    ds = load(write_dataset(tmp_path / "syn", n_units=40, seed=3))
    assert len(ds.unit_codes) == 40 and ds.top == "910000"
    assert main(["validate", "--data", str(ds.root)]) == 0
    c2020 = ds.obs("community_workers", ds.unit_codes, 2020)["value"].sum()
    top = ds.obs("community_workers", ds.top, 2020)
    assert top["source"].iloc[0] == "synthetic" and c2020 == top["value"].iloc[0]
    assert not ds.obs("facility_area_per_100hh").empty


def test_apportion_sums_exactly_and_is_proportional():
    out = illustrate.apportion(10, np.array([1.0, 1.0, 1.0]))
    assert out.sum() == 10 and sorted(out.tolist()) == [3, 3, 4]
    out = illustrate.apportion(7257, np.arange(1, 13, dtype=float))
    assert out.sum() == 7257 and (np.diff(out) >= 0).all()


def test_nothing_region_specific_in_the_package():
    """Regions, names and codes come from data/: no county code or name in src/analysis."""
    names = pd.read_csv(DATA / "regions.csv", dtype=str)
    pkg = paths.PACKAGE_DIR
    text = "\n".join(p.read_text(encoding="utf-8") for p in pkg.rglob("*.py"))
    for code, name in zip(names["code"], names["name_zh"], strict=True):
        if code.startswith("52"):
            assert code not in text, code
            assert name not in text, name
