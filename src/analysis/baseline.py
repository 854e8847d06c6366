"""Tables for the 发展基础 (baseline) chapter: the plan's baseline figures and the county structure."""

from __future__ import annotations

import pandas as pd

from .data import Dataset

STRUCTURE = (  # indicator, zh header, en header
    ("population", "常住人口(人)", "Population"),
    ("urban_population", "城镇人口(人)", "Urban population"),
    ("urbanisation_rate", "城镇化率(%)", "Urbanisation (%)"),
    ("households", "家庭户(户)", "Households"),
    ("age_60plus_share", "60岁及以上(%)", "Aged 60+ (%)"),
    ("subdistricts", "街道", "Sub-districts"),
    ("towns", "镇", "Towns"),
    ("townships", "乡", "Townships"),
    ("resident_committees", "社区(居委会)", "Urban communities"),
    ("village_committees", "行政村", "Villages"),
)


def _region(ds: Dataset, region_code: str) -> str:
    return ds.top if not region_code else ds.check_regions(region_code)[0]


def baseline_obs(ds: Dataset, region_code: str = "", year: int = 2020) -> pd.DataFrame:
    """Official, stored service-indicator observations of one region in ``year``.

    Census and division counts are left to ``county_structure``; derived and illustrative
    values are left out (the baseline is what was published).
    """
    code = _region(ds, region_code)
    o = ds.obs(regions=code, years=int(year))
    kind = o["source"].map(ds.sources.set_index("id")["kind"])
    meta = ds.indicators.set_index("id")
    stored = meta["numerator"].fillna("").eq("")
    o = o[(kind == "official") & o["indicator"].map(stored) & ~o["indicator"].map(meta["theme"]).isin(["population", "divisions"])]
    order = {i: n for n, i in enumerate(ds.indicators["id"])}
    return o.assign(_o=o["indicator"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def baseline_table(ds: Dataset, region_code: str = "", year: int = 2020, lang: str = "zh") -> pd.DataFrame:
    """The plan's 发展基础 figures as a table; each row keeps its source and the quoted phrase."""
    o = baseline_obs(ds, region_code, year)
    meta = ds.indicators.set_index("id")
    cols = ["指标", "数值", "单位", "来源", "原文"] if lang == "zh" else ["Indicator", "Value", "Unit", "Source", "Note"]
    titles = ds.sources.set_index("id")["title"]
    return pd.DataFrame({
        cols[0]: o["indicator"].map(meta[f"name_{lang}"]).to_numpy(),
        cols[1]: [format(v, ",.10g") for v in o["value"]],
        cols[2]: o["indicator"].map(meta[f"unit_{lang}"]).to_numpy(),
        cols[3]: o["source"].map(titles).to_numpy(),
        cols[4]: o["note"].to_numpy(),
    })


def structure_obs(ds: Dataset, census_year: int = 2020, division_year: int = 2020) -> pd.DataFrame:
    """The observations behind ``county_structure`` (for its source note)."""
    inds = [i for i, _, _ in STRUCTURE]
    meta = ds.indicators.set_index("id")["theme"]
    o = ds.obs(inds, ds.unit_codes + [ds.top])
    year = o["indicator"].map(meta).map({"divisions": division_year}).fillna(census_year)
    return o[o["year"] == year].reset_index(drop=True)


def county_structure(ds: Dataset, census_year: int = 2020, division_year: int = 2020, lang: str = "zh") -> pd.DataFrame:
    """County table: census population and urbanisation, NBS township and village-level units.

    One row per unit plus the top region (合计); columns labelled in ``lang``.
    """
    o = structure_obs(ds, census_year, division_year)
    wide = o.pivot(index="region_code", columns="indicator", values="value")
    wide = wide.reindex(index=ds.unit_codes + [ds.top], columns=[i for i, _, _ in STRUCTURE])
    names = ds.names(lang)
    wide.index = [names[c] for c in wide.index]
    wide.index.name = "地区" if lang == "zh" else "Region"
    kinds = ds.indicators.set_index("id")["kind"]
    for col in wide.columns:
        if kinds.get(col) == "count" and wide[col].dropna().mod(1).eq(0).all():
            wide[col] = wide[col].astype("Int64")
    wide.columns = [zh if lang == "zh" else en for _, zh, en in STRUCTURE]
    return wide
