"""One answer per question: collect every (indicator, region, year, quantity) value that the
published CSVs under ``outputs/data`` state, and report the ones stated with two values.

Each code-named column of a published table names a quantity, and the year it is of comes
from a year column of the same row (``QUANTITIES``): e.g. ``final`` with ``final_year`` and
``baseline`` with ``baseline_year`` are both the observed value of that year, ``projected``
is the forecast's median in ``target_year``, ``projected_p`` the value reached with
probability p in ``target_year``. Columns not listed (ranks, shares of an increment,
methods) are not compared. Values are compared to 1e-9 relative (they are written from one
computation, so they agree to the last digit unless two computations disagree).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# column -> (quantity, column holding its year, or an int for a fixed year, None: no year)
QUANTITIES: dict[str, tuple[str, str | None]] = {
    "value": ("value", "year"),
    "baseline": ("value", "baseline_year"),
    "final": ("value", "final_year"),
    "latest_value": ("value", "latest_year"),
    "last_value": ("value", "last_year"),
    "projected": ("median", "target_year"),
    "lo80": ("lo80", "target_year"),
    "hi80": ("hi80", "target_year"),
    "lo95": ("lo95", "target_year"),
    "hi95": ("hi95", "target_year"),
    "prob": ("prob", "target_year"),
    "projected_p": ("value_at_p", "target_year"),
    "held_target": ("held_target", "target_year"),
    "county_target": ("county_target", "target_year"),
    "next_target": ("county_target", "target_year"),
    "final_status": ("final_status", "final_year"),
}
TEXT = {"final_status", "status"}
# ``target`` means the value a region is held to in status tables, and the region's own
# planned target in target-split tables (file name pattern -> quantity): the county tables
# of a split and report 06's per-group targets (``targets_by_prefecture``)
TARGET_BY_FILE = (
    ("county_targets_", "county_target"),
    ("targets_by_", "county_target"),
    ("", "held_target"),
)


def _years(frame: pd.DataFrame, col: str, ctx: dict[str, int]) -> pd.Series | None:
    if col in frame.columns:
        return pd.to_numeric(frame[col], errors="coerce")
    if col in ctx:
        return pd.Series(ctx[col], index=frame.index, dtype=float)
    return None


def _context(path: Path) -> dict[str, int]:
    """Years a report's folder name gives (``..._2025`` -> target_year 2025)."""
    tail = path.parent.name.rsplit("_", 1)[-1]
    return {"target_year": int(tail)} if tail.isdigit() else {}


def facts(outputs: Path) -> pd.DataFrame:
    """Every stated (indicator, region_code, year, quantity) -> value with the file it is in."""
    rows = []
    for path in sorted((outputs / "data").rglob("*.csv")):
        f = pd.read_csv(path, dtype={"region_code": str}, keep_default_na=True)
        if not {"indicator", "region_code"} <= set(f.columns):
            continue
        ctx = _context(path)
        cols = dict(QUANTITIES)
        if "target" in f.columns:
            qty = next(q for pat, q in TARGET_BY_FILE if pat in path.name)
            cols["target"] = (qty, "target_year")
        for col, (qty, ycol) in cols.items():
            if col not in f.columns or ycol is None:
                continue
            years = _years(f, ycol, ctx)
            if years is None:
                continue
            part = pd.DataFrame(
                {
                    "indicator": f["indicator"].astype(str),
                    "region_code": f["region_code"].astype(str),
                    "year": years,
                    "quantity": qty,
                    "value": f[col],
                    "file": str(path.relative_to(outputs)),
                    "column": col,
                }
            )
            rows.append(part[part["value"].notna() & part["year"].notna()])
    if not rows:
        return pd.DataFrame(
            columns=["indicator", "region_code", "year", "quantity", "value", "file", "column"]
        )
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype(int)
    return out


def conflicts(table: pd.DataFrame, rel: float = 1e-9) -> pd.DataFrame:
    """The (indicator, region, year, quantity) keys stated with more than one value."""
    bad = []
    for key, g in table.groupby(["indicator", "region_code", "year", "quantity"]):
        if key[3] in TEXT:
            if g["value"].astype(str).nunique() > 1:
                bad.append(g)
            continue
        v = pd.to_numeric(g["value"], errors="coerce").to_numpy(float)
        v = v[np.isfinite(v)]
        if len(v) > 1 and (v.max() - v.min()) > rel * max(1.0, np.abs(v).max()):
            bad.append(g)
    return pd.concat(bad) if bad else table.iloc[0:0]


def ordering_faults(table: pd.DataFrame, directions: dict[str, str]) -> pd.DataFrame:
    """Keys where the value reached with probability p is not between the end of the 80 %
    interval on the unfavourable side and the median of the same forecast."""
    num = table[~table["quantity"].isin(TEXT)].copy()
    num["value"] = pd.to_numeric(num["value"], errors="coerce")
    wide = num.pivot_table(
        index=["indicator", "region_code", "year"], columns="quantity", values="value"
    )
    need = {"value_at_p", "median", "lo80", "hi80"}
    if not need <= set(wide.columns):
        return wide.iloc[0:0]
    wide = wide.dropna(subset=list(need))
    higher = wide.index.get_level_values(0).map(directions).to_numpy() == "higher"
    end = np.where(higher, wide["lo80"], wide["hi80"])
    lo = np.minimum(end, wide["median"]) - 1e-9
    hi = np.maximum(end, wide["median"]) + 1e-9
    ok = (wide["value_at_p"] >= lo) & (wide["value_at_p"] <= hi)
    return wide[~ok]


def explorer_facts(page: Path) -> pd.DataFrame:
    """The values the explorer page embeds (``present.explore.export``): observed values per
    indicator, region and year, and the fan's forecast (median, 80 %/95 % bands) per horizon
    year; rounded to ``SIGNIFICANT`` digits in the page."""
    import json
    import re

    text = page.read_text(encoding="utf-8")
    m = re.search(r'<script id="explore-data" type="application/json">(.*?)</script>', text, re.S)
    assert m, "the explorer page embeds no data"
    data = json.loads(m.group(1))
    codes = [r["code"] for r in data["regions"]]
    rows = []
    for ind, years in data["values"].items():
        for year, vals in years.items():
            for code, v in zip(codes, vals, strict=True):
                if v is not None:
                    rows.append((ind, code, int(year), "value", v))
    for ind, per in data["fan"].items():
        for code, f in per.items():
            fc = f["forecast"]
            for k, year in enumerate(fc["year"]):
                for col, qty in (("mean", "median"), ("lo80", "lo80"), ("hi80", "hi80")):
                    if fc[col][k] is not None:
                        rows.append((ind, code, int(year), qty, fc[col][k]))
    out = pd.DataFrame(rows, columns=["indicator", "region_code", "year", "quantity", "value"])
    out["file"] = str(page.name)
    out["column"] = out["quantity"]
    return out


def disagreements(csv_facts: pd.DataFrame, page_facts: pd.DataFrame, digits: int = 6):
    """Page values that differ from the CSVs' value of the same key by more than the page's
    rounding to ``digits`` significant digits."""
    keys = ["indicator", "region_code", "year", "quantity"]
    num = csv_facts[~csv_facts["quantity"].isin(TEXT)].copy()
    num["value"] = pd.to_numeric(num["value"], errors="coerce")
    ref = num.groupby(keys)["value"].first().rename("csv")
    j = page_facts.join(ref, on=keys, how="inner")
    tol = 0.5 * 10.0 ** (np.floor(np.log10(np.maximum(np.abs(j["csv"]), 1e-300))) - digits + 1)
    return j[(j["value"] - j["csv"]).abs() > tol + 1e-12], len(j)
