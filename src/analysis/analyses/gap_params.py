"""Parameters of a county gap analysis: validated notebook parameters -> ``Spec``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.analyses import levels
from analysis.data import Dataset, words
from analysis.errors import user_error
from analysis.methods import composite


# -- fast data access (Dataset.obs validates codes one by one; units are valid by construction) --
def _obs(
    ds: Dataset,
    ids: Sequence[str],
    years: int | Sequence[int] | None = None,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Observations of ``ids`` for ``regions`` (default: the units)."""
    return ds.obs(list(ids), ds.unit_codes if regions is None else list(regions), years)


# -- parameters -----------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """Resolved parameters of a gap analysis."""

    year: int
    indicators: list[str]  # indicators of the index with data in ``year``
    dropped: list[str]  # asked for but without data in ``year``
    normalisation: str
    weighting: str | Mapping[str, float]
    groups: pd.Series | None  # unit code -> group label
    grouping: str = ""  # what the groups are: a level ("prefecture"), a regions.csv column,
    # "mapping" (given by the user) or "" (no grouping)


def index_indicators(ds: Dataset, indicators: str | Sequence[str] | None = None) -> list[str]:
    """The indicators of the index: ``indicators`` (validated) or those with ``in_index == 1``.

    ``indicators`` may be a list of ids or a comma-separated string; empty means the default.
    """
    if isinstance(indicators, str):
        indicators = [s.strip() for s in indicators.split(",") if s.strip()]
    if not indicators:
        return ds.indicators.loc[ds.indicators["in_index"] == 1, "id"].tolist()
    ids = ds.check_indicators(list(indicators))
    return list(dict.fromkeys(ids))


def coverage(ds: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Which (indicator, year) pairs have unit data: columns indicator, year."""
    o = _obs(ds, ids)
    cov = o[["indicator", "year"]].drop_duplicates()
    order = {i: n for n, i in enumerate(ds.check_indicators(list(ids)))}
    cov = cov.assign(_o=cov["indicator"].map(order)).sort_values(["_o", "year"])
    return cov.drop(columns="_o").astype({"year": int}).reset_index(drop=True)


def latest_year(ds: Dataset, ids: Sequence[str]) -> int:
    """The latest year in which most (more than half) of ``ids`` have data for the units."""
    cov = coverage(ds, ids)
    if cov.empty:
        raise words.user_error(ds, "gaps.no_county_data", ids=", ".join(ids))
    per_year = cov.groupby("year")["indicator"].nunique()
    ok = per_year[per_year > len(ids) / 2]
    return int((ok if not ok.empty else per_year).index.max())


AUTO = "auto"


def grouping_name(ds: Dataset, grouping: str | Mapping[str, str] | None) -> str:
    """What ``grouping`` groups by: ``auto`` is the intermediate level (the prefectures of a
    province, ``levels.group_level``) when the tree has one, else the ``group`` column of
    regions.csv; a mapping is ``mapping``; None or "" is "" (no grouping)."""
    if grouping is None or (isinstance(grouping, str) and grouping == ""):
        return ""
    if isinstance(grouping, Mapping):
        return "mapping"
    if grouping == AUTO:
        level = levels.group_level(ds)
        if level is not None:
            return level
        return "group" if "group" in ds.regions.columns else ""
    return grouping


def groups_of(ds: Dataset, grouping: str | Mapping[str, str] | None) -> pd.Series | None:
    """Unit code -> group label from a regions.csv column name, a user mapping, a level of
    the tree (``prefecture``...) or ``auto`` (``grouping_name``); None: no grouping."""
    if isinstance(grouping, str) and grouping == AUTO:
        grouping = grouping_name(ds, grouping)
    if grouping is None or (isinstance(grouping, str) and grouping == ""):
        return None
    if isinstance(grouping, str) and grouping in levels.intermediate_levels(ds):
        return levels.group_of(ds, grouping).rename("group")
    units = ds.unit_codes
    if isinstance(grouping, Mapping):
        ds.check_regions(list(grouping))
        g = pd.Series({str(k): str(v) for k, v in grouping.items()}).reindex(units)
        missing = g.index[g.isna()].tolist()
        if missing:
            raise words.user_error(ds, "gaps.grouping_misses", missing=", ".join(missing))
        return g.rename("group")
    cols = [c for c in ds.regions.columns if c not in ("code", "name_zh", "name_en", "parent_code")]
    if grouping not in cols:
        valid = ", ".join([AUTO, *levels.intermediate_levels(ds), *cols])
        raise user_error("gaps.grouping_unknown", grouping=grouping, valid=valid)
    g = ds.regions.set_index("code")[grouping].reindex(units).fillna("").astype(str)
    if (g == "").all():
        return None
    if (g == "").any():  # a missing label is an error, never a group called "" or "nan"
        missing = ", ".join(g.index[g == ""])
        raise words.user_error(ds, "gaps.grouping_incomplete", grouping=grouping, missing=missing)
    return g.rename("group")


def resolve(
    ds: Dataset,
    year: int = 0,
    indicators: str | Sequence[str] | None = None,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    grouping: str | Mapping[str, str] | None = AUTO,
) -> Spec:
    """Validate notebook parameters; ``year = 0`` means the latest year with data."""
    ids = index_indicators(ds, indicators)
    composite.check_normalisation(normalisation)
    if isinstance(weighting, str) and weighting not in composite.WEIGHTINGS:
        valid = ", ".join(composite.WEIGHTINGS) + ", {indicator: weight}"
        raise user_error("methods.weighting_unknown", bad=weighting, valid=valid)
    if isinstance(weighting, Mapping):
        ds.check_indicators(list(weighting))
    cov = coverage(ds, ids)
    years = sorted(cov["year"].unique())
    if not year:
        year = latest_year(ds, ids)
    elif year not in years:
        raise user_error("gaps.year_no_data", year=year, years=", ".join(map(str, years)))
    have = set(cov.loc[cov["year"] == int(year), "indicator"])
    return Spec(
        year=int(year),
        indicators=[i for i in ids if i in have],
        dropped=[i for i in ids if i not in have],
        normalisation=normalisation,
        weighting=weighting,
        groups=(groups := groups_of(ds, grouping)),
        grouping=grouping_name(ds, grouping) if groups is not None else "",
    )


def targets(
    ds: Dataset,
    ids: Sequence[str] | None = None,
    target_year: int | None = None,
    benchmarks: bool = False,
) -> pd.Series:
    """Indicator -> target value for the top region (latest target year unless given).

    Benchmarks (attribute ``benchmark``: a figure from elsewhere, context only) are left out
    unless ``benchmarks`` is true, so they never drive a shortfall, a cost, a status or a
    split."""
    t = ds.targets[ds.targets["region_code"] == ds.top]
    if not benchmarks:
        t = t[t["attribute"] != "benchmark"]
    if target_year:
        t = t[t["target_year"] == target_year]
    t = t.sort_values("target_year").groupby("indicator")["target_value"].last()
    return t if ids is None else t.reindex([i for i in ids if i in t.index])


def unit_code(ds: Dataset, region_code: str | int | None) -> str:
    """``region_code`` as a validated county-level code (empty: the first unit)."""
    if region_code in (None, "", 0):
        return ds.unit_codes[0]
    code = ds.check_regions([str(region_code)])[0]
    if code not in ds.unit_codes:
        listing = [f"{c} {ds.name(c)}" for c in ds.unit_codes]
        raise words.user_error(ds, "gaps.not_a_unit", code=code, valid=", ".join(listing))
    return code


def meta(ds: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Direction and theme of ``ids`` (indexed by id)."""
    return ds.indicators.set_index("id").loc[list(ids), ["direction", "theme"]]
