"""Convergence between regions: are the gaps closing?

- sigma-convergence: the dispersion across regions falls over time.  Measured each year by the
  coefficient of variation and by the standard deviation of log values; the trend is the OLS
  slope of the CV on the year (Barro & Sala-i-Martin, *Economic Growth*, 2nd ed., 2004, ch. 11).
- beta-convergence: regions that start lower grow faster.  OLS across regions of the average
  annual log growth on the initial log level,

      (ln x_iT - ln x_i0) / T = a + b ln x_i0 + e_i,

  with statsmodels (classical standard errors).  b < 0 means convergence; the implied speed is
  lambda = -ln(1 + b T) / T and the half-life ln 2 / lambda years (Barro & Sala-i-Martin 1992,
  *J. Political Economy* 100(2)).

Degenerate cases are named, not reported (``reason``; the statistics are then NaN):
``too_few`` (fewer than 3 regions with positive values in both years), ``zero_variance``
(all regions start at the same level, or all grow at the same rate), ``perfect_fit``
(R² = 1 up to rounding: the end values are a deterministic function of the start, e.g. every
region at a 100 % ceiling), and for speed and half-life only, ``not_significant`` (beta not
different from zero at ``ALPHA``) or ``no_convergence`` (beta >= 0 or 1 + beta T <= 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods import inequality

BETA_COLUMNS = (
    "start_year",
    "end_year",
    "n",
    "beta",
    "se",
    "p_value",
    "r2",
    "speed",
    "half_life",
    "reason",
)
REASONS = ("too_few", "zero_variance", "perfect_fit", "not_significant", "no_convergence")
ALPHA = 0.05
PERFECT_R2 = 1 - 1e-9


def sigma(panel: pd.DataFrame, weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dispersion per year of a region x year panel: ``cv`` and ``sd_log`` (of positive values)."""
    x = panel.to_numpy(dtype=float).T
    w = None if weights is None else weights.reindex_like(panel).to_numpy(dtype=float).T
    with np.errstate(invalid="ignore", divide="ignore"):
        logx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)
    xv, p = inequality._shares(logx, w)
    m = inequality._mean(xv, p)
    sd_log = np.sqrt((p * (xv - m[..., None]) ** 2).sum(axis=-1))
    sd_log = np.where(np.isfinite(m), sd_log, np.nan)
    return pd.DataFrame(
        {"cv": inequality.cv(x, w), "sd_log": sd_log},
        index=pd.Index(panel.columns, name="year"),
    )


def _ols(y: np.ndarray, x: np.ndarray):
    """statsmodels OLS of y on a constant and x (imported lazily: it is slow to import)."""
    from statsmodels.regression.linear_model import OLS

    return OLS(y, np.column_stack([np.ones_like(x), x])).fit()


def sigma_trend(sig: pd.Series) -> dict[str, float]:
    """OLS slope of a dispersion series on the year: slope per year, its SE and p-value."""
    s = sig.dropna()
    if len(s) < 3:
        return {"slope": np.nan, "se": np.nan, "p_value": np.nan, "n": len(s)}
    fit = _ols(s.to_numpy(float), np.asarray(s.index, dtype=float))
    return {"slope": fit.params[1], "se": fit.bse[1], "p_value": fit.pvalues[1], "n": len(s)}


def beta(
    panel: pd.DataFrame, start_year: int | None = None, end_year: int | None = None
) -> dict[str, float]:
    """Absolute beta-convergence between two years of a region x year panel.

    Uses regions with positive values in both years; needs at least 3 of them (otherwise the
    statistics are NaN).  Years default to the first and last columns with data.
    """
    cols = [c for c in panel.columns if panel[c].notna().any()]
    y0 = cols[0] if start_year is None else start_year
    y1 = cols[-1] if end_year is None else end_year
    out: dict = dict.fromkeys(BETA_COLUMNS, np.nan)
    out.update(start_year=y0, end_year=y1, n=0, reason="too_few")
    if y0 not in panel.columns or y1 not in panel.columns or y1 <= y0:
        return out
    a, b = panel[y0].to_numpy(float), panel[y1].to_numpy(float)
    ok = (a > 0) & (b > 0)
    out["n"] = int(ok.sum())
    if ok.sum() < 3:
        return out
    span = float(y1 - y0)
    growth = (np.log(b[ok]) - np.log(a[ok])) / span
    x0 = np.log(a[ok])
    if np.ptp(x0) == 0 or np.ptp(growth) == 0:
        out["reason"] = "zero_variance"
        return out
    fit = _ols(growth, x0)
    if float(fit.rsquared) >= PERFECT_R2:
        out["reason"] = "perfect_fit"
        return out
    coef = float(fit.params[1])
    out.update(
        beta=coef,
        se=float(fit.bse[1]),
        p_value=float(fit.pvalues[1]),
        r2=float(fit.rsquared),
        reason="",
    )
    if not out["p_value"] < ALPHA:
        out["reason"] = "not_significant"
    elif coef < 0 and 1 + coef * span > 0:
        speed = -np.log(1 + coef * span) / span
        out.update(speed=speed, half_life=np.log(2) / speed)
    else:
        out["reason"] = "no_convergence"
    return out
