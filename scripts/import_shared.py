"""One-off import of the real data gathered in ../shared/data into data/ (not run at run time).

Writes data/regions.csv, data/observations/{census,divisions,plan_baseline}.csv,
data/observations/population_yearly.csv (published yearly population after the 2020
census, with their rows in data/sources.csv), data/geo/ and data/series/national_series.csv
(national annual series, not read by ``analysis.data.load``: region 100000 is outside the
data set's region tree).
Re-run after the shared data change:  python scripts/import_shared.py ../shared
Every value is copied as published, or computed with the formula noted in `note`.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PREFECTURE = "522700"

# 第一节 发展基础 of the plan text (../shared/seed/): indicator, value, the phrase quoted.
PLAN_BASELINE = [
    ("villages_communities", 1431, "1431个村(社区)依法有序建立健全党组织"),
    ("community_workers", 7257, "全州有城乡社区工作者7257人"),
    ("worker_avg_age", 48, "平均年龄48岁"),
    (
        "village_rules_coverage",
        100,
        "100建立村规民约(居民公约) [% sign lost in the source web page]",
    ),
    ("democratic_system_coverage", 100, "100落实村(居)民会议…民主自治制度 [% sign lost]"),
    ("affairs_committees", 7724, "建立“事管委”“组管委”7724个"),
    ("mass_organisations", 2531, "群团组织2531个"),
    ("grids", 12609, "城乡社区划分网格12609个"),
    ("grid_staff", 12824, "配备网格员12824人"),
    ("grid_coverage", 100, "网格覆盖率100 [% sign lost]"),
    ("police_assistants", 1631, "配备村级警务助理1631名"),
    ("legal_advisers", 544, "法律顾问544名"),
    ("relocation_subdistricts", 3, "在易地扶贫搬迁安置点析置街道3个"),
    ("relocation_communities", 54, "设置安置社区54个"),
    ("adjusted_villages", 78, "优化调整村(社区)78个"),
    ("demo_project_funds", 1170, "累计投入1170万元城乡社区建设以奖代补项目资金"),
    ("demo_projects", 117, "综合服务设施示范项目建设117个"),
    ("township_service_centres", 109, "在全州109个乡镇(街道)配设社区综合服务中心"),
    ("service_stations", 1431, "1431个村(社区)设立综合服务站"),
    ("national_demo_villages", 8, "获国家级命名“民主法治示范村”8个"),
    ("provincial_demo_villages", 82, "省级命名82个"),
    ("village_rules_demo_units", 202, "获省级命名村规民约(居民公约)示范村(社区)202个"),
    ("social_organisations", 1174, "全州共登记注册社会组织1174家"),
    ("social_work_agencies", 17, "其中社工机构17家"),
    ("org_poverty_activities", 2000, "社会组织参与助力脱贫攻坚2000余次 [lower bound: 余]"),
    ("org_poverty_funds", 12678.92, "累计投入款物12678.92万元"),
    ("org_poverty_beneficiaries", 21000, "帮助贫困群众2.1万余人 [lower bound: 余]"),
    ("community_social_organisations", 898, "推进建立社区社会组织898个"),
    ("registered_volunteers", 418400, "实名注册志愿者41.84万人"),
    ("volunteer_groups", 2800, "注册志愿服务团体2800余个 [lower bound: 余]"),
    ("volunteer_hours", 2037500, "累计志愿服务时长203.75万小时"),
    ("sw_projects", 8, "实施“三区计划”“牵手计划”“社工黔行”项目等8个"),
    ("sw_project_funds", 198, "投入资金198万元"),
    ("sw_group_activities", 129, "开展小组活动129次"),
    ("sw_people_served", 4650, "服务群众4650人"),
]

CENSUS_2020 = {
    "population": "pop_2020",
    "urban_population": "urban_pop_2020",
    "rural_population": "rural_pop_2020",
    "urbanisation_rate": "urbanization_rate_pct_2020",
    "households": "households_2020",
    "avg_household_size": "avg_household_size_2020",
    "age_0_14_share": "age_0_14_pct_2020",
    "age_60plus_share": "age_60plus_pct_2020",
    "age_65plus_share": "age_65plus_pct_2020",
    "minority_share": "minority_share_pct_2020",
    "avg_years_schooling": "avg_years_schooling_2020",
}
CENSUS_2010 = {
    "population": "pop_2010",
    "urban_population": "urban_pop_2010",
    "households": "households_2010",
    "avg_household_size": "avg_household_size_2010",
    "age_0_14_share": "age_0_14_pct_2010",
    "age_60plus_share": "age_60plus_pct_2010",
    "age_65plus_share": "age_65plus_pct_2010",
    "minority_share": "minority_share_pct_2010",
}
CALC = {
    "age_60plus_share",
    "urbanisation_rate",
}  # calculated by the shared-data compiler from published counts
DIVISIONS = {
    "subdistricts": "n_subdistrict",
    "towns": "n_town",
    "townships": "n_township",
    "resident_committees": "n_resident_committee",
    "village_committees": "n_village_committee",
}


def census(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = pd.read_csv(
        shared / "census/guizhou_counties_census.csv", dtype={"code": str, "parent_code": str}
    )
    c = c[c["parent_code"] == PREFECTURE].sort_values("code")
    rows = []
    for year, cols in ((2020, CENSUS_2020), (2010, CENSUS_2010)):
        for ind, col in cols.items():
            for code, v in zip(c["code"], c[col], strict=True):
                note = (
                    f"calc by compiler from published counts ({col})"
                    if ind in CALC
                    else f"published ({col})"
                )
                rows.append((code, year, ind, v, f"census{year}", note))
    counts = ["population", "urban_population", "households"] + (["rural_population"])
    obs = pd.DataFrame(
        rows, columns=["region_code", "year", "indicator", "value", "source", "note"]
    )
    # prefecture totals: sums of the 12 counties (equal to the published prefecture row,
    # see SOURCES.md)
    tot = (
        obs[obs["indicator"].isin(counts)]
        .groupby(["year", "indicator"], as_index=False)["value"]
        .sum()
    )
    tot["region_code"], tot["note"] = PREFECTURE, "sum of counties = published prefecture total"
    tot["source"] = "census" + tot["year"].astype(str)
    urb = tot.pivot(index="year", columns="indicator", values="value")
    rate = (100 * urb["urban_population"] / urb["population"]).round(2)
    extra = pd.DataFrame(
        {
            "region_code": PREFECTURE,
            "year": rate.index,
            "indicator": "urbanisation_rate",
            "value": rate.values,
            "source": "census" + rate.index.astype(str),
            "note": "100 × urban / population (prefecture sums)",
        }
    )
    obs = pd.concat([obs, tot, extra, province_census(shared)], ignore_index=True)
    obs = obs.dropna(subset=["value"])
    regions = c[["code", "name_zh"]].copy()
    return obs, regions


PROVINCE = "520000"
PROVINCE_STOCKS = ("population", "urban_population", "households")


def province_census(shared: Path) -> pd.DataFrame:
    """Guizhou's census stocks (the level above the prefecture): the sums of its 88 county
    units, equal to the published province rows (census/SOURCES.md, "Checks done"); 2010
    from the 2010 units (boundaries of 2010). The yearly estimates of
    ``analysis.data.denominators`` scale the prefecture from these to the published
    yearly provincial totals."""
    c20 = pd.read_csv(shared / "census/guizhou_counties_census.csv", dtype={"code": str})
    c10 = pd.read_csv(
        shared / "census/guizhou_counties_census_2010_units.csv", dtype={"code_2010": str}
    )
    rows = []
    for year, frame in ((2010, c10), (2020, c20)):
        for ind in PROVINCE_STOCKS:
            col = CENSUS_2020[ind] if year == 2020 else CENSUS_2010[ind]
            note = f"sum of the {len(frame)} county units ({col}) = published province total"
            rows.append((PROVINCE, year, ind, float(frame[col].sum()), f"census{year}", note))
    return pd.DataFrame(
        rows, columns=["region_code", "year", "indicator", "value", "source", "note"]
    )


# Published yearly population (statistical bulletins): source id per bulletin title.
YEARLY_SOURCES = {
    ("520000", 2021): (
        "guizhou_bulletin_2021",
        "2021年贵州省国民经济和社会发展统计公报",
        "Guizhou Statistical Bulletin 2021",
        "贵州省统计局",
        "2022-03",
    ),
    ("520000", 2022): (
        "guizhou_bulletin_2022",
        "贵州省2022年国民经济和社会发展统计公报",
        "Guizhou Statistical Bulletin 2022",
        "贵州省统计局、国家统计局贵州调查总队",
        "2023-05-17",
    ),
    ("520000", 2023): (
        "guizhou_bulletin_2023",
        "贵州省2023年国民经济和社会发展统计公报",
        "Guizhou Statistical Bulletin 2023",
        "贵州省统计局、国家统计局贵州调查总队",
        "2024-04-30",
    ),
    ("522702", 2023): (
        "fuquan_bulletin_2023",
        "福泉市2023年国民经济和社会发展统计公报",
        "Fuquan Statistical Bulletin 2023",
        "福泉市统计局",
        "2024",
    ),
}
YEARLY_UNITS = {"人": 1.0, "万人": 1e4, "%": 1.0}


def population_yearly(shared: Path, codes: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year-end resident and urban population (and urbanisation rate) published after the
    2020 census (series/guizhou_population_2021_2024.csv), for the regions of the data set
    (the province and 福泉; 贵阳 and 黔东南 are outside its region tree). Values as published
    (already converted to persons by the compiler); the note keeps the quote, the page and
    the ``verified`` flag. Returns (observations, source rows)."""
    raw = pd.read_csv(
        shared / "series/guizhou_population_2021_2024.csv", dtype=str, keep_default_na=False
    )
    raw = raw[raw["region_code"].isin(codes)]
    unknown_units = sorted(set(raw["unit"]) - set(YEARLY_UNITS))
    if unknown_units:
        raise SystemExit(f"unknown units in guizhou_population_2021_2024.csv: {unknown_units}")
    keys = list(zip(raw["region_code"], raw["year"].astype(int), strict=True))
    missing = sorted(set(keys) - set(YEARLY_SOURCES))
    if missing:
        raise SystemExit(f"no source id for {missing} in YEARLY_SOURCES")
    obs = pd.DataFrame(
        {
            "region_code": raw["region_code"].to_numpy(),
            "year": raw["year"].astype(int).to_numpy(),
            "indicator": raw["indicator_id"].to_numpy(),
            "value": (raw["value"].astype(float) * raw["unit"].map(YEARLY_UNITS)).to_numpy(),
            "source": [YEARLY_SOURCES[k][0] for k in keys],
            "note": (
                "year-end; “" + raw["quote"] + "” (verified: " + raw["verified"] + ")"
            ).to_numpy(),
        }
    )
    src = []
    for k in sorted(set(keys)):
        sid, title, title_en, publisher, date = YEARLY_SOURCES[k]
        r = raw[[kk == k for kk in keys]].iloc[0]
        src.append(
            (
                sid,
                title,
                title_en,
                publisher,
                date,
                f"read in: {r['source_title']}; {r['source_url_or_repo']}; "
                f"verified: {r['verified']}",
                "public statistics",
                "official",
            )
        )
    cols = ["id", "title", "title_en", "publisher", "date", "reference", "licence", "kind"]
    return obs, pd.DataFrame(src, columns=cols)


def upsert_sources(path: Path, rows: pd.DataFrame) -> None:
    """Replace or append ``rows`` (by id) in sources.csv, keeping the other rows in order."""
    cur = pd.read_csv(path, dtype=str, keep_default_na=False)
    keep = cur[~cur["id"].isin(rows["id"])]
    out = pd.concat([keep, rows.astype(str)], ignore_index=True)[cur.columns]
    path.write_text(out.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def divisions(shared: Path) -> pd.DataFrame:
    d = pd.read_csv(shared / "divisions/guizhou_division_counts.csv", dtype={"region_code": str})
    d = d[d["region_code"].str.startswith("5227")]
    d["village_level_units"] = d[
        ["n_resident_committee", "n_village_committee", "n_other_village_level"]
    ].sum(axis=1)
    cols = {**DIVISIONS, "village_level_units": "village_level_units"}
    long = d.melt(
        id_vars=["edition", "region_code"], value_vars=list(cols.values()), var_name="col"
    )
    long["indicator"] = long["col"].map({v: k for k, v in cols.items()})
    long = long.rename(columns={"edition": "year"})
    tot = long.groupby(["year", "indicator"], as_index=False)["value"].sum()
    tot["region_code"] = PREFECTURE
    long["note"] = "edition " + long["year"].astype(str) + "; count by name suffix"
    tot["note"] = "sum of counties"
    out = pd.concat([long, tot], ignore_index=True)
    out["source"] = "nbs_divisions"
    return out[["region_code", "year", "indicator", "value", "source", "note"]]


def plan_baseline() -> pd.DataFrame:
    return pd.DataFrame(
        [(PREFECTURE, 2020, ind, v, "qiannan_plan_2022", f"“{q}”") for ind, v, q in PLAN_BASELINE],
        columns=["region_code", "year", "indicator", "value", "source", "note"],
    )


# Published units -> multiplier to plain counts (SOURCES.md: the unit can change between
# years within one indicator, e.g. 152985 人 in 2014 and 20.6 万人 in 2015).
UNIT_FACTORS = {"人": 1.0, "个": 1.0, "%": 1.0, "万人": 1e4, "万个": 1e4, "亿人": 1e8}
UNIT_PLAIN = {
    "人": "persons",
    "个": "units",
    "%": "%",
    "万人": "persons",
    "万个": "units",
    "亿人": "persons",
}


def national_series(shared: Path) -> pd.DataFrame:
    """The national annual series of ../shared/data/series, in plain units, with sources.

    ``value`` = published value x UNIT_FACTORS[unit]; the published value and unit are kept
    (``value_published``, ``unit_published``) with the source title, address, quote and the
    ``verified`` flag of SOURCES.md.
    """
    raw = pd.read_csv(shared / "data/series/national_series.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(raw["unit"]) - set(UNIT_FACTORS))
    if unknown:
        raise SystemExit(f"unknown units in national_series.csv: {unknown}")
    out = pd.DataFrame(
        {
            "indicator": raw["indicator_id"],
            "year": raw["year"].astype(int),
            "value": raw["value"].astype(float) * raw["unit"].map(UNIT_FACTORS),
            "unit": raw["unit"].map(UNIT_PLAIN),
            "value_published": raw["value"],
            "unit_published": raw["unit"],
            "name_zh": raw["indicator_zh"],
            "source_title": raw["source_title"],
            "source_url": raw["source_url_or_repo"],
            "quote": raw["quote"],
            "verified": raw["verified"],
        }
    )
    return out.sort_values(["indicator", "year"]).reset_index(drop=True)


def write_series(df: pd.DataFrame, path: Path) -> None:
    df = df.copy()
    df["value"] = df["value"].map(lambda v: f"{v:.10g}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def write(df: pd.DataFrame, path: Path) -> None:
    df = df.sort_values(["indicator", "region_code", "year"]).reset_index(drop=True)
    df["value"] = df["value"].map(lambda v: f"{v:.10g}")
    path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def main(shared: Path) -> None:
    data = ROOT / "data"
    obs, counties = census(shared / "data")
    write(obs, data / "observations/census.csv")
    write(divisions(shared / "data"), data / "observations/divisions.csv")
    write(plan_baseline(), data / "observations/plan_baseline.csv")
    codes = {PROVINCE, PREFECTURE, *counties["code"]}
    yearly, yearly_sources = population_yearly(shared / "data", codes)
    write(yearly, data / "observations/population_yearly.csv")
    upsert_sources(data / "sources.csv", yearly_sources)
    write_series(national_series(shared), data / "series/national_series.csv")
    geo = json.loads((shared / "data/geo/qiannan_counties.geojson").read_text(encoding="utf-8"))
    names_en = {f["properties"]["code"]: f["properties"]["name_en"] for f in geo["features"]}
    city = {"522701", "522702"}  # 都匀市, 福泉市: county-level cities; the rest are counties
    regions = pd.DataFrame(
        [
            ("520000", "贵州省", "Guizhou", "province", "", ""),
            (PREFECTURE, "黔南布依族苗族自治州", "Qiannan Prefecture", "prefecture", "520000", ""),
        ]
        + [
            (c, n, names_en[c], "county", PREFECTURE, "city" if c in city else "county")
            for c, n in zip(counties["code"], counties["name_zh"], strict=True)
        ],
        columns=["code", "name_zh", "name_en", "level", "parent_code", "group"],
    )
    (data / "regions.csv").write_text(
        regions.to_csv(index=False, lineterminator="\n"), encoding="utf-8"
    )
    shutil.copyfile(
        shared / "data/geo/qiannan_counties.geojson", data / "geo/qiannan_counties.geojson"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared"))
