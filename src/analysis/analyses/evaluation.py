"""Final evaluation of a plan period: each target's status in the final year, county by county.

For every target in force for ``target_year`` (benchmarks excluded, see ``targets``) and
every region, with the value in the final year (the latest observation up to
``target_year``; its year is shown):

- the target each region is held to: the standard for rate/ratio/mean targets, the county
  share (floored at the baseline) for totals (``county_targets``);
- ``difference`` = final - target (higher is better) or target - final (lower is better):
  positive = exceeded by, negative = short by; ``difference_pct`` = difference / target;
- ``met`` (difference >= 0 up to rounding) and ``status``: once the final value is of the
  target year (or later) the final status ``met`` / ``not_met`` (``analyses.status``);
  before that, the progress status over the period so far (``progress.status``, Open SDG
  rule).

**How much the population estimate matters.** Rates per resident or household after the
last census divide by a stock that is estimated (``analysis.data.denominators``);
``denominator_basis`` records what the final value's stock rests on (census /
interpolated / estimated / observed, "" for values that are not such rates).
``evaluate`` also computes every final value and status under the alternative assumption
(``ALTERNATIVE``: the stock held at the census value instead of estimated, and back):
``final_alt``, ``status_alt``, and ``flips`` = the status (met / not met, or the progress
grade) differs. ``sensitivity`` is that comparison alone.

Columns are code names (``COLUMNS``), stable for CSV export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses import levels
from analysis.analyses import status as status_rules
from analysis.analyses import targets as tg
from analysis.data import Dataset
from analysis.data.derived import bases, denominators, rates
from analysis.methods import progress

COLUMNS = (
    "region_code",
    "indicator",
    "baseline_year",
    "baseline",
    "final_year",
    "final",
    "target_year",
    "target",
    "difference",
    "difference_pct",
    "met",
    "status",
    "denominator_basis",
    "final_alt",
    "status_alt",
    "flips",
)
ASSUMPTIONS = ("estimated", "census")
ALTERNATIVE = {"estimated": "census", "census": "estimated"}
SENSITIVITY = (
    "region_code",
    "indicator",
    "denominator_basis",
    "final",
    "status",
    "final_alt",
    "status_alt",
    "flips",
)


def evaluate(
    ds: Dataset,
    base_year: int = 2020,
    target_year: int = 2025,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
    assumption: str = "estimated",
) -> pd.DataFrame:
    """One row per (indicator, region): the final evaluation (module docstring), stocks
    after the census under ``assumption`` ("estimated" or "census"), with the final value
    and status under the other assumption beside it."""
    main = _evaluate(ds, base_year, target_year, target_values, rule, assumption)
    alt = _evaluate(ds, base_year, target_year, target_values, rule, ALTERNATIVE[assumption])
    key = ["indicator", "region_code"]
    other = alt.set_index(key).reindex(pd.MultiIndex.from_frame(main[key]))
    main["final_alt"] = other["final"].to_numpy()
    main["status_alt"] = other["status"].to_numpy()
    known = main["final"].notna() & main["final_alt"].notna()
    main["flips"] = known & (main["status"] != main["status_alt"]).to_numpy()
    return main[list(COLUMNS)]


def sensitivity(
    ds: Dataset,
    base_year: int = 2020,
    target_year: int = 2025,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
) -> pd.DataFrame:
    """Each final status with the stock estimated (``final``, ``status``) and held at the
    census value (``final_alt``, ``status_alt``); ``flips`` where they differ."""
    frame = evaluate(ds, base_year, target_year, target_values, rule, "estimated")
    return frame[list(SENSITIVITY)].reset_index(drop=True)


def _with_assumption(ds: Dataset, assumption: str) -> Dataset:
    """``ds`` with its derived rates recomputed under ``assumption`` (``derived.rates``);
    ``ds`` itself when the assumption is the one it was loaded with (estimated)."""
    if assumption == "estimated":
        return ds
    if assumption not in ASSUMPTIONS:
        raise ValueError(f"assumption must be one of {ASSUMPTIONS}, not {assumption!r}")
    derived = ds.indicators.loc[ds.indicators["numerator"].fillna("").ne(""), "id"].tolist()
    obs = ds.observations
    redone = [rates(ds, ind, assumption) for ind in derived]
    kept = obs[~obs["indicator"].isin(derived)]
    new = pd.concat([kept, *redone], ignore_index=True)
    new = new.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    return replace(ds, observations=new)


def _evaluate(
    ds: Dataset,
    base_year: int,
    target_year: int,
    target_values: Mapping[str, float] | None,
    rule: str,
    assumption: str,
) -> pd.DataFrame:
    """The final evaluation under one denominator ``assumption``."""
    ds = _with_assumption(ds, assumption)
    base_year, target_year, _ = tg.check_period(base_year, target_year, base_year)
    targets = tg.targets_in_force(ds, target_year, target_values)
    inds = tg.select_indicators(ds, targets, None, target_year)
    held = tg.held_targets(ds, targets.loc[inds], rule, base_year, target_year)
    regions = levels.scope_regions(ds)
    parts = []
    for ind in inds:
        meta = ds.indicator(ind)
        base = ct.latest(ds, ind, regions, base_year)
        base = base.where(base["year"] == base_year)
        final = ct.latest(ds, ind, regions, target_year)
        final = final.where(final["year"] > base_year)
        if np.isnan(final.loc[ds.top, "value"]):
            final.loc[ds.top] = _aggregate(ds, ind, target_year, assumption)
        target = held[ind].reindex(regions).astype(float)
        sign = 1.0 if meta["direction"] == "higher" else -1.0
        diff = sign * (final["value"] - target)
        codes = progress.status(
            base["value"].to_numpy(float),
            base_year,
            final["value"].to_numpy(float),
            final["year"].to_numpy(float),
            target.to_numpy(float),
            target_year,
            meta["direction"],
            meta["unit_en"] == "%",
            _limit(meta),
        )
        # after the target year the status is final (met / not met), not a progress grade
        closed = final["year"].to_numpy(float) >= target_year
        final_codes = status_rules.final_status(
            final["value"].to_numpy(float), target.to_numpy(float), meta["direction"]
        )
        parts.append(
            pd.DataFrame(
                {
                    "region_code": regions,
                    "indicator": ind,
                    "baseline_year": base["year"].to_numpy(),
                    "baseline": base["value"].to_numpy(),
                    "final_year": final["year"].to_numpy(),
                    "final": final["value"].to_numpy(),
                    "target_year": target_year,
                    "target": target.to_numpy(),
                    "difference": diff.to_numpy(),
                    "difference_pct": (diff / target.abs() * 100).to_numpy(),
                    "met": np.where(final["value"].notna(), np.asarray(codes) == "met", False),
                    "status": np.where(closed, final_codes, codes),
                    "denominator_basis": _basis(ds, ind, regions, final["year"], assumption),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"baseline_year": "Int64", "final_year": "Int64"})


def _basis(
    ds: Dataset, ind: str, regions: list[str], years: pd.Series, assumption: str
) -> np.ndarray:
    """The denominator basis of each region's final value ("" when not a derived rate)."""
    return bases(ds, ind, regions, [years.get(r) for r in regions], assumption)


def _limit(meta: pd.Series) -> float:
    """The indicator's natural limit (indicators.csv ``limit``; NaN when absent or blank)."""
    v = meta.get("limit", np.nan)
    return float(v) if v is not None and pd.notna(v) else np.nan


def _aggregate(
    ds: Dataset, ind: str, year: int, assumption: str = "estimated"
) -> tuple[float, float]:
    """(value, year) of the top region from its counties when it has no row of its own:
    sum of numerators over sum of denominators (x scale) for ratios, the sum for counts."""
    meta = ds.indicator(ind)
    units = ds.unit_codes
    if meta["numerator"]:
        num = ct.latest(ds, meta["numerator"], units, year)
        den = denominators(ds, meta["denominator"], [year], assumption).reindex(units)[year]
        ok = num["value"].notna() & den.notna() & (num["year"] == year)
        if ok.any() and ok.all():
            value = num["value"][ok].sum() / den[ok].sum() * float(meta["scale"])
            return float(value), float(year)
    elif meta["kind"] == "count":
        cur = ct.latest(ds, ind, units, year)
        if (cur["year"] == year).all():
            return float(cur["value"].sum()), float(year)
    return np.nan, np.nan


def summary(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per indicator: prefecture status, counties met / with data, largest shortfall."""
    rows = []
    for ind, f in frame.groupby("indicator", sort=False):
        units = f[f["region_code"].isin(ds.unit_codes)]
        known = units[units["final"].notna()]
        top = f[f["region_code"] == ds.top].iloc[0]
        worst = known.sort_values("difference").iloc[0] if len(known) else None
        rows.append(
            {
                "indicator": ind,
                "status": top["status"],
                "final": top["final"],
                "target": top["target"],
                "counties_met": int(known["met"].sum()),
                "counties": len(known),
                "largest_shortfall_region": (
                    worst["region_code"] if worst is not None and worst["difference"] < 0 else ""
                ),
                "largest_shortfall": (
                    worst["difference"] if worst is not None and worst["difference"] < 0 else 0.0
                ),
            }
        )
    return pd.DataFrame(rows)


# -- the numbers behind the findings (worded in ``present.words.evaluation``) ----------------
def facts(frame: pd.DataFrame, ds: Dataset, ind: str) -> dict:
    """The computed values behind the findings of one indicator."""
    f = frame[frame["indicator"] == ind].set_index("region_code")
    top = f.loc[ds.top]
    units = f.loc[ds.unit_codes]
    known = units[units["final"].notna()]
    short = known[~known["met"].astype(bool)].sort_values("difference")
    out = {
        "final": float(top["final"]),
        "final_year": top["final_year"],
        "target": float(top["target"]),
        "difference": float(top["difference"]),
        "top_met": bool(top["met"]),
        "status": str(top["status"]),
        "n_units": len(known),
        "units_met": int(known["met"].astype(bool).sum()),
        "short": list(short.index),
        "illustrative": ds.is_illustrative(ds.obs(ind, [ds.top, *ds.unit_codes])),
        "basis": str(top.get("denominator_basis", "") or ""),
        "final_alt": float(top.get("final_alt", np.nan)),
        "status_alt": str(top.get("status_alt", "") or ""),
        "flips": bool(top.get("flips", False)),
        "flipped_units": list(units.index[units.get("flips", pd.Series(False, units.index))]),
    }
    if len(short):
        w = short.iloc[0]
        out.update(
            worst=short.index[0],
            worst_final=float(w["final"]),
            worst_target=float(w["target"]),
            worst_gap=float(-w["difference"]),
            worst_pct=float(-w["difference_pct"]),
        )
    return out
