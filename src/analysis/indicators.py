"""Derived indicators: per 10k residents, per 100 households, shares.

A derived indicator is defined in indicators.csv by ``numerator``, ``denominator`` and
``scale``:  value = numerator / denominator × scale.

Denominators from the census (population, urban population, households) exist only in
census years. For other years they are **interpolated geometrically** between census
years, P(t) = P(t0) · (P(t1)/P(t0))^((t−t0)/(t1−t0)), i.e. constant annual growth between
censuses (the usual intercensal method, e.g. UN DESA *Manual X*), and **held at the
nearest census value** outside the census span (no official county estimates after
2020 are in the data). Every derived value lists its inputs' sources, joined by '+',
and its note says whether the denominator was interpolated.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .data import SOURCE_SEP, Dataset


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


def denominators(ds: Dataset, indicator: str, years: list[int]) -> pd.DataFrame:
    """Denominator values region x year, observed where available, else interpolated."""
    o = ds.observations[ds.observations["indicator"] == indicator]
    wide = o.pivot(index="region_code", columns="year", values="value")
    if wide.empty:
        return wide
    filled = interpolate(wide, years)
    observed = wide.reindex(columns=years)
    return observed.where(observed.notna(), filled)


def derive(ds: Dataset) -> pd.DataFrame:
    """All derived observations of ``ds`` (long frame with provenance)."""
    spec = ds.indicators[ds.indicators["numerator"].fillna("").ne("")]
    parts = []
    obs = ds.observations
    for _, row in spec.iterrows():
        num = obs[obs["indicator"] == row["numerator"]]
        if num.empty:
            continue
        years = sorted(num["year"].unique())
        den_obs = obs[obs["indicator"] == row["denominator"]]
        if den_obs.empty:
            continue
        den = denominators(ds, row["denominator"], years)
        den_long = den.stack().rename("den").reset_index()
        den_long.columns = ["region_code", "year", "den"]
        observed = den_obs.set_index(["region_code", "year"])["source"]
        m = num.merge(den_long, on=["region_code", "year"], how="inner")
        m = m[m["den"] > 0]
        if m.empty:
            continue
        key = pd.MultiIndex.from_frame(m[["region_code", "year"]])
        den_src = observed.reindex(key).to_numpy()
        # interpolated denominators come from all of that region's denominator sources
        region_src = den_obs.groupby("region_code")["source"].agg(lambda s: SOURCE_SEP.join(sorted(set(s))))
        interp = pd.isna(den_src)
        den_src = np.where(interp, m["region_code"].map(region_src).to_numpy(), den_src)
        src = [SOURCE_SEP.join(sorted(set(a.split(SOURCE_SEP)) | set(b.split(SOURCE_SEP)))) for a, b in zip(m["source"], den_src, strict=True)]
        note = np.where(interp, f"{row['numerator']}/{row['denominator']}×{row['scale']:g}; denominator interpolated (geometric)",
                        f"{row['numerator']}/{row['denominator']}×{row['scale']:g}")
        parts.append(pd.DataFrame({
            "region_code": m["region_code"].to_numpy(), "year": m["year"].to_numpy(), "indicator": row["id"],
            "value": m["value"].to_numpy() / m["den"].to_numpy() * row["scale"], "source": src, "note": note,
        }))
    if not parts:
        return obs.iloc[:0]
    return pd.concat(parts, ignore_index=True)


def with_derived(ds: Dataset) -> Dataset:
    """``ds`` with derived observations added (sorted)."""
    extra = derive(ds)
    obs = pd.concat([ds.observations, extra], ignore_index=True)
    obs = obs.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    return replace(ds, observations=obs)
