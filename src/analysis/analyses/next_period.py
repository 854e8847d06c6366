"""Targets for the next plan period (default 2025 -> 2030), county by county.

For every indicator with a standard (``targets.csv`` rows for ``target_year``, or
``standards`` given as a parameter, else the targets of the period ending in ``base_year``
carried forward; benchmarks never) and every county:

1. ``projected_p``: the value reached with probability ``p`` on trend by ``target_year``
   (the (1 - p)-quantile of the predictive distribution when higher is better, the
   p-quantile when lower is better; ``analysis.methods.projection``, data up to
   ``base_year``);
2. the standard-consistent target: for rate/ratio/mean indicators
   t_i = max(standard, current x_i, projected_p) (min when lower is better), capped at the
   indicator's bound; for counts t_i = max(x_i, projected_p), and when a prefecture total
   is given the split of ``county_targets`` is a further floor (so Σ t_i >= T);
   ``basis`` names the term that set it (standard, trend or current value);
3. the resulting prefecture value: the sum for counts; for a ratio with a numerator the
   sum of target amounts over the sum of denominators in ``target_year``; for other rates
   the mean weighted by the base count (``gaps.RATE_BASES``) or by population.

Columns are code names (``COLUMNS``), stable for CSV export.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses import forecasts as fcs
from analysis.analyses import levels
from analysis.analyses import targets as tg
from analysis.analyses.gaps import RATE_BASES
from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.errors import user_error

COLUMNS = (
    "region_code",
    "indicator",
    "baseline_year",
    "baseline",
    "target_year",
    "projected_p",
    "standard",
    "target",
    "basis",
    "increment",
    "share",
)


def check_probability(p: float) -> float:
    """``p`` strictly between 0 and 1."""
    v = float(p)
    if not 0 < v < 1:
        raise user_error("targets.probability_range", p=p)
    return v


def standards_for(
    ds: Dataset, base_year: int, target_year: int, standards: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Standards for the next period: the data's ``target_year`` targets and ``standards``,
    else the targets of the period ending in ``base_year`` carried forward (``carried``)."""
    new = tg.targets_in_force(ds, target_year, standards)
    new["carried"] = False
    old = tg.targets_in_force(ds, base_year)
    old = old.drop(index=[i for i in old.index if i in new.index])
    old["carried"] = True
    out = pd.concat([new, old])
    if out.empty:
        raise user_error("targets.no_targets", target_year=target_year)
    order = {i: k for k, i in enumerate(ds.indicators["id"])}
    return out.sort_index(key=lambda idx: idx.map(order))


def _projected(
    ds: Dataset, ind: str, regions: list[str], hf: fcs.HorizonForecast, p: float
) -> pd.Series:
    """The value reached with probability ``p`` in the horizon year: the (1 - p)-quantile of
    the shared forecast when higher is better, the p-quantile when lower is better."""
    meta = ds.indicator(ind)
    fc = hf.rows([ind], regions)
    q = 1 - p if meta["direction"] == "higher" else p
    j = int(np.flatnonzero(fc.years == hf.horizon)[0])
    return pd.Series(fc.quantile(q)[:, j], index=regions)


def _pick(
    standard: float, current: pd.Series, trend: pd.Series, higher: bool
) -> tuple[pd.Series, pd.Series]:
    """Target and basis per county: the best of current value, standard and trend (ties go
    to the current value, then the standard: a county already there is not "raised")."""
    cands = pd.DataFrame({"current": current, "standard": standard, "trend": trend})
    signed = cands if higher else -cands
    basis = signed.fillna(-np.inf).idxmax(axis=1)
    target = cands.max(axis=1) if higher else cands.min(axis=1)
    return target, basis


def _above_row(now, projected: float, standard: float, aggregate, higher: bool, share: float):
    """The row of a region above the units (an intermediate region or the whole): its
    target is ``_top_target`` of its units' aggregate, its standard and its trend at p."""
    target, basis = _top_target(aggregate, standard, projected, higher)
    return {
        "baseline_year": now["year"],
        "baseline": now["value"],
        "projected_p": projected,
        "standard": standard,
        "target": target,
        "basis": basis,
        "increment": target - now["value"],
        "share": share,
    }


def _weights(ds: Dataset, ind: str, base_year: int, target_year: int) -> pd.Series | None:
    """Each unit's weight in the aggregate of ``ind``'s targets (``_prefecture``): the
    denominator in the target year for a ratio, the rate base (``RATE_BASES``) or the
    population in the base year for another standard kind; None for counts (a sum)."""
    meta = ds.indicator(ind)
    units = ds.unit_codes
    if meta["kind"] not in ct.STANDARD_KINDS:
        return None
    if meta["numerator"]:
        return denominators(ds, meta["denominator"], [target_year]).reindex(units)[target_year]
    base = RATE_BASES.get(ind)
    if base is not None:
        return ct.latest(ds, base, units, base_year)["value"]
    return denominators(ds, "population", [base_year]).reindex(units)[base_year]


def _prefecture(
    ds: Dataset, ind: str, target: pd.Series, weights: pd.Series | None, units: list[str]
) -> float:
    """The aggregate of ``units``' targets by the indicator's rule: the sum for counts
    (``weights`` None), a ratio of sums, else a weighted mean (``_weights``)."""
    target = target.reindex(units)
    if weights is None:
        return float(target.sum())
    w = weights.reindex(units)
    if ds.indicator(ind)["numerator"]:
        return float((target * w).sum() / w.sum())
    ok = target.notna() & w.notna()
    return float((target[ok] * w[ok]).sum() / w[ok].sum())


def _top_target(aggregate: float, standard: float, trend: float, higher: bool) -> tuple[float, str]:
    """The whole region's target: the aggregate of its units' targets, raised to the standard
    and to the region's own value reached with probability p when either is above it (lowered
    when lower is better); ``basis`` names the term that set it (``aggregate``, ``standard``
    or ``trend``), so the table can say why the units' targets do not add up to it."""
    cands = pd.Series({"aggregate": aggregate, "standard": standard, "trend": trend}, dtype=float)
    signed = (cands if higher else -cands).fillna(-np.inf)
    if not np.isfinite(signed).any():
        return float("nan"), ""
    basis = str(signed.idxmax())
    return float(cands[basis]), basis


def indicator_targets(
    ds: Dataset,
    ind: str,
    standard: float,
    base_year: int,
    target_year: int,
    p: float,
    rule: str = "gap",
    horizon: fcs.HorizonForecast | None = None,
) -> pd.DataFrame:
    """The next-period table of one indicator (module docstring), prefecture row last.
    ``horizon``: the shared forecast of ``target_year`` (fitted here when not given)."""
    meta = ds.indicator(ind)
    units, top = ds.unit_codes, ds.top
    higher = meta["direction"] == "higher"
    now = ct.latest(ds, ind, units, base_year)
    hf = horizon or fcs.fit(ds, target_year, indicators=[ind])
    mids = levels.intermediate_codes(ds)
    trend = _projected(ds, ind, [*units, *mids, top], hf, p)
    if meta["kind"] in ct.STANDARD_KINDS:
        target, basis = _pick(standard, now["value"], trend.loc[units], higher)
        lo, hi = meta["lower"], meta["upper"]
        target = target.clip(lower=None if pd.isna(lo) else lo, upper=None if pd.isna(hi) else hi)
        std_col = pd.Series(standard, index=units)
    else:
        split = ct.total_targets(ds, ind, standard, rule, base_year, target_year, True)
        split = split.set_index("region_code")
        floor = split["target"].reindex(units)
        target, basis = _pick(np.nan, now["value"], trend.loc[units], higher)
        target, basis = np.fmax(target, floor), basis.where(target >= floor, "standard")
        std_col = split["standard"].reindex(units)
    f = pd.DataFrame(
        {
            "baseline_year": now["year"],
            "baseline": now["value"],
            "projected_p": trend.loc[units],
            "standard": std_col,
            "target": target,
            "basis": basis,
        }
    )
    f["increment"] = f["target"] - f["baseline"]
    inc = (f["increment"] if higher else -f["increment"]).clip(lower=0).fillna(0.0)
    f["share"] = inc / inc.sum() * 100 if inc.sum() > 0 else inc * 0.0
    unit_share = f["share"].copy()
    mids_now = ct.latest(ds, ind, mids, base_year)
    weights = _weights(ds, ind, base_year, target_year)
    below = levels.members(ds, mids)
    for m in mids:  # the intermediate regions: as the whole region, over their own units
        us = below[m]
        m_now = mids_now.loc[m]
        m_std = standard if meta["kind"] in ct.STANDARD_KINDS else float(split.loc[m, "target"])
        agg = _prefecture(ds, ind, f["target"], weights, us)
        f.loc[m] = _above_row(m_now, trend.loc[m], m_std, agg, higher, float(unit_share[us].sum()))
    top_now = ct.latest(ds, ind, [top], base_year).iloc[0]
    aggregate = _prefecture(ds, ind, f["target"], weights, units)
    share = 100.0 if inc.sum() > 0 else 0.0
    f.loc[top] = _above_row(top_now, trend.loc[top], standard, aggregate, higher, share)
    f["indicator"], f["target_year"] = ind, target_year
    f["baseline_year"] = f["baseline_year"].astype("Int64")
    return f.rename_axis("region_code").reset_index()[list(COLUMNS)]


def next_targets(
    ds: Dataset,
    base_year: int = 2025,
    target_year: int = 2030,
    p: float = 0.8,
    standards: Mapping[str, float] | None = None,
    rule: str = "gap",
    horizon: fcs.HorizonForecast | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All indicators' next-period tables (one frame) and the standards used; ``horizon`` is
    the shared forecast of ``target_year`` (``analyses.forecasts``; fitted when not given)."""
    base_year, target_year, _ = tg.check_period(base_year, target_year, base_year)
    p = check_probability(p)
    std = standards_for(ds, base_year, target_year, standards)
    hf = horizon or fcs.fit(ds, target_year, indicators=list(std.index))
    parts = [
        indicator_targets(
            ds, ind, float(std.loc[ind, "target_value"]), base_year, target_year, p, rule, hf
        )
        for ind in std.index
    ]
    return pd.concat(parts, ignore_index=True), std


def summary_frame(frame: pd.DataFrame, std: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per indicator: standard, where it comes from, and the resulting prefecture target."""
    top = frame[frame["region_code"] == ds.top].set_index("indicator")
    return pd.DataFrame(
        {
            "indicator": top.index,
            "standard": top["standard"].to_numpy(),
            "standard_source": [
                "carried" if std.loc[i, "carried"] else str(std.loc[i, "source"]) for i in top.index
            ],
            "baseline": top["baseline"].to_numpy(),
            "projected_p": top["projected_p"].to_numpy(),
            "target": top["target"].to_numpy(),
        }
    )


# -- the numbers behind the findings (worded in ``present.words.next_period``) ---------------
def facts(frame: pd.DataFrame, std: pd.DataFrame, ds: Dataset, ind: str, base_year: int) -> dict:
    """The computed values behind the findings of one indicator."""
    f = frame[frame["indicator"] == ind].set_index("region_code")
    top = f.loc[ds.top]
    units = f.loc[ds.unit_codes]
    sgn = ct.sign(ds, ind)
    years = int(top["target_year"]) - base_year
    raised = units[
        (units["basis"] == "standard") & (sgn * (units["target"] - units["baseline"]) > 0)
    ]
    need = (sgn * (raised["target"] - raised["baseline"])).sort_values(ascending=False)
    out = {
        "baseline": float(top["baseline"]),
        "baseline_year": top["baseline_year"],
        "projected_p": float(top["projected_p"]),
        "standard": float(top["standard"]),
        "target": float(top["target"]),
        "carried": bool(std.loc[ind, "carried"]),
        "source": str(std.loc[ind, "source"]),
        "raised": list(need.index),
        "trend": list(units.index[units["basis"] == "trend"]),
        "raised_share": float(units.loc[need.index, "share"].sum()),
        "top_required": sgn * (float(top["target"]) - float(top["baseline"])) / years,
    }
    o = ds.obs(ind, [ds.top, *ds.unit_codes])
    o = o[o["year"] <= base_year]
    out["top_first_year"], out["top_history"] = _annual_change(o, ds.top, sgn)
    if len(need):
        worst = need.index[0]
        out.update(
            worst=worst,
            worst_baseline=float(units.loc[worst, "baseline"]),
            worst_target=float(units.loc[worst, "target"]),
            worst_required=float(need.iloc[0]) / years,
        )
        out["worst_first_year"], out["worst_history"] = _annual_change(o, worst, sgn)
    return out


def _annual_change(o: pd.DataFrame, region: str, sign: float) -> tuple[float, float]:
    """(first year, average annual change in the good direction) of one region's series."""
    h = o[o["region_code"] == region].dropna(subset=["value"]).sort_values("year")
    if len(h) < 2:
        return np.nan, np.nan
    span = float(h["year"].iloc[-1] - h["year"].iloc[0])
    return float(h["year"].iloc[0]), sign * float(h["value"].iloc[-1] - h["value"].iloc[0]) / span
