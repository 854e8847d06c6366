"""Yearly denominators (analysis.data.denominators): a synthetic province with published
yearly totals above its counties, and one county-year of the default data by hand."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import stocks_by_hand
from cases import FIXTURES

from analysis.data import load
from analysis.data.derived import bases, basis, rates

P, A, B, C = "990000", "990001", "990002", "990003"
CENSUS = {  # population: counties sum to the province in both censuses
    2010: {P: 100_000, A: 40_000, B: 40_000, C: 20_000},
    2020: {P: 120_000, A: 50_000, B: 40_000, C: 30_000},
}
PUBLISHED = {2021: 121_000, 2022: 125_000}  # the province's yearly bulletin
B_2022 = 39_000  # a yearbook figure for county B
WORKERS = {A: 100, B: 80, C: 60}  # each year 2015-2024


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    root = tmp_path_factory.mktemp("denominators")
    shutil.copytree(FIXTURES / "minimal", root, dirs_exist_ok=True)
    (root / "regions.csv").write_text(
        "code,name_zh,name_en,level,parent_code,group\n"
        f"{P},测试省,Test Province,prefecture,,\n"
        f"{A},甲县,County A,county,{P},county\n"
        f"{B},乙县,County B,county,{P},county\n"
        f"{C},丙县,County C,county,{P},county\n",
        encoding="utf-8",
    )
    with open(root / "sources.csv", "a", encoding="utf-8") as f:
        f.write("bulletin,测试公报,Test,2023,,,official\nyearbook,测试年鉴,Test,2023,,,official\n")
    rows = ["region_code,year,indicator,value,source,note"]
    rows += [f"{r},{y},population,{v},census," for y, d in CENSUS.items() for r, v in d.items()]
    rows += [f"{P},{y},population,{v},bulletin," for y, v in PUBLISHED.items()]
    rows += [f"{B},2022,population,{B_2022},yearbook,"]
    rows += [
        f"{r},{y},community_workers,{v},panel,"
        for r, v in WORKERS.items()
        for y in range(2015, 2025)
    ]
    (root / "observations" / "obs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load(root)


def _share(r: str, year: int) -> float:
    """County share of the province, trended geometrically from 2010-2020 (by hand)."""
    s1, s0 = CENSUS[2020][r] / CENSUS[2020][P], CENSUS[2010][r] / CENSUS[2010][P]
    return s1 * (s1 / s0) ** ((year - 2020) / 10)


def _pop(ds, year: int) -> pd.Series:
    r = rates(ds, "workers_per_10k")
    r = r[r["year"] == year].set_index("region_code")
    return r["value"].rdiv(pd.Series(WORKERS) * 1e4).dropna()  # population = workers/rate


def test_counties_sum_to_published_totals_after_the_census(ds):
    for year, total in PUBLISHED.items():
        assert _pop(ds, year)[[A, B, C]].sum() == pytest.approx(total, rel=1e-12)
    # 2024: the province carried forward at its mean growth 2020-2022, g = (125/120)^(1/2)
    g = (125_000 / 120_000) ** 0.5
    assert _pop(ds, 2024)[[A, B, C]].sum() == pytest.approx(125_000 * g**2, rel=1e-12)


def test_shares_keep_their_trend_and_the_observed_county_replaces_the_estimate(ds):
    pop = _pop(ds, 2021)
    free = sum(_share(r, 2021) for r in (A, B, C))
    assert pop[A] == pytest.approx(121_000 * _share(A, 2021) / free, rel=1e-12)
    pop = _pop(ds, 2022)
    assert pop[B] == pytest.approx(B_2022, rel=1e-12)  # observed, not the estimate
    rest = (125_000 - B_2022) / (_share(A, 2022) + _share(C, 2022))
    assert pop[A] == pytest.approx(rest * _share(A, 2022), rel=1e-12)
    assert pop[C] == pytest.approx(rest * _share(C, 2022), rel=1e-12)


def test_one_rate_by_hand(ds):
    # county C in 2023: province 125000*g, C's share 0.25*(0.25/0.2)^0.3, shares sum scaled
    g = (125_000 / 120_000) ** 0.5
    free = sum(_share(r, 2023) for r in (A, B, C))
    pop_c = 125_000 * g * _share(C, 2023) / free
    r = rates(ds, "workers_per_10k").set_index(["region_code", "year"])
    assert r.loc[(C, 2023), "value"] == pytest.approx(60 / pop_c * 1e4, rel=1e-12)
    # held at the census (the earlier rule): 60 / 30000 * 1e4 = 20
    held = rates(ds, "workers_per_10k", "census").set_index(["region_code", "year"])
    assert held.loc[(C, 2023), "value"] == pytest.approx(20.0, rel=1e-12)


def test_denominator_basis_column_and_lookup(ds):
    d = ds.obs("workers_per_10k").set_index(["region_code", "year"])["denominator_basis"]
    assert d[(A, 2015)] == "interpolated" and d[(A, 2020)] == "census"
    assert d[(A, 2021)] == "estimated" and d[(B, 2022)] == "observed"
    assert d[(A, 2022)] == "estimated" and d[(P, 2022)] == "observed"
    assert ds.obs("population")["denominator_basis"].isna().all()  # stored rows: none
    assert basis(ds, "workers_per_10k", B, 2022) == "observed"
    assert basis(ds, "workers_per_10k", B, 2022, "census") == "census"
    assert basis(ds, "workers_per_10k", A, 2016) == "interpolated"
    assert basis(ds, "population", A, 2016) == ""  # not a derived indicator
    held = rates(ds, "workers_per_10k", "census")
    assert set(held.loc[held["year"] > 2020, "denominator_basis"]) == {"census"}
    notes = ds.obs("workers_per_10k").set_index(["region_code", "year"])["note"]
    assert "estimated from the published totals above" in notes[(A, 2021)]


def test_bases_of_many_regions_are_the_lookups_one_by_one(ds):
    """``bases`` (one stock estimate for all regions) gives ``basis`` region by region; a
    missing year gives ""."""
    regions = [A, B, C, P, A, B]
    years = [2015, 2022, 2023, 2022, 2021, None]
    one_by_one = [
        basis(ds, "workers_per_10k", r, y) if y else "" for r, y in zip(regions, years, strict=True)
    ]
    assert list(bases(ds, "workers_per_10k", regions, years)) == one_by_one
    assert one_by_one[:5] == ["interpolated", "observed", "estimated", "observed", "estimated"]
    assert list(bases(ds, "population", regions, years)) == [""] * 6


def test_default_data_one_county_year_by_hand():
    ds = load()
    # 都匀市 2025: urban community staff / urban population estimated from Guizhou down
    urban = stocks_by_hand.stock("urban_population", "522701", 2025)
    staff = ds.obs("urban_community_workers", "522701", 2025)["value"].iloc[0]
    got = ds.obs("workers_per_10k_urban", "522701", 2025).iloc[0]
    assert got["value"] == pytest.approx(staff / urban * 1e4, rel=1e-9)
    assert got["denominator_basis"] == "estimated"
    assert "guizhou_bulletin_2023" in got["source"].split("+")
    # 福泉 2023 population is the bulletin's figure (observed), not an estimate
    fq = ds.obs("workers_per_10k", "522702", 2023).iloc[0]
    assert fq["denominator_basis"] == "observed"
    workers = ds.obs("community_workers", "522702", 2023)["value"].iloc[0]
    assert fq["value"] == pytest.approx(workers / 300_500 * 1e4, rel=1e-12)
    # the other counties of 2023 share what is left of the prefecture's estimate
    assert stocks_by_hand.stock("population", "522701", 2023) == pytest.approx(
        ds.obs("community_workers", "522701", 2023)["value"].iloc[0]
        / ds.obs("workers_per_10k", "522701", 2023)["value"].iloc[0]
        * 1e4,
        rel=1e-9,
    )


def test_an_estimated_urban_population_never_exceeds_the_total():
    """Urban 60 -> 90 of 100 -> 105 between censuses: extrapolated it would pass the total
    within a few years; the estimate is capped at the estimated total of that year."""
    from types import SimpleNamespace

    from analysis.data.denominators import stock_frame, stocks

    regions = pd.DataFrame({"code": ["P"], "parent_code": [""]})
    rows = [
        ("P", 2010, "population", 100.0),
        ("P", 2020, "population", 105.0),
        ("P", 2010, "urban_population", 60.0),
        ("P", 2020, "urban_population", 90.0),
    ]
    obs = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "value"])
    ds = SimpleNamespace(observations=obs, regions=regions)
    years = [2020, 2025, 2030]
    raw, _ = stock_frame(obs[obs["indicator"] == "urban_population"], regions, years)
    total, _ = stocks(ds, "population", years)
    urban, b = stocks(ds, "urban_population", years)
    assert raw.loc["P", 2030] > total.loc["P", 2030]  # the uncapped trend passes the total
    assert urban.loc["P", 2030] == total.loc["P", 2030]
    assert urban.loc["P", 2020] == 90.0 and b.loc["P", 2030] == "estimated"
    assert (urban <= total).all().all()
