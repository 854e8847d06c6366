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

With regions between the top and the units (the prefectures of a province), a total is
split level by level: the top's T among the prefectures (their current value and size are
the sums of their counties'), then each prefecture's target among its counties, so each
level is consistent with the one above (the prefecture targets sum to T, a prefecture's
county targets sum to its target, whenever the region must still move). ``with_levels``
adds the intermediate regions' rows (before the top row); for standards a prefecture's
target is its counties' amounts over their denominators (or the floor of its own value).

Increment = target - baseline (amounts where the indicator has them); share = a county's
part of the sum of increments in % (0 when nothing needs to be added). Columns are code
names (``COLUMNS``), stable for CSV export; ``display`` labels them for reading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import levels
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
    ds: Dataset,
    indicator: str,
    standard: float,
    basis_year: int,
    target_year: int,
    with_levels: bool = False,
) -> pd.DataFrame:
    """County targets for a standard (see module docstring); one row per county (and per
    intermediate region with ``with_levels``) + top."""
    meta = ds.indicator(indicator)
    units, top = ds.unit_codes, ds.top
    mids = levels.intermediate_codes(ds) if with_levels else []
    base = latest(ds, indicator, [*units, *mids, top], basis_year)
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
        mid_rows = _mid_amounts(ds, mids, base, amount_now, amount, dens[target_year], scale)
        top_row = {
            "baseline": base.loc[top, "value"],
            "baseline_year": base.loc[top, "year"],
            "target": amount.sum() / dens[target_year].sum() * scale,
            "baseline_amount": amount_now.sum(),
            "target_amount": amount.sum(),
        }
    else:
        out["share"] = _shares(out["increment"])
        mid_rows = pd.DataFrame(
            {
                "baseline": base["value"].loc[mids],
                "baseline_year": base["year"].loc[mids],
                "target": floor_at(standard, base["value"].loc[mids], meta["direction"]),
            },
            index=mids,
        )
        top_row = {
            "baseline": base.loc[top, "value"],
            "baseline_year": base.loc[top, "year"],
            "target": floor_at(standard, base["value"].loc[[top]], meta["direction"]).iloc[0],
        }
    mid_rows["standard"] = standard
    mid_rows["increment"] = mid_rows["target"] - mid_rows["baseline"]
    mid_rows["share"] = _group_shares(ds, mids, out["share"])
    both = pd.concat([out, mid_rows]) if len(mid_rows) else out
    return _finish(both, top_row, indicator, standard, target_year)


def _mid_amounts(ds, mids, base, amount_now, amount, dens, scale) -> pd.DataFrame:
    """Intermediate rows of a ratio standard: the sums of their units' amounts over the sums
    of their denominators (a ratio of sums)."""
    rows = {}
    for m, us in levels.members(ds, mids).items():
        rows[m] = {
            "baseline": base.loc[m, "value"],
            "baseline_year": base.loc[m, "year"],
            "target": amount[us].sum() / dens[us].sum() * scale,
            "baseline_amount": amount_now[us].sum(min_count=1),
            "target_amount": amount[us].sum(),
        }
    cols = ["baseline", "baseline_year", "target", "baseline_amount", "target_amount"]
    return pd.DataFrame.from_dict(rows, orient="index").reindex(index=mids, columns=cols)


def _group_shares(ds: Dataset, mids: list[str], share: pd.Series) -> pd.Series:
    """An intermediate region's share of the increment: the sum of its units' shares."""
    return pd.Series({m: float(share[us].sum()) for m, us in levels.members(ds, mids).items()})


def split_levels(
    ds: Dataset, total: float, cur: pd.Series, size: pd.Series, rule: str, direction: str
) -> pd.Series:
    """Targets of every intermediate region and unit (indexed by code) for a count total:
    the top's total split among the regions of the first level below it, each of those
    targets among its children, down to the units (``decompose.split_total``, floored at
    the current value). A region's current value and size are the sums over its units."""
    units = list(cur.index)
    lv = ds.regions.set_index("code")["level"]
    chain = [*levels.intermediate_levels(ds), ds.unit_level]
    under = {u: [ds.top] + [a for a in ds.ancestors(u)[::-1] if a in set(lv.index)] for u in units}
    targets = {ds.top: float(total)}
    for depth, level in enumerate(chain):
        at: dict = {}
        for u in units:
            code = u if level == ds.unit_level else next(a for a in under[u] if lv.get(a) == level)
            parent = (
                ds.top
                if depth == 0
                else (next(a for a in under[u] if lv.get(a) == chain[depth - 1]))
            )
            at.setdefault(parent, {}).setdefault(code, []).append(u)
        for parent, kids in at.items():
            codes = list(kids)
            x = pd.Series([cur[kids[k]].sum(min_count=1) for k in codes], index=codes)
            d = pd.Series([size[kids[k]].sum() for k in codes], index=codes)
            split = decompose.split_total(targets[parent], x, d, rule, direction)
            held = np.fmax(split, x) if direction == "higher" else np.fmin(split, x)
            targets.update({k: float(v) for k, v in held.items()})
    targets.pop(ds.top)
    return pd.Series(targets, dtype=float)


def total_targets(
    ds: Dataset,
    indicator: str,
    total: float,
    rule: str,
    basis_year: int,
    target_year: int,
    with_levels: bool = False,
) -> pd.DataFrame:
    """County targets for a count total split by ``rule`` level by level (``split_levels``),
    floored at the current value; intermediate rows before the top row with
    ``with_levels``."""
    meta = ds.indicator(indicator)
    units = ds.unit_codes
    base = latest(ds, indicator, units, basis_year)
    cur = base["value"]
    size = denominators(ds, "population", [target_year]).reindex(units)[target_year]
    split = split_levels(ds, total, cur, size, rule, meta["direction"])
    held = split.reindex(units)
    out = pd.DataFrame({"baseline": cur, "baseline_year": base["year"], "target": held})
    out["standard"] = total * size / size.sum()
    out["increment"] = out["target"] - out["baseline"]
    out["share"] = _shares(out["increment"])
    out["baseline_amount"], out["target_amount"] = out["baseline"], out["target"]
    mids = levels.intermediate_codes(ds) if with_levels else []
    if mids:
        members = levels.members(ds, mids)
        mid = pd.DataFrame(
            {
                "baseline": [cur[members[m]].sum(min_count=1) for m in mids],
                "baseline_year": [base["year"][members[m]].max() for m in mids],
                "target": split.reindex(mids).to_numpy(),
                "standard": [out["standard"][members[m]].sum() for m in mids],
            },
            index=mids,
        )
        mid["increment"] = mid["target"] - mid["baseline"]
        mid["share"] = _group_shares(ds, mids, out["share"])
        mid["baseline_amount"], mid["target_amount"] = mid["baseline"], mid["target"]
        out = pd.concat([out, mid])
    top_row = {
        "baseline": cur.sum(min_count=1),
        "baseline_year": base["year"].max(),
        "target": held.sum(),
        "baseline_amount": cur.sum(min_count=1),
        "target_amount": held.sum(),
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
    with_levels: bool = False,
) -> pd.DataFrame:
    """County targets of ``indicator`` for prefecture target ``value`` (module docstring);
    the last row (region_code = the top region) is the prefecture; with ``with_levels`` the
    intermediate regions' rows come before it."""
    if scope_of(ds, indicator) == "standard":
        f = standard_targets(ds, indicator, value, basis_year, target_year, with_levels)
    else:
        f = total_targets(ds, indicator, value, rule, basis_year, target_year, with_levels)
    f.loc[f["region_code"] == "__top__", "region_code"] = ds.top
    return f


def sign(ds: Dataset, indicator: str) -> float:
    """+1 when higher is better, -1 when lower is better (the indicator's ``direction``)."""
    return 1.0 if ds.indicator(indicator)["direction"] == "higher" else -1.0
