"""County-only observations (what the Excel template gives): every region above the counties
is aggregated on load, and the projection (03) and plan figures (04) work from those
aggregates (issue 15, acceptance). Totals are checked by hand from the county files: a count
(sum), a ratio (ratio of sums, not mean of ratios) and an average (weighted mean)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.analyses import targets as tv
from analysis.data import load, synthetic
from analysis.present import plan_figures
from analysis.present.words import targets as target_words


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return synthetic.write_tree(tmp_path_factory.mktemp("county_only") / "data", seed=11)


@pytest.fixture(scope="module")
def ds(root):
    return load(root)


@pytest.fixture(scope="module")
def files(root) -> pd.DataFrame:
    """The observation files as written, read without the package (independent truth)."""
    parts = [
        pd.read_csv(f, dtype={"region_code": str}) for f in (root / "observations").glob("*.csv")
    ]
    return pd.concat(parts, ignore_index=True)


def _wide(files: pd.DataFrame, ind: str, year: int) -> pd.Series:
    o = files[(files["indicator"] == ind) & (files["year"] == year)]
    return o.set_index("region_code")["value"]


def test_the_files_hold_county_rows_only(ds, files):
    assert set(files["region_code"]) == set(ds.unit_codes)
    assert len(ds.unit_codes) == 40


@pytest.mark.parametrize("level", ["prefecture", "province"])
def test_aggregates_by_hand(ds, files, level):
    region = ds.regions.loc[ds.regions["level"] == level, "code"].iloc[-1]
    kids = [c for c in ds.unit_codes if region in ds.ancestors(c)]
    assert kids
    got = ds.values(
        ["community_workers", "workers_per_10k", "worker_avg_age", "population"], 2020, [region]
    ).iloc[0]
    workers = _wide(files, "community_workers", 2020)[kids]
    pop = _wide(files, "population", 2020)[kids]
    age = _wide(files, "worker_avg_age", 2020)[kids]
    # count: the sum of the counties
    assert got["community_workers"] == workers.sum()
    assert got["population"] == pop.sum()
    # ratio: recomputed from the summed numerator and denominator ...
    assert got["workers_per_10k"] == pytest.approx(1e4 * workers.sum() / pop.sum(), rel=1e-12)
    # ... which is not the mean of the counties' ratios
    assert abs(got["workers_per_10k"] - (1e4 * workers / pop).mean()) > 0.01
    # average: the mean of worker age weighted by the number of workers
    by_hand = float((age * workers).sum() / workers.sum())
    assert got["worker_avg_age"] == pytest.approx(by_hand, rel=1e-12)
    assert abs(by_hand - age.mean()) > 1e-6  # weights matter
    # provenance: kind derived, the county sources kept
    o = ds.obs("community_workers", [region], 2020)
    assert set(str(o["source"].iloc[0]).split("+")) == {"illustrative_panel"}
    assert o["note"].iloc[0].startswith("sum of")


def test_projection_of_the_top_region_from_aggregates(ds):
    view = tv.prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
    ind = plan_figures.MAIN_INDICATOR
    kw = target_words.fan_inputs(view, ind)
    assert kw["history"].dropna().size >= 5  # the province's own series, aggregated
    assert kw["target"] is not None and not kw["forecast"].empty
    top = view.summary.set_index(["indicator", "region_code"]).loc[(ind, ds.top)]
    assert str(top["method"])  # a method was chosen for the top region


def test_plan_figures_keep_the_region_fan_and_table_row(ds):
    items = plan_figures.build(ds, "all", "zh")
    keys = [i.key for i in items]
    assert f"fan_{plan_figures.MAIN_INDICATOR}" in keys
    table = next(i for i in items if i.key == "indicators").table
    assert table is not None
    frame = table.frame.set_index(table.frame.columns[0])
    row = frame.loc[ds.name(ds.top)]
    assert row.notna().all(), row[row.isna()]  # the region's row is filled by aggregation


def test_prefectures_as_units_are_aggregated_from_their_counties(root, files):
    ds = load(root, unit_level="prefecture")
    assert ds.top == "900000" and len(ds.unit_codes) == 5
    got = ds.values(["community_workers"], 2020)["community_workers"]
    workers = _wide(files, "community_workers", 2020)
    for pref in ds.unit_codes:
        kids = [c for c in workers.index if c[:4] == pref[:4]]
        assert got[pref] == workers[kids].sum()
    assert got.sum() == workers.sum()
