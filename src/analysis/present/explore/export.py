"""The explorer's data export: one function, ``explore_data``, from a Dataset to plain
JSON-ready numbers for the offline page (``page.py``).

Every number comes from the project's analysis functions, not a second implementation:
unit values and the standard from ``analyses.gaps.ranked_input`` (the ranked-bar input of
notebook 02 and the plan figures), values of other levels from ``Dataset.values``, the
projection fan from ``analyses.targets.prepare(...).fan_inputs`` (notebook 03), and the
composite index with its rank sensitivity from ``analyses.gaps.development_index``.
``tests/test_explore_page.py`` checks the exported numbers against those functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from analysis import results
from analysis.analyses import gaps
from analysis.analyses import targets as targets_mod
from analysis.data import Dataset, words
from analysis.data import schema as S
from analysis.errors import UserError
from analysis.messages import labels
from analysis.present import maps
from analysis.present.words import targets as target_words

SIGNIFICANT = 6  # significant digits kept in the page (tables show at most 2 decimals)
GEO_DECIMALS = 4  # about 10 m: plenty for a schematic map


def num(v: Any) -> float | None:
    """A float rounded to ``SIGNIFICANT`` digits, None for missing (JSON null)."""
    if v is None:
        return None
    f = float(v)
    if not math.isfinite(f):
        return None
    r = float(f"{f:.{SIGNIFICANT}g}")
    return 0.0 if r == 0 else r  # no -0.0


def levels(ds: Dataset) -> list[str]:
    """Region levels of the data set, the unit level first, then upwards."""
    present = set(ds.regions["level"])
    return [lv for lv in reversed(S.LEVELS) if lv in present]


def unit_indicators(ds: Dataset) -> list[str]:
    """Indicators with unit (county) observations, in indicators.csv order."""
    have = set(ds.obs(None, ds.unit_codes)["indicator"])
    return [i for i in ds.indicators["id"] if i in have]


def _rings(geom: Any, tol: float) -> list[list[list[float]]]:
    """Outer rings of a (multi)polygon, simplified by ``tol``, rounded to ``GEO_DECIMALS``."""
    g = shapely.simplify(geom, tol, preserve_topology=True)
    return [
        [[round(x, GEO_DECIMALS), round(y, GEO_DECIMALS)] for x, y in p.exterior.coords]
        for p in shapely.get_parts(g)
        if hasattr(p, "exterior")
    ]


def _geo(ds: Dataset) -> dict[str, list[list[list[float]]]]:
    """Polygons (outer rings, simplified) by region code: the units' from the data set's map
    file, and every region between the units and the top as the union (dissolve) of its
    units' polygons, drawn only when the map covers all of its units."""
    files = sorted((ds.root / "geo").glob("*.geojson")) if (ds.root / "geo").is_dir() else []
    if not files:
        return {}
    feats = maps.read_features(files[0])
    feats = feats[feats["code"].isin(ds.unit_codes)]
    if feats.empty:
        return {}
    x0, y0, x1, y1 = shapely.total_bounds(feats["geometry"].to_numpy())
    tol = max(x1 - x0, y1 - y0) / 800  # below a pixel at page size
    geom = dict(zip(feats["code"].astype(str), feats["geometry"], strict=True))
    out = {code: _rings(g, tol) for code, g in geom.items()}
    for code, units in _between(ds).items():
        if units and all(u in geom for u in units):
            out[code] = _rings(shapely.union_all([geom[u] for u in units]), tol)
    return out


def _between(ds: Dataset) -> dict[str, list[str]]:
    """Each region between the units and the top -> the units below it."""
    codes = ds.regions["code"].astype(str)
    parent = dict(zip(codes, ds.regions["parent_code"].fillna("").astype(str), strict=True))
    out: dict[str, list[str]] = {}
    for unit in ds.unit_codes:
        up, seen = parent.get(unit, ""), {unit}
        while up and up != ds.top and up not in seen:
            out.setdefault(up, []).append(unit)
            seen.add(up)
            up = parent.get(up, "")
    return out


def _values(ds: Dataset, ids: Sequence[str], codes: list[str]) -> dict[str, dict[str, list]]:
    """indicator -> year -> values aligned with ``codes`` (None where missing)."""
    o = ds.obs(list(ids), codes)
    pos = pd.Index(codes).get_indexer(o["region_code"])
    out: dict[str, dict[str, list]] = {}
    for (ind, year), part in o.assign(_p=pos).groupby(["indicator", "year"], sort=True):
        row: list[float | None] = [None] * len(codes)
        for p, v in zip(part["_p"], part["value"], strict=True):
            row[int(p)] = num(v)
        out.setdefault(str(ind), {})[str(int(year))] = row
    return out


def plan_view(ds: Dataset) -> targets_mod.TargetView | None:
    """The projection behind the trend charts (panel and page): the data's latest plan period
    (latest target year of the top region, its base year), as of the last observed year
    before the target year; None when the data has no such period."""
    tgt = ds.targets[ds.targets["region_code"] == ds.top]
    if tgt.empty:
        return None
    target_year = int(tgt["target_year"].max())
    years = [int(y) for y in ds.observations["year"].unique() if int(y) < target_year]
    if not years:
        return None
    try:
        return results.open(ds).target_view(
            int(tgt["base_year"].max()), target_year, as_of_year=max(years)
        )
    except UserError:
        return None


def _fan(ds: Dataset, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Projection fan (observed, mean, 80/95 % bands, target) per target indicator and region."""
    view = plan_view(ds)
    if view is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for ind in view.indicators:
        per: dict[str, Any] = {}
        for code in codes:
            try:
                f = target_words.fan_inputs(view, ind, code)
            except UserError:
                continue
            if f["history"].empty:
                continue
            fc = f["forecast"]
            per[code] = {
                "history": [[int(y), num(v)] for y, v in f["history"].items()],
                "forecast": {
                    "year": [int(y) for y in fc.index],
                    **{
                        c: [num(v) for v in fc[c]] for c in ("mean", "lo80", "hi80", "lo95", "hi95")
                    },
                },
                "target": None if f["target"] is None else [f["target"][0], num(f["target"][1])],
            }
        out[ind] = per
    return out


def _index(ds: Dataset) -> dict[str, Any] | None:
    """Composite index (default parameters, latest year) with rank sensitivity per unit."""
    try:
        spec = gaps.resolve(ds)
        idx = gaps.development_index(ds, spec)
    except UserError:
        return None
    cols = ["index", "rank", "median_rank", "best_rank", "worst_rank"]
    return {
        "year": spec.year,
        "rows": [{"code": str(c), **{k: num(idx.loc[c, k]) for k in cols}} for c in idx.index],
    }


def _indicator_meta(ds: Dataset, ids: Sequence[str]) -> list[dict[str, Any]]:
    meta = ds.indicators.set_index("id")
    std = gaps.targets(ds, list(ids))
    out = []
    units = ds.unit_codes
    for i in ids:
        row = meta.loc[i]
        obs = ds.obs(i, units)
        out.append(
            {
                "id": i,
                "name": {lg: str(row[f"name_{lg}"]) for lg in ("zh", "en")},
                "label": {lg: ds.label(i, lg) for lg in ("zh", "en")},
                "unit": {lg: str(row[f"unit_{lg}"] or "") for lg in ("zh", "en")},
                "direction": str(row["direction"]),
                "standard": num(std[i]) if i in std.index else None,
                "illustrative": ds.is_illustrative(obs),
                "sources": sorted(
                    ds.sources_of(obs).query("kind == 'illustrative'")["id"].astype(str)
                ),
            }
        )
    return out


def explore_data(ds: Dataset) -> dict[str, Any]:
    """Everything the explorer page shows, as JSON-ready Python objects.

    ``values[indicator][year]`` lists one value per entry of ``regions`` (same order), for
    every level; unit values equal ``gaps.ranked_input(ds, indicator, year)["values"]``.
    """
    lv = levels(ds)
    regions = ds.regions.assign(
        _l=ds.regions["level"].map({x: k for k, x in enumerate(lv)})
    ).sort_values(["_l", "code"], kind="stable")
    codes = regions["code"].astype(str).tolist()
    ids = unit_indicators(ds)
    if not ids:
        raise words.user_error(ds, "explore.no_unit_data")
    top = ds.top
    fan_codes = [top, *ds.unit_codes]
    return {
        "top": top,
        "levels": lv,
        "regions": [
            {
                "code": str(r.code),
                "name": {"zh": str(r.name_zh), "en": str(r.name_en)},
                "level": str(r.level),
                "parent": str(r.parent_code or ""),
            }
            for r in regions.itertuples()
        ],
        "indicators": _indicator_meta(ds, ids),
        "values": _values(ds, ids, codes),
        "fan": _fan(ds, fan_codes),
        "index": _index(ds),
        "geo": _geo(ds),
        "labels": {lg: _labels(ds, lg) for lg in ("zh", "en")},
        "illustrative": bool(ds.is_illustrative(ds.obs(ids, ds.unit_codes))),
        "sources": _sources(ds),
    }


def _labels(ds: Dataset, lang: str) -> dict[str, str]:
    """The page's texts (catalogue ``explore.*``) with the data set's words for its units;
    ``level_<level>`` names each level as the data set's regions do (``level_words``)."""
    w = words.fields(ds, lang)
    out = {k: words.fill(v, w) for k, v in labels("explore", lang).items()}
    out.update({f"level_{lv}": word for lv, word in level_words(ds, lang).items()})
    return out


def level_words(ds: Dataset, lang: str) -> dict[str, str]:
    """Each level of the data set named as its regions are (``data.words``: "counties and
    districts" where the units include districts, "prefectures", and a level holding only
    the top region as that region as a whole, "the province"); the catalogue's
    ``explore.level_<level>`` otherwise."""
    out = {}
    for lv in levels(ds):
        regs = ds.regions[ds.regions["level"] == lv]
        if len(regs) == 1 and str(regs["code"].iloc[0]) == ds.top:
            word = ds.whole_word(lang)
        elif lv in ("county", "prefecture", "province"):
            word = words.units_word(lv, regs["name_zh"], lang)
        else:
            word = labels("explore", lang)[f"level_{lv}"]
        out[lv] = word[:1].upper() + word[1:]
    return out


def _sources(ds: Dataset) -> dict[str, dict[str, str]]:
    """Illustrative sources of the data set by id: their titles as sources.csv gives them,
    with publisher and reference, in each language (the page's data note quotes them)."""
    out: dict[str, dict[str, str]] = {}
    src = ds.sources[ds.sources["kind"] == "illustrative"]
    for row in src.to_dict("records"):
        extra = [str(row.get(k) or "").strip() for k in ("publisher", "reference")]
        extra = [x for x in extra if x]
        zh, en = str(row["title"]), str(row.get("title_en") or row["title"])
        aside_zh = "\uff08" + "\uff0c".join(extra) + "\uff09" if extra else ""
        aside_en = " (" + ", ".join(extra) + ")" if extra else ""
        out[str(row["id"])] = {"zh": zh + aside_zh, "en": en + aside_en}
    return out


def ranks(values: Sequence[float | None], direction: str) -> list[int | None]:
    """Rank 1 = best in the indicator's direction, ties share the best rank (method "min"),
    as in ``analyses.gaps.profile``; None for missing values."""
    s = pd.Series([np.nan if v is None else v for v in values], dtype=float)
    r = (s if direction != "lower" else -s).rank(ascending=False, method="min")
    return [None if np.isnan(x) else int(x) for x in r]
