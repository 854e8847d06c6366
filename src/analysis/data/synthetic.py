"""A synthetic data set of any size, for tests and benchmarks (a different region set).

``write_dataset(path, n_units=40)`` writes a complete, valid data directory: random but
plausible census and division figures for ``n_units`` counties under a synthetic
prefecture (codes 91xxxx), top-region totals for 2020, targets copied from the embedded
data, and an illustrative panel built by ``analysis.data.illustrate`` — so the whole pipeline
can be run on a region set that is not Qiannan. Every source is kind ``illustrative``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import io, paths
from analysis.data import illustrate
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


def _base_obs(codes: list[str], years: list[int], rng: np.random.Generator) -> pd.DataFrame:
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
    for ind, per in TOTALS_PER_10K.items():
        rows.append((TOP, 2020, ind, round(per * pop20.sum() / 1e4), "synthetic"))
    rows.append((TOP, 2020, "worker_avg_age", 48.0, "synthetic"))
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
    codes = regions.loc[regions["level"] == "county", "code"].tolist()
    io.write_csv(root / "observations/base.csv", _base_obs(codes, list(years), rng))
    panel = illustrate.build(load(root, derive=False))
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
