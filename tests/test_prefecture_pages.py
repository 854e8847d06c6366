"""Issue 24 (items 1, 2, 4) in reports 03, 05 and 06: on the real Guizhou tree (9 prefectures,
88 counties) the pages show the prefecture level: 05 a per-prefecture result table whose CSV
rows are the results model's prefecture rows, 06 per-prefecture targets consistent with the
top and with their counties, county tables grouped by prefecture with the prefecture as the
subtotal row (region code and prefecture columns in their CSVs), long tables folded with the
rows needing attention shown; lists of units by severity. On the default data (no
intermediate level) none of it appears."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import results
from analysis.analyses import levels
from analysis.data import load
from analysis.data.derived import denominators
from analysis.present import chapter
from analysis.present.reports import evaluation as r05
from analysis.present.reports import next_period as r06
from analysis.present.reports import projection as r03
from analysis.present.words import grouped
from analysis.present.words import target_findings as tf

pytestmark = pytest.mark.cost(25)


def _html(obj) -> str:
    return obj.to_html() if hasattr(obj, "to_html") else str(getattr(obj, "data", obj))


def _pages(data_dir: str, out) -> dict:
    """Reports 05, 06 and 03 (2025) opened and shown section by section into ``out``; the
    page text of each and the report objects."""
    shown: list = []
    real = chapter._show
    chapter._show = shown.append
    try:
        e = r05.open(data_dir=data_dir, outputs_dir=str(out), base_year=2020, target_year=2025)
        r05.opening(e), r05.summary(e), r05.groups(e), r05.by_area(e)
        n05 = len(shown)
        n = r06.open(data_dir=data_dir, outputs_dir=str(out), base_year=2025, target_year=2030)
        r06.opening(n), r06.proposed(n), r06.groups(n), r06.by_area(n)
        n06 = len(shown)
        p = r03.open(data_dir=data_dir, outputs_dir=str(out), base_year=2020, target_year=2025)
        r03.opening(p), r03.projection(p), r03.county_targets(p)
    finally:
        chapter._show = real
    text = [_html(o) for o in shown]
    return {
        "05": " ".join(text[:n05]),
        "06": " ".join(text[n05:n06]),
        "03": " ".join(text[n06:]),
        "e": e,
        "n": n,
        "p": p,
        "out": out,
    }


@pytest.fixture(scope="module")
def gz(guizhou_dir, tmp_path_factory):
    return _pages(str(guizhou_dir), tmp_path_factory.mktemp("gz_out"))


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return _pages("", tmp_path_factory.mktemp("default_out"))


def _csv(b: dict, report: str, name: str) -> pd.DataFrame:
    return pd.read_csv(
        b["out"] / "data" / report / f"{name}.csv",
        dtype={"region_code": str, "prefecture_code": str},
    )


def test_05_prefecture_rows_are_the_results_models(gz):
    ds = gz["e"].pg.ds
    csv = _csv(gz, "05_final_evaluation_2025", "by_prefecture")
    model = gz["e"].frame.set_index(["indicator", "region_code"])  # results.open(ds).evaluation
    prefs = levels.codes_at(ds, "prefecture")
    assert len(csv) == (len(prefs) + 1) * csv["indicator"].nunique()
    assert set(csv["region_code"]) == {*prefs, ds.top}
    for _, row in csv.iterrows():
        m = model.loc[(row["indicator"], row["region_code"])]
        for col in ("final", "target", "difference"):
            assert row[col] == pytest.approx(m[col], nan_ok=True), col
        assert bool(row["met"]) == bool(m["met"]) and row["status"] == m["status"]
        # the counts of its units, by hand from the county rows of the model
        kids = [u for u in ds.unit_codes if row["region_code"] in ds.ancestors(u)] or list(
            ds.unit_codes
        )
        units = model.loc[row["indicator"]].loc[kids]
        known = units["final"].notna()
        assert row["units"] == len(kids)
        assert row["units_met"] == int((units["met"].astype(bool) & known).sum())
        assert row["units_short"] == int((known & ~units["met"].astype(bool)).sum())


def test_05_prefectures_most_severe_first_and_named_in_findings(gz):
    ds = gz["e"].pg.ds
    csv = _csv(gz, "05_final_evaluation_2025", "by_prefecture")
    nm = ds.names("zh")
    for ind, f in csv.groupby("indicator", sort=False):
        f = f[f["region_code"] != ds.top]
        missed = ~f["met"].astype(bool)
        # every prefecture missing the target comes before every one meeting it
        assert not (missed.to_numpy()[1:] & ~missed.to_numpy()[:-1]).any(), ind
        gaps = f.loc[missed & f["final"].notna(), "difference_pct"].to_numpy()
        assert (np.diff(gaps) >= 0).all(), ind  # largest shortfall (share of target) first
    # the facility standard: the prefectures below it are named, worst first
    area = csv[(csv["indicator"] == "facility_area_per_100hh") & (csv["region_code"] != ds.top)]
    low = area[area["final"].notna() & ~area["met"].astype(bool)]
    assert len(low) >= 1
    sentence = next(s for s in gz["05"].split("。") if "按市（州）看，每百户" in s)
    names = [nm[c] for c in low.sort_values("difference_pct")["region_code"]]
    assert f"9个市（州）中{len(low)}个整体未达到目标（{'、'.join(names)}）" in sentence
    most = area.sort_values(["units_short", "region_code"], ascending=[False, True]).iloc[0]
    if (area["units_short"] == most["units_short"]).sum() == 1:
        assert f"最多的是{nm[most['region_code']]}" in sentence
        assert f"（{most['units']}个中{most['units_short']}个）" in sentence


def test_06_prefecture_targets_consistent_with_top_and_counties(gz):
    ds = gz["n"].pg.ds
    csv = _csv(gz, "06_next_period_targets_2030", "targets_by_prefecture")
    model, std = results.open(ds).next_targets(2025, 2030)
    model = model.set_index(["indicator", "region_code"])
    members = grouped.members(ds)
    assert set(csv["region_code"]) == {*members, ds.top}
    for _, row in csv.iterrows():
        m = model.loc[(row["indicator"], row["region_code"])]
        for col in ("baseline", "projected_p", "standard", "target"):
            assert row[col] == pytest.approx(m[col], nan_ok=True), col
        assert row["basis"] == m["basis"]
    for (ind, code), row in csv.set_index(["indicator", "region_code"]).iterrows():
        meta = ds.indicator(ind)
        sgn = 1.0 if meta["direction"] == "higher" else -1.0
        kids = members.get(code, ds.unit_codes)
        t = model.loc[ind]["target"].loc[kids]
        if meta["kind"] == "count":  # a count: the sum of its counties' targets
            agg = float(t.sum())
        elif meta["numerator"]:  # a ratio: target amounts over denominators in 2030
            den = denominators(ds, meta["denominator"], [2030]).reindex(kids)[2030]
            agg = float((t * den).sum() / den.sum())
        else:
            continue
        # never below the aggregate of its counties' targets, the standard of the level
        # above (the top's), nor its own value at p; equal to the aggregate when that set it
        top_std = float(std.loc[ind, "target_value"])
        assert sgn * (row["target"] - agg) >= -1e-9 * max(1.0, abs(agg))
        assert sgn * (row["target"] - top_std) >= -1e-9
        assert sgn * (row["target"] - row["projected_p"]) >= -1e-9
        if row["basis"] == "aggregate":
            assert row["target"] == pytest.approx(agg, rel=1e-9)


def test_county_csvs_grouped_with_subtotals_and_prefecture_column(gz):
    ds = gz["n"].pg.ds
    members = grouped.members(ds)
    for report, name in (
        ("05_final_evaluation_2025", "counties_facility_area_per_100hh"),
        ("06_next_period_targets_2030", "county_targets_facility_area_per_100hh"),
        ("03_target_projection_2025", "county_targets_facility_area_per_100hh"),
    ):
        f = _csv(gz, report, name)
        assert {"region_code", "prefecture_code", "row"} <= set(f.columns), name
        assert f["row"].iloc[-1] == "total" and f["region_code"].iloc[-1] == ds.top
        assert len(f) == len(ds.unit_codes) + len(members) + 1
        k = 0
        for g, kids in members.items():  # the counties of a prefecture, then its own row
            block = f.iloc[k : k + len(kids) + 1]
            assert list(block["region_code"]) == [*kids, g], (name, g)
            assert list(block["row"]) == ["unit"] * len(kids) + ["subtotal"]
            assert set(block["prefecture_code"].astype(str)) == {g}
            k += len(kids) + 1
    # 03's split top -> prefecture -> county: a prefecture's target amount is the sum of its
    # counties' (the amounts of a ratio standard), and the top's the sum of all counties'
    f = _csv(gz, "03_target_projection_2025", "county_targets_facility_area_per_100hh")
    amounts = f.set_index("region_code")["target_amount"]
    for g, kids in members.items():
        assert amounts[g] == pytest.approx(amounts[kids].sum(), rel=1e-9)
    assert amounts[ds.top] == pytest.approx(amounts[ds.unit_codes].sum(), rel=1e-9)


def test_pages_show_the_prefecture_level_and_fold_long_tables(gz):
    for key, section in (("05", "各市（州）完成情况"), ("06", "各市（州）建议目标")):
        page = gz[key]
        assert section in page, key
        assert "所属市（州）" in page and "（小计）" in page and "（合计）" in page, key
        assert '<details class="full-table">' in page and "download" in page, key
    assert "所属市（州）" in gz["03"] and "（小计）" in gz["03"]
    # 06: a county table shows exactly the counties raised to the standard (4 by hand)
    f = _csv(gz, "06_next_period_targets_2030", "county_targets_facility_area_per_100hh")
    up = f[(f["basis"] == "standard") & (f["target"] > f["baseline"] + 1e-9)]
    assert f"下表列出需关注的{len(up)}行（共{len(f)}行）" in gz["06"]


def test_slow_units_listed_by_severity(gz):
    view = gz["p"].view
    ds = view.ds
    for ind in view.indicators:
        f = tf.facts(view, ind)
        s = view.summary[view.summary["indicator"] == ind].set_index("region_code")
        sgn = 1.0 if ds.indicator(ind)["direction"] == "higher" else -1.0
        for key in ("behind", "unlikely"):
            codes = f[key]
            p = s.loc[codes, "prob"].astype(float).round(6).to_numpy()
            gap = (sgn * (s.loc[codes, "target"] - s.loc[codes, "latest_value"])).to_numpy()
            for i in range(len(codes) - 1):  # lowest probability first, then largest gap
                assert p[i] < p[i + 1] or (p[i] == p[i + 1] and gap[i] >= gap[i + 1] - 1e-12)


def test_default_data_pages_have_no_prefecture_level(default):
    for key in ("05", "06", "03"):
        page = default[key]
        assert "市（州）" not in page and "（小计）" not in page and "所属" not in page, key
    folder = default["out"] / "data"
    assert not list(folder.glob("*/by_*.csv")) and not list(folder.glob("*/targets_by_*.csv"))
    for path in folder.glob("0[356]_*/*.csv"):
        cols = pd.read_csv(path, nrows=1).columns
        assert "prefecture" not in cols and "row" not in cols, path.name
    # the county table reads as before: units in code order, the whole region last
    ds = load()
    f = _csv(default, "05_final_evaluation_2025", "counties_facility_area_per_100hh")
    assert list(f["region_code"]) == [ds.top, *ds.unit_codes]
