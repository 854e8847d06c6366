"""The rules that tie a status to the probability shown beside it.

During a plan period (the last observation is before the target year) a region's status is
its observed progress (``methods.progress.status``: met, on track, moderate, limited,
backwards, no data) and the forecast's probability ``p`` of meeting the target in the target
year is shown beside it. When the two disagree a *risk* code names the disagreement, so the
page never shows a good status with a low probability (or the reverse) without saying so:

- ``may_fall_short``: status met or on track, but p < ``LIKELY``;
- ``may_catch_up``: status moderate, limited or backwards, but p >= ``LIKELY``;
- ``""``: the two agree (or p is unknown).

After the target year (an observation in or after the target year) the status is final:
``met`` or ``not_met`` with the difference to the target, and no probability is shown.
``no_data`` when there is no value after the baseline.

>>> risk(["on_track", "met", "limited", "limited"], [0.23, 0.9, 0.7, 0.1]).tolist()
['may_fall_short', '', 'may_catch_up', '']
>>> final_status([31.0, 29.0, float("nan")], [30.0, 30.0, 30.0], "higher").tolist()
['met', 'not_met', 'no_data']
"""

from __future__ import annotations

import numpy as np

LIKELY = 0.5
GOOD = ("met", "on_track")
BEHIND = ("moderate", "limited", "backwards")
RISKS = ("may_fall_short", "may_catch_up")
FINAL = ("met", "not_met", "no_data")
REL_TOL = 1e-9  # equal to the target up to floating-point rounding counts as met


def risk(status, prob) -> np.ndarray:
    """Risk code per (status, probability) pair (module docstring)."""
    s = np.asarray(status, dtype=object)
    p = np.asarray(prob, dtype=float)
    known = np.isfinite(p)
    short = np.isin(s, GOOD) & known & (p < LIKELY)
    catch = np.isin(s, BEHIND) & known & (p >= LIKELY)
    return np.where(short, "may_fall_short", np.where(catch, "may_catch_up", "")).astype(object)


def meets(value, target, direction) -> np.ndarray:
    """``value`` meets ``target`` (>= when higher is better, <= when lower), up to rounding."""
    v, tv = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    higher = np.asarray(direction) == "higher"
    tol = REL_TOL * np.maximum(np.abs(tv), 1.0)
    with np.errstate(invalid="ignore"):
        return np.where(higher, v >= tv - tol, v <= tv + tol)


def final_status(value, target, direction) -> np.ndarray:
    """``met`` / ``not_met`` for a final value against its target, ``no_data`` without one."""
    v, tv = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    ok = np.isfinite(v) & np.isfinite(tv)
    m = meets(v, tv, direction)
    return np.where(~ok, "no_data", np.where(m, "met", "not_met")).astype(object)
