"""County development gaps: the pipeline behind notebook 02 and the county profiles.

Functions here take a ``Dataset`` and parameters, validate the parameters (bilingual
``UserError`` listing valid options) and return ready tables and figure inputs.  The methods
live in ``composite`` (development index, rank sensitivity), ``inequality`` (CV, Gini, Theil with
decomposition), ``convergence`` (sigma, beta), ``shortfall`` and ``tiers``.

Tables come with code-like column names; ``display(frame, ds, lang)`` turns them into
Chinese-first (or English) headers and region names for reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.errors import UserError, check_choice
from analysis.methods import composite, convergence, inequality, shortfall, tiers

# Percentage rates whose base is a count of units: indicator -> base count indicator.
# (share of urban communities / villages with a community service facility; share of community
# workers holding a social-work certificate)
RATE_BASES: dict[str, str] = {
    "urban_facility_coverage": "resident_committees",
    "rural_facility_coverage": "village_committees",
    "worker_sw_certified_share": "community_workers",
}
# Unit costs are ASSUMPTIONS (假设), in yuan per unit of the missing quantity: construction cost
# per m² of community service floor area, and the annual cost (pay and social insurance) of one
# community worker.  Quantities measured in persons are costed per year, others once.
DEFAULT_UNIT_COSTS: dict[str, float] = {"facility_area": 3000.0, "urban_community_workers": 50000.0}

THEMES: dict[str, tuple[str, str]] = {
    "facilities": ("设施", "Facilities"),
    "workforce": ("队伍", "Workforce"),
    "organisations": ("社会组织", "Organisations"),
    "volunteering": ("志愿服务", "Volunteering"),
    "informatisation": ("信息化", "Informatisation"),
    "governance": ("基层治理", "Governance"),
    "population": ("人口", "Population"),
    "divisions": ("区划", "Divisions"),
    "baseline": ("基础", "Baseline"),
}
HEADERS: dict[str, tuple[str, str]] = {
    "region_code": ("区划代码", "Code"),
    "region": ("县(市)", "County"),
    "indicator": ("指标", "Indicator"),
    "year": ("年份", "Year"),
    "index": ("综合指数", "Index"),
    "rank": ("排名", "Rank"),
    "median_rank": ("排名中位数", "Median rank"),
    "best_rank": ("最好排名", "Best rank"),
    "worst_rank": ("最差排名", "Worst rank"),
    "rank_range": ("排名极差", "Rank range"),
    "weighting": ("加权", "Weighting"),
    "n": ("单元数", "Units"),
    "mean": ("均值", "Mean"),
    "cv": ("变异系数", "CV"),
    "gini": ("基尼系数", "Gini"),
    "cv_population": ("人口加权变异系数", "Population-weighted CV"),
    "theil_t": ("泰尔T指数", "Theil T"),
    "theil_l": ("泰尔L指数", "Theil L"),
    "theil_t_between": ("泰尔T组间", "Theil T between"),
    "theil_t_within": ("泰尔T组内", "Theil T within"),
    "theil_t_between_share": ("泰尔T组间贡献率", "Theil T between share"),
    "theil_l_between": ("泰尔L组间", "Theil L between"),
    "theil_l_within": ("泰尔L组内", "Theil L within"),
    "theil_l_between_share": ("泰尔L组间贡献率", "Theil L between share"),
    "start_year": ("起始年", "Start year"),
    "end_year": ("终止年", "End year"),
    "beta": ("β系数", "beta"),
    "se": ("标准误", "Std. error"),
    "p_value": ("p值", "p-value"),
    "r2": ("R²", "R²"),
    "speed": ("收敛速度", "Speed"),
    "half_life": ("半衰期(年)", "Half-life (years)"),
    "value": ("现状值", "Value"),
    "target": ("标准/目标", "Standard/target"),
    "gap": ("差距", "Gap"),
    "gap_pct": ("差距占目标(%)", "Gap (% of target)"),
    "quantity": ("缺口数量", "Quantity missing"),
    "quantity_unit": ("缺口单位", "Unit"),
    "cost": ("估算投入(万元)", "Estimated cost (10k yuan)"),
    "cost_basis": ("投入类型", "Cost basis"),
    "tier": ("分档", "Tier"),
    "prefecture": ("全州", "Prefecture"),
    "unit_median": ("县(市)中位数", "County median"),
    "weight": ("权重", "Weight"),
    "w_equal": ("等权权重", "Equal weight"),
    "w_theme": ("维度等权权重", "Theme weight"),
    "w_entropy": ("熵权权重", "Entropy weight"),
    "w_user": ("自定义权重", "User weight"),
    "sigma_slope": ("变异系数年变化", "CV trend per year"),
    "sigma_p_value": ("变异系数趋势p值", "CV trend p-value"),
    "theme": ("维度", "Dimension"),
    "equal": ("等权", "equal"),
    "population": ("人口加权", "population-weighted"),
}
COST_BASIS = {"once": ("一次性", "one-off"), "per_year": ("每年", "per year")}
NORMALISATION_LABELS = {
    "minmax": ("极差标准化", "min-max"),
    "zscore": ("Z分数", "z-score"),
    "target": ("目标距离", "distance to target"),
}
WEIGHTING_LABELS = {
    "equal": ("等权", "equal"),
    "theme": ("维度等权", "equal by theme"),
    "entropy": ("熵权", "entropy"),
    "user": ("自定义", "user-given"),
}


def _lang(lang: str) -> int:
    return 0 if check_choice(lang, ("zh", "en"), "kinds.language") == "zh" else 1


def theme_label(theme: str, lang: str = "zh") -> str:
    return THEMES.get(theme, (theme, theme))[_lang(lang)]


# -- fast data access (Dataset.obs validates codes one by one; units are valid by construction) --
def _obs(
    ds: Dataset,
    ids: Sequence[str],
    years: int | Sequence[int] | None = None,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Observations of ``ids`` for ``regions`` (default: the units)."""
    return ds.obs(list(ids), ds.unit_codes if regions is None else list(regions), years)


# -- parameters -----------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """Resolved parameters of a gap analysis."""

    year: int
    indicators: list[str]  # indicators of the index with data in ``year``
    dropped: list[str]  # asked for but without data in ``year``
    normalisation: str
    weighting: str | Mapping[str, float]
    groups: pd.Series | None  # unit code -> group label


def index_indicators(ds: Dataset, indicators: str | Sequence[str] | None = None) -> list[str]:
    """The indicators of the index: ``indicators`` (validated) or those with ``in_index == 1``.

    ``indicators`` may be a list of ids or a comma-separated string; empty means the default.
    """
    if isinstance(indicators, str):
        indicators = [s.strip() for s in indicators.split(",") if s.strip()]
    if not indicators:
        return ds.indicators.loc[ds.indicators["in_index"] == 1, "id"].tolist()
    ids = ds.check_indicators(list(indicators))
    return list(dict.fromkeys(ids))


def coverage(ds: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Which (indicator, year) pairs have unit data: columns indicator, year."""
    o = _obs(ds, ids)
    cov = o[["indicator", "year"]].drop_duplicates()
    order = {i: n for n, i in enumerate(ds.check_indicators(list(ids)))}
    cov = cov.assign(_o=cov["indicator"].map(order)).sort_values(["_o", "year"])
    return cov.drop(columns="_o").astype({"year": int}).reset_index(drop=True)


def latest_year(ds: Dataset, ids: Sequence[str]) -> int:
    """The latest year in which most (more than half) of ``ids`` have data for the units."""
    cov = coverage(ds, ids)
    if cov.empty:
        raise UserError(
            f"所选指标没有县级数据: {', '.join(ids)}", f"No county data for: {', '.join(ids)}"
        )
    per_year = cov.groupby("year")["indicator"].nunique()
    ok = per_year[per_year > len(ids) / 2]
    return int((ok if not ok.empty else per_year).index.max())


def groups_of(ds: Dataset, grouping: str | Mapping[str, str] | None) -> pd.Series | None:
    """Unit code -> group label from a regions.csv column name or a user mapping (None: none)."""
    if grouping is None or (isinstance(grouping, str) and grouping == ""):
        return None
    units = ds.unit_codes
    if isinstance(grouping, Mapping):
        ds.check_regions(list(grouping))
        g = pd.Series({str(k): str(v) for k, v in grouping.items()}).reindex(units)
        missing = g.index[g.isna()].tolist()
        if missing:
            raise UserError(
                f"分组未覆盖以下县(市): {', '.join(missing)}",
                f"Grouping misses units: {', '.join(missing)}",
            )
        return g.rename("group")
    cols = [c for c in ds.regions.columns if c not in ("code", "name_zh", "name_en", "parent_code")]
    if grouping not in cols:
        raise UserError(
            f"未知的分组: {grouping}。可用: {', '.join(cols)} 或 {{区划代码: 组名}}",
            f"Unknown grouping: {grouping}. Valid: {', '.join(cols)} or a {{code: group}} mapping",
        )
    g = ds.regions.set_index("code")[grouping].reindex(units).fillna("").astype(str)
    if (g == "").all():
        return None
    return g.rename("group")


def resolve(
    ds: Dataset,
    year: int = 0,
    indicators: str | Sequence[str] | None = None,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    grouping: str | Mapping[str, str] | None = "group",
) -> Spec:
    """Validate notebook parameters; ``year = 0`` means the latest year with data."""
    ids = index_indicators(ds, indicators)
    composite.check_normalisation(normalisation)
    if isinstance(weighting, str) and weighting not in composite.WEIGHTINGS:
        valid = ", ".join(composite.WEIGHTINGS) + ", {indicator: weight}"
        raise UserError(
            f"未知的权重方法: {weighting}。可用: {valid}",
            f"Unknown weighting: {weighting}. Valid: {valid}",
        )
    if isinstance(weighting, Mapping):
        ds.check_indicators(list(weighting))
    cov = coverage(ds, ids)
    years = sorted(cov["year"].unique())
    if not year:
        year = latest_year(ds, ids)
    elif year not in years:
        raise UserError(
            f"年份 {year} 没有数据。可用年份: {', '.join(map(str, years))}",
            f"No data for year {year}. Valid years: {', '.join(map(str, years))}",
        )
    have = set(cov.loc[cov["year"] == int(year), "indicator"])
    return Spec(
        year=int(year),
        indicators=[i for i in ids if i in have],
        dropped=[i for i in ids if i not in have],
        normalisation=normalisation,
        weighting=weighting,
        groups=groups_of(ds, grouping),
    )


def targets(
    ds: Dataset, ids: Sequence[str] | None = None, target_year: int | None = None
) -> pd.Series:
    """Indicator -> target value for the top region (latest target year unless given)."""
    t = ds.targets[ds.targets["region_code"] == ds.top]
    if target_year:
        t = t[t["target_year"] == target_year]
    t = t.sort_values("target_year").groupby("indicator")["target_value"].last()
    return t if ids is None else t.reindex([i for i in ids if i in t.index])


def unit_code(ds: Dataset, region_code: str | int | None) -> str:
    """``region_code`` as a validated county-level code (empty: the first unit)."""
    if region_code in (None, "", 0):
        return ds.unit_codes[0]
    code = ds.check_regions([str(region_code)])[0]
    if code not in ds.unit_codes:
        listing = [f"{c} {ds.name(c)}" for c in ds.unit_codes]
        raise UserError(
            f"{code} 不是县级单元。可用: {', '.join(listing)}",
            f"{code} is not a county-level unit. Valid: {', '.join(listing)}",
        )
    return code


def meta(ds: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Direction and theme of ``ids`` (indexed by id)."""
    return ds.indicators.set_index("id").loc[list(ids), ["direction", "theme"]]


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
    wts = list(composite.WEIGHTINGS)
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
    for i, t in targets(ds, target_year=target_year).items():
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
            value, t, direction=direction, base=base, scale=scale, unit_cost=cost
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


# -- tiers ---------------------------------------------------------------------------------
def tier_table(index: pd.DataFrame, ds: Dataset, spec: Spec, rule: str = "sd") -> pd.DataFrame:
    """Tier of every unit on the overall index and on every theme sub-index."""
    themes = [c for c in index.columns if c in set(meta(ds, spec.indicators)["theme"])]
    return tiers.tiers(index[["index", *themes]], rule=rule)


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


def profile_dots(prof: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """dot_plot input: county, prefecture and target as % of the county median (median = 100)."""
    base = prof["unit_median"].where(prof["unit_median"] > 0)
    f = pd.DataFrame(
        {
            "county": prof["value"] / base * 100,
            "prefecture": prof["prefecture"] / base * 100,
            "target": prof["target"] / base * 100,
        }
    ).dropna(subset=["county"])
    f.index = [ds.label(i, lang, unit=False) for i in f.index]
    return f


# -- display ----------------------------------------------------------------------------------
def display(frame: pd.DataFrame, ds: Dataset, lang: str = "zh", digits: int = 2) -> pd.DataFrame:
    """A table for reading: region codes -> names, indicator ids -> labels, Chinese headers.

    Works on columns and on the index (``region_code``/``indicator``), and relabels theme,
    tier and weighting values.
    """
    k = _lang(lang)
    f = (
        frame.reset_index()
        if frame.index.name in ("region_code", "indicator", "year")
        else frame.copy()
    )
    if "region_code" in f.columns:
        f.insert(
            list(f.columns).index("region_code") + 1, "region", f["region_code"].map(ds.names(lang))
        )
    for col in ("indicator", "quantity_of"):
        if col in f.columns:
            f[col] = f[col].map(
                lambda i: (
                    ds.label(i, lang) if isinstance(i, str) and i in set(ds.indicators["id"]) else i
                )
            )
    if "theme" in f.columns:
        f["theme"] = f["theme"].map(lambda t: theme_label(t, lang))
    if "weighting" in f.columns:
        f["weighting"] = f["weighting"].map(lambda w: HEADERS.get(w, (w, w))[k])
    if "cost_basis" in f.columns:
        f["cost_basis"] = f["cost_basis"].map(lambda b: COST_BASIS.get(b, ("", ""))[k])
    if "tier" in f.columns:
        f["tier"] = f["tier"].map(tiers.LABELS[lang]).fillna(f["tier"])
    if "quantity_of" in f.columns:
        f = f.rename(columns={"quantity_of": "quantity_unit"})
    counts = [
        c
        for c in (
            "year",
            "n",
            "rank",
            "median_rank",
            "best_rank",
            "worst_rank",
            "rank_range",
            "start_year",
            "end_year",
        )
        if c in f.columns
    ]
    for c in counts:  # whole numbers (a median of an even count may end in .5)
        if pd.api.types.is_numeric_dtype(f[c]) and (f[c].dropna() % 1 == 0).all():
            f[c] = f[c].astype("Int64")
    num = f.select_dtypes("number").columns.difference(counts)
    f[num] = f[num].round(digits)
    names = {
        c: HEADERS[c][k] if c in HEADERS else theme_label(c, lang) if c in THEMES else c
        for c in f.columns
    }
    f.index = pd.RangeIndex(
        1, len(f) + 1, name=("序号", "No.")[k]
    )  # rows numbered as in a printed table
    return f.rename(columns=names)


def tier_display(tier_frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """Tier table with region names as rows and dimension labels as columns."""
    k = _lang(lang)
    f = tiers.label(tier_frame, lang)
    f.index = [ds.name(c, lang) for c in f.index]
    f.columns = [HEADERS["index"][k] if c == "index" else theme_label(c, lang) for c in f.columns]
    return f


# -- notebook helpers: figure inputs and text ---------------------------------------------------
def describe(ds: Dataset, spec: Spec, lang: str = "zh") -> str:
    """One line stating the analysis year, method choices and indicators."""
    k = _lang(lang)
    w = spec.weighting if isinstance(spec.weighting, str) else "user"
    labels = (
        "、".join(ds.label(i, lang) for i in spec.indicators)
        if k == 0
        else "; ".join(ds.label(i, lang) for i in spec.indicators)
    )
    n = len(ds.unit_codes)
    if k == 0:
        text = (
            f"分析年份 {spec.year};{n} 个县(市);标准化方法: {NORMALISATION_LABELS[spec.normalisation][0]};"
            f"权重: {WEIGHTING_LABELS.get(w, (w, w))[0]};指标({len(spec.indicators)} 项): {labels}。"
        )
        if spec.dropped:
            text += (
                f"以下指标在 {spec.year} 年无县级数据,未纳入: "
                + "、".join(ds.label(i, lang) for i in spec.dropped)
                + "。"
            )
        return text
    text = (
        f"Year {spec.year}; {n} units; normalisation: {NORMALISATION_LABELS[spec.normalisation][1]}; "
        f"weights: {WEIGHTING_LABELS.get(w, (w, w))[1]}; indicators ({len(spec.indicators)}): {labels}."
    )
    if spec.dropped:
        text += (
            f" Left out (no county data in {spec.year}): "
            + "; ".join(ds.label(i, lang) for i in spec.dropped)
            + "."
        )
    return text


def obs_used(
    ds: Dataset, ids: Sequence[str], year: int | None = None, top: bool = False
) -> pd.DataFrame:
    """The observations behind a table or figure (units, optionally the top region), for source notes."""
    regions = ds.unit_codes + ([ds.top] if top else [])
    return _obs(ds, list(ids), year, regions)


def standard_indicators(ds: Dataset, spec: Spec | None = None) -> list[str]:
    """Ratio indicators (per 10k, per 100 households ...) with a standard/target for the top region."""
    ind = ds.indicators.set_index("id")
    have = set(ds.observations.loc[ds.observations["region_code"].isin(ds.unit_codes), "indicator"])
    out = [i for i in targets(ds).index if str(ind.loc[i, "numerator"] or "") and i in have]
    if spec is not None:
        yr = set(obs_used(ds, out, spec.year)["indicator"])
        out = [i for i in out if i in yr]
    return out


def ranked_input(ds: Dataset, ind: str, year: int, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.ranked_bar``: unit values by name and the standard line."""
    ds.check_indicators([ind])
    k = _lang(lang)
    v = ds.values([ind], year)[ind].rename(ds.names(lang))
    t = targets(ds, [ind])
    std = float(t.iloc[0]) if len(t) else None
    return {
        "values": v,
        "standard": std,
        "standard_label": (("国家标准", "Standard")[k] + f" {std:g}") if std is not None else None,
        "title": ds.label(ind, lang, unit=False) + (f"({year}年)" if k == 0 else f" ({year})"),
        "xlabel": ds.label(ind, lang),
        "lang": lang,
    }


def heatmap_input(ds: Dataset, spec: Spec, index: pd.DataFrame, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.heatmap``: min-max scores (0-100, higher = better) of every
    unit (rows, in index-rank order) on every indicator, annotated with the actual values."""
    k = _lang(lang)
    v = ds.values(spec.indicators, spec.year).reindex(index.index)
    m = meta(ds, spec.indicators)
    z = composite.normalise(v, m["direction"], "minmax")
    names = ds.names(lang)
    labels = [ds.label(i, lang) for i in spec.indicators]
    z.index = v.index.map(names)
    z.columns = labels
    annot = v.round(1)
    annot.index, annot.columns = z.index, labels
    return {
        "matrix": z,
        "annot": annot,
        "title": ("各县(市)分指标得分(极差标准化, 0-100)", "Scores by indicator (min-max, 0-100)")[
            k
        ],
        "cbar_label": ("得分(越高越好)", "Score (higher = better)")[k],
        "lang": lang,
    }


def lorenz_input(ds: Dataset, ind: str, year: int, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.lorenz``: unit values with population weights."""
    ds.check_indicators([ind])
    k = _lang(lang)
    v = ds.values([ind], year)[ind]
    w = population(ds, [year])[year]
    names = ds.names(lang)
    return {
        "values": v.rename(names),
        "weights": w.rename(names),
        "title": ds.label(ind, lang, unit=False)
        + ("(按常住人口加权, " if k == 0 else " (population-weighted, ")
        + (f"{year}年)" if k == 0 else f"{year})"),
        "lang": lang,
    }


def sigma_input(ineq: pd.DataFrame, ds: Dataset, lang: str = "zh", measure: str = "cv") -> dict:
    """Keyword arguments for ``figures.trend_lines``: yearly CV of each indicator."""
    k = _lang(lang)
    f = sigma_table(ineq, measure).dropna(axis=1, how="all")
    f.columns = [ds.label(c, lang, unit=False) for c in f.columns]
    return {
        "frame": f,
        "title": (
            "各指标县际变异系数(σ收敛)",
            "Coefficient of variation across units (sigma-convergence)",
        )[k],
        "ylabel": HEADERS[measure][k],
        "lang": lang,
    }


def map_input(ds: Dataset, index: pd.DataFrame, lang: str = "zh") -> dict | None:
    """Keyword arguments for ``maps.choropleth`` of the index, or None without a map file."""
    files = sorted((ds.root / "geo").glob("*.geojson")) if (ds.root / "geo").is_dir() else []
    if not files:
        return None
    k = _lang(lang)
    return {
        "values": index["index"],
        "geojson_path": files[0],
        "names": ds.names(lang),
        "title": ("城乡社区服务综合发展指数", "Composite community-services development index")[k],
        "cbar_label": HEADERS["index"][k],
        "lang": lang,
    }


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


def findings(results: dict[str, pd.DataFrame], ds: Dataset, spec: Spec, lang: str = "zh") -> str:
    """A few sentences summarising the results (leaders, laggards, convergence, shortfall)."""
    k = _lang(lang)
    idx, tier, beta = results["index"], results["tiers"], results["beta"]
    names = ds.names(lang)
    sep = "、" if k == 0 else ", "
    lead = sep.join(names[c] for c in tier.index[tier["index"] == "leading"])
    lag = sep.join(names[c] for c in tier.index[tier["index"] == "lagging"])
    conv = beta[(beta["beta"] < 0) & (beta["p_value"] < 0.05)].index
    div = beta[(beta["beta"] > 0) & (beta["p_value"] < 0.05)].index
    short = results["shortfall_totals"]
    once = short.loc[short["cost_basis"] == "once", "cost"].sum(min_count=1)
    yearly = short.loc[short["cost_basis"] == "per_year", "cost"].sum(min_count=1)
    first = names[idx.index[0]]
    if k == 0:
        text = (
            f"{spec.year}年综合发展指数最高的是{first};领先档: {lead or '无'};滞后档: {lag or '无'}。"
            f"{len(spec.indicators)}项指标中,{len(conv)}项呈显著β收敛(县际差距缩小),{len(div)}项呈显著发散。"
        )
        if pd.notna(once):
            text += f"按假设单价估算,补齐设施等缺口约需一次性投入{once:,.0f}万元"
            text += f",补齐人员缺口每年约需{yearly:,.0f}万元。" if pd.notna(yearly) else "。"
        elif pd.notna(yearly):
            text += f"按假设单价估算,补齐人员缺口每年约需{yearly:,.0f}万元。"
        return text
    text = (
        f"In {spec.year} the highest index is {first}; leading: {lead or 'none'}; lagging: {lag or 'none'}. "
        f"Of {len(spec.indicators)} indicators, {len(conv)} show significant beta-convergence and "
        f"{len(div)} significant divergence."
    )
    if pd.notna(once):
        text += f" At the assumed unit costs, closing the facility gaps needs about {once:,.0f} (10k yuan) once"
    if pd.notna(yearly):
        text += " and" if pd.notna(once) else " At the assumed unit costs, closing the gaps needs"
        text += f" {yearly:,.0f} (10k yuan) a year for staff"
    return text + ("." if pd.notna(once) or pd.notna(yearly) else "")


def county_position(
    ds: Dataset, region_code: str, index: pd.DataFrame, tier: pd.DataFrame, lang: str = "zh"
) -> pd.DataFrame:
    """One unit's score, rank and tier on the overall index and every theme."""
    k = _lang(lang)
    region_code = ds.check_regions([str(region_code)])[0]
    dims = list(tier.columns)
    ranks = index[dims].rank(ascending=False, method="min")
    out = pd.DataFrame(
        {
            HEADERS["theme"][k]: [
                HEADERS["index"][k] if d == "index" else theme_label(d, lang) for d in dims
            ],
            ("得分", "Score")[k]: index.loc[region_code, dims].astype(float).round(1).to_numpy(),
            HEADERS["rank"][k]: [f"{int(r)}/{len(index)}" for r in ranks.loc[region_code, dims]],
            HEADERS["tier"][k]: tier.loc[region_code, dims].map(tiers.LABELS[lang]).to_numpy(),
        }
    )
    return out


# -- whole pipeline (benchmarks, CLI) ---------------------------------------------------------
def run(
    ds: Dataset,
    year: int = 0,
    indicators: str | Sequence[str] | None = None,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    grouping: str | Mapping[str, str] | None = "group",
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
