"""Yearly census stocks (population, urban population, households) as denominators.

A stock is observed in census years (complete cross-sections), sometimes in other years
(a statistical bulletin, a yearbook, the Excel template). Its value for a region and year
is, with its **basis**:

- ``observed``: an observation of that region and year that is not a census cross-section;
- ``census``: the census value itself, or held at the nearest census value (before the
  first census; after the last one under ``assumption="census"``);
- ``interpolated``: between two observations up to the last census, geometrically,
  P(t) = P(t0)·(P(t1)/P(t0))^((t−t0)/(t1−t0)) (constant annual growth, UN DESA *Manual X*);
- ``estimated`` (``assumption="estimated"``, the default): after the last census, top down
  from the nearest region above that has the stock:

  * the **root** (a region with no ancestor holding the stock, here the province) follows
    its published yearly totals, geometric between them; after its last published total it
    grows at its mean annual growth since the last census,
    g = (X(y_last)/X(c_last))^(1/(y_last−c_last)) (several years, less noisy than the last
    single-year change; Guizhou's urban population 2020→2023: about 1.8 % a year); a root
    without published totals grows at its intercensal rate (X(c1)/X(c0))^(1/(c1−c0));
  * each **child** R of parent P keeps its share trend: s = X_R/X_P at the last two
    censuses, extrapolated geometrically, ŝ(t) = s(c1)·(s(c1)/s(c0))^((t−c1)/(c1−c0));
    when the children of P cover it at the last census (their sum within 0.5 % of X_P)
    they are scaled to sum to X_P(t): X_R = (X_P − Σ observed children)·ŝ_R/Σ ŝ(unobserved);
    otherwise (P has children outside the data, e.g. one prefecture of a province)
    X_R = X_P·ŝ_R;
  * an observed value of a region replaces its estimate, and its children are scaled to it;
  * an estimated part never exceeds its whole (``PART_OF``): in the default data
    one county's urban share of the prefecture grew from 2010 to 2020 fast enough that its
    extrapolated urban population passes its total population from 2027; it is capped there.

For Qiannan no prefecture or county yearly totals were found (only the 2023 population of
one county-level city), so the default data estimate from the Guizhou bulletins (2021-2023) down to
the prefecture and its counties. Households are published for no level after 2020: the
province grows at its 2010-2020 intercensal rate and the counties keep their share trends.
Census stocks are of 1 November, bulletin totals of year end (the two-month difference is
ignored).

>>> import pandas as pd
>>> from analysis.data.denominators import stock_frame
>>> regions = pd.DataFrame({"code": ["P", "a", "b"], "parent_code": ["", "P", "P"]})
>>> obs = pd.DataFrame({"region_code": ["P", "a", "b"] * 2 + ["P"],
...     "year": [2010] * 3 + [2020] * 3 + [2021], "value": [10, 4, 6, 20, 8, 12, 22.0]})
>>> v, b = stock_frame(obs, regions, [2020, 2021])
>>> v.round(2).to_dict("index")["a"], b.loc["a", 2021]
({2020: 8.0, 2021: 8.8}, 'estimated')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ASSUMPTIONS = ("estimated", "census")
BASES = ("census", "interpolated", "estimated", "observed")
COVER_RTOL = 0.005  # children cover their parent when their census sum is within 0.5 %


def census_years(obs: pd.DataFrame, regions: pd.DataFrame) -> list[int]:
    """Years in which more than half of the lowest regions holding the stock (those with
    no region below them holding it) are observed: the census cross-sections; a bulletin
    or yearbook figure for a few regions is not one."""
    have = pd.Index(obs["region_code"].astype(str).unique())
    inner = set(_parents(regions, have).values())
    leaves = obs[~obs["region_code"].astype(str).isin(inner)]
    n = leaves["region_code"].nunique()
    counts = leaves.groupby("year")["region_code"].nunique()
    return sorted(int(y) for y in counts.index[counts * 2 > n])


def interpolate(wide: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Geometric interpolation of a region x year table onto ``years``; flat outside the data span.

    Works row-wise on all regions at once: log-linear interpolation between the observed
    years of each row (np.interp on log values), constant beyond the first/last observation.
    """
    cols = sorted(wide.columns)
    values = wide[cols].to_numpy(float)
    valid = np.isfinite(values) & (values > 0)
    logv = np.log(np.where(valid, values, 1.0))
    x = np.array(cols, float)
    y = np.asarray(years, float)
    out = np.full((len(wide), len(years)), np.nan)
    for pattern in np.unique(valid, axis=0):  # rows sharing the same observed years, all at once
        if not pattern.any():
            continue
        rows = (valid == pattern).all(axis=1)
        xs, lv = x[pattern], logv[rows][:, pattern]
        yc = np.clip(y, xs[0], xs[-1])
        if len(xs) == 1:
            lo = hi = np.zeros(len(y), dtype=int)
        else:
            hi = np.clip(np.searchsorted(xs, yc, side="left"), 1, len(xs) - 1)
            lo = hi - 1
        span = np.where(xs[hi] > xs[lo], xs[hi] - xs[lo], 1.0)
        w = np.where(xs[hi] > xs[lo], (yc - xs[lo]) / span, 0.0)
        out[rows] = np.exp(lv[:, lo] * (1 - w) + lv[:, hi] * w)
    return pd.DataFrame(out, index=wide.index, columns=years)


def _parents(regions: pd.DataFrame, have: pd.Index) -> dict[str, str]:
    """Each region of ``have`` -> its nearest ancestor in ``have`` ('' for a root)."""
    parent = dict(
        zip(regions["code"].astype(str), regions["parent_code"].fillna("").astype(str), strict=True)
    )
    held, out = set(have), {}
    for code in have:
        c, seen = parent.get(code, ""), {code}
        while c and c not in held and c not in seen:
            seen.add(c)
            c = parent.get(c, "")
        out[code] = c if c in held else ""
    return out


def stock_frame(
    obs: pd.DataFrame,
    regions: pd.DataFrame,
    years: Sequence[int],
    assumption: str = "estimated",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One stock (``obs``: region_code, year, value) as region x ``years`` values and bases.

    See the module docstring for the rule; ``assumption="census"`` holds every region at its
    last census value after the last census and ignores later observations.
    """
    if assumption not in ASSUMPTIONS:
        raise ValueError(f"assumption must be one of {ASSUMPTIONS}, not {assumption!r}")
    years = sorted(int(y) for y in years)
    wide = obs.pivot_table(index="region_code", columns="year", values="value", aggfunc="last")
    if wide.empty:
        return wide, wide
    cy = census_years(obs, regions)
    last = max(cy) if cy else max(wide.columns)
    knots = wide[[c for c in wide.columns if c <= last]]
    values = interpolate(knots, years)
    basis = pd.DataFrame("census", index=wide.index, columns=years, dtype=object)
    first_knot = knots.notna().idxmax(axis=1)  # first observed year of each region
    last_knot = knots.iloc[:, ::-1].notna().idxmax(axis=1)
    for y in years:
        inside = (first_knot < y) & (last_knot > y)
        basis.loc[inside, y] = "interpolated"
        if y in knots.columns:
            seen = knots[y].notna()
            basis.loc[seen, y] = "census" if y in cy else "observed"
    post = [y for y in years if y > last]
    if assumption == "census" or not post:
        return values, basis
    est, est_basis = _estimate(wide, regions, cy, last, post)
    values.loc[:, post] = est.to_numpy()
    basis.loc[:, post] = est_basis.to_numpy()
    return values, basis


def _estimate(
    wide: pd.DataFrame, regions: pd.DataFrame, cy: list[int], last: int, post: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and bases of every region of ``wide`` for the years ``post`` after ``last``."""
    codes = [str(c) for c in wide.index]
    parent = _parents(regions, pd.Index(codes))
    prev = max([c for c in cy if c < last], default=None)
    x1 = wide[last].to_numpy(float)
    x0 = wide[prev].to_numpy(float) if prev is not None else np.full(len(codes), np.nan)
    pos = {c: i for i, c in enumerate(codes)}
    later = [c for c in wide.columns if c > last]
    observed = wide.reindex(columns=post).to_numpy(float)
    val = np.full((len(codes), len(post)), np.nan)
    basis = np.full((len(codes), len(post)), "estimated", dtype=object)
    t = np.asarray(post, float)

    def depth(c: str) -> int:
        d = 0
        while parent[c]:
            c, d = parent[c], d + 1
        return d

    children: dict[str, list[str]] = {}
    for c in sorted(codes, key=depth):
        p = parent[c]
        if p:
            children.setdefault(p, []).append(c)
            continue
        i = pos[c]
        val[i] = _root_path(wide.loc[c, [last, *later]], x0[i], last, prev, t)
    for p in sorted(children, key=depth):
        kids = [pos[c] for c in children[p]]
        ip = pos[p]
        s1 = x1[kids] / x1[ip]
        s0 = x0[kids] / x0[ip]
        trend = np.where(np.isfinite(s0) & (s0 > 0), s1 / s0, 1.0) ** (
            1.0 / (last - prev) if prev is not None else 0.0
        )
        share = s1[:, None] * trend[:, None] ** (t[None, :] - last)
        obs_k = observed[kids]
        seen = np.isfinite(obs_k)
        covered = abs(np.nansum(x1[kids]) - x1[ip]) <= COVER_RTOL * x1[ip]
        if covered:
            rest = val[ip] - np.where(seen, obs_k, 0.0).sum(axis=0)
            free = np.where(seen, 0.0, share).sum(axis=0)
            est = rest[None, :] * share / np.where(free > 0, free, np.nan)[None, :]
        else:
            est = val[ip][None, :] * share
        val[kids] = np.where(seen, obs_k, est)
    seen_all = np.isfinite(observed)
    val = np.where(seen_all, observed, val)
    basis[seen_all] = "observed"
    return (
        pd.DataFrame(val, index=wide.index, columns=post),
        pd.DataFrame(basis, index=wide.index, columns=post),
    )


def _root_path(
    series: pd.Series, x0: float, last: int, prev: int | None, t: np.ndarray
) -> np.ndarray:
    """A root's values on years ``t`` after the last census: its observed values (series,
    indexed by year, first = the last census), geometric between them, then its mean growth
    since the last census; without later observations its intercensal growth."""
    s = series.dropna()
    xs, lv = np.asarray(s.index, float), np.log(s.to_numpy(float))
    if len(xs) > 1:
        rate = (lv[-1] - lv[0]) / (xs[-1] - xs[0])
    elif prev is not None and np.isfinite(x0) and x0 > 0:
        rate = (lv[0] - np.log(x0)) / (last - prev)
    else:
        rate = 0.0  # one census, nothing published later: held
    inside = np.interp(np.minimum(t, xs[-1]), xs, lv)
    return np.exp(inside + rate * np.maximum(t - xs[-1], 0.0))


# A stock that is part of another: its estimate never exceeds the whole's (an urban
# population growing faster than the total would otherwise pass it after enough years).
PART_OF = {"urban_population": "population", "rural_population": "population"}


def stocks(
    ds, indicator: str, years: Sequence[int], assumption: str = "estimated"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stock ``indicator`` of data set ``ds`` as region x year values and bases; an
    estimated part (``PART_OF``) is capped at the estimate of its whole. Computed once per
    data set, indicator, years and assumption (``Dataset.memo``; copies are returned): the
    evaluation and the next-period targets ask for the same stock once per region above
    the units, hundreds of times at national scale."""
    memo = getattr(ds, "memo", None)  # a Dataset; any object with the frames computes
    if memo is None:
        return _stocks(ds, indicator, years, assumption)
    key = ("stocks", indicator, tuple(int(y) for y in years), assumption)
    wide, basis = memo(key, lambda: _stocks(ds, indicator, years, assumption))
    return wide.copy(), basis.copy()


def _stocks(
    ds, indicator: str, years: Sequence[int], assumption: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``stocks`` computed (not memoised)."""
    o = ds.observations[ds.observations["indicator"] == indicator]
    wide, basis = stock_frame(o, ds.regions, years, assumption)
    whole = PART_OF.get(indicator)
    if whole is None or not (ds.observations["indicator"] == whole).any():
        return wide, basis
    total, _ = stocks(ds, whole, years, assumption)
    cap = total.reindex(index=wide.index, columns=wide.columns)
    over = (basis == "estimated") & cap.notna() & (wide > cap)
    return wide.mask(over, cap), basis
