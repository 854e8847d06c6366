"""Progress towards a target: status from observed vs required growth, and the probability
of meeting the target from a projection.

Status (the method of the UN ESCAP *Asia and the Pacific SDG Progress Report*, used by
national SDG progress reports): with baseline x0 in year t0, the latest value xc in year
tc (t0 < tc) and the target xT in year T,

    observed CAGR  = (xc / x0) ** (1 / (tc - t0)) - 1
    required CAGR  = (xT / x0) ** (1 / (T - t0)) - 1
    ratio          = observed CAGR / required CAGR

and for bounded percentage targets (``absolute=True``) the absolute-change variant

    ratio = ((xc - x0) / (tc - t0)) / ((xT - x0) / (T - t0)).

ratio >= 0.95 → on track, >= 0.60 → moderate progress, > 0 → limited progress,
<= 0 → going backwards. The same formulas serve lower-is-better targets: both growth
rates are then negative when things improve, so the ratio is positive.

Edge cases, in the order they are decided:

1. the latest value after the baseline (tc > t0) meets the target → ``met``
   (this includes a target already met at baseline and still met);
2. no baseline value, or no observation after the baseline year (a single observation,
   or no data since baseline) → ``no_data``;
3. target met at baseline but no longer met → ``backwards`` (ground lost);
4. a zero or negative baseline, current value or target (CAGR undefined) → the
   absolute-change variant is used instead of CAGR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STATUSES = ("met", "on_track", "moderate", "limited", "backwards", "no_data")
STATUS_LABELS = {
    "met": ("已达标", "Target met"),
    "on_track": ("进展顺利", "On track"),
    "moderate": ("进展一般", "Moderate progress"),
    "limited": ("进展有限", "Limited progress"),
    "backwards": ("倒退", "Going backwards"),
    "no_data": ("基期后无数据", "No data since baseline"),
}
ON_TRACK = 0.95
MODERATE = 0.60


def status_label(code: str, lang: str = "zh") -> str:
    """Bilingual display label of a status code."""
    return STATUS_LABELS[code][0 if lang == "zh" else 1]


def status_labels(codes, lang: str = "zh"):
    """Map an array/Series/DataFrame of status codes to display labels."""
    mapping = {k: status_label(k, lang) for k in STATUSES}
    if isinstance(codes, pd.DataFrame):
        return codes.apply(lambda col: col.map(mapping))
    if isinstance(codes, pd.Series):
        return codes.map(mapping)
    return np.vectorize(mapping.get, otypes=[object])(np.asarray(codes, dtype=object))


REL_TOL = 1e-9  # values equal to the target up to floating-point rounding meet it


def _meets(x, target, higher):
    tol = REL_TOL * np.maximum(np.abs(target), 1.0)
    return np.where(higher, x >= target - tol, x <= target + tol)


def growth_ratio(x0, t0, xc, tc, target, target_year, absolute=False) -> np.ndarray:
    """Ratio of observed to required annual growth (CAGR, or absolute change when
    ``absolute`` or when any of x0, xc, target is <= 0). NaN when it cannot be computed."""
    x0, t0, xc, tc, target, target_year = (
        np.asarray(v, dtype=float) for v in (x0, t0, xc, tc, target, target_year)
    )
    absolute = np.asarray(absolute, dtype=bool) | (x0 <= 0) | (xc <= 0) | (target <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        obs_cagr = (xc / x0) ** (1 / (tc - t0)) - 1
        req_cagr = (target / x0) ** (1 / (target_year - t0)) - 1
        obs_abs = (xc - x0) / (tc - t0)
        req_abs = (target - x0) / (target_year - t0)
        ratio = np.where(absolute, obs_abs / req_abs, obs_cagr / req_cagr)
    return np.where(np.isfinite(ratio), ratio, np.nan)


def status(
    x0,
    t0,
    xc,
    tc,
    target,
    target_year,
    direction="higher",
    absolute=False,
) -> np.ndarray:
    """Progress status codes (see module docstring), vectorised over all arguments.

    ``x0``/``t0`` baseline value and year (NaN = unknown), ``xc``/``tc`` latest value and
    year (NaN = none), ``direction`` "higher" or "lower" (is better), ``absolute`` use the
    absolute-change ratio (bounded percentage targets).
    """
    x0, t0, xc, tc, target, target_year = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x0, t0, xc, tc, target, target_year))
    )
    higher = np.broadcast_to(np.asarray(direction) == "higher", x0.shape)
    absolute = np.broadcast_to(np.asarray(absolute, dtype=bool), x0.shape)
    has_current = np.isfinite(xc) & np.isfinite(tc) & (tc > t0)
    has_base = np.isfinite(x0) & np.isfinite(t0)
    met_now = has_current & _meets(xc, target, higher)
    met_base = has_base & _meets(x0, target, higher)
    ratio = growth_ratio(x0, t0, xc, tc, target, target_year, absolute)
    graded = np.select(
        [ratio >= ON_TRACK, ratio >= MODERATE, ratio > 0],
        ["on_track", "moderate", "limited"],
        default="backwards",
    )
    out = np.select(
        [met_now, ~(has_base & has_current), met_base, ~np.isfinite(ratio)],
        ["met", "no_data", "backwards", "no_data"],
        default=graded,
    )
    return out.astype(object)


def required_growth(x0, t0, target, target_year, absolute=False) -> np.ndarray:
    """Annual growth needed from baseline to target: CAGR, or absolute change per year."""
    x0, t0, target, target_year = (
        np.asarray(v, dtype=float) for v in (x0, t0, target, target_year)
    )
    absolute = np.asarray(absolute, dtype=bool) | (x0 <= 0) | (target <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            absolute,
            (target - x0) / (target_year - t0),
            (target / x0) ** (1 / (target_year - t0)) - 1,
        )


def prob_meet(forecast, target, year: int, direction="higher") -> np.ndarray:
    """Probability that each projected series meets ``target`` in ``year`` (>= when higher
    is better, <= when lower is better), from the projection's predictive distribution
    (``analysis.methods.projection.Forecast``)."""
    return forecast.prob(target, year, direction)
