"""The intermediate levels of a region tree: the regions between the top and the units.

For a province analysed by county (province -> prefecture -> county) the intermediate level
is the prefecture; deeper trees (country -> province -> prefecture -> county) have several.
Every report adds these regions once, from here:

- ``intermediate_levels(ds)``: the levels strictly between the top and the units, top down;
- ``group_level(ds)``: the level the units are grouped by (the first level below the top:
  the prefecture of a province), None for a two-level tree;
- ``group_of(ds)``: unit code -> the code of its region at that level;
- ``scope_regions(ds)``: the top, every intermediate region, then the units (the rows of
  every forecast, status, evaluation and next-period table);
- ``grouped(ds, frame)``: unit rows ordered by group, each group followed by its subtotal
  row (``row`` = ``unit`` / ``subtotal`` / ``total``).

Subtotals of observed indicators are the data layer's own aggregates
(``analysis.data.aggregate``: the sum for counts, the ratio of sums for ratios, a weighted
mean for means), computed once when the data set is loaded; ``subtotals`` sums derived counts
(shortfall quantities, costs) by group.

>>> import pandas as pd
>>> g = pd.Series({"a": "P1", "b": "P1", "c": "P2"})
>>> order(g).tolist()
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.data import Dataset
from analysis.data.schema import LEVELS

UNIT, SUBTOTAL, TOTAL = "unit", "subtotal", "total"


def _levels(ds: Dataset) -> dict[str, object]:
    """Region code -> level, as a dict (a lookup per ancestor of every unit: a pandas
    ``Series.get`` there made a national profile batch quadratic in time)."""
    return dict(zip(ds.regions["code"], ds.regions["level"], strict=True))


def intermediate_levels(ds: Dataset) -> list[str]:
    """Levels strictly between the top region's level and the unit level, top down, that
    hold at least one ancestor of a unit (computed once per data set)."""
    return list(ds.memo("intermediate_levels", lambda: _intermediate_levels(ds)))


def _intermediate_levels(ds: Dataset) -> list[str]:
    units = ds.unit_codes
    if not units:
        return []
    level = _levels(ds)
    seen = {str(level.get(a, "")) for a in {a for u in units for a in ds.ancestors(u)} - {ds.top}}
    top_level = str(level.get(ds.top, ""))
    ranked = [lv for lv in LEVELS if lv in seen and lv not in (top_level, ds.unit_level)]
    # ancestors above the top are not intermediate
    above = {str(level.get(a, "")) for a in ds.ancestors(ds.top)}
    return [lv for lv in ranked if lv not in above]


def group_level(ds: Dataset) -> str | None:
    """The level the units are grouped by: the first level below the top (None if none)."""
    lv = intermediate_levels(ds)
    return lv[0] if lv else None


def codes_at(ds: Dataset, level: str) -> list[str]:
    """Regions of ``level`` below the top that have units beneath them, sorted by code."""
    return sorted(set(group_of(ds, level)))


def group_of(ds: Dataset, level: str | None = None) -> pd.Series:
    """Unit code -> the code of its ancestor at ``level`` (default ``group_level``); an
    empty series for a two-level tree."""
    level = level or group_level(ds)
    if level is None:
        return pd.Series(dtype=object, name="group")
    return ds.memo(("group_of", level), lambda: _group_of(ds, level)).copy()


def _group_of(ds: Dataset, level: str) -> pd.Series:
    lv = _levels(ds)
    out = {}
    for u in ds.unit_codes:
        hit = [a for a in ds.ancestors(u) if lv.get(a) == level]
        if hit:
            out[u] = hit[0]
    return pd.Series(out, dtype=object, name="group").reindex(ds.unit_codes)


def members(ds: Dataset, regions: list[str]) -> dict[str, list[str]]:
    """Region -> the units below it, in unit order (a walk down the tree per region: a scan
    of every unit's ancestors per region was quadratic at national scale)."""
    units = ds.unit_codes
    out = {}
    for m in regions:
        below = ds.descendants(m)
        out[m] = [u for u in units if u in below]
    return out


def intermediate_codes(ds: Dataset) -> list[str]:
    """Every intermediate region, level by level (top down), by code within a level."""
    return [c for lv in intermediate_levels(ds) for c in codes_at(ds, lv)]


def scope_regions(ds: Dataset) -> list[str]:
    """The top, the intermediate regions, then the units."""
    return [ds.top, *intermediate_codes(ds), *ds.unit_codes]


def order(groups: pd.Series) -> pd.Index:
    """Units ordered by group (groups by code), keeping their order within a group."""
    frame = pd.DataFrame({"g": groups.astype(str).to_numpy(), "k": np.arange(len(groups))})
    return groups.index[frame.sort_values(["g", "k"], kind="stable").index]


def grouped(
    ds: Dataset,
    frame: pd.DataFrame,
    sums: Sequence[str] = (),
    code: str = "region_code",
    level: str | None = None,
) -> pd.DataFrame:
    """``frame`` (one row per unit, plus optional rows for groups and the top) with units
    ordered by group and each group's own row after its units as the subtotal; columns
    ``group`` (the group's code) and ``row`` (``unit``/``subtotal``/``total``) added.

    Group and top rows already in ``frame`` (values the data layer aggregated) are kept;
    the columns in ``sums`` are summed from the units where such a row is missing or blank.
    Without an intermediate level the frame is returned with ``row`` only."""
    f = frame.copy()
    f[code] = f[code].astype(str)
    g = group_of(ds, level)
    units = f[f[code].isin(ds.unit_codes)].copy()
    units["row"] = UNIT
    top = f[f[code] == ds.top].copy()
    top["row"] = TOTAL
    if g.empty:
        units["group"] = ""
        top["group"] = ""
        return pd.concat([units, top], ignore_index=True)
    units["group"] = units[code].map(g)
    units = units.iloc[np.argsort(units["group"].astype(str).to_numpy(), kind="stable")]
    top["group"] = ""
    parts = []
    for grp, rows in units.groupby("group", sort=True):
        sub = f[f[code] == grp].copy()
        if sub.empty:
            sub = pd.DataFrame({code: [grp]})
        for col in sums:
            if col not in sub.columns or sub[col].isna().all():
                sub[col] = pd.to_numeric(rows[col], errors="coerce").sum(min_count=1)
        sub["group"], sub["row"] = grp, SUBTOTAL
        parts += [rows, sub]
    for col in sums:
        if not top.empty and (col not in top.columns or top[col].isna().all()):
            top[col] = pd.to_numeric(units[col], errors="coerce").sum(min_count=1)
    out = pd.concat([*parts, top], ignore_index=True)
    return out.reindex(columns=[*frame.columns, "group", "row"])


def values(
    ds: Dataset, indicators: Sequence[str], year: int, level: str | None = None
) -> pd.DataFrame:
    """Indicators of ``year`` for the units grouped by ``level`` with each group's
    subtotal row and the top row: the values the data layer holds for them (aggregated on
    load by its rules), columns ``region_code``, the indicators, ``group``, ``row``."""
    g = group_of(ds, level)
    regions = [*ds.unit_codes, *sorted(set(g.dropna())), ds.top]
    f = ds.values(list(indicators), year, regions).rename_axis("region_code").reset_index()
    f.columns.name = None
    return grouped(ds, f, level=level)


def subtotals(frame: pd.DataFrame, groups: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    """Group x column sums of unit rows (``frame`` indexed by unit code): NaN when a group
    has no value at all."""
    f = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    f = f.assign(_g=groups.reindex(f.index).to_numpy())
    return f.groupby("_g", sort=True)[list(columns)].sum(min_count=1).rename_axis("group")
