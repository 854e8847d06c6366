"""Tiers: leading / middle / lagging regions on each dimension, by a stated rule.

Rule ``sd`` (default): with the mean m and standard deviation s (ddof = 0) of a dimension's
scores across regions, a region is *leading* if its score >= m + k s, *lagging* if
<= m - k s, *middle* otherwise (k = 0.5 by default) — the half-standard-deviation bands used
in regional development grading.  Scores are oriented so that higher is better.

Rule ``tertile``: the top third of ranks is leading, the bottom third lagging (rank r of n is
leading if r <= n/3, lagging if r > 2n/3).

A region without a score has tier ``no_data``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import check_choice

RULES = ("sd", "tertile")


def tiers(scores: pd.DataFrame, rule: str = "sd", k: float = 0.5) -> pd.DataFrame:
    """Tier of every region (rows) on every dimension (columns) of ``scores`` (higher = better)."""
    check_choice(rule, RULES, "kinds.tier_rule")
    s = scores.astype(float)
    if rule == "sd":
        m, sd = s.mean(), s.std(ddof=0)
        lead, lag = s.ge(m + k * sd) & (sd > 0), s.le(m - k * sd) & (sd > 0)
    else:
        n = s.notna().sum()
        r = s.rank(ascending=False, method="min")
        lead, lag = r.le(n / 3), r.gt(2 * n / 3)
    out = np.select([s.isna(), lead, lag], ["no_data", "leading", "lagging"], default="middle")
    return pd.DataFrame(out, index=scores.index, columns=scores.columns)
