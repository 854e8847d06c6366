"""Shortfall against a standard or target: how much is missing, and what it would cost.

For a ratio indicator value = numerator / denominator x scale (e.g. facility m² per 100
households, staff per 10k urban residents):

- higher is better (standard is a minimum):
  missing numerator = max(0, target - x) x denominator / scale
  e.g. 25 m²/100 households in a county of 40,000 households against >= 30:
  (30 - 25) x 40,000 / 100 = 2,000 m² missing;
- lower is better (standard is a maximum), the denominator is what is added:
  missing denominator = max(0, x - target) / target x denominator
  e.g. 1,200 residents per grid in a county with 100 grids against <= 1,000: 0.2 x 100 = 20 grids.

For a percentage rate (e.g. share of villages with a service facility) the base is a count of
units (villages): missing units = max(0, target - x) / 100 x base.

Cost = missing quantity x unit cost.  Unit costs are *assumptions* supplied by the user,
not data; a quantity without a unit cost has no cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("value", "target", "gap", "gap_pct", "quantity", "cost")


def shortfall(
    value: pd.Series,
    target: float,
    *,
    direction: str = "higher",
    base: pd.Series | None = None,
    scale: float = 1.0,
    unit_cost: float | None = None,
) -> pd.DataFrame:
    """Gap to ``target`` per region and the quantity (and cost) needed to close it.

    ``gap`` is the shortfall in the indicator's own unit (0 where the target is met),
    ``gap_pct`` the gap as % of the target, ``quantity`` the missing amount of the numerator
    (higher) or denominator (lower) given ``base`` (the denominator, or the count of units for
    a percentage rate with ``scale = 100``), ``cost`` = quantity x ``unit_cost``.
    """
    x = value.astype(float)
    t = float(target)
    gap = (x - t).clip(lower=0) if direction == "lower" else (t - x).clip(lower=0)
    out = pd.DataFrame({"value": x, "target": t, "gap": gap})
    out.loc[x.isna(), "gap"] = np.nan
    out["gap_pct"] = out["gap"] / abs(t) * 100 if t != 0 else np.nan
    if base is None:
        out["quantity"] = np.nan
    else:
        b = base.reindex(x.index).astype(float)
        out["quantity"] = gap / t * b if direction == "lower" else gap * b / scale
        out.loc[x.isna(), "quantity"] = np.nan
    out["cost"] = out["quantity"] * unit_cost if unit_cost is not None else np.nan
    return out


def ranked(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack shortfall frames {indicator: frame} into one list of real gaps (gap > 0), ranked.

    Ordered by cost (largest first), then by gap as % of target; ``rank`` 1 = largest.
    """
    parts = [
        f.assign(indicator=k).rename_axis("region_code").reset_index() for k, f in frames.items()
    ]
    if not parts:
        return pd.DataFrame(columns=["rank", "region_code", "indicator", *COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out = out[out["gap"] > 0]
    out = out.sort_values(
        ["cost", "gap_pct", "indicator", "region_code"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[["rank", "region_code", "indicator", *COLUMNS]]
