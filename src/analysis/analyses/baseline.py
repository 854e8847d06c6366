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
