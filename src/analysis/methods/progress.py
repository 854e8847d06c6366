"""Progress towards a target: status from observed vs required growth, and the probability
of meeting the target from a projection.

Status follows Open SDG's progress measure (sdg-build ``ProgressMeasure``, itself the method
of the UN ESCAP *Asia and the Pacific SDG Progress Report*). With baseline x0 in year t0, the
latest value xc in year tc (t0 < tc) and the target xT in year T,

    observed CAGR  = (xc / x0) ** (1 / (tc - t0)) - 1
    required CAGR  = (xT / x0) ** (1 / (T - t0)) - 1
    ratio          = observed CAGR / |required CAGR|  (sign flipped when lower is better)

and for bounded percentage targets (``absolute=True``) the absolute-change variant

    ratio = ((xc - x0) / (tc - t0)) / |(xT - x0) / (T - t0)|.

ratio >= 0.95 -> on track, >= 0.60 -> moderate progress, >= 0 -> limited progress (a ratio
of exactly 0, no change, is limited progress as in sdg-build), < 0 -> going backwards.

**No target** (target NaN): sdg-build's "methodology 1": the observed CAGR itself, oriented
by the direction, against fixed thresholds 0.015 / 0.005 / 0 with its own labels
(``no_target_substantial`` >= 1.5 % a year, ``no_target_moderate`` >= 0.5 %,
``no_target_limited`` >= 0, ``no_target_deterioration`` < 0). When all values are
negative the desired direction is flipped (Open SDG progress methodology, "minimum data
requirements"): −10 -> −5 with higher better is growth of (0.5)^(1/n) − 1 < 0 in
magnitude, flipped to progress. Values of mixed sign give ``no_data``.

**Natural limit C** (optional ``limit``, Open SDG's ``progress_calculation_options``
``limit``; sdg-build ``SeriesProgress.get_progress_thresholds``, Open SDG docs "Progress
measurement methodology"): near a natural maximum or minimum the no-target thresholds
above 0 are multiplied by C, with b = |x0|, L = |limit| and a = 4.44,

    C = 1                          if b >= 2L
    C = 1 - (b / L) ** a           if b <= L   (maximum limit: 0 <= x0 <= limit)
    C = 1 - ((2L - b) / L) ** a    otherwise    (minimum limit: limit < x0 < 2 limit)

so a baseline at the limit (C = 0) rates any non-negative growth as substantial. A limit is
ignored when the series has a target (as in sdg-build). E.g. x0 = 90, limit 100:
C = 1 - 0.9^4.44 = 0.3736, thresholds 0.56 % / 0.19 % a year.

The required growth shown to the reader is ``required_growth``, the same figure the ratio
divides by (a zero target enters the CAGR as 0.001).

Edge cases, in the order they are decided:

1. the latest value after the baseline (tc > t0) meets the target -> ``met``
   (this includes a target already met at baseline and still met);
2. no baseline value, or no observation after the baseline year -> ``no_data``;
3. target met at baseline but no longer met -> ``backwards`` (ground lost);
4. a target of exactly 0 is replaced by 0.001 in the CAGR, as sdg-build does (it warns
   "Target is zero (invalid)"); documented deviation: a zero or negative baseline, or a
   negative current value or target, uses the absolute-change variant (sdg-build replaces a
   zero baseline by 0.001, which makes any rise from 0 "substantial", and returns no value
   for values of mixed sign). The no-target rule follows sdg-build (zero baseline -> 0.001).
"""

from __future__ import annotations

import numpy as np

STATUSES = ("met", "on_track", "moderate", "limited", "backwards", "no_data", "not_met")
NO_TARGET_STATUSES = (
    "no_target_substantial",
    "no_target_moderate",
    "no_target_limited",
    "no_target_deterioration",
)
ON_TRACK = 0.95
MODERATE = 0.60
LIMITED = 0.0
NO_TARGET_HIGH = 0.015  # sdg-build default thresholds of methodology 1 (observed CAGR)
NO_TARGET_MED = 0.005
NO_TARGET_LOW = 0.0
ZERO_SUBSTITUTE = 0.001  # sdg-build replaces a zero target or baseline by 0.001
LIMIT_EXPONENT = 4.44  # sdg-build's exponent a of the natural-limit factor C


REL_TOL = 1e-9  # values equal to the target up to floating-point rounding meet it


def _meets(x: np.ndarray, target: np.ndarray, higher: np.ndarray) -> np.ndarray:
    tol = REL_TOL * np.maximum(np.abs(target), 1.0)
    return np.where(higher, x >= target - tol, x <= target + tol)


def _nonzero(v: np.ndarray) -> np.ndarray:
    return np.where(v == 0, ZERO_SUBSTITUTE, v)


def _absolute(x0, target, absolute, xc=None) -> np.ndarray:
    """Where the absolute-change variant is used instead of the CAGR: asked for, a zero or
    negative baseline, a negative target or (when given) a negative current value."""
    out = np.asarray(absolute, dtype=bool) | (x0 <= 0) | (target < 0)
    return out if xc is None else out | (np.asarray(xc, dtype=float) < 0)


def required_growth(x0, t0, target, target_year, absolute=False, xc=None) -> np.ndarray:
    """Annual growth needed from baseline to target, the one figure shown to the reader and
    used by ``status``: CAGR (xT'/x0)^(1/(T−t0)) − 1 with a zero target xT' = 0.001 (as in
    sdg-build), or the absolute change (xT − x0)/(T − t0) per year where ``_absolute``.
    E.g. 10 -> 0 over 2015-2030: (0.001/10)^(1/15) − 1 = −0.4588 (not −0.667 a year)."""
    x0, t0, target, target_year = (
        np.asarray(v, dtype=float) for v in (x0, t0, target, target_year)
    )
    use_abs = _absolute(x0, target, absolute, xc)
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr = (_nonzero(target) / np.where(x0 > 0, x0, np.nan)) ** (1 / (target_year - t0)) - 1
        return np.where(use_abs, (target - x0) / (target_year - t0), cagr)


def growth_ratio(x0, t0, xc, tc, target, target_year, absolute=False) -> np.ndarray:
    """Ratio of observed annual growth to |``required_growth``| (CAGR, or absolute change
    where ``_absolute``); a zero target becomes 0.001 as in sdg-build. NaN when it cannot
    be computed."""
    x0, t0, xc, tc, target, target_year = (
        np.asarray(v, dtype=float) for v in (x0, t0, xc, tc, target, target_year)
    )
    use_abs = _absolute(x0, target, absolute, xc)
    req = required_growth(x0, t0, target, target_year, absolute, xc)
    with np.errstate(divide="ignore", invalid="ignore"):
        obs_cagr = (xc / np.where(x0 > 0, x0, np.nan)) ** (1 / (tc - t0)) - 1
        obs_abs = (xc - x0) / (tc - t0)
        ratio = np.where(use_abs, obs_abs, obs_cagr) / np.abs(req)
    return np.where(np.isfinite(ratio), ratio, np.nan)


def observed_growth(x0, t0, xc, tc) -> np.ndarray:
    """Observed CAGR (xc / x0) ** (1 / (tc - t0)) - 1, a zero baseline taken as 0.001."""
    x0, t0, xc, tc = (np.asarray(v, dtype=float) for v in (x0, t0, xc, tc))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (xc / _nonzero(x0)) ** (1 / (tc - t0)) - 1
    return np.where(np.isfinite(g), g, np.nan)


def limit_factor(x0, limit) -> np.ndarray:
    """The natural-limit factor C of the no-target thresholds (module docstring); 1 where
    ``limit`` is NaN (no limit). E.g. x0 = 90, limit = 100: 1 - 0.9^4.44 = 0.3736."""
    b = np.abs(np.asarray(x0, dtype=float))
    lim = np.abs(np.asarray(limit, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(
            b >= 2 * lim,
            1.0,
            np.where(
                b <= lim,
                1 - (b / lim) ** LIMIT_EXPONENT,
                1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT,
            ),
        )
    return np.where(np.isfinite(lim) & np.isfinite(c), c, 1.0)


def _no_target_grade(growth: np.ndarray, c: np.ndarray | float = 1.0) -> np.ndarray:
    return np.select(
        [growth >= c * NO_TARGET_HIGH, growth >= c * NO_TARGET_MED, growth >= NO_TARGET_LOW],
        ["no_target_substantial", "no_target_moderate", "no_target_limited"],
        default="no_target_deterioration",
    )


def status(
    x0,
    t0,
    xc,
    tc,
    target,
    target_year,
    direction="higher",
    absolute=False,
    limit=np.nan,
) -> np.ndarray:
    """Progress status codes (see module docstring), vectorised over all arguments.

    ``x0``/``t0`` baseline value and year (NaN = unknown), ``xc``/``tc`` latest value and
    year (NaN = none), ``target`` (NaN = no target: the no-target rule), ``direction``
    "higher" or "lower" (is better), ``absolute`` use the absolute-change ratio, ``limit``
    the natural limit of the no-target rule (NaN = none).
    """
    x0, t0, xc, tc, target, target_year, limit = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x0, t0, xc, tc, target, target_year, limit))
    )
    higher = np.broadcast_to(np.asarray(direction) == "higher", x0.shape)
    absolute = np.broadcast_to(np.asarray(absolute, dtype=bool), x0.shape)
    has_current = np.isfinite(xc) & np.isfinite(tc) & (tc > t0)
    has_base = np.isfinite(x0) & np.isfinite(t0)
    has_target = np.isfinite(target)
    met_now = has_current & has_target & _meets(xc, target, higher)
    met_base = has_base & has_target & _meets(x0, target, higher)
    sign = np.where(higher, 1.0, -1.0)
    ratio = sign * growth_ratio(x0, t0, xc, tc, target, target_year, absolute)
    graded = np.select(
        [ratio >= ON_TRACK, ratio >= MODERATE, ratio >= LIMITED],
        ["on_track", "moderate", "limited"],
        default="backwards",
    )
    # all values negative: sdg-build flips the desired direction (the CAGR of xc/x0 > 0
    # measures growth in magnitude); mixed signs cannot be assessed (no_data)
    flip = np.where((x0 < 0) & (xc < 0), -1.0, 1.0)
    growth = sign * flip * observed_growth(x0, t0, xc, tc)
    graded_nt = _no_target_grade(growth, limit_factor(x0, limit))
    no_target = np.where(np.isfinite(growth), graded_nt, "no_data")
    out = np.select(
        [
            met_now,
            ~(has_base & has_current),
            ~has_target,
            met_base,
            ~np.isfinite(ratio),
        ],
        ["met", "no_data", no_target, "backwards", "no_data"],
        default=graded,
    )
    return out.astype(object)
