"""A synthetic data set of any size, for tests and benchmarks (a different region set).

``write_dataset(path, n_units=40)`` writes a complete, valid data directory: random but
plausible census and division figures for ``n_units`` counties under a synthetic
prefecture (codes 91xxxx), top-region totals for 2020, targets copied from the embedded
data, and an illustrative panel built by ``analysis.data.illustrate`` — so the whole pipeline
can be run on a region set that is not Qiannan. Every source is kind ``illustrative``.

``write_tree(path, levels=(5, 40))`` writes a multi-level set: a province (code 900000) of 5
prefectures (9001xx-style codes PPCC00) and 40 counties (PPCCDD), observations at county
level only, plus observed 2020 totals for the regions of the levels named in ``totals``
(e.g. ``("province",)``); targets for the root and each region one level below it.
``write_tree(path, **NATIONAL)`` writes a country of 31 provinces, 330 prefectures and
2,850 counties with 10 years in a few seconds. Codes are valid 6-digit codes whose digits
follow the tree (province PP0000, prefecture PPCC00, county PPCCDD); names are unique in
Chinese and in English (catalogue ``synthetic.*``).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import io, paths
from analysis.data import illustrate
from analysis.data import schema as S
from analysis.data.dataset import Dataset
from analysis.messages import pair, t

TOP = "910000"
TOTALS_PER_10K = {  # top-region 2020 totals per 10k residents (rough Qiannan ratios)
    "community_workers": 20.8,
    "grids": 36.1,
    "grid_staff": 36.7,
    "social_organisations": 3.36,
    "community_social_organisations": 2.57,
    "registered_volunteers": 1197,
    "volunteer_hours": 5831,
    "service_stations": 4.1,
}


def _regions(n: int) -> pd.DataFrame:
    codes = [f"91{i:04d}" for i in range(1, n + 1)]
    rows = [
        ("900000", *pair("methods.synthetic_province"), "province", "", ""),
        (TOP, *pair("methods.synthetic_prefecture"), "prefecture", "900000", ""),
    ]
    rows += [
        (
            c,
            t("methods.synthetic_county", "zh", i=i),
            t("methods.synthetic_county", "en", i=i),
            "county",
            TOP,
            "city" if i % 5 == 1 else "county",
        )
        for i, c in enumerate(codes, start=1)
    ]
    return pd.DataFrame(
        rows, columns=["code", "name_zh", "name_en", "level", "parent_code", "group"]
    )


def _base_obs(
    codes: list[str], years: list[int], rng: np.random.Generator, top: str | None = TOP
) -> pd.DataFrame:
    n = len(codes)
    pop20 = rng.lognormal(np.log(250_000), 0.4, n).round()
    urb20 = (pop20 * rng.uniform(0.3, 0.7, n)).round()
    pop10, urb10 = (
        (pop20 / rng.uniform(0.95, 1.15, n)).round(),
        (urb20 / rng.uniform(1.3, 2.2, n)).round(),
    )
    hh20, hh10 = (
        (pop20 / rng.uniform(2.6, 3.4, n)).round(),
        (pop10 / rng.uniform(3.0, 3.8, n)).round(),
    )
    rows = []
    for year, pop, urb, hh in ((2010, pop10, urb10, hh10), (2020, pop20, urb20, hh20)):
        for ind, v in (
            ("population", pop),
            ("urban_population", urb),
            ("households", hh),
            ("rural_population", pop - urb),
            ("urbanisation_rate", (100 * urb / pop).round(2)),
        ):
            rows += [(c, year, ind, x, "synthetic") for c, x in zip(codes, v, strict=True)]
    res = rng.integers(5, 40, n)
    vil = rng.integers(40, 180, n)
    for year in years:
        drift = year - 2020
        r = np.maximum(res + np.round(drift * rng.uniform(0, 2, n)), 1)
        v = np.maximum(vil - np.round(drift * rng.uniform(0, 3, n)), 1)
        for ind, val in (
            ("resident_committees", r),
            ("village_committees", v),
            ("village_level_units", r + v),
        ):
            rows += [(c, year, ind, x, "synthetic") for c, x in zip(codes, val, strict=True)]
    if top is not None:
        for ind, per in TOTALS_PER_10K.items():
            rows.append((top, 2020, ind, round(per * pop20.sum() / 1e4), "synthetic"))
        rows.append((top, 2020, "worker_avg_age", 48.0, "synthetic"))
    obs = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "value", "source"])
    obs["note"] = "synthetic test data"
    return obs


def write_dataset(
    path: str | os.PathLike, n_units: int = 40, years=range(2016, 2026), seed: int = 0
) -> Path:
    """Write a complete synthetic data directory with ``n_units`` counties; return its path."""
    from analysis.data.load import load

    root = Path(path)
    (root / "observations").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    regions = _regions(n_units)
    io.write_csv(root / "regions.csv", regions)
    embedded = paths.data_dir(paths.PROJECT_ROOT / "data")
    shutil.copyfile(embedded / "indicators.csv", root / "indicators.csv")
    targets = pd.read_csv(embedded / "targets.csv", dtype=str, keep_default_na=False)
    targets["region_code"], targets["source"] = TOP, "synthetic"
    io.write_csv(root / "targets.csv", targets)
    _write_sources(root, seed)
    codes = regions.loc[regions["level"] == "county", "code"].tolist()
    io.write_csv(root / "observations/base.csv", _base_obs(codes, list(years), rng))
    panel = illustrate.build(load(root, derive=False))
    io.write_text(root / illustrate.FILE, illustrate.to_csv_text(panel))
    return root


def _write_sources(root: Path, seed: int) -> None:
    io.write_csv(
        root / "sources.csv",
        pd.DataFrame(
            [
                (
                    "synthetic",
                    " ".join(pair("methods.synthetic_source")),
                    "analysis.data.synthetic",
                    "2026",
                    f"seed {seed}",
                    "CC0",
                    "illustrative",
                ),
                (
                    illustrate.SOURCE,
                    " ".join(pair("methods.synthetic_panel_source")),
                    "analysis.data.illustrate",
                    "2026",
                    "",
                    "CC0",
                    "illustrative",
                ),
            ],
            columns=["id", "title", "publisher", "date", "reference", "licence", "kind"],
        ),
    )


# -- multi-level trees ------------------------------------------------------------------------
# the 31 province-level prefixes of the national division codes (a national tree uses them)
PROVINCE_PREFIXES = (
    *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"),
    *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"),
    "65",
)
NATIONAL: dict[str, Any] = {"levels": (31, 330, 2850), "years": range(2016, 2026)}
PROVINCE: dict[str, Any] = {"levels": (5, 40), "years": range(2016, 2026)}
COUNTRY_CODE = "100000"
PROVINCE_CODE = "900000"


def _split(n_children: int, n_parents: int, rng: np.random.Generator, cap: int = 99) -> np.ndarray:
    """How many children each parent gets: at least one, at most ``cap``, ``n_children`` in all."""
    if not n_parents <= n_children <= cap * n_parents:
        raise ValueError(f"cannot split {n_children} regions among {n_parents} parents")
    counts = np.ones(n_parents, dtype=np.int64)
    extra = rng.multinomial(n_children - n_parents, np.full(n_parents, 1 / n_parents))
    counts += extra
    while counts.max() > cap:  # move the excess to the smallest parents
        big, small = int(counts.argmax()), int(counts.argmin())
        counts[big] -= 1
        counts[small] += 1
    return counts


def _tree_regions(levels: tuple[int, ...], rng: np.random.Generator) -> pd.DataFrame:
    """Regions of a tree with ``levels`` counts below one root (province or country)."""
    if not 1 <= len(levels) <= 3:
        raise ValueError("levels: counts of 1 to 3 levels below the root")
    names = S.LEVELS[-len(levels) :]
    root_level = S.LEVELS[-len(levels) - 1]
    rows = []
    if root_level == "country":
        rows.append((COUNTRY_CODE, *pair("synthetic.country"), "country", "", ""))
        parents = [COUNTRY_CODE]
    else:
        rows.append((PROVINCE_CODE, *_named("province", 1), "province", "", ""))
        parents = [PROVINCE_CODE]
    for level, n in zip(names, levels, strict=True):
        counts = _split(
            n, len(parents), rng, cap=len(PROVINCE_PREFIXES) if level == "province" else 99
        )
        children: list[str] = []
        i = 0
        for parent, k in zip(parents, counts, strict=True):
            for j in range(1, k + 1):
                i += 1
                if level == "province":
                    code = f"{PROVINCE_PREFIXES[j - 1]}0000"
                    key, group = "province", ""
                elif level == "prefecture":
                    code = f"{parent[:2]}{j:02d}00"
                    key, group = ("prefecture_autonomous" if i % 4 == 0 else "prefecture_city"), ""
                else:
                    code = f"{parent[:4]}{j:02d}"
                    key = ("district", "county_city", "county", "county", "county")[i % 5]
                    group = "county" if key == "county" else "city"
                rows.append((code, *_named(key, i), level, parent, group))
                children.append(code)
        parents = children
    return pd.DataFrame(
        rows, columns=["code", "name_zh", "name_en", "level", "parent_code", "group"]
    ).sort_values("code", ignore_index=True)


def _named(key: str, i: int) -> tuple[str, str]:
    return t(f"synthetic.{key}", "zh", i=i), t(f"synthetic.{key}", "en", i=i)


def _totals(obs: pd.DataFrame, regions: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    """Observed 2020 totals for every region of ``levels``: the county census population
    summed, times the Qiannan ratios per 10k (``TOTALS_PER_10K``); the illustrative panel is
    calibrated to them (lowest level first)."""
    pop = obs[(obs["indicator"] == "population") & (obs["year"] == 2020)]
    parent = dict(zip(regions["code"], regions["parent_code"], strict=True))
    sums: dict[str, float] = {}
    for c, v in zip(pop["region_code"], pop["value"], strict=True):
        a = parent.get(c, "")
        while a:
            sums[a] = sums.get(a, 0.0) + float(v)
            a = parent.get(a, "")
    rows = []
    for code in regions.loc[regions["level"].isin(levels), "code"]:
        total = sums.get(code, 0.0)
        for ind, per in TOTALS_PER_10K.items():
            rows.append((code, 2020, ind, float(round(per * total / 1e4)), "synthetic"))
        rows.append((code, 2020, "worker_avg_age", 48.0, "synthetic"))
    out = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "value", "source"])
    out["note"] = "synthetic test data"
    return out


def write_tree(
    path: str | os.PathLike,
    levels: tuple[int, ...] = PROVINCE["levels"],
    years=PROVINCE["years"],
    seed: int = 0,
    totals: tuple[str, ...] = (),
) -> Path:
    """Write a multi-level synthetic data directory; return its path.

    ``levels`` counts the regions of each level below the root, top down: ``(5, 40)`` is a
    province of 5 prefectures and 40 counties, ``(31, 330, 2850)`` a country (``NATIONAL``).
    ``years`` are the years of the division counts; the census is 2010 and 2020 and the
    illustrative panel covers ``illustrate.YEARS`` (2016-2025). Census and division figures
    and the illustrative panel are at county level only (every higher region is aggregated
    on load), unless ``totals`` names levels (e.g. ``("province", "prefecture")``) that also
    get observed 2020 totals: the panel is then
    calibrated to them and carries rows for the root as well. Targets (from the embedded
    data) are set for the root and for every region one level below it.
    """
    root = Path(path)
    (root / "observations").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    regions = _tree_regions(tuple(levels), rng)
    io.write_csv(root / "regions.csv", regions)
    embedded = paths.data_dir(paths.PROJECT_ROOT / "data")
    shutil.copyfile(embedded / "indicators.csv", root / "indicators.csv")
    targets = pd.read_csv(embedded / "targets.csv", dtype=str, keep_default_na=False)
    top = str(regions.loc[regions["parent_code"] == "", "code"].iloc[0])
    second = regions.loc[regions["parent_code"] == top, "code"].tolist()
    targets = pd.concat([targets.assign(region_code=c) for c in [top, *second]], ignore_index=True)
    targets["source"] = "synthetic"
    io.write_csv(root / "targets.csv", targets)
    _write_sources(root, seed)
    codes = regions.loc[regions["level"] == "county", "code"].tolist()
    base = _base_obs(codes, list(years), rng, top=None)
    if totals:
        base = pd.concat([base, _totals(base, regions, tuple(totals))], ignore_index=True)
    io.write_csv(root / "observations/base.csv", base)
    # the panel is built from the frames just written (a validating read of a national set
    # takes longer than writing it; tests load and validate the result)
    ds = Dataset(
        root=root,
        regions=regions,
        indicators=pd.read_csv(root / "indicators.csv", dtype=str, keep_default_na=False),
        targets=targets,
        observations=base.sort_values(["indicator", "region_code", "year"], ignore_index=True),
        sources=pd.DataFrame(columns=["id", "kind"]),
    )
    panel = illustrate.build(ds)  # rows for the root only when it has totals
    io.write_text(root / illustrate.FILE, illustrate.to_csv_text(panel))
    return root


def write_grid_map(root: str | os.PathLike) -> Path:
    """A square-grid schematic map (``geo/grid.geojson``, one 0.2-degree square per county,
    row by row in code order) for a synthetic data set, which has no real boundaries."""
    root = Path(root)
    codes = pd.read_csv(root / "regions.csv", dtype=str).query("level == 'county'")["code"]
    side = math.ceil(math.sqrt(len(codes)))
    feats = []
    for k, code in enumerate(codes):
        x, y = 100 + (k % side) * 0.2, 25 + (k // side) * 0.2
        ring = [[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]
        feats.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = root / "geo" / "grid.geojson"
    path.parent.mkdir(exist_ok=True)
    io.write_text(path, json.dumps({"type": "FeatureCollection", "features": feats}))
    return path
