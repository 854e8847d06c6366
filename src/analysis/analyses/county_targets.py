"""County targets from a prefecture target: standard floors and documented splits.

Two readings of a prefecture target T, by the indicator's kind (``indicators.csv``):

- **standard** (rate, ratio, mean: per 100 households, per 10k residents, coverage %):
  T is a floor for every county. A county below it is held to T; a county already above
  keeps at least its current value x_i (never asked to fall back):

      t_i = max(T, x_i)   (higher is better),   t_i = min(T, x_i)   (lower is better).

  A ratio with a stored numerator (m² of floor area per 100 households) is also shown as
  an amount: target amount A_i = max(t_i · d_i(T) / scale, current amount), where d_i(T)
  is the denominator (households, residents) in the target year; the resulting
  prefecture value is Σ A_i / Σ d_i(T) · scale >= T.
- **total** (count): T is split by a documented rule (``analysis.methods.decompose``:
  uniform intensity, need = gap to the uniform standard, equal growth), then floored at
  the current value, t_i = max(split_i, x_i); so Σ t_i >= T.

Increment = target - baseline (amounts where the indicator has them); share = a county's
part of the sum of increments in % (0 when nothing needs to be added). Columns are code
names (``COLUMNS``), stable for CSV export; ``display`` labels them for reading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.methods import decompose

STANDARD_KINDS = ("rate", "ratio", "mean")
COLUMNS = (
    "region_code",
    "indicator",
    "baseline_year",
    "baseline",
    "target_year",
    "target",
    "standard",
    "increment",
    "share",
    "baseline_amount",
    "target_amount",
)


def scope_of(ds: Dataset, indicator: str) -> str:
    """``standard`` for rate/ratio/mean indicators, ``total`` for counts."""
    return "standard" if ds.indicator(indicator)["kind"] in STANDARD_KINDS else "total"


def latest(ds: Dataset, indicator: str, regions: list[str], year: int) -> pd.DataFrame:
    """Latest observed value up to ``year`` per region: columns value, year (NaN if none)."""
    o = ds.obs(indicator, list(regions))
    o = o[o["year"] <= year].sort_values("year")
    last = o.groupby("region_code")[["value", "year"]].last()
    return last.reindex(list(regions))


def floor_at(standard: float, current: pd.Series, direction: str) -> pd.Series:
    """t_i = max(T, x_i) (higher is better) or min(T, x_i); a missing x_i gives T."""
    cur = current.astype(float)
    held = np.fmax(cur, standard) if direction == "higher" else np.fmin(cur, standard)
    return pd.Series(held, index=current.index)


def _shares(increment: pd.Series) -> pd.Series:
    pos = increment.clip(lower=0).fillna(0.0)
    total = pos.sum()
    return pos / total * 100 if total > 0 else pos * 0.0


def standard_targets(
    ds: Dataset, indicator: str, standard: float, basis_year: int, target_year: int
) -> pd.DataFrame:
    """County targets for a standard (see module docstring); one row per county + top."""
    meta = ds.indicator(indicator)
    units, top = ds.unit_codes, ds.top
    base = latest(ds, indicator, [*units, top], basis_year)
    cur = base["value"].loc[units]
    target = floor_at(standard, cur, meta["direction"])
    out = pd.DataFrame(
        {"baseline": cur, "baseline_year": base["year"].loc[units], "target": target}, index=units
    )
    out["standard"] = standard
    out["increment"] = out["target"] - out["baseline"]
    if meta["numerator"]:
        scale = float(meta["scale"])
        dens = denominators(ds, meta["denominator"], [basis_year, target_year]).reindex(units)
        amount_now = cur * dens[basis_year] / scale
        amount = np.fmax(target * dens[target_year] / scale, amount_now)
        out["baseline_amount"], out["target_amount"] = amount_now, amount
        out["target"] = amount / dens[target_year] * scale
        out["increment"] = out["target"] - out["baseline"]
        out["share"] = _shares(amount - amount_now)
        top_row = {
            "baseline": base.loc[top, "value"],
            "baseline_year": base.loc[top, "year"],
            "target": amount.sum() / dens[target_year].sum() * scale,
            "baseline_amount": amount_now.sum(),
            "target_amount": amount.sum(),
        }
    else:
        out["share"] = _shares(out["increment"])
        top_row = {
            "baseline": base.loc[top, "value"],
            "baseline_year": base.loc[top, "year"],
            "target": floor_at(standard, base["value"].loc[[top]], meta["direction"]).iloc[0],
        }
    return _finish(out, top_row, indicator, standard, target_year)


def total_targets(
    ds: Dataset,
    indicator: str,
    total: float,
    rule: str,
    basis_year: int,
    target_year: int,
) -> pd.DataFrame:
    """County targets for a count total split by ``rule``, floored at the current value."""
    meta = ds.indicator(indicator)
    units = ds.unit_codes
    base = latest(ds, indicator, units, basis_year)
    cur = base["value"]
    size = denominators(ds, "population", [target_year]).reindex(units)[target_year]
    split = decompose.split_total(total, cur, size, rule, meta["direction"])
    held = (
        np.fmax(split, cur.astype(float))
        if meta["direction"] == "higher"
        else np.fmin(split, cur.astype(float))
    )
    out = pd.DataFrame({"baseline": cur, "baseline_year": base["year"], "target": held})
    out["standard"] = total * size / size.sum()
    out["increment"] = out["target"] - out["baseline"]
    out["share"] = _shares(out["increment"])
    out["baseline_amount"], out["target_amount"] = out["baseline"], out["target"]
    top_row = {
        "baseline": cur.sum(min_count=1),
        "baseline_year": base["year"].max(),
        "target": out["target"].sum(),
        "baseline_amount": cur.sum(min_count=1),
        "target_amount": out["target"].sum(),
    }
    return _finish(out, top_row, indicator, total, target_year)


def _finish(
    out: pd.DataFrame, top_row: dict, indicator: str, standard: float, target_year: int
) -> pd.DataFrame:
    top = pd.DataFrame([top_row], index=["__top__"])
    top["standard"] = standard
    top["increment"] = top["target"] - top["baseline"]
    top["share"] = 100.0 if float(out["share"].sum()) > 0 else 0.0
    frame = pd.concat([out, top])
    frame["indicator"] = indicator
    frame["target_year"] = target_year
    frame = frame.rename_axis("region_code").reset_index()
    frame["baseline_year"] = frame["baseline_year"].astype("Int64")
    return frame.reindex(columns=list(COLUMNS))


def county_targets(
    ds: Dataset,
    indicator: str,
    value: float,
    rule: str,
    basis_year: int,
    target_year: int,
) -> pd.DataFrame:
    """County targets of ``indicator`` for prefecture target ``value`` (module docstring);
    the last row (region_code = the top region) is the prefecture."""
    if scope_of(ds, indicator) == "standard":
        f = standard_targets(ds, indicator, value, basis_year, target_year)
    else:
        f = total_targets(ds, indicator, value, rule, basis_year, target_year)
    f.loc[f["region_code"] == "__top__", "region_code"] = ds.top
    return f


def sign(ds: Dataset, indicator: str) -> float:
    """+1 when higher is better, -1 when lower is better (the indicator's ``direction``)."""
    return 1.0 if ds.indicator(indicator)["direction"] == "higher" else -1.0
