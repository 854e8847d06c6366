"""Derived indicators: per 10k residents, per 100 households, shares.

A derived indicator is defined in indicators.csv by ``numerator``, ``denominator`` and
``scale``:  value = numerator / denominator × scale.

Denominators from the census (population, urban population, households) exist only in
census years. For other years they are **interpolated geometrically** between census
years, P(t) = P(t0) · (P(t1)/P(t0))^((t−t0)/(t1−t0)), i.e. constant annual growth between
censuses (the usual intercensal method, e.g. UN DESA *Manual X*), and **held at the
nearest census value** outside the census span (no official county estimates after
2020 are in the data). Every derived value lists its inputs' sources, joined by '+',
and its note says whether a census stock was interpolated.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.data.dataset import SOURCE_SEP, Dataset


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


STOCK_THEMES = ("population",)  # census stocks: interpolated between census years


def filled(ds_obs: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Stock values region x year: observed where available, else geometrically interpolated."""
    wide = ds_obs.pivot(index="region_code", columns="year", values="value")
    if wide.empty:
        return wide
    observed = wide.reindex(columns=years)
    return observed.where(observed.notna(), interpolate(wide, years))


def denominators(ds: Dataset, indicator: str, years: list[int]) -> pd.DataFrame:
    """``indicator`` as region x year on ``years``, observed where available, else interpolated."""
    return filled(ds.observations[ds.observations["indicator"] == indicator], years)


def _join_sources(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise union of two '+'-joined source lists (computed once per distinct pair)."""
    codes, pairs = pd.factorize(a.astype(str) + "|" + b.astype(str))
    joined = [
        SOURCE_SEP.join(sorted(set(p.replace("|", SOURCE_SEP).split(SOURCE_SEP)))) for p in pairs
    ]
    return np.asarray(joined, dtype=object)[codes]


def _side(obs: pd.DataFrame, years: list[int], name: str) -> pd.DataFrame:
    """One side of a ratio on ``years``: observed values, interpolated ones flagged, sources."""
    wide = filled(obs, years)
    long = wide.stack().rename(name).reset_index()
    long.columns = ["region_code", "year", name]
    src = obs.set_index(["region_code", "year"])["source"]
    key = pd.MultiIndex.from_frame(long[["region_code", "year"]])
    s = pd.Series(src.reindex(key).to_numpy(), index=long.index)
    region_src = (
        obs[["region_code", "source"]]
        .drop_duplicates()
        .sort_values(["region_code", "source"])
        .groupby("region_code")["source"]
        .agg(SOURCE_SEP.join)
    )
    long[f"{name}_interp"] = s.isna().to_numpy()
    long[f"{name}_src"] = s.fillna(long["region_code"].map(region_src)).to_numpy()
    return long


def derive(ds: Dataset) -> pd.DataFrame:
    """All derived observations of ``ds`` (long frame with provenance).

    The side of the ratio that is a census stock (theme ``population``) is interpolated
    onto the years of the other side; otherwise both sides must be observed in a year.
    """
    spec = ds.indicators[ds.indicators["numerator"].fillna("").ne("")]
    theme = ds.indicators.set_index("id")["theme"]
    groups = {k: g for k, g in ds.observations.groupby("indicator", sort=False)}
    parts = []
    for row in spec.itertuples(index=False):
        num, den = groups.get(row.numerator), groups.get(row.denominator)
        if num is None or den is None:
            continue
        num_stock, den_stock = (
            theme[row.numerator] in STOCK_THEMES,
            theme[row.denominator] in STOCK_THEMES,
        )
        if num_stock and not den_stock:
            years = sorted(den["year"].unique())
        elif den_stock and not num_stock:
            years = sorted(num["year"].unique())
        else:
            years = sorted(set(num["year"]) & set(den["year"]))
        if not years:
            continue
        n = (
            _side(num, years, "num")
            if num_stock
            else num[["region_code", "year", "value", "source"]]
            .rename(columns={"value": "num", "source": "num_src"})
            .assign(num_interp=False)
        )
        d = (
            _side(den, years, "den")
            if den_stock
            else den[["region_code", "year", "value", "source"]]
            .rename(columns={"value": "den", "source": "den_src"})
            .assign(den_interp=False)
        )
        m = n.merge(d, on=["region_code", "year"], how="inner")
        m = m[m["year"].isin(years) & (m["den"] > 0) & m["num"].notna()]
        if m.empty:
            continue
        interp = (m["num_interp"] | m["den_interp"]).to_numpy()
        formula = f"{row.numerator}/{row.denominator}×{row.scale:g}"
        parts.append(
            pd.DataFrame(
                {
                    "region_code": m["region_code"].to_numpy(),
                    "year": m["year"].to_numpy(),
                    "indicator": row.id,
                    "value": m["num"].to_numpy() / m["den"].to_numpy() * row.scale,
                    "source": _join_sources(m["num_src"], m["den_src"]),
                    "note": np.where(
                        interp, f"{formula}; census stock interpolated (geometric)", formula
                    ),
                }
            )
        )
    if not parts:
        return ds.observations.iloc[:0]
    return pd.concat(parts, ignore_index=True)


def with_derived(ds: Dataset) -> Dataset:
    """``ds`` with derived observations added (sorted)."""
    extra = derive(ds)
    obs = pd.concat([ds.observations, extra], ignore_index=True)
    obs = obs.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    return replace(ds, observations=obs)
