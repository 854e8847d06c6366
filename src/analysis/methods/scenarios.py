"""Scenarios: in which year does each series reach its target?

- business as usual (BAU): the central path of the trend projection
  (``analysis.methods.projection.Forecast.median``);
- accelerated: from the latest observed value x in year t, a constant annual growth g set
  by the user in the improving direction,

      x_k = x · (1 + g)^k   (higher is better),   x_k = x · (1 - g)^k   (lower is better),

  so the target T is first met after k = ⌈ln(T / x) / ln(1 ± g)⌉ years (closed form);
  bounded indicators are capped at their upper/lower bound;
- slow: the pessimistic edge of the trend projection, its 10 % quantile (90 % when lower
  is better; ``SLOW_QUANTILE``).

The three are ordered by construction and then enforced: the accelerated year is never
later than the trend year (min of both: acceleration on top of the trend) and the slow
year never earlier (max of both).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import user_error


def check_growth(growth: float) -> float:
    g = float(growth)
    if not np.isfinite(g) or g <= 0 or g >= 1:
        raise user_error("methods.growth_range", growth=growth)
    return g


def first_year(paths: np.ndarray, years, target, direction="higher") -> np.ndarray:
    """First year in which each row of ``paths`` (series x years) meets ``target``; NaN if never."""
    years = np.asarray(years, dtype=float)
    n = paths.shape[0]
    target = np.broadcast_to(np.asarray(target, dtype=float), (n,))[:, None]
    higher = np.broadcast_to(np.asarray(direction) == "higher", (n,))[:, None]
    meets = np.where(higher, paths >= target, paths <= target)
    any_ = meets.any(axis=1)
    return np.where(any_, years[np.argmax(meets, axis=1)], np.nan)


def growth_year(
    value, year, target, growth, direction="higher", lower=None, upper=None
) -> np.ndarray:
    """Year the target is first met with constant growth ``growth`` from ``value`` in ``year``
    (closed form, see module docstring); NaN when it is never met (e.g. zero start value,
    or a target beyond the indicator's bounds)."""
    g = check_growth(growth)
    x = np.asarray(value, dtype=float)
    x, year, target = np.broadcast_arrays(
        x, np.asarray(year, dtype=float), np.asarray(target, dtype=float)
    )
    higher = np.broadcast_to(np.asarray(direction) == "higher", x.shape)
    lo = np.broadcast_to(np.asarray(-np.inf if lower is None else lower, dtype=float), x.shape)
    hi = np.broadcast_to(np.asarray(np.inf if upper is None else upper, dtype=float), x.shape)
    lo, hi = np.where(np.isnan(lo), -np.inf, lo), np.where(np.isnan(hi), np.inf, hi)
    met = np.where(higher, x >= target, x <= target)
    factor = np.where(higher, 1 + g, 1 - g)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k = np.floor(np.log(target / x) / np.log(factor))
        # settle the rounding of the logarithms with the path formula itself: first k that meets
        for _ in range(2):
            v = x * factor**k
            k = np.where(np.where(higher, v >= target, v <= target), k, k + 1)
    reachable = np.where(higher, (x > 0) & (target <= hi), (x > 0) & (target > 0) & (target >= lo))
    return np.where(met, year, np.where(reachable & np.isfinite(k), year + k, np.nan))


SLOW_QUANTILE = 0.10


def scenario_table(forecast, target, growth: float, direction="higher") -> pd.DataFrame:
    """Per series: latest value, the year the target is reached under BAU (projection
    median over the forecast years), under accelerated growth and in the slow scenario
    (NaN = not reached within the forecast horizon; never, for accelerated)."""
    n = len(forecast.keys)
    target = np.broadcast_to(np.asarray(target, dtype=float), (n,))
    direction = np.broadcast_to(np.asarray(direction, dtype=object), (n,))
    higher = direction == "higher"
    last = forecast.last_value
    already = np.where(higher, last >= target, last <= target)
    bau = first_year(forecast.median, forecast.years, target, direction)
    bau = np.where(already, forecast.last_year, bau)
    acc = growth_year(
        last, forecast.last_year, target, growth, direction, forecast.lower, forecast.upper
    )
    acc = np.fmin(acc, bau)  # acceleration on top of the trend is never slower
    low, high = forecast.quantile(SLOW_QUANTILE), forecast.quantile(1 - SLOW_QUANTILE)
    pess = np.where(higher[:, None], low, high)
    slow = first_year(pess, forecast.years, target, direction)
    slow = np.where(already, forecast.last_year, np.where(np.isnan(bau), np.nan, slow))
    slow = np.where(np.isfinite(slow), np.fmax(slow, bau), slow)
    return pd.DataFrame(
        {
            "last_year": forecast.last_year,
            "last_value": last,
            "target": target,
            "bau_year": bau,
            "accelerated_year": acc,
            "slow_year": slow,
        },
        index=forecast.keys,
    )
