"""Derived indicators: per 10k residents, per 100 households, shares.

A derived indicator is defined in indicators.csv by ``numerator``, ``denominator`` and
``scale``:  value = numerator / denominator × scale.

Denominators from the census (population, urban population, households) are stocks
observed in census years. For other years ``analysis.data.denominators`` gives them
yearly: **interpolated geometrically** between censuses, P(t) = P(t0)·(P(t1)/P(t0))^
((t−t0)/(t1−t0)) (UN DESA *Manual X*), and after the last census **estimated** from the
published totals of the nearest region above (each unit keeping its share trend), or
**observed** where a yearly figure of the unit is in the data; ``assumption="census"``
holds them at the last census value instead (the earlier rule, kept for comparison).
Every derived value lists its inputs' sources, joined by '+'; its ``denominator_basis``
(census / interpolated / estimated / observed) says what the stock side rests on, and
its note says so in a phrase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.data.dataset import SOURCE_SEP, Dataset
from analysis.data.denominators import interpolate, stocks

STOCK_THEMES = ("population",)  # census stocks: yearly by analysis.data.denominators
__all__ = [
    "BASIS_NOTE",
    "STOCK_THEMES",
    "basis",
    "denominators",
    "derive",
    "interpolate",
    "rates",
    "with_derived",
]


def denominators(
    ds: Dataset, indicator: str, years: list[int], assumption: str = "estimated"
) -> pd.DataFrame:
    """Stock ``indicator`` as region x year on ``years`` (``analysis.data.denominators``):
    census, interpolated between censuses, estimated or observed after the last one."""
    return stocks(ds, indicator, years, assumption)[0]


def _join_sources(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise union of two '+'-joined source lists (computed once per distinct pair)."""
    codes, pairs = pd.factorize(a.astype(str) + "|" + b.astype(str))
    joined = [
        SOURCE_SEP.join(sorted(set(p.replace("|", SOURCE_SEP).split(SOURCE_SEP)))) for p in pairs
    ]
    return np.asarray(joined, dtype=object)[codes]


def _side(
    ds: Dataset, obs: pd.DataFrame, years: list[int], name: str, assumption: str
) -> pd.DataFrame:
    """The stock side of a ratio on ``years``: values, basis and sources (an estimated value
    rests on the region's own stock sources and those of every region above it)."""
    wide, basis = stocks(ds, str(obs["indicator"].iloc[0]), years, assumption)
    long = wide.stack().rename(name).reset_index()
    long.columns = ["region_code", "year", name]
    long[f"{name}_basis"] = (
        basis.stack().reindex(pd.MultiIndex.from_frame(long[["region_code", "year"]])).to_numpy()
    )
    src = obs.set_index(["region_code", "year"])["source"]
    src = src[~src.index.duplicated(keep="last")]
    key = pd.MultiIndex.from_frame(long[["region_code", "year"]])
    s = pd.Series(src.reindex(key).to_numpy(), index=long.index)
    own = obs.groupby("region_code")["source"].agg(lambda v: set(v))
    region_src = {r: SOURCE_SEP.join(sorted(v)) for r, v in own.items()}
    chain_src = {
        r: SOURCE_SEP.join(
            sorted(set().union(v, *(own.get(a, set()) for a in ds.ancestors(str(r)))))
        )
        for r, v in own.items()
    }
    fill = np.where(
        long[f"{name}_basis"].eq("estimated"),
        long["region_code"].map(chain_src),
        long["region_code"].map(region_src),
    )
    observed_here = long[f"{name}_basis"].isin(["census", "observed"]) & s.notna()
    long[f"{name}_src"] = np.where(observed_here, s, fill)
    return long


BASIS_NOTE = {
    "census": "",
    "interpolated": "; census stock interpolated (geometric)",
    "estimated": "; stock estimated from the published totals above (share trend)",
    "observed": "; stock observed in that year",
}


def derive(
    ds: Dataset, assumption: str = "estimated", indicators: list[str] | None = None
) -> pd.DataFrame:
    """All derived observations of ``ds`` (long frame with provenance), or those of
    ``indicators``, under the denominator ``assumption`` ("estimated" or "census").

    The side of the ratio that is a census stock (theme ``population``) is put onto the
    years of the other side (``analysis.data.denominators``); otherwise both sides must be
    observed in a year. ``denominator_basis`` is the stock side's basis (census /
    interpolated / estimated / observed), ``observed`` when neither side is a stock.
    """
    spec = ds.indicators[ds.indicators["numerator"].fillna("").ne("")]
    if indicators is not None:
        spec = spec[spec["id"].isin(indicators)]
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
            _side(ds, num, years, "num", assumption)
            if num_stock
            else num[["region_code", "year", "value", "source"]]
            .rename(columns={"value": "num", "source": "num_src"})
            .assign(num_basis="observed")
        )
        d = (
            _side(ds, den, years, "den", assumption)
            if den_stock
            else den[["region_code", "year", "value", "source"]]
            .rename(columns={"value": "den", "source": "den_src"})
            .assign(den_basis="observed")
        )
        m = n.merge(d, on=["region_code", "year"], how="inner")
        m = m[m["year"].isin(years) & (m["den"] > 0) & m["num"].notna()]
        if m.empty:
            continue
        basis = (m["den_basis"] if den_stock or not num_stock else m["num_basis"]).to_numpy()
        formula = f"{row.numerator}/{row.denominator}×{row.scale:g}"
        parts.append(
            pd.DataFrame(
                {
                    "region_code": m["region_code"].to_numpy(),
                    "year": m["year"].to_numpy(),
                    "indicator": row.id,
                    "value": m["num"].to_numpy() / m["den"].to_numpy() * row.scale,
                    "source": _join_sources(m["num_src"], m["den_src"]),
                    "note": formula + pd.Series(basis).map(BASIS_NOTE).to_numpy(),
                    "denominator_basis": basis,
                }
            )
        )
    if not parts:
        return ds.observations.iloc[:0]
    return pd.concat(parts, ignore_index=True)


def basis(
    ds: Dataset, indicator: str, region: str, year: int, assumption: str = "estimated"
) -> str:
    """The denominator basis (census / interpolated / estimated / observed) of derived
    ``indicator`` for ``region`` in ``year``: the basis of its stock side; "observed" when
    neither side is a stock; "" when ``indicator`` is not derived."""
    return str(bases(ds, indicator, [region], [year], assumption)[0])


def bases(
    ds: Dataset,
    indicator: str,
    regions: Sequence[str],
    years: Sequence[float | None],
    assumption: str = "estimated",
) -> np.ndarray:
    """``basis`` for each pair of ``regions`` and ``years`` ("" where the year is missing),
    the stock estimated once for all of them (one call per region recomputed it: quadratic
    at national scale)."""
    out = np.full(len(regions), "", dtype=object)
    row = ds.indicator(indicator)
    if not str(row.get("numerator", "") or ""):
        return out
    theme = ds.indicators.set_index("id")["theme"]
    side = next(
        (s for s in (row["denominator"], row["numerator"]) if theme.get(s) in STOCK_THEMES),
        None,
    )
    yrs = pd.Series(list(years), dtype="Float64")
    known = yrs.notna().to_numpy()
    if side is None:
        out[known] = "observed"
        return out
    wanted = sorted({int(y) for y in yrs[known]})
    if not wanted:
        return out
    frame = stocks(ds, side, wanted, assumption)[1]
    codes = pd.Index([str(r) for r in regions])
    rows = frame.index.astype(str).get_indexer(codes)
    cols = pd.Index(frame.columns).get_indexer(
        [int(y) if k else wanted[0] for y, k in zip(yrs, known, strict=True)]
    )
    values = frame.to_numpy(object)
    for i in np.flatnonzero(known):
        out[i] = str(values[rows[i], cols[i]]) if rows[i] >= 0 else ""
    return out


def rates(ds: Dataset, indicator: str, assumption: str = "estimated") -> pd.DataFrame:
    """Derived ``indicator`` of ``ds`` under ``assumption`` ("estimated": yearly stocks,
    "census": held at the last census value), long with ``denominator_basis``; for
    comparing a status under both assumptions. ``ds`` may already hold derived rows."""
    base = ds.observations[ds.observations["indicator"] != indicator]
    return derive(replace(ds, observations=base), assumption, [indicator])


def with_derived(ds: Dataset) -> Dataset:
    """``ds`` with derived observations added (sorted), yearly denominators estimated."""
    extra = derive(ds)
    obs = pd.concat([ds.observations, extra], ignore_index=True)
    obs = obs.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    return replace(ds, observations=obs)
