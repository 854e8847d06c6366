"""Inequality between regions: coefficient of variation, Gini, Theil T and Theil L, with the
exact between/within-group decomposition of the Theil indices.

Every function works along the last axis of an array, so a whole panel (years x regions, or
indicators x years x regions) is computed in one vectorised call.  Values or weights that are
missing (NaN) are left out of their row.  Weights are usually populations: with weights the
measures describe the distribution over residents rather than over regions.

With population shares ``p_i`` (``1/n`` without weights) and mean ``mu = sum p_i x_i``:

- CV      = sqrt(sum p_i (x_i - mu)^2) / mu                (Williamson 1965 when weighted)
- Gini    = sum_i sum_j p_i p_j |x_i - x_j| / (2 mu)
          = 1 - sum_i p_i (L_{i-1} + L_i)  with L the Lorenz ordinates (x sorted ascending)
- Theil T = sum p_i (x_i/mu) ln(x_i/mu)                    (GE(1); 0 ln 0 = 0)
- Theil L = sum p_i ln(mu/x_i)                             (GE(0), mean log deviation)

Decomposition by groups g (Shorrocks 1980; Cowell, *Measuring Inequality*, 3rd ed., ch. 4):

- T = sum_g s_g T_g + sum_g s_g ln(mu_g/mu),   s_g = sum_{i in g} p_i x_i / mu  (value share)
- L = sum_g P_g L_g + sum_g P_g ln(mu/mu_g),   P_g = sum_{i in g} p_i           (population share)

The first sum is the *within* part, the second the *between* part; they add up to the total
exactly.  Gini and Theil need non-negative values (Theil L strictly positive): a row that breaks
this gives NaN (undefined), not a number.

Speed: ``measures`` prepares the values once (shares, mean, validity, logarithms) for all four
measures.  Without weights and missing values the rows are sorted once and Gini uses the
closed form sum_i (2i - n - 1) x_(i) / (n^2 mu); Theil uses T = sum p x ln x / mu - ln mu and
L = ln mu - sum p ln x with ln x computed once.  ``benchmarks/inequality_peers.py`` compares
with PySAL ``inequality`` on the same arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.errors import user_error


def _shares(x: ArrayLike, w: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    """Values with NaN replaced by 0 and population shares p (0 where x or w is missing)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    if w is None:
        ok = np.isfinite(x)
        n = ok.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(ok, 1.0 / n, 0.0)
        return (x if ok.all() else np.where(ok, x, 0.0)), p
    w = np.broadcast_to(np.asarray(w, dtype=np.float64), x.shape)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    w = np.where(ok, w, 0.0)
    total = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = w / total
    return np.where(ok, x, 0.0), np.where(ok, p, 0.0)


def _mean(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    mu = (p * x).sum(axis=-1)
    return np.where(p.sum(axis=-1) > 0, mu, np.nan)


class _Prepared:
    """Values, shares, mean and validity of each row, computed once for every measure.

    Fast path: without weights and with every value finite the rows are sorted once (the
    measures are symmetric in a row's values; Gini needs the order) and the shares 1/n are
    never built as an array (``p`` is None); ``_psum`` then sums a row times 1/n.
    """

    def __init__(self, x: ArrayLike, w: ArrayLike | None) -> None:
        self.raw = np.asarray(x, dtype=np.float64)
        self.weighted = w is not None
        self.p: np.ndarray | None = None
        self.sorted = False  # rows of self.x sorted ascending (equal shares only)
        n = self.raw.shape[-1]
        if not self.weighted and n:
            # every measure is symmetric in a row's values: sort one C-ordered copy in place
            xs = np.array(self.raw, dtype=np.float64, order="C", copy=True)
            xs.sort(axis=-1)  # NaN sorts last, -inf first, +inf before NaN
            if bool(np.isfinite(xs[..., 0]).all() and np.isfinite(xs[..., -1]).all()):
                self.x, self.sorted = xs, True
        if self.sorted:
            self.n = np.full(self.raw.shape[:-1], n)
            self._inv_n = np.full((*self.raw.shape[:-1], 1), 1.0 / n)
            self.mu = self._psum(self.x)
            nonneg, pos = np.asarray(self.x[..., 0] >= 0), np.asarray(self.x[..., 0] > 0)
        else:
            self.x, self.p = _shares(self.raw, w)
            used = self.p > 0
            self.n = used.sum(axis=-1)
            self.mu = _mean(self.x, self.p)
            nonneg = np.asarray(~(used & (self.x < 0)).any(axis=-1))
            pos = np.asarray(~(used & (self.x <= 0)).any(axis=-1))
        self.ok = nonneg & (self.mu > 0)  # Gini, Theil T: values >= 0 and mean > 0
        self.ok_strict = pos & (self.mu > 0)  # Theil L: values > 0
        self._logx: np.ndarray | None = None

    def _psum(self, a: np.ndarray) -> np.ndarray:
        """sum_i p_i a_i along the last axis."""
        if self.p is None:
            return (a * self._inv_n).sum(axis=-1)
        return (self.p * a).sum(axis=-1)

    @property
    def logx(self) -> np.ndarray:
        """ln x where x > 0, else 0 (computed once, shared by Theil T and Theil L)."""
        if self._logx is None:
            with np.errstate(invalid="ignore", divide="ignore"):
                lx = np.log(self.x)
            positive = self.sorted and bool((self.x[..., 0] > 0).all())
            self._logx = lx if positive else np.where(self.x > 0, lx, 0.0)
        return self._logx


def _cv(d: _Prepared) -> np.ndarray:
    var = d._psum((d.x - d.mu[..., None]) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(var) / d.mu


def cv(x: ArrayLike, w: ArrayLike | None = None) -> np.ndarray:
    """Coefficient of variation sqrt(sum p_i (x_i - mu)^2) / mu (population form, ddof = 0)."""
    return _cv(_Prepared(x, w))


def _valid(x: np.ndarray, p: np.ndarray, strict: bool) -> np.ndarray:
    """Rows whose used values are all >= 0 (> 0 when strict) and whose mean is > 0."""
    used = p > 0
    bad = used & ((x <= 0) if strict else (x < 0))
    return ~bad.any(axis=-1) & (_mean(x, p) > 0)


def _gini(d: _Prepared) -> np.ndarray:
    if d.weighted:
        # 1 - sum_i p_i (L_{i-1} + L_i), L the Lorenz ordinates of the sorted values
        assert d.p is not None
        order = np.argsort(d.x, axis=-1, kind="stable")
        xs = np.take_along_axis(d.x, order, axis=-1)
        ps = np.take_along_axis(d.p, order, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = ps * xs / d.mu[..., None]
        lorenz = np.cumsum(s, axis=-1)
        g = 1.0 - (ps * (2.0 * lorenz - s)).sum(axis=-1)
    else:
        # equal shares: G = sum_i (2i - n - 1) x_(i) / (n^2 mu), i = 1..n over the n used
        # values sorted ascending; unused values sort last as NaN and then count as 0
        if d.sorted:
            xs = d.x
        else:
            assert d.p is not None
            xs = np.sort(np.where(d.p > 0, d.x, np.nan), axis=-1)
            xs = np.where(np.isnan(xs), 0.0, xs)
        rank = np.arange(1, xs.shape[-1] + 1, dtype=np.float64)
        total = d.n * d.mu
        with np.errstate(invalid="ignore", divide="ignore"):
            g = (2.0 * (xs * rank).sum(axis=-1) - (d.n + 1) * total) / (d.n * total)
    g = np.clip(g, 0.0, 1.0)  # rounding only: the exact value lies in [0, 1)
    return np.where(d.ok, g, np.nan)


def gini(x: ArrayLike, w: ArrayLike | None = None) -> np.ndarray:
    """Gini coefficient along the last axis: 1 - sum_i p_i (L_{i-1} + L_i) (x sorted ascending);
    without weights the same value from the closed form sum_i (2i - n - 1) x_(i) / (n^2 mu)."""
    return _gini(_Prepared(x, w))


def _xlogx_ratio(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """(x/mu) ln(x/mu) with 0 ln 0 = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / mu
        return np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)


def _theil_t(d: _Prepared) -> np.ndarray:
    # sum p (x/mu) ln(x/mu) = sum p x ln x / mu - ln mu   (sum p x = mu; 0 ln 0 = 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = d._psum(d.x * d.logx) / d.mu - np.log(d.mu)
    return np.where(d.ok, t, np.nan)


def theil_t(x: ArrayLike, w: ArrayLike | None = None) -> np.ndarray:
    """Theil T index sum p_i (x_i/mu) ln(x_i/mu) along the last axis."""
    return _theil_t(_Prepared(x, w))


def _theil_l(d: _Prepared) -> np.ndarray:
    # sum p ln(mu/x) = ln mu - sum p ln x   (sum p = 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.log(d.mu) - d._psum(d.logx)
    return np.where(d.ok_strict, t, np.nan)


def theil_l(x: ArrayLike, w: ArrayLike | None = None) -> np.ndarray:
    """Theil L index (mean log deviation) sum p_i ln(mu/x_i) along the last axis."""
    return _theil_l(_Prepared(x, w))


def theil_decompose(
    x: ArrayLike, groups: ArrayLike, w: ArrayLike | None = None, measure: str = "theil_t"
) -> dict[str, np.ndarray]:
    """Exact between/within decomposition of Theil T (``theil_t``) or Theil L (``theil_l``).

    ``groups`` labels the last axis (one label per region).  Returns arrays ``total``,
    ``between``, ``within`` (``between + within == total``) over the leading axes, and
    ``group_mean`` / ``group_share`` with a trailing group axis (groups in sorted order,
    listed in ``labels``).
    """
    if measure not in ("theil_t", "theil_l"):
        raise ValueError(f"measure must be 'theil_t' or 'theil_l', not {measure!r}")
    x, p = _shares(x, w)
    labels, codes = np.unique(check_groups(groups), return_inverse=True)
    onehot = np.zeros((codes.size, labels.size))
    onehot[np.arange(codes.size), codes] = 1.0
    if onehot.shape[0] != x.shape[-1]:
        raise ValueError("groups must give one label per region (last axis)")
    mu = _mean(x, p)
    pg = p @ onehot  # population share of each group
    vg = (p * x) @ onehot  # sum p_i x_i in each group
    with np.errstate(invalid="ignore", divide="ignore"):
        mug = vg / pg  # group means
        sg = vg / mu[..., None]  # value share of each group
        mu_i = mug[..., codes]  # each region's group mean
    if measure == "theil_t":
        ok = _valid(x, p, strict=False)
        # s_g T_g = (mu_g/mu) sum_{i in g} p_i (x_i/mu_g) ln(x_i/mu_g)
        within_g = (p * _xlogx_ratio(x, mu_i)) @ onehot
        with np.errstate(invalid="ignore", divide="ignore"):
            within = np.nansum(within_g * mug / mu[..., None], axis=-1)
            between = np.nansum(np.where(sg > 0, sg * np.log(mug / mu[..., None]), 0.0), axis=-1)
    else:
        ok = _valid(x, p, strict=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            within = np.where(p > 0, p * np.log(mu_i / np.where(x > 0, x, 1.0)), 0.0).sum(axis=-1)
            between = np.nansum(np.where(pg > 0, pg * np.log(mu[..., None] / mug), 0.0), axis=-1)
    nan = np.full_like(mu, np.nan)
    return {
        "total": np.where(ok, between + within, nan),
        "between": np.where(ok, between, nan),
        "within": np.where(ok, within, nan),
        "group_mean": mug,
        "group_share": pg,
        "labels": labels,
    }


def check_groups(groups: ArrayLike) -> np.ndarray:
    """Group labels as strings; a missing label (None, NaN or empty) is a user error naming
    the positions, never a group called "None" or "nan"."""
    g = pd.Series(np.asarray(groups, dtype=object))
    missing = g.isna() | (g.astype(str).str.strip() == "")
    if missing.any():
        pos = ", ".join(str(i + 1) for i in np.flatnonzero(missing.to_numpy()))
        raise user_error("methods.group_labels_missing", positions=pos)
    return g.astype(str).to_numpy()


def measures(
    x: ArrayLike, w: ArrayLike | None = None, groups: ArrayLike | None = None
) -> dict[str, np.ndarray]:
    """Every measure along the last axis of ``x`` (any leading axes: indicators, years).

    Returns arrays over the leading axes: n, mean, cv, gini, theil_t, theil_l and, with
    ``groups`` (one label per region), ``theil_t_between``/``_within``/``_between_share`` and
    the same for ``theil_l``.
    """
    d = _Prepared(x, w)
    out = {
        "n": d.n,
        "mean": d.mu,
        "cv": _cv(d),
        "gini": _gini(d),
        "theil_t": _theil_t(d),
        "theil_l": _theil_l(d),
    }
    if groups is not None:
        for m in ("theil_t", "theil_l"):
            dec = theil_decompose(x, groups, w, measure=m)
            out[f"{m}_between"] = dec["between"]
            out[f"{m}_within"] = dec["within"]
            with np.errstate(invalid="ignore", divide="ignore"):  # undefined when total is ~0
                share = dec["between"] / dec["total"]
            out[f"{m}_between_share"] = np.where(dec["total"] > 1e-12, share, np.nan)
    return out


def summary(
    panel: pd.DataFrame,
    weights: pd.DataFrame | None = None,
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """``measures`` for every year (column) of a region x year ``panel``, one row per year.

    ``weights`` (same shape, e.g. population) and ``groups`` (region -> label) are optional.
    """
    x = panel.to_numpy(dtype=float).T  # year x region
    w = None if weights is None else weights.reindex_like(panel).to_numpy(dtype=float).T
    g = None if groups is None else groups.reindex(panel.index).to_numpy(dtype=object)
    index = pd.Index(panel.columns, name=panel.columns.name or "year")
    return pd.DataFrame(measures(x, w, g), index=index)
