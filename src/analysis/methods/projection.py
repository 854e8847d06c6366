"""Trend projection of many yearly series at once, with prediction intervals and back-tests.

Models (``method``):

- ``linear``   y_t = a + b t + e_t                       (constant absolute change)
- ``log``      log y_t = a + b t + e_t                   (constant growth rate; needs y > 0)
- ``logit``    logit((y_t - L) / (U - L)) = a + b t + e_t (bounded rates stay inside [L, U])
- ``damped``   additive damped-trend exponential smoothing, ETS(A,Ad,N)
               (Gardner & McKenzie 1985), fitted for all series at once by ``methods.ets``
               with statsmodels ``ETSModel``'s estimates (``_ets_one`` is the reference)
- ``auto``     per series, the best of linear/log/logit by rolling-origin back-test (MASE)
- ``auto_ets`` as ``auto`` but damped-trend ETS is also a candidate (slower)

The three regression models are fitted by ordinary least squares on the transformed
values, vectorised over all series at once (numpy; missing years are allowed). The
prediction interval for a new observation at year t0 is the exact Student-t interval

    z_hat(t0) ± t_{n-2, 1-α/2} · s · sqrt(1 + 1/n + (t0 - t̄)² / Σ(t_i - t̄)²),
    s² = Σ e_i² / (n - 2)

(e.g. Montgomery, Peck & Vining, *Introduction to Linear Regression Analysis*, §2.5),
mapped back through the (monotone) inverse transform, so interval ends are exact
quantiles of the predictive distribution on the original scale and the central value is
its median. ETS intervals use statsmodels' analytic forecast variance with a normal
distribution.

**Jump-off.** Every regression projection starts from the last observation: the fitted
line is shifted on the model scale by z_last - ẑ(t_last), so the central value at the last
observed year equals the observation (the forecast does not jump back to the fitted line).
**Bounds.** Values and interval ends are clipped to the indicator's bounds; a series whose
last value sits at its bound in the improving direction meets a target at that bound with
probability 1.
**Fallbacks** (recorded per series in ``Forecast.fallback`` and shown to the reader):
damped ETS with fewer than ``ETS_MIN_OBS`` observations (``ets_too_few``), with missing
years inside the series (``ets_gaps``: gaps are not interpolated, the linear model fits
the observed years only) or with a smoothing/damping parameter on its bound
(``ets_boundary``: a boundary fit, e.g. an exactly linear series, gives a spuriously narrow
band) is replaced by the linear trend; ``log``/``logit`` where they do not apply
(non-positive values, no bounds) likewise.

Model choice uses a rolling-origin evaluation (Tashman 2000; Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, §5.10): for every origin o the model is fitted on
the years <= o only and scored on the following ``horizon`` years; the error is scaled by
the mean absolute one-year change of the training data (MASE, Hyndman & Koehler 2006).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.errors import check_choice, user_error

OLS_METHODS = ("linear", "log", "logit")
METHODS = (*OLS_METHODS, "damped")
AUTO = {"auto": OLS_METHODS, "auto_ets": METHODS}
ALL_METHODS = (*METHODS, *AUTO)
LEVELS = (0.80, 0.95)
LOGIT_EPS = 1e-3  # shares p in [0, 1] are squeezed linearly to eps + (1 - 2 eps) p before the logit
ETS_MIN_OBS = 5  # fewer observations: damped ETS falls back to linear
ETS_BOUND_TOL = 1e-3  # a smoothing/damping parameter this close to its bound is a boundary fit
REL_TOL_BOUND = 1e-9  # a value this close (relative) to its bound sits at the bound
FALLBACKS = ("ets_too_few", "ets_gaps", "ets_boundary", "log_not_applicable")


def check_method(method: str) -> str:
    """Return ``method`` or raise a bilingual UserError listing the valid ones."""
    return check_choice(method, ALL_METHODS, "kinds.projection_method")


# -- transforms ---------------------------------------------------------------------------
def _bounds(value, n: int, fill: float) -> np.ndarray:
    arr = (
        np.full(n, fill, dtype=float)
        if value is None
        else np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()
    )
    return np.where(np.isnan(arr), fill, arr)


def _forward(y: np.ndarray, method: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Transform values (series x years) to the scale on which the trend is linear."""
    m = method[:, None]
    lo, hi = lo[:, None], hi[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        logy = np.log(np.where(y > 0, y, np.nan))
        p = np.clip((y - lo) / (hi - lo), 0.0, 1.0)
        logit = special.logit(LOGIT_EPS + (1 - 2 * LOGIT_EPS) * p)
    return np.where(m == "log", logy, np.where(m == "logit", logit, y))


def _inverse(z: np.ndarray, method: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Map transformed values back to the original scale, clipped to the indicator's bounds."""
    m = method[:, None]
    lo, hi = lo[:, None], hi[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        p = (special.expit(z) - LOGIT_EPS) / (1 - 2 * LOGIT_EPS)
        y = np.where(m == "log", np.exp(z), np.where(m == "logit", lo + (hi - lo) * p, z))
    return np.clip(y, lo, hi)


def applicable(values: np.ndarray, method: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Which series (rows of ``values``) ``method`` can be fitted to.

    ``log`` needs every observed value > 0; ``logit`` needs finite lower and upper bounds.
    """
    if method == "log":
        return ~np.any(values <= 0, axis=1)
    if method == "logit":
        return np.isfinite(lo) & np.isfinite(hi) & (hi > lo)
    return np.ones(values.shape[0], dtype=bool)


# -- vectorised OLS -----------------------------------------------------------------------
@dataclass(frozen=True)
class _OLS:
    a: np.ndarray  # intercept at t = tbar
    b: np.ndarray  # slope per year
    n: np.ndarray
    tbar: np.ndarray
    sxx: np.ndarray
    s: np.ndarray  # residual standard error (NaN when n < 3)


def _fit_ols(z: np.ndarray, t: np.ndarray) -> _OLS:
    """Least-squares line through each row of ``z`` (NaN = missing), centred at the row's
    mean year."""
    w = np.isfinite(z)
    zz = np.where(w, z, 0.0)
    tt = np.broadcast_to(t.astype(float), z.shape)
    n = w.sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tbar = (tt * w).sum(axis=1) / n
        zbar = zz.sum(axis=1) / n
        dt = np.where(w, tt - tbar[:, None], 0.0)
        sxx = (dt**2).sum(axis=1)
        b = np.where(sxx > 0, (dt * (zz - zbar[:, None])).sum(axis=1) / sxx, 0.0)
        resid = np.where(w, zz - zbar[:, None] - b[:, None] * dt, 0.0)
        ssr = (resid**2).sum(axis=1)
        s = np.where(n > 2, np.sqrt(ssr / (n - 2)), np.nan)
    return _OLS(a=zbar, b=b, n=n, tbar=tbar, sxx=sxx, s=s)


def _ols_predict(fit: _OLS, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and standard error of a new observation at each year (series x years)."""
    d = years[None, :].astype(float) - fit.tbar[:, None]
    loc = fit.a[:, None] + fit.b[:, None] * d
    with np.errstate(divide="ignore", invalid="ignore"):
        se = fit.s[:, None] * np.sqrt(1 + 1 / fit.n[:, None] + d**2 / fit.sxx[:, None])
    return loc, se


# -- damped-trend ETS (all series at once; statsmodels series by series as the reference) --
# statsmodels' default parameter bounds of ETSModel (smoothing in (0, 1), damping in
# [0.8, 0.98]); a fitted value within ETS_BOUND_TOL of an end is a boundary fit
ETS_BOUNDS = {
    "smoothing_level": (0.0, 1.0),
    "smoothing_trend": (0.0, 1.0),
    "damping_trend": (0.8, 0.98),
}


def _on_boundary(params: pd.Series) -> bool:
    """Whether fitted ETS parameters have a smoothing or damping parameter on its bound."""
    for name, (lo, hi) in ETS_BOUNDS.items():
        v = float(params[name])
        if v - lo <= ETS_BOUND_TOL or hi - v <= ETS_BOUND_TOL:
            return True
    return False


def _ets_one(
    y: np.ndarray, t: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """ETS(A,Ad,N) forecast mean and standard deviation at ``years`` for one series without
    interior gaps; None when the fit lands on a parameter boundary (caller falls back)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    ok = np.isfinite(y)
    first, last = t[ok].min(), t[ok].max()
    grid = np.arange(first, last + 1)
    series = np.interp(grid, t[ok], y[ok])  # no interior gaps here (see _resolve)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        res = ETSModel(pd.Series(series), error="add", trend="add", damped_trend=True).fit(
            disp=False
        )
        if _on_boundary(pd.Series(np.asarray(res.params), index=res.model.param_names)):
            return None
        steps = int(max(years.max() - last, 1))
        pred = res.get_prediction(start=len(series), end=len(series) + steps - 1)
        mean = np.asarray(pred.predicted_mean, dtype=float)
        sd = np.sqrt(np.asarray(pred.forecast_variance, dtype=float))
    h = years - last  # 1-based steps ahead; years at or before the last observation: in-sample
    idx = np.clip(h - 1, 0, steps - 1).astype(int)
    loc = np.where(h >= 1, mean[idx], np.interp(years, grid, series))
    scale = np.where(h >= 1, sd[idx], 0.0)
    return loc, scale


def _ets_many(
    y: np.ndarray, t: np.ndarray, years: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """``_ets_one`` for every row of ``y``, fitted together by ``methods.ets`` (series of
    the same length in one lockstep batch; same estimates as statsmodels to rounding)."""
    from analysis.methods import ets

    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(y)
    spans = []
    for row in y:
        ok = np.isfinite(row)
        first, last = t[ok].min(), t[ok].max()
        grid = np.arange(first, last + 1)
        spans.append((grid, np.interp(grid, t[ok], row[ok])))  # no interior gaps here
    for n in sorted({len(g) for g, _ in spans}):
        rows = [i for i, (g, _) in enumerate(spans) if len(g) == n]
        fit = ets.fit(np.stack([spans[i][1] for i in rows]))
        if fit is None:  # SciPy without the L-BFGS-B step used by methods.ets
            for i in rows:
                out[i] = _ets_one(y[i], t, years)
            continue
        steps = max(int(years.max() - spans[i][0][-1]) for i in rows)
        mean, var = fit.forecast(max(steps, 1))
        for k, i in enumerate(rows):
            params = {"smoothing_level": fit.alpha[k], "smoothing_trend": fit.beta[k]}
            params["damping_trend"] = fit.phi[k]
            if _on_boundary(pd.Series(params)):
                continue
            grid, series = spans[i]
            own = int(max(years.max() - grid[-1], 1))
            h = years - grid[-1]  # as in _ets_one
            idx = np.clip(h - 1, 0, own - 1).astype(int)
            out[i] = (
                np.where(h >= 1, mean[k, idx], np.interp(years, grid, series)),
                np.where(h >= 1, np.sqrt(var[k, idx]), 0.0),
            )
    return out


# -- the forecast object ------------------------------------------------------------------
@dataclass(frozen=True)
class Forecast:
    """Predictive distributions of many series at a set of future years.

    On the transformed scale of each series' model the distribution is Student-t with
    ``df`` degrees of freedom (``inf`` = normal, used for ETS), centre ``loc`` and scale
    ``scale`` (0 = exact fit, NaN = too few observations to estimate).
    """

    keys: pd.Index
    years: np.ndarray
    method: np.ndarray
    loc: np.ndarray
    scale: np.ndarray
    df: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_obs: np.ndarray
    last_year: np.ndarray
    last_value: np.ndarray
    fallback: np.ndarray | None = None  # reason code per series ("" = none), see FALLBACKS

    def quantile(self, q: float) -> np.ndarray:
        """q-quantile of each predictive distribution on the original scale (series x years)."""
        with np.errstate(invalid="ignore"):
            tq = stats.t.ppf(q, self.df)[:, None]
            z = self.loc + tq * np.where(self.scale == 0, 0.0, self.scale)
        return _inverse(z, self.method, self.lower, self.upper)

    @property
    def reasons(self) -> np.ndarray:
        """Fallback code per series ("" when the model asked for was used)."""
        if self.fallback is None:
            return np.full(len(self.keys), "", dtype=object)
        return self.fallback

    @property
    def median(self) -> np.ndarray:
        """Central projection: the predictive median (= mean on the linear scale)."""
        return _inverse(self.loc, self.method, self.lower, self.upper)

    def prob(self, threshold, year: int, direction="higher") -> np.ndarray:
        """Probability that the value in ``year`` meets ``threshold`` (>= if higher is better,
        <= if lower is better), from the predictive distribution. NaN when unknown."""
        j = self._col(year)
        n = len(self.keys)
        thr = np.broadcast_to(np.asarray(threshold, dtype=float), (n,))
        higher = np.broadcast_to(np.asarray(direction) == "higher", (n,))
        # threshold on the model's scale (the transforms are increasing)
        zt = _forward(thr[:, None], self.method, self.lower, self.upper)[:, 0]
        zt = np.where(thr < self.lower, -np.inf, np.where(thr > self.upper, np.inf, zt))
        zt = np.where((self.method == "log") & (thr <= 0), -np.inf, zt)
        loc, scale = self.loc[:, j], self.scale[:, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            below = stats.t.cdf((zt - loc) / scale, self.df)  # P(Z < zt)
        exact = scale == 0
        below = np.where(exact, (loc < zt).astype(float), below)
        p = np.where(higher, 1 - below, below)
        if np.any(exact):  # exact fit: meeting exactly counts as met
            p = np.where(exact & (loc == zt), 1.0, p)
        p = np.where(self._held_at_bound(thr, higher), 1.0, p)
        return np.where(np.isnan(thr) | np.isnan(loc), np.nan, p)

    def _held_at_bound(self, thr: np.ndarray, higher: np.ndarray) -> np.ndarray:
        """Series whose last value sits at the bound in the improving direction, with the
        threshold at that bound: met with probability 1 (see module docstring)."""
        last = self.last_value
        with np.errstate(invalid="ignore"):
            tol = REL_TOL_BOUND * np.maximum(np.abs(thr), 1.0)
            up = higher & (last >= self.upper - tol) & (np.abs(thr - self.upper) <= tol)
            down = ~higher & (last <= self.lower + tol) & (np.abs(thr - self.lower) <= tol)
        return up | down

    def _col(self, year: int) -> int:
        hit = np.flatnonzero(self.years == year)
        if not len(hit):
            yrs = ", ".join(map(str, self.years))
            raise user_error("methods.forecast_year_missing", year=year, years=yrs)
        return int(hit[0])

    def at(self, year: int) -> pd.DataFrame:
        """One row per series: method, data used, projected median and 80 %/95 % intervals."""
        j = self._col(year)
        out = pd.DataFrame(
            {
                "method": self.method,
                "n_obs": self.n_obs.astype(int),
                "last_year": self.last_year,
                "last_value": self.last_value,
                "projected": self.median[:, j],
            },
            index=self.keys,
        )
        for level in LEVELS:
            a = (1 - level) / 2
            pct = round(level * 100)
            out[f"lo{pct}"] = self.quantile(a)[:, j]
            out[f"hi{pct}"] = self.quantile(1 - a)[:, j]
        return out

    def _bands(self) -> dict[str, np.ndarray]:
        cols = {"mean": self.median}
        for level in LEVELS:
            a, pct = (1 - level) / 2, round(level * 100)
            cols[f"lo{pct}"] = self.quantile(a)
            cols[f"hi{pct}"] = self.quantile(1 - a)
        return cols

    def frame(self) -> pd.DataFrame:
        """Long frame (keys…, year, mean, lo80, hi80, lo95, hi95); ``mean`` is the central
        projection (predictive median), as ``figures.fan_chart`` expects."""
        cols = self._bands()
        n, h = self.loc.shape
        idx = self.keys.repeat(h)
        out = pd.DataFrame({k: v.ravel() for k, v in cols.items()})
        out.insert(0, "year", np.tile(self.years, n))
        key_frame = idx.to_frame(index=False)
        return pd.concat([key_frame, out], axis=1)

    def series(self, key) -> pd.DataFrame:
        """Forecast of one series, indexed by year (columns mean, lo80, hi80, lo95, hi95)."""
        i = self.keys.get_loc(key)
        one = Forecast(
            keys=self.keys[i : i + 1],
            years=self.years,
            method=self.method[i : i + 1],
            loc=self.loc[i : i + 1],
            scale=self.scale[i : i + 1],
            df=self.df[i : i + 1],
            lower=self.lower[i : i + 1],
            upper=self.upper[i : i + 1],
            n_obs=self.n_obs[i : i + 1],
            last_year=self.last_year[i : i + 1],
            last_value=self.last_value[i : i + 1],
            fallback=self.reasons[i : i + 1],
        )
        bands = {k: v[0] for k, v in one._bands().items()}
        return pd.DataFrame(bands, index=pd.Index(self.years, name="year"))


def hold_at_bound(fc: Forecast, direction) -> Forecast:
    """``fc`` with every series whose last value sits at its bound in the improving direction
    (e.g. 100 % coverage, higher is better) held there: centre at the bound and no spread, so
    its median, its intervals and its probability of meeting a target at the bound (1, see
    ``Forecast.prob``) tell the same story. ``direction``: "higher"/"lower" per series."""
    higher = np.broadcast_to(np.asarray(direction) == "higher", (len(fc.keys),))
    last = fc.last_value
    with np.errstate(invalid="ignore"):
        tol_hi = REL_TOL_BOUND * np.maximum(np.abs(fc.upper), 1.0)
        tol_lo = REL_TOL_BOUND * np.maximum(np.abs(fc.lower), 1.0)
        up = higher & np.isfinite(fc.upper) & (last >= fc.upper - tol_hi)
        down = ~higher & np.isfinite(fc.lower) & (last <= fc.lower + tol_lo)
    held = up | down
    if not held.any():
        return fc
    bound = np.where(up, fc.upper, fc.lower)
    z = _forward(bound[:, None], fc.method, fc.lower, fc.upper)[:, 0]
    loc, scale = fc.loc.copy(), fc.scale.copy()
    loc[held] = z[held, None]
    scale[held] = 0.0
    return replace(fc, loc=loc, scale=scale)


# -- fitting ------------------------------------------------------------------------------
def _as_arrays(panel: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray([int(c) for c in panel.columns])
    order = np.argsort(t)
    return panel.to_numpy(dtype=float)[:, order], t[order]


def _interior_gaps(y: np.ndarray) -> np.ndarray:
    """Series with a missing year between their first and last observation."""
    ok = np.isfinite(y)
    first = np.argmax(ok, axis=1)
    last = ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    span = np.where(ok.any(axis=1), last - first + 1, 0)
    return ok.any(axis=1) & (ok.sum(axis=1) < span)


def _resolve_reasons(
    methods, y: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-series method and fallback code; a model that does not apply falls back to linear."""
    m = np.broadcast_to(np.asarray(methods, dtype=object), (y.shape[0],)).copy()
    why = np.full(y.shape[0], "", dtype=object)
    for name in ("log", "logit"):
        sel = (m == name) & ~applicable(y, name, lo, hi)
        m[sel], why[sel] = "linear", f"{name}_not_applicable"
    damped = m == "damped"
    few = damped & (np.isfinite(y).sum(axis=1) < ETS_MIN_OBS)
    gaps = damped & ~few & _interior_gaps(y)
    m[few | gaps] = "linear"
    why[few], why[gaps] = "ets_too_few", "ets_gaps"
    none = np.isfinite(y).sum(axis=1) == 0
    m[none], why[none] = "none", ""
    return m, why


def _resolve(methods, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per-series method; a model that does not apply to a series falls back to linear."""
    return _resolve_reasons(methods, y, lo, hi)[0]


def _last_obs(z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last observed value and its year per row (NaN when the row is empty)."""
    ok = np.isfinite(z)
    last = np.where(ok.any(axis=1), ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), 0)
    z_last = np.where(ok.any(axis=1), z[np.arange(z.shape[0]), last], np.nan)
    return z_last, np.where(ok.any(axis=1), t[last].astype(float), np.nan)


def _jump_off_predict(
    fit: _OLS, z: np.ndarray, t: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Centre and standard error of a new observation, projected from the last observation
    z_L (year t_L) with the fitted slope: ẑ(t0) = z_L + b̂ h, h = t0 - t_L. Its error
    e_new - e_L - (b̂ - b) h has variance σ² [2 + (h² + 2 h (t_L - t̄)) / Σ(t_i - t̄)²]
    (Cov(e_L, b̂) = σ² (t_L - t̄) / Σ(t_i - t̄)²). At h = 0 the value is the observation
    (no error); before t_L the regression line is used."""
    line, se_line = _ols_predict(fit, years)
    z_last, t_last = _last_obs(z, t)
    h = years[None, :].astype(float) - t_last[:, None]
    loc = np.where(h >= 0, z_last[:, None] + fit.b[:, None] * h, line)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = 2 + (h**2 + 2 * h * (t_last - fit.tbar)[:, None]) / fit.sxx[:, None]
        se = fit.s[:, None] * np.sqrt(var)
    se = np.where(h > 0, se, np.where(h == 0, 0.0, se_line))
    return loc, se


def _fit(y, t, years, methods, lo, hi, reasons=None, jump_off=True):
    """loc, scale (series x years), df per series, final methods and fallback codes.
    ``jump_off``: regression forecasts start from the last observation (module docstring)."""
    methods = np.asarray(methods, dtype=object).copy()
    reasons = np.full(len(methods), "", dtype=object) if reasons is None else reasons.copy()
    s, h = y.shape[0], len(years)
    loc = np.full((s, h), np.nan)
    scale = np.full((s, h), np.nan)
    df = np.full(s, np.nan)
    damped = np.flatnonzero(methods == "damped")
    for i, res in zip(damped, _ets_many(y[damped], t, years), strict=True):
        if res is None:
            methods[i], reasons[i] = "linear", "ets_boundary"
            continue
        loc[i], scale[i] = res
        df[i] = np.inf
    ols = np.isin(methods, OLS_METHODS)
    if ols.any():
        z = _forward(y[ols], methods[ols], lo[ols], hi[ols])
        fit = _fit_ols(z, t)
        predict = _jump_off_predict(fit, z, t, years) if jump_off else _ols_predict(fit, years)
        loc[ols], scale[ols] = predict
        df[ols] = fit.n - 2
    df = np.where(df > 0, df, np.nan)
    return loc, scale, df, methods, reasons


def project(
    panel: pd.DataFrame,
    years: Sequence[int] | np.ndarray,
    *,
    method: str | Sequence[str] | np.ndarray = "linear",
    lower=None,
    upper=None,
    horizon: int = 5,
    min_train: int = 4,
    jump_off: bool = True,
) -> Forecast:
    """Project every row of ``panel`` (series x year, NaN = missing) to ``years``.

    ``jump_off`` (default): regression forecasts start from the last observation;
    False gives the fitted regression line and its classical prediction interval.

    ``method`` is one name for all series or one per row; ``auto``/``auto_ets`` choose per
    series by rolling-origin back-test (see ``choose``). ``lower``/``upper`` are the
    indicator bounds (scalar or one per row; NaN = none), used by ``logit`` and for clipping.
    """
    y, t = _as_arrays(panel)
    yrs = np.asarray(list(years), dtype=int)
    n = y.shape[0]
    lo, hi = _bounds(lower, n, -np.inf), _bounds(upper, n, np.inf)
    if isinstance(method, str):
        check_method(method)
        if method in AUTO:
            method = choose(
                panel, AUTO[method], lower=lo, upper=hi, horizon=horizon, min_train=min_train
            ).to_numpy()
    else:
        for m in set(method):
            check_method(m)
    methods, reasons = _resolve_reasons(method, y, lo, hi)
    loc, scale, df, methods, reasons = _fit(y, t, yrs, methods, lo, hi, reasons, jump_off)
    ok = np.isfinite(y)
    last_idx = np.where(ok.any(axis=1), ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
    last_year = np.where(last_idx >= 0, t[np.maximum(last_idx, 0)], -1)
    last_value = np.where(last_idx >= 0, y[np.arange(n), np.maximum(last_idx, 0)], np.nan)
    return Forecast(
        keys=panel.index,
        years=yrs,
        method=methods,
        loc=loc,
        scale=scale,
        df=df,
        lower=lo,
        upper=hi,
        n_obs=ok.sum(axis=1),
        last_year=last_year,
        last_value=last_value,
        fallback=reasons,
    )


# -- rolling-origin back-test -------------------------------------------------------------
def _backtest_arrays(y, t, methods, lo, hi, horizon, min_train):
    """Yield (origin, years, point forecasts, actuals, scale) per origin, fitting on t <= origin."""
    for o in t[min_train - 1 : -1]:
        train = np.where(t[None, :] <= o, y, np.nan)
        fut = (t > o) & (t <= o + horizon)
        if not fut.any():
            continue
        n_train = np.isfinite(train).sum(axis=1)
        m = _resolve(methods, train, lo, hi)
        loc, _, _, m, _ = _fit(train, t, t[fut], m, lo, hi)
        point = _inverse(loc, m, lo, hi)
        point[n_train < min_train] = np.nan
        # MASE scale: mean absolute one-year change within the training window only
        d = np.abs(np.diff(train, axis=1))
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mase_scale = np.nanmean(d, axis=1)
        yield o, t[fut], point, y[:, fut], mase_scale


def backtest(
    panel: pd.DataFrame,
    method: str = "linear",
    *,
    lower=None,
    upper=None,
    horizon: int = 5,
    min_train: int = 4,
) -> pd.DataFrame:
    """Rolling-origin back-test of one fixed method: one row per series, origin and year.

    Columns: key…, origin, year, h, forecast, actual, error (actual - forecast),
    scale (MASE denominator from training data), scaled_error.
    """
    if check_method(method) in AUTO:
        raise user_error("methods.backtest_fixed", method=method)
    y, t = _as_arrays(panel)
    n = y.shape[0]
    lo, hi = _bounds(lower, n, -np.inf), _bounds(upper, n, np.inf)
    parts = []
    keys = panel.index.to_frame(index=False)
    for o, yrs, point, actual, sc in _backtest_arrays(y, t, method, lo, hi, horizon, min_train):
        k = len(yrs)
        part = keys.loc[keys.index.repeat(k)].reset_index(drop=True)
        part["origin"] = o
        part["year"] = np.tile(yrs, n)
        part["h"] = part["year"] - o
        part["forecast"] = point.ravel()
        part["actual"] = actual.ravel()
        part["error"] = part["actual"] - part["forecast"]
        part["scale"] = np.repeat(sc, k)
        part["scaled_error"] = part["error"] / part["scale"]
        parts.append(part)
    cols = [
        *keys.columns,
        "origin",
        "year",
        "h",
        "forecast",
        "actual",
        "error",
        "scale",
        "scaled_error",
    ]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.dropna(subset=["forecast", "actual"]).reset_index(drop=True)[cols]


def accuracy(
    panel: pd.DataFrame,
    candidates: Sequence[str] = OLS_METHODS,
    *,
    lower=None,
    upper=None,
    horizon: int = 5,
    min_train: int = 4,
) -> pd.DataFrame:
    """Back-test MAE and MASE of each candidate method for each series.

    Columns are a MultiIndex (measure, method); rows follow ``panel``. A method that does
    not apply to a series (e.g. ``log`` with a zero value) gets NaN.
    """
    y, t = _as_arrays(panel)
    n = y.shape[0]
    lo, hi = _bounds(lower, n, -np.inf), _bounds(upper, n, np.inf)
    out = {}
    for m in candidates:
        check_method(m)
        abs_sum = np.zeros(n)
        sc_sum = np.zeros(n)
        cnt = np.zeros(n)
        for _, _, point, actual, sc in _backtest_arrays(y, t, m, lo, hi, horizon, min_train):
            err = np.abs(actual - point)
            ok = np.isfinite(err)
            abs_sum += np.where(ok, err, 0).sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                sc_sum += np.where(ok, err / sc[:, None], 0).sum(axis=1)
            cnt += ok.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            mae = np.where(cnt > 0, abs_sum / cnt, np.nan)
            mase = np.where(cnt > 0, sc_sum / cnt, np.nan)
        usable = _resolve(m, y, lo, hi) == m
        out[("mae", m)] = np.where(usable, mae, np.nan)
        out[("mase", m)] = np.where(usable, mase, np.nan)
    frame = pd.DataFrame(out, index=panel.index)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["measure", "method"])
    return frame


def choose(
    panel: pd.DataFrame,
    candidates: Sequence[str] = OLS_METHODS,
    *,
    lower=None,
    upper=None,
    horizon: int = 5,
    min_train: int = 4,
) -> pd.Series:
    """Per series, the candidate with the lowest back-test MASE (MAE where MASE is undefined,
    e.g. a constant training series); ties and series too short to test go to the first
    candidate."""
    acc = accuracy(
        panel, candidates, lower=lower, upper=upper, horizon=horizon, min_train=min_train
    )
    return pick(acc, candidates)


def pick(acc: pd.DataFrame, candidates: Sequence[str] = OLS_METHODS) -> pd.Series:
    """The per-series choice of ``choose`` from an ``accuracy`` table already computed."""
    acc = acc.reindex(columns=pd.MultiIndex.from_product([["mae", "mase"], list(candidates)]))
    mase = acc["mase"].to_numpy()
    mae = acc["mae"].to_numpy()
    score = np.where(np.isfinite(mase), mase, np.nan)
    use_mae = ~np.isfinite(score).any(axis=1)
    score[use_mae] = mae[use_mae]
    score = np.where(np.isfinite(score), score, np.inf)
    best = np.asarray(candidates, dtype=object)[np.argmin(score, axis=1)]
    return pd.Series(best, index=acc.index, name="method")
