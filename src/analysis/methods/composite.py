"""Composite development index: normalise, weight, aggregate, rank, and test how much the ranks
depend on those choices (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, steps
5-7; the uncertainty analysis of the COINr package, Becker et al. 2022).

Input is a region x indicator table of values for one year.  Normalisations (all oriented so
that higher = better; ``direction == "lower"`` indicators are reversed):

- ``minmax``: 100 (x - min) / (max - min)                   (lower: 100 (max - x) / (max - min))
- ``zscore``: (x - mean) / sd  (sd with ddof = 0)            (lower: -(x - mean) / sd)
- ``target``: distance to target, 100 min(x / target, 1)     (lower: 100 min(target / x, 1));
  indicators without a target use the best region as the target (distance to frontier).

An indicator that is constant across regions carries no information: it gets the neutral value
(50 for min-max, 0 for z-score, 100 for target when every region meets it).

Weights: ``equal`` (1/k each), ``theme`` (each theme 1/T, split equally inside it),
``entropy`` (entropy weight method: with y the min-max scores, p_ij = y_ij / sum_i y_ij,
e_j = -sum_i p_ij ln p_ij / ln n, w_j = (1 - e_j) / sum (1 - e_j); Shannon 1948, as used in
Chinese regional evaluation studies), or a user mapping indicator -> weight (rescaled to sum 1).

Aggregation is the weighted arithmetic mean; a region missing an indicator is scored on the
indicators it has (weights rescaled over them).  Rank 1 = best.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.errors import check_choice, user_error

NORMALISATIONS = ("minmax", "zscore", "target")
WEIGHTINGS = ("equal", "theme", "entropy")
NEUTRAL = {"minmax": 50.0, "zscore": 0.0, "target": 100.0}


def _sign(direction: pd.Series, columns: pd.Index) -> np.ndarray:
    d = direction.reindex(columns).fillna("higher").to_numpy()
    return np.where(d == "lower", -1.0, 1.0)


def check_normalisation(method: str) -> str:
    return check_choice(method, NORMALISATIONS, "kinds.normalisation")


def normalise(
    values: pd.DataFrame,
    direction: pd.Series,
    method: str = "minmax",
    targets: pd.Series | None = None,
) -> pd.DataFrame:
    """Normalise a region x indicator table column by column (see module docstring)."""
    check_normalisation(method)
    x = values.to_numpy(dtype=float)
    sign = _sign(direction, values.columns)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN
        if method == "minmax":
            lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
            z = 100 * (x - lo) / (hi - lo)
            z = np.where(sign < 0, 100 - z, z)
        elif method == "zscore":
            z = sign * (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0)
        else:
            best = np.where(sign > 0, np.nanmax(x, axis=0), np.nanmin(x, axis=0))
            t = best if targets is None else targets.reindex(values.columns).to_numpy(dtype=float)
            t = np.where(np.isfinite(t), t, best)
            ratio = np.where(sign > 0, x / t, t / x)
            ratio = np.where(
                (sign < 0) & (x <= t), 1.0, ratio
            )  # at or below a lower-is-better target
            z = 100 * np.clip(ratio, 0.0, 1.0)
        const = np.nanmax(x, axis=0) == np.nanmin(x, axis=0)
        z = np.where(const & np.isfinite(x), NEUTRAL[method], z)
    if method == "target":
        z = np.where(np.isfinite(x), z, np.nan)
    return pd.DataFrame(z, index=values.index, columns=values.columns)


def entropy_weights(values: pd.DataFrame, direction: pd.Series) -> pd.Series:
    """Entropy weights from the min-max scores (see module docstring); 0 weight if all equal."""
    y = normalise(values, direction, "minmax").to_numpy(dtype=float)
    y = np.where(np.isfinite(y), y, 0.0)
    n = np.isfinite(values.to_numpy(dtype=float)).sum(axis=0)
    col = y.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = y / col
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        e = -plogp.sum(axis=0) / np.log(n)
    d = np.where((col > 0) & (n > 1), 1.0 - e, 0.0)
    d = np.clip(d, 0.0, None)
    if d.sum() <= 0:
        d = np.ones_like(d)
    return pd.Series(d / d.sum(), index=values.columns, name="weight")


def weights(
    values: pd.DataFrame,
    method: str | Mapping[str, float] = "equal",
    theme: pd.Series | None = None,
    direction: pd.Series | None = None,
) -> pd.Series:
    """Indicator weights summing to 1 (``equal``, ``theme``, ``entropy`` or a user mapping)."""
    cols = values.columns
    if isinstance(method, Mapping):
        bad = [k for k in method if k not in set(cols)]
        if bad:
            raise user_error(
                "methods.weights_unknown_indicator", bad=", ".join(bad), valid=", ".join(cols)
            )
        w = pd.Series({c: float(method.get(c, 0.0)) for c in cols})
        if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise user_error("methods.weights_invalid")
    elif method == "equal":
        w = pd.Series(1.0, index=cols)
    elif method == "theme":
        if theme is None:
            raise ValueError("theme weights need the indicator -> theme mapping")
        th = theme.reindex(cols).fillna("")
        w = 1.0 / th.map(th.value_counts())
    elif method == "entropy":
        w = entropy_weights(values, direction if direction is not None else pd.Series(dtype=str))
    else:
        valid = ", ".join(WEIGHTINGS) + ", {indicator: weight}"
        raise user_error("methods.weighting_unknown", bad=method, valid=valid)
    return (w / w.sum()).rename("weight")


def aggregate(scores: pd.DataFrame, w: pd.Series) -> pd.Series:
    """Weighted arithmetic mean across indicators, weights rescaled over available values."""
    s = scores.to_numpy(dtype=float)
    ww = w.reindex(scores.columns).fillna(0.0).to_numpy(dtype=float)
    have = np.isfinite(s)
    num = np.where(have, s, 0.0) @ ww
    den = have @ ww
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(np.where(den > 0, num / den, np.nan), index=scores.index, name="index")


def rank(score: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Rank 1 = highest score; ties share the best rank; NaN stays NaN."""
    return score.rank(ascending=False, method="min")


def composite(
    values: pd.DataFrame,
    direction: pd.Series,
    theme: pd.Series,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    targets: pd.Series | None = None,
) -> pd.DataFrame:
    """Index and rank of every region, plus its sub-index on every theme.

    Returns a frame indexed by region with columns ``index``, ``rank`` and one column per theme
    (weighted mean of that theme's normalised indicators, on the same scale as the index).
    """
    scores = normalise(values, direction, normalisation, targets)
    w = weights(values, weighting, theme, direction)
    out = pd.DataFrame({"index": aggregate(scores, w)})
    out["rank"] = rank(out["index"])
    th = theme.reindex(values.columns)
    for t in sorted(th.dropna().unique()):
        cols = th.index[th == t]
        out[t] = aggregate(scores[cols], w[cols] if w[cols].sum() > 0 else pd.Series(1.0, cols))
    return out


def scenarios(
    normalisations: Sequence[str] = NORMALISATIONS,
    weightings: Sequence[str | Mapping[str, float]] = WEIGHTINGS,
) -> list[tuple[str, str | Mapping[str, float]]]:
    """Every (normalisation, weighting) combination."""
    return list(itertools.product(normalisations, weightings))


def rank_sensitivity(
    values: pd.DataFrame,
    direction: pd.Series,
    theme: pd.Series,
    targets: pd.Series | None = None,
    normalisations: Sequence[str] = NORMALISATIONS,
    weightings: Sequence[str | Mapping[str, float]] = WEIGHTINGS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ranks under every combination of normalisation and weighting (OECD/JRC 2008, s. 7).

    Returns ``(ranks, summary)``: ranks is region x scenario ("minmax/equal", ...); summary has
    each region's median rank, best (min) and worst (max) rank and range (max - min), sorted by
    median rank then code.
    """
    ranks = {}
    for norm, wt in scenarios(normalisations, weightings):
        label = f"{norm}/{wt if isinstance(wt, str) else 'user'}"
        ranks[label] = composite(values, direction, theme, norm, wt, targets)["rank"]
    r = pd.DataFrame(ranks)
    summary = pd.DataFrame(
        {
            "median_rank": r.median(axis=1),
            "best_rank": r.min(axis=1),
            "worst_rank": r.max(axis=1),
        }
    )
    summary["rank_range"] = summary["worst_rank"] - summary["best_rank"]
    summary = summary.sort_index().sort_values("median_rank", kind="stable")
    return r, summary
