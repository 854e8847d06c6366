"""Tables for the 发展基础 (baseline) chapter: the plan's baseline figures and the county structure."""

from __future__ import annotations

import pandas as pd

from analysis.data import Dataset

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
    o = o[
        (kind == "official")
        & o["indicator"].map(stored)
        & ~o["indicator"].map(meta["theme"]).isin(["population", "divisions"])
    ]
    order = {i: n for n, i in enumerate(ds.indicators["id"])}
    return (
        o.assign(_o=o["indicator"].map(order))
        .sort_values("_o")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def baseline_table(
    ds: Dataset, region_code: str = "", year: int = 2020, lang: str = "zh"
) -> pd.DataFrame:
    """The plan's 发展基础 figures as a table; each row keeps its source and the quoted phrase."""
    o = baseline_obs(ds, region_code, year)
    meta = ds.indicators.set_index("id")
    cols = (
        ["指标", "数值", "单位", "来源", "原文"]
        if lang == "zh"
        else ["Indicator", "Value", "Unit", "Source", "Note"]
    )
    titles = ds.sources.set_index("id")["title"]
    return pd.DataFrame(
        {
            cols[0]: o["indicator"].map(meta[f"name_{lang}"]).to_numpy(),
            cols[1]: [format(v, ",.10g") for v in o["value"]],
            cols[2]: o["indicator"].map(meta[f"unit_{lang}"]).to_numpy(),
            cols[3]: o["source"].map(titles).to_numpy(),
            cols[4]: o["note"].to_numpy(),
        }
    )


def structure_obs(ds: Dataset, census_year: int = 2020, division_year: int = 2020) -> pd.DataFrame:
    """The observations behind ``county_structure`` (for its source note)."""
    inds = [i for i, _, _ in STRUCTURE]
    meta = ds.indicators.set_index("id")["theme"]
    o = ds.obs(inds, ds.unit_codes + [ds.top])
    year = o["indicator"].map(meta).map({"divisions": division_year}).fillna(census_year)
    return o[o["year"] == year].reset_index(drop=True)


def county_structure(
    ds: Dataset, census_year: int = 2020, division_year: int = 2020, lang: str = "zh"
) -> pd.DataFrame:
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


def urbanisation_summary(ds: Dataset, year: int = 2020, lang: str = "zh", n: int = 2) -> str:
    """One sentence naming the ``n`` most and least urbanised units (computed, not written in)."""
    urb = (
        ds.values(["urbanisation_rate"], year)["urbanisation_rate"]
        .dropna()
        .sort_values(ascending=False)
    )
    names = ds.names(lang)
    hi = [
        f"{names[c]}({v:.1f}%)" if lang == "zh" else f"{names[c]} ({v:.1f} %)"
        for c, v in urb.head(n).items()
    ]
    lo = [
        f"{names[c]}({v:.1f}%)" if lang == "zh" else f"{names[c]} ({v:.1f} %)"
        for c, v in urb.tail(n).items()
    ]
    if lang == "zh":
        return f"{year}年城镇化率最高的是{'、'.join(hi)},最低的是{'、'.join(lo)}。"
    return f"In {year} urbanisation was highest in {', '.join(hi)} and lowest in {', '.join(lo)}."


def village_units_summary(ds: Dataset, lang: str = "zh") -> str:
    """How urban communities and villages of the top region changed across the division-code editions,
    and where the plan's own count of villages and communities falls among them."""
    top = ds.top
    panel = ds.obs(["resident_committees", "village_committees", "village_level_units"], top).pivot(
        index="year", columns="indicator", values="value"
    )
    if panel.empty:
        return ""
    first, last = int(panel.index.min()), int(panel.index.max())
    r, v = panel["resident_committees"], panel["village_committees"]
    plan = ds.obs("villages_communities", top)
    if lang == "zh":
        text = (
            f"统计用区划代码显示,城镇社区(居委会)由{first}年版的{r[first]:.0f}个变为{last}年版的{r[last]:.0f}个,"
            f"行政村(村委会)由{v[first]:.0f}个变为{v[last]:.0f}个。"
        )
    else:
        text = (
            f"In the NBS division codes, urban communities went from {r[first]:.0f} ({first} edition) to "
            f"{r[last]:.0f} ({last}), and villages from {v[first]:.0f} to {v[last]:.0f}."
        )
    if not plan.empty:
        y, total = int(plan["year"].iloc[0]), plan["value"].iloc[0]
        units = panel["village_level_units"]
        near = {e: units[e] for e in (y, y + 1) if e in units.index}
        ed = (
            "、".join(f"{e}年版{n:.0f}个" for e, n in near.items())
            if lang == "zh"
            else ", ".join(f"{n:.0f} in the {e} edition" for e, n in near.items())
        )
        text += (
            f"规划所列{y}年末村(社区){total:.0f}个;统计用区划代码村级单位:{ed}。"
            if lang == "zh"
            else f" The plan counts {total:.0f} villages and communities at the end of {y} (division codes: {ed})."
        )
    return text
