"""Numbers of the baseline chapter: the plan's baseline figures and the county structure.

Code-named observations and tables only; headers and sentences are worded in
``analysis.present.words.baseline``."""

from __future__ import annotations

import pandas as pd

from analysis.data import Dataset

STRUCTURE = (  # indicators of the county structure table (headers: baseline.structure.<id>)
    "population",
    "urban_population",
    "urbanisation_rate",
    "households",
    "age_60plus_share",
    "subdistricts",
    "towns",
    "townships",
    "resident_committees",
    "village_committees",
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


def structure_obs(ds: Dataset, census_year: int = 2020, division_year: int = 2020) -> pd.DataFrame:
    """The observations behind ``county_structure`` (for its source note)."""
    inds = list(STRUCTURE)
    meta = ds.indicators.set_index("id")["theme"]
    o = ds.obs(inds, ds.unit_codes + [ds.top])
    year = o["indicator"].map(meta).map({"divisions": division_year}).fillna(census_year)
    return o[o["year"] == year].reset_index(drop=True)


def structure_values(
    ds: Dataset, census_year: int = 2020, division_year: int = 2020
) -> pd.DataFrame:
    """Region code (units, then the top region) x ``STRUCTURE`` indicator, NaN where missing."""
    o = structure_obs(ds, census_year, division_year)
    wide = o.pivot(index="region_code", columns="indicator", values="value")
    return wide.reindex(index=ds.unit_codes + [ds.top], columns=list(STRUCTURE))


DIVISIONS = ("resident_committees", "village_committees")


def summed_from_units(obs: pd.DataFrame) -> pd.Series:
    """Whether each observation is a sum of its sub-regions rather than a published figure:
    the note the aggregation on load writes (``data.aggregate``: "sum of N sub-regions") or
    the importer's "sum of counties", unless the note says the sum equals a published total
    ("= published ...")."""
    note = obs["note"].fillna("").astype(str) if "note" in obs.columns else pd.Series("", obs.index)
    return note.str.startswith("sum of ") & ~note.str.contains("=", regex=False)


def division_trend(ds: Dataset, indicators: tuple[str, ...] = DIVISIONS) -> pd.DataFrame:
    """The top region's division counts by edition (year) and indicator.

    Columns ``year, indicator, value, summed, missing``: ``value`` is the top region's
    observed count, else the sum of the units when every unit has one that year
    (x_top = sum_u x_u, the ``sum`` rule of ``data.aggregate``; ``summed`` True), else NaN;
    ``missing`` lists the units without a value that year (a partial sum would understate
    the total, so none is formed)."""
    inds = [i for i in indicators if i in set(ds.indicators["id"])]
    units = ds.unit_codes
    top = ds.obs(inds, ds.top)
    below = ds.obs(inds, units)
    years = sorted({int(y) for y in pd.concat([top["year"], below["year"]])})
    rows = []
    for ind in inds:
        t = top[top["indicator"] == ind]
        u = below[below["indicator"] == ind]
        for year in years:
            ty = t[t["year"] == year]
            uy = u[u["year"] == year]
            missing = tuple(sorted(set(units) - set(uy["region_code"].astype(str))))
            if len(ty):
                value, summed = float(ty["value"].iloc[0]), bool(summed_from_units(ty).iloc[0])
            elif not missing:
                value, summed = float(uy["value"].sum()), True
            else:
                value, summed = float("nan"), False
            rows.append((year, ind, value, summed, missing))
    return pd.DataFrame(rows, columns=["year", "indicator", "value", "summed", "missing"])
