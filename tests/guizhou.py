"""The real Guizhou census tree (贵州省 -> 9 prefectures -> 88 county units) as a data set
with the project's illustrative panel, for the provincial acceptance tests (issue 24).

Built the way ``scripts/import_shared.py`` builds the default data (census and division
counts copied as published from ``../shared/data``), for the whole province: regions from
the census table's ``parent_code``; the plan targets set for the province; a square-grid
schematic map (no provincial boundaries are stored); then ``analysis data illustrate``.
``build(folder)`` is called once per session (``conftest.py`` fixture ``guizhou``).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pandas as pd

from analysis import io, paths
from analysis.data import illustrate, load, synthetic

SHARED = paths.PROJECT_ROOT.parent / "shared" / "data"
if not SHARED.is_dir():  # a worktree next to the main checkout
    SHARED = Path("/work/shared/data")
PROVINCE = "520000"


def _importer():
    spec = importlib.util.spec_from_file_location(
        "import_shared", paths.PROJECT_ROOT / "scripts" / "import_shared.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def available() -> bool:
    return (SHARED / "census" / "guizhou_counties_census.csv").is_file()


def _kind(name: str) -> str:
    return "district" if name.endswith("区") else "city" if name.endswith("市") else "county"


def build(folder: Path) -> Path:
    """Write the provincial data set into ``folder`` and illustrate it; return the folder."""
    imp = _importer()
    root = Path(folder)
    (root / "observations").mkdir(parents=True, exist_ok=True)
    c = pd.read_csv(
        SHARED / "census/guizhou_counties_census.csv",
        dtype={"code": str, "parent_code": str},
    ).sort_values("code")
    pref = c.drop_duplicates("parent_code")[["parent_code", "parent_name_zh"]]
    rows = [(PROVINCE, "贵州省", "Guizhou", "province", "", "")]
    rows += [(p, n, p, "prefecture", PROVINCE, "") for p, n in pref.itertuples(index=False)]
    rows += [
        (k, n, k, "county", p, _kind(n))
        for k, n, p in zip(c["code"], c["name_zh"], c["parent_code"], strict=True)
    ]
    regions = pd.DataFrame(
        rows, columns=["code", "name_zh", "name_en", "level", "parent_code", "group"]
    )
    io.write_csv(root / "regions.csv", regions)
    obs = []
    for year, cols in ((2020, imp.CENSUS_2020), (2010, imp.CENSUS_2010)):
        for ind, col in cols.items():
            obs.append(
                pd.DataFrame(
                    {
                        "region_code": c["code"],
                        "year": year,
                        "indicator": ind,
                        "value": c[col],
                        "source": f"census{year}",
                        "note": f"published ({col})",
                    }
                )
            )
    census = pd.concat(obs, ignore_index=True).dropna(subset=["value"])
    io.write_csv(root / "observations/census.csv", census)
    d = pd.read_csv(SHARED / "divisions/guizhou_division_counts.csv", dtype={"region_code": str})
    d = d[d["region_code"].isin(set(c["code"]))]  # codes renamed between editions: dropped
    d["village_level_units"] = d[
        ["n_resident_committee", "n_village_committee", "n_other_village_level"]
    ].sum(axis=1)
    cols = {**imp.DIVISIONS, "village_level_units": "village_level_units"}
    long = d.melt(id_vars=["edition", "region_code"], value_vars=list(cols.values()), var_name="c")
    long["indicator"] = long["c"].map({v: k for k, v in cols.items()})
    long = long.rename(columns={"edition": "year"})
    long["source"], long["note"] = "nbs_divisions", "count by name suffix"
    io.write_csv(
        root / "observations/divisions.csv",
        long[["region_code", "year", "indicator", "value", "source", "note"]],
    )
    data = paths.PROJECT_ROOT / "data"
    shutil.copyfile(data / "indicators.csv", root / "indicators.csv")
    src = pd.read_csv(data / "sources.csv", dtype=str, keep_default_na=False)
    io.write_csv(root / "sources.csv", src[src["kind"] != "illustrative"])
    tg = pd.read_csv(data / "targets.csv", dtype=str, keep_default_na=False)
    io.write_csv(
        root / "targets.csv", tg.iloc[:1].assign(indicator="population", region_code=PROVINCE)
    )
    # (the plan's targets need the panel's indicators: written after it)
    synthetic.write_grid_map(root)
    ds = load(root)
    io.write_text(root / illustrate.FILE, illustrate.to_csv_text(illustrate.build(ds)))
    illustrate.add_source(root)
    io.write_csv(root / "targets.csv", tg.assign(region_code=PROVINCE))
    return root
