"""Persisting forecasts: two tidy CSV tables per horizon, read back to the same floats.

A ``projection.Forecast`` is a set of per-series arrays (method, degrees of freedom, bounds,
data used, fallback) and per-series-and-year arrays (centre ``loc`` and ``scale`` of the
predictive distribution on the model's scale). They are written as

- ``<name>.series.csv``: indicator, region_code, method, df, lower, upper, n_obs,
  last_year, last_value, fallback (one row per series);
- ``<name>.cells.csv``: indicator, region_code, year, loc, scale (one row per series and
  year);
- ``<name>.accuracy.csv``: the back-test table (measure, method columns), when there is one;

with pandas' shortest round-trip float representation, so ``read`` returns bit-identical
arrays and every quantile and probability computed from them is the same number in every
process. Files are written atomically (``analysis.io``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.analyses.forecasts import HorizonForecast
from analysis.io import write_text
from analysis.methods import projection

KEYS = ["indicator", "region_code"]
SERIES = ["method", "df", "lower", "upper", "n_obs", "last_year", "last_value", "fallback"]


def fingerprint(*frames: pd.DataFrame, extra: str = "") -> str:
    """A short content hash of data frames (values, columns, order) and a string."""
    h = hashlib.sha256(extra.encode())
    for f in frames:
        h.update(",".join(map(str, f.columns)).encode())
        h.update(pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _series_frame(hf: HorizonForecast) -> pd.DataFrame:
    fc = hf.forecast
    out = fc.keys.to_frame(index=False)
    out.columns = KEYS
    out["method"] = fc.method
    out["df"] = fc.df
    out["lower"] = fc.lower
    out["upper"] = fc.upper
    out["n_obs"] = fc.n_obs.astype(int)
    out["last_year"] = fc.last_year.astype(int)
    out["last_value"] = fc.last_value
    out["fallback"] = fc.reasons
    return out


def _cells_frame(hf: HorizonForecast) -> pd.DataFrame:
    fc = hf.forecast
    n, h = fc.loc.shape
    keys = fc.keys.to_frame(index=False).loc[np.repeat(np.arange(n), h)].reset_index(drop=True)
    keys.columns = KEYS
    keys["year"] = np.tile(fc.years, n)
    keys["loc"] = fc.loc.ravel()
    keys["scale"] = fc.scale.ravel()
    return keys


def write(hf: HorizonForecast, folder: Path, name: str) -> None:
    """Write the forecast of one horizon as ``<name>.*.csv`` in ``folder`` (atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / f"{name}.series.csv", _series_frame(hf).to_csv(index=False))
    write_text(folder / f"{name}.cells.csv", _cells_frame(hf).to_csv(index=False))
    if hf.accuracy is not None:
        acc = hf.accuracy.copy()
        acc.columns = [f"{m}:{meth}" for m, meth in acc.columns]
        text = acc.reset_index().to_csv(index=False)
        write_text(folder / f"{name}.accuracy.csv", text)


def read(folder: Path, name: str, horizon: int, as_of_year: int, method: str):
    """The forecast written by ``write``, or None when any of its files is missing."""
    sp, cp = folder / f"{name}.series.csv", folder / f"{name}.cells.csv"
    if not (sp.exists() and cp.exists()):
        return None
    text = {"indicator": str, "region_code": str, "method": str, "fallback": str}
    s = pd.read_csv(
        sp, dtype=text, keep_default_na=False, na_values=[""], float_precision="round_trip"
    )
    s["fallback"] = s["fallback"].fillna("")
    c = pd.read_csv(cp, dtype={"indicator": str, "region_code": str}, float_precision="round_trip")
    keys = pd.MultiIndex.from_frame(s[KEYS])
    years = np.sort(c["year"].unique()).astype(int)
    n, h = len(s), len(years)
    if len(c) != n * h:
        return None
    fc = projection.Forecast(
        keys=keys,
        years=years,
        method=s["method"].to_numpy(object),
        loc=c["loc"].to_numpy(float).reshape(n, h),
        scale=c["scale"].to_numpy(float).reshape(n, h),
        df=s["df"].to_numpy(float),
        lower=s["lower"].to_numpy(float),
        upper=s["upper"].to_numpy(float),
        n_obs=s["n_obs"].to_numpy(int),
        last_year=s["last_year"].to_numpy(int),
        last_value=s["last_value"].to_numpy(float),
        fallback=s["fallback"].to_numpy(object),
    )
    acc = None
    ap = folder / f"{name}.accuracy.csv"
    if ap.exists():
        a = pd.read_csv(
            ap, dtype={"indicator": str, "region_code": str}, float_precision="round_trip"
        )
        a = a.set_index(KEYS)
        a.columns = pd.MultiIndex.from_tuples(
            [tuple(col.split(":", 1)) for col in a.columns], names=["measure", "method"]
        )
        acc = a
    return HorizonForecast(horizon, as_of_year, method, fc, acc)
