"""County development gaps: the pipeline behind notebook 02 and the county profiles.

Parameter resolution lives in ``gap_params`` (``resolve`` -> ``Spec``); headers, labels,
reader tables, figure inputs and findings in ``analysis.present.words`` (``gaps``,
``gap_text``, ``gap_findings``); this module computes the result tables. The methods live
in ``composite`` (development index, rank sensitivity), ``inequality`` (CV, Gini, Theil
with decomposition), ``convergence``
(sigma, beta), ``shortfall`` and ``tiers``. Names of ``gap_params`` are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.analyses import levels
from analysis.analyses.gap_params import (
    Spec,
    coverage,
    groups_of,
    index_indicators,
    latest_year,
    meta,
    resolve,
    targets,
    unit_code,
)
from analysis.analyses.gap_params import _obs as _obs
from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.methods import composite, convergence, inequality, shortfall, tiers

__all__ = [
    "Spec",
    "coverage",
    "groups_of",
    "index_indicators",
    "latest_year",
    "meta",
    "resolve",
    "targets",
    "unit_code",
]

# Percentage rates whose base is a count of units: indicator -> base count indicator.
# (share of urban communities / villages with a community service facility; share of community
# workers holding a social-work certificate)
RATE_BASES: dict[str, str] = {
    "urban_facility_coverage": "resident_committees",
    "rural_facility_coverage": "village_committees",
    "worker_sw_certified_share": "community_workers",
}
# Unit costs are ASSUMPTIONS, in yuan per unit of the missing quantity: construction cost
# per m² of community service floor area, and the annual cost (pay and social insurance) of one
# community worker.  Quantities measured in persons are costed per year, others once.
DEFAULT_UNIT_COSTS: dict[str, float] = {"facility_area": 3000.0, "urban_community_workers": 50000.0}
TIER_K = 0.5  # tiers: leading from mean + K sd, lagging up to mean - K sd (methods.tiers)


# -- composite index -------------------------------------------------------------------
def development_index(ds: Dataset, spec: Spec) -> pd.DataFrame:
    """Index, rank, theme sub-indices and rank sensitivity of every unit in ``spec.year``.

    Sensitivity: ranks under every normalisation x weighting (equal, theme, entropy, and the
    user weights if given); median rank, best, worst and range per unit.
    """
    v = ds.values(spec.indicators, spec.year)
    m = meta(ds, spec.indicators)
    tg = targets(ds, spec.indicators)
    res = composite.composite(v, m["direction"], m["theme"], spec.normalisation, spec.weighting, tg)
    wts: list[str | Mapping[str, float]] = list(composite.WEIGHTINGS)
    if isinstance(spec.weighting, Mapping):
        wts.append(spec.weighting)
    _, sens = composite.rank_sensitivity(v, m["direction"], m["theme"], tg, weightings=wts)
    out = res.join(sens)
    return out.sort_values(["rank"], kind="stable").rename_axis("region_code")


def index_weights(ds: Dataset, spec: Spec) -> pd.DataFrame:
    """The weights used, per indicator, under every weighting scheme."""
    v = ds.values(spec.indicators, spec.year)
    m = meta(ds, spec.indicators)
    cols = {
        f"w_{w}": composite.weights(v, w, m["theme"], m["direction"]) for w in composite.WEIGHTINGS
    }
    if isinstance(spec.weighting, Mapping):
        cols["w_user"] = composite.weights(v, spec.weighting, m["theme"], m["direction"])
    out = pd.DataFrame(cols)
    out.insert(0, "theme", m["theme"])
    return out.rename_axis("indicator")


# -- inequality and convergence ----------------------------------------------------------
def panel_array(ds: Dataset, ids: Sequence[str]) -> tuple[np.ndarray, list[int], list[str]]:
    """Unit values as an indicator x year x region array (NaN where missing), one scatter."""
    units = ds.unit_codes
    o = _obs(ds, ids)
    years = sorted(o["year"].unique().tolist())
    arr = np.full((len(ids), len(years), len(units)), np.nan)
    ii = pd.Index(list(ids)).get_indexer(o["indicator"])
    yi = pd.Index(years).get_indexer(o["year"])
    ri = pd.Index(units).get_indexer(o["region_code"])
    arr[ii, yi, ri] = o["value"].to_numpy(dtype=float)
    return arr, years, units


def population(ds: Dataset, years: Sequence[int]) -> pd.DataFrame:
    """Unit population, region x year, census values interpolated (analysis.data.derived)."""
    return denominators(ds, "population", list(years)).reindex(ds.unit_codes)


def inequality_table(
    ds: Dataset, ids: Sequence[str], groups: pd.Series | None = None, panel: tuple | None = None
) -> pd.DataFrame:
    """CV, Gini, Theil T/L (with between/within parts by ``groups``) for every indicator and
    year, unweighted (``weighting = "equal"``) and population-weighted (``"population"``).
    ``panel`` is ``panel_array(ds, ids)`` when already computed."""
    x, years, units = panel if panel is not None else panel_array(ds, ids)
    g = None if groups is None else groups.reindex(units).to_numpy(dtype=object)
    pop = population(ds, years).to_numpy(dtype=float).T[None, :, :]  # 1 x year x region
    parts = []
    for label, w in (("equal", None), ("population", np.broadcast_to(pop, x.shape))):
        res = inequality.measures(x, w, g)
        frame = pd.DataFrame({k: v.ravel() for k, v in res.items()})
        frame.insert(0, "weighting", label)
        frame.insert(0, "year", np.tile(years, len(ids)))
        frame.insert(0, "indicator", np.repeat(list(ids), len(years)))
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["n"] > 1]
    return out.sort_values(["indicator", "weighting", "year"], ignore_index=True)


def sigma_table(ineq: pd.DataFrame, measure: str = "cv", weighting: str = "equal") -> pd.DataFrame:
    """Year x indicator table of one dispersion measure (sigma-convergence lines)."""
    f = ineq[ineq["weighting"] == weighting]
    return f.pivot(index="year", columns="indicator", values=measure)


def beta_table(
    ds: Dataset,
    ids: Sequence[str],
    start_year: int | None = None,
    end_year: int | None = None,
    panel: tuple | None = None,
) -> pd.DataFrame:
    """beta-convergence (statsmodels OLS) and the sigma trend for each indicator."""
    x, years, units = panel if panel is not None else panel_array(ds, ids)
    rows = {}
    for k, i in enumerate(ids):  # one regression per indicator (not per county)
        p = pd.DataFrame(x[k].T, index=units, columns=years).dropna(axis=1, how="all")
        b = convergence.beta(p, start_year, end_year)
        s = convergence.sigma(p)["cv"]
        s = s.loc[b["start_year"] : b["end_year"]] if b["n"] else s
        tr = convergence.sigma_trend(s)
        b.update(sigma_slope=tr["slope"], sigma_p_value=tr["p_value"])
        rows[i] = b
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("indicator")


# -- shortfall ----------------------------------------------------------------------------
def _latest_value(ds: Dataset, ind: str, year: int) -> pd.Series:
    """Unit values of ``ind`` in the latest year <= ``year`` (else the earliest year)."""
    p = ds.panel(ind)
    if p.empty:
        return pd.Series(np.nan, index=ds.unit_codes)
    cols = [c for c in p.columns if c <= year] or [min(p.columns)]
    return p[max(cols)]


def shortfall_table(
    ds: Dataset,
    year: int,
    unit_costs: Mapping[str, float] | None = None,
    target_year: int | None = None,
    rate_bases: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Gap of every unit to every standard/target of the top region, with quantity and cost.

    Quantity: the missing numerator (higher is better) or denominator (lower is better) of a
    ratio indicator, or the count of units without the service for a percentage rate in
    ``rate_bases``.  Cost = quantity x unit cost (``unit_costs`` by quantity indicator; yuan;
    assumptions, default ``DEFAULT_UNIT_COSTS``), in 10k yuan; per year for persons.
    """
    costs = DEFAULT_UNIT_COSTS if unit_costs is None else unit_costs
    bases = RATE_BASES if rate_bases is None else rate_bases
    ind = ds.indicators.set_index("id")
    frames = {}
    qty_of = {}
    for i, tgt in targets(ds, target_year=target_year).items():
        row = ind.loc[i]
        value = ds.values([i], year)[i]
        direction = row["direction"]
        base, scale, q = None, 1.0, None
        if str(row["numerator"] or "") and str(row["denominator"] or ""):
            base = denominators(ds, row["denominator"], [year]).reindex(ds.unit_codes)[year]
            scale = float(row["scale"])
            q = row["numerator"] if direction == "higher" else row["denominator"]
        elif i in bases and bases[i] in ind.index:
            base, scale, q = _latest_value(ds, bases[i], year), 100.0, bases[i]
        cost = costs.get(q) if q else None
        f = shortfall.shortfall(
            value, tgt, direction=direction, base=base, scale=scale, unit_cost=cost
        )
        f["cost"] = f["cost"] / 1e4
        frames[i] = f
        qty_of[i] = q
    out = shortfall.ranked(frames)
    out["quantity_of"] = out["indicator"].map(qty_of)
    persons = out["quantity_of"].map(ind["unit_en"].eq("persons")).fillna(False).astype(bool)
    out["cost_basis"] = np.where(out["cost"].notna(), np.where(persons, "per_year", "once"), "")
    return out


def shortfall_totals(short: pd.DataFrame) -> pd.DataFrame:
    """Total quantity and cost per indicator over all units with a gap."""
    g = short.groupby("indicator", sort=True)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "quantity": g["quantity"].sum(min_count=1),
            "cost": g["cost"].sum(min_count=1),
            "quantity_of": g["quantity_of"].first(),
            "cost_basis": g["cost_basis"].first(),
        }
    )
    return out.sort_values("cost", ascending=False, na_position="last", kind="stable")


# -- the intermediate level (the prefectures of a province) ----------------------------------
def group_standards(ds: Dataset, year: int, indicators: Sequence[str]) -> pd.DataFrame:
    """Each region of the intermediate level (``levels.group_level``: the prefectures of a
    province) and the top against each standard of ``indicators``, one row per region and
    indicator: ``value`` is the region's own value (the data layer's aggregate of its units,
    a ratio of sums for a ratio indicator: x_P = scale * sum num / sum den), ``target`` the
    standard, ``gap`` = target - value in the indicator's direction (> 0: below it),
    ``below`` whether the region as a whole is below it, ``n`` its units and ``n_below``
    those below it (gap > 0, as in ``shortfall_table``). Empty without an intermediate level.
    """
    cols = ["region_code", "row", "indicator", "value", "target", "gap", "below", "n", "n_below"]
    groups = levels.group_of(ds)
    tg = targets(ds, list(indicators))
    if groups.empty or tg.empty:
        return pd.DataFrame(columns=cols)
    codes = levels.codes_at(ds, str(levels.group_level(ds)))
    regions = [*codes, ds.top]
    own = ds.values(list(tg.index), year, regions)
    units = ds.values(list(tg.index), year)
    member = {g: groups.index[groups == g] for g in codes} | {ds.top: groups.index}
    rows = []
    for ind, std in tg.items():
        sgn = 1.0 if meta(ds, [ind]).loc[ind, "direction"] == "higher" else -1.0
        unit_gap = sgn * (float(std) - units[ind])
        for r in regions:
            v = float(own.loc[r, ind])
            gap = sgn * (float(std) - v)
            rows.append(
                {
                    "region_code": r,
                    "row": levels.TOTAL if r == ds.top else levels.SUBTOTAL,
                    "indicator": ind,
                    "value": v,
                    "target": float(std),
                    "gap": gap,
                    "below": bool(gap > 0),
                    "n": len(member[r]),
                    "n_below": int((unit_gap.reindex(member[r]) > 0).sum()),
                }
            )
    return pd.DataFrame(rows, columns=cols)


def shortfall_by_group(ds: Dataset, short: pd.DataFrame) -> pd.DataFrame:
    """``short`` (``shortfall_table``) grouped by the intermediate level: for each indicator,
    the units below the standard of each group, most severe first (``rank``), followed by
    the group's subtotal row (units counted in ``n``, ``quantity`` and ``cost`` summed), and
    the top's total row last; columns ``group`` (the group's code) and ``row``
    (``unit``/``subtotal``/``total``) added. Empty without an intermediate level."""
    groups = levels.group_of(ds)
    if groups.empty or short.empty:
        return short.iloc[0:0].assign(group=pd.Series(dtype=object), n=0, row="")
    parts = []
    for ind in dict.fromkeys(short["indicator"]):
        f = short[short["indicator"] == ind].sort_values("rank", kind="stable")
        f = f.assign(n=1)
        g = levels.grouped(ds, f, sums=("n", "quantity", "cost"))
        keep = ["indicator", "target", "quantity_of", "cost_basis"]
        g[keep] = g[keep].fillna({k: f[k].iloc[0] for k in keep})
        total = g[g["region_code"] == ds.top]
        if total.empty:  # the top's row: the sums over every unit
            total = pd.DataFrame(
                [
                    {
                        "region_code": ds.top,
                        **{k: f[k].iloc[0] for k in keep},
                        **{c: f[c].sum(min_count=1) for c in ("n", "quantity", "cost")},
                        "group": "",
                        "row": levels.TOTAL,
                    }
                ]
            )
            g = pd.concat([g, total], ignore_index=True)
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].astype(int)
    return out


# -- tiers ---------------------------------------------------------------------------------
def tier_table(index: pd.DataFrame, ds: Dataset, spec: Spec, rule: str = "sd") -> pd.DataFrame:
    """Tier of every unit on the overall index and on every theme sub-index."""
    themes = [c for c in index.columns if c in set(meta(ds, spec.indicators)["theme"])]
    return tiers.tiers(index[["index", *themes]], rule=rule, k=TIER_K)


# -- county profile --------------------------------------------------------------------------
def profile(ds: Dataset, region_code: str, spec: Spec) -> pd.DataFrame:
    """One unit on every index indicator and every indicator with a target.

    Columns: value, prefecture (the top region's value where recorded), unit_median,
    target, rank among units (1 = best in the indicator's direction), n, tier (sd rule on
    the indicator itself), gap, gap_pct.
    """
    region_code = unit_code(ds, region_code)
    tg = targets(ds)
    ids = list(
        dict.fromkeys([*spec.indicators, *[i for i in tg.index if i not in spec.indicators]])
    )
    v = ds.values(ids, spec.year)
    top = ds.values(ids, spec.year, [ds.top]).iloc[0]
    m = meta(ds, ids)
    sign = np.where(m["direction"].to_numpy() == "lower", -1.0, 1.0)
    oriented = v * sign
    ranks = oriented.rank(ascending=False, method="min")
    tier = tiers.tiers(oriented)
    out = pd.DataFrame(
        {
            "value": v.loc[region_code],
            "prefecture": top,
            "unit_median": v.median(),
            "target": tg.reindex(ids),
            "rank": ranks.loc[region_code],
            "n": v.notna().sum(),
            "tier": tier.loc[region_code],
        }
    )
    gap = np.where(
        m["direction"] == "lower", out["value"] - out["target"], out["target"] - out["value"]
    )
    out["gap"] = np.where(np.isfinite(gap), np.clip(gap, 0, None), np.nan)
    out["gap_pct"] = out["gap"] / out["target"] * 100
    return out.rename_axis("indicator")


# -- notebook helpers: figure inputs and text ---------------------------------------------------
def obs_used(
    ds: Dataset, ids: Sequence[str], year: int | None = None, top: bool = False
) -> pd.DataFrame:
    """The observations behind a table or figure (units, optionally the top region), for
    source notes."""
    regions = ds.unit_codes + ([ds.top] if top else [])
    return _obs(ds, list(ids), year, regions)


def standard_indicators(ds: Dataset, spec: Spec | None = None) -> list[str]:
    """Ratio indicators (per 10k, per 100 households ...) with a standard/target for the top
    region."""
    ind = ds.indicators.set_index("id")
    have = set(ds.observations.loc[ds.observations["region_code"].isin(ds.unit_codes), "indicator"])
    out = [i for i in targets(ds).index if str(ind.loc[i, "numerator"] or "") and i in have]
    if spec is not None:
        yr = set(obs_used(ds, out, spec.year)["indicator"])
        out = [i for i in out if i in yr]
    return out


def inequality_latest(ineq: pd.DataFrame, year: int) -> pd.DataFrame:
    """Inequality of every indicator in ``year``: unweighted measures, population-weighted CV,
    Theil T between-group share (population-weighted)."""
    e = ineq[(ineq["year"] == year) & (ineq["weighting"] == "equal")].set_index("indicator")
    p = ineq[(ineq["year"] == year) & (ineq["weighting"] == "population")].set_index("indicator")
    out = e[["n", "mean", "cv", "gini", "theil_t", "theil_l"]].copy()
    out.insert(3, "cv_population", p["cv"].reindex(out.index))
    if "theil_t_between_share" in p.columns:
        out["theil_t_between_share"] = p["theil_t_between_share"].reindex(out.index)
    return out


# -- whole pipeline (benchmarks, CLI) ---------------------------------------------------------
def run(
    ds: Dataset,
    year: int = 0,
    indicators: str | Sequence[str] | None = None,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    grouping: str | Mapping[str, str] | None = "auto",
) -> dict[str, pd.DataFrame]:
    """Every gap table: index (with rank sensitivity under all normalisations x weightings),
    weights, tiers, inequality for every indicator and year, sigma and beta convergence,
    shortfalls."""
    spec = resolve(ds, year, indicators, normalisation, weighting, grouping)
    idx = development_index(ds, spec)
    arr = panel_array(ds, spec.indicators)
    ineq = inequality_table(ds, spec.indicators, spec.groups, arr)
    short = shortfall_table(ds, spec.year)
    return {
        "index": idx,
        "weights": index_weights(ds, spec),
        "tiers": tier_table(idx, ds, spec),
        "inequality": ineq,
        "sigma": sigma_table(ineq),
        "beta": beta_table(ds, spec.indicators, panel=arr),
        "shortfall": short,
        "shortfall_totals": shortfall_totals(short),
    }
