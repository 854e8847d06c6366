"""Split a prefecture (aggregate) target into county targets whose total equals it.

For a count target T (e.g. community workers) with county values x_i and a size measure
d_i (residents or households), the rules are:

- ``uniform``       same intensity everywhere:  t_i = T · d_i / Σd
- ``gap``           the increase Δ = T - Σx is shared in proportion to each county's gap
                    to the uniform standard, g_i = max(T · d_i / Σd - x_i, 0):
                    t_i = x_i + Δ · g_i / Σg  (for a lower-is-better target the reduction is
                    shared in proportion to the excess over the standard; if no county has
                    a gap, in proportion to d_i)
- ``equal_effort``  the same growth rate everywhere: t_i = x_i · T / Σx

All three give Σ t_i = T exactly whenever the prefecture still has to move towards its
target. A target the prefecture total already meets asks no county to get worse: under
``gap`` and ``equal_effort`` every county keeps its current value (Σ t_i = Σ x_i, which
meets T); ``uniform`` is the pure standard and still sums to T. For a ratio target
(value = numerator / denominator · scale, e.g. 30 m² per 100 households) the prefecture
target is first turned into a total of the numerator, N = T · Σd / scale, which is split
by the rule and turned back into county ratios, so the county targets aggregate to the
prefecture target. A uniform
standard on a ratio gives every county the same ratio (the national-standard reading).
See e.g. the "allocation of targets" in China's five-year-plan practice and
the equal-effort / need-based burden-sharing rules of Höhne, den Elzen & Escalante (2014,
*Climate Policy* 14(1)) for the same three principles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import check_choice, user_error

RULES = ("uniform", "gap", "equal_effort")


def check_rule(rule: str) -> str:
    return check_choice(rule, RULES, "kinds.decomposition_rule")


def split_total(
    total: float, current: pd.Series, size: pd.Series, rule: str, direction: str = "higher"
) -> pd.Series:
    """County targets for a count ``total`` (see module docstring). ``current`` x_i and
    ``size`` d_i share the county index; the result sums to ``total`` unless the total
    already meets it (``direction``: is higher or lower better)."""
    check_rule(rule)
    x = current.astype(float)
    d = size.reindex(x.index).astype(float)
    if d.isna().any() or (d < 0).any() or d.sum() <= 0:
        raise user_error("methods.split_size")
    share = d / d.sum()
    standard = total * share
    if rule == "uniform":
        return standard.rename("target")
    if x.isna().any():
        missing = ", ".join(map(str, x.index[x.isna()]))
        raise user_error("methods.split_missing", rule=rule, missing=missing)
    delta = total - x.sum()
    if (delta <= 0) if direction == "higher" else (delta >= 0):
        return x.rename("target")  # already met in total: nobody is asked to get worse
    if rule == "equal_effort":
        if x.sum() <= 0:
            return standard.rename("target")
        return (x * total / x.sum()).rename("target")
    need = (np.sign(delta) * (standard - x)).clip(lower=0)
    weights = need / need.sum() if need.sum() > 0 else share
    return (x + delta * weights).rename("target")


def split_ratio(
    target: float,
    numerator: pd.Series,
    denominator: pd.Series,
    scale: float,
    rule: str,
    direction: str = "higher",
) -> pd.DataFrame:
    """County targets for a ratio target (value = numerator / denominator · scale).

    Returns one row per county: current numerator, numerator target, the increase needed,
    the county's share of the prefecture increase, and the implied ratio target.
    """
    d = denominator.reindex(numerator.index).astype(float)
    total = target * d.sum() / scale
    if rule == "uniform":
        n_target = pd.Series(target * d / scale, index=numerator.index)
    else:
        n_target = split_total(total, numerator, d, rule, direction)
    return _table(numerator.astype(float), n_target, n_target / d * scale)


def split_count(
    total: float, current: pd.Series, size: pd.Series, rule: str, direction: str = "higher"
) -> pd.DataFrame:
    """Table of county targets for a count target (columns as ``split_ratio``)."""
    t = split_total(total, current, size, rule, direction)
    return _table(current.astype(float), t, t)


def _table(current: pd.Series, count_target: pd.Series, value_target: pd.Series) -> pd.DataFrame:
    increase = count_target - current
    total_inc = increase.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = increase / total_inc * 100 if total_inc != 0 else increase * np.nan
    return pd.DataFrame(
        {
            "current": current,
            "target_count": count_target,
            "increase": increase,
            "share_of_increase": share,
            "target": value_target,
        }
    )
