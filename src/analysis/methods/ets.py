"""Damped-trend exponential smoothing ETS(A,Ad,N) fitted to many series at once.

Model (Gardner & McKenzie 1985; Hyndman et al., *Forecasting with Exponential Smoothing*,
2008, ch. 2 and table 6.1), additive errors e_t:

    y_t = l_{t-1} + phi b_{t-1} + e_t
    l_t = alpha y_t + (1 - alpha)(l_{t-1} + phi b_{t-1})
    b_t = beta* (l_t - l_{t-1}) + (1 - beta*) phi b_{t-1},   beta = alpha beta*

Estimates are the ones statsmodels' ``ETSModel(error="add", trend="add",
damped_trend=True).fit()`` gives, reproduced step for step but for all series together:
the same start values (alpha 0.1, beta 0.01, phi 0.98; initial level and trend from the
first two observations, or from a regression on the first ten when there are ten or
more), the same bounds (alpha, beta* in [1e-4, 1 - 1e-4], phi in [0.8, 0.98]), the same
objective (the concentrated Gaussian log-likelihood -n/2 (ln(2 pi SSE/n) + 1), divided by
-n), the same forward-difference gradient (step 1e-8, turned back at a bound) and the same
optimiser, SciPy's L-BFGS-B (m = 10, factr = 1e7, pgtol = 1e-5, maxiter = 1000).

What is vectorised: one L-BFGS-B instance per series, all driven in lockstep through
SciPy's reverse-communication routine ``setulb``; at every step the instances that ask for
a function value are evaluated together, the state recursion running over time for all
of them (and the five gradient perturbations) as numpy arrays.  Each series therefore
follows its own independent optimisation path (no summed objective) and lands on the
statsmodels estimate to rounding.  Forecast means iterate the recursion with zero errors;
forecast variances are statsmodels' analytic ones (Hyndman et al. 2008, table 6.1, class 1):

    sigma^2 [1 + alpha^2 (h-1) + beta phi h (2 alpha (1-phi) + beta phi) / (1-phi)^2
             - beta phi (1-phi^h) (2 alpha (1-phi^2) + beta phi (1 + 2 phi - phi^h))
               / ((1-phi)^2 (1-phi^2))],   sigma^2 = SSE / n.

``fit`` returns None when SciPy's private ``setulb`` is not the one this module was written
for; the caller then fits series by series with statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

LOWER = np.array([1e-4, 1e-4, 0.8, -np.inf, -np.inf])  # alpha, beta*, phi, l0, b0
UPPER = np.array([1 - 1e-4, 1 - 1e-4, 0.98, np.inf, np.inf])
M, FACTR, PGTOL, EPS, MAXITER, MAXFUN, MAXLS = 10, 1e7, 1e-5, 1e-8, 1000, 15000, 20
CHUNK = 2048  # series optimised together (memory: ~10 KB of L-BFGS-B workspace each)
EPS_FALLBACK = np.finfo(float).eps ** 0.5  # SciPy's relative step when x + 1e-8 == x


@dataclass(frozen=True)
class Fit:
    """Fitted ETS(A,Ad,N) of each series (arrays over series)."""

    alpha: np.ndarray  # smoothing_level
    beta: np.ndarray  # smoothing_trend (= alpha * beta*)
    phi: np.ndarray  # damping_trend
    level0: np.ndarray  # initial_level
    trend0: np.ndarray  # initial_trend
    level: np.ndarray  # level after the last observation
    trend: np.ndarray  # trend after the last observation
    mse: np.ndarray  # SSE / n

    def forecast(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the 1..steps-ahead forecasts (series x steps)."""
        s = len(self.alpha)
        mean = np.empty((s, steps))
        lvl, tr = self.level.copy(), self.trend.copy()
        for k in range(steps):
            lvl = lvl + self.phi * tr
            tr = self.phi * tr
            mean[:, k] = lvl
        h = np.arange(1, steps + 1, dtype=float)[None, :]
        a, b, p = self.alpha[:, None], self.beta[:, None], self.phi[:, None]
        rel = (
            1
            + a**2 * (h - 1)
            + ((b * p * h) / ((1 - p) ** 2) * (2 * a * (1 - p) + b * p))
            - (
                (b * p * (1 - p**h))
                / ((1 - p) ** 2 * (1 - p**2))
                * (2 * a * (1 - p**2) + b * p * (1 + 2 * p - p**h))
            )
        )
        return mean, self.mse[:, None] * rel


def initial_states(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """statsmodels' start values of level and trend for series of equal length (rows)."""
    n = y.shape[1]
    if n < 10:  # _initialization_simple
        return y[:, 0].copy(), y[:, 1] - y[:, 0]
    exog = np.c_[np.ones(10), np.arange(10) + 1]  # _initialization_heuristic
    coef = np.stack([np.linalg.pinv(exog).dot(row[:10]) for row in y])
    return coef[:, 0].copy(), coef[:, 1].copy()


def _smooth(
    q: np.ndarray, y: np.ndarray, beta_is_star: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the recursion for parameter rows q = (alpha, beta*, phi, l0, b0) on data rows y;
    returns one-step residuals (rows x n) and the final level and trend."""
    alpha, b, phi, lvl, tr = (q[:, i].copy() for i in range(5))
    bstar = b if beta_is_star else b / alpha
    n = y.shape[1]
    res = np.empty_like(y)
    for i in range(n):  # same operations, in the same order, as statsmodels' _ets_smooth
        yhat = lvl + phi * tr + 0.0
        new = alpha * (y[:, i] - 0.0) + (1 - alpha) * (lvl + phi * tr)
        tr = bstar * (new - lvl) + (1 - bstar) * phi * tr
        lvl = new
        res[:, i] = y[:, i] - yhat
    return res, lvl, tr


def _objective(q: np.ndarray, y: np.ndarray) -> np.ndarray:
    """-loglike / n of statsmodels' ETSModel for each parameter row."""
    n = y.shape[1]
    res, _, _ = _smooth(q, y)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        loglike = -n / 2 * (np.log(2 * np.pi * np.mean(res**2, axis=1)) + 1)
    return -loglike / n


def _steps(x: np.ndarray) -> np.ndarray:
    """Forward-difference steps of SciPy's approx_derivative(method='2-point',
    abs_step=1e-8, bounds=...) for each row of x (rows x 5)."""
    sign = (x >= 0).astype(float) * 2 - 1
    h = np.full_like(x, EPS)
    h = np.where((x + h) - x == 0, EPS_FALLBACK * sign * np.maximum(1.0, np.abs(x)), h)
    lo, hi = np.broadcast_to(LOWER, x.shape), np.broadcast_to(UPPER, x.shape)
    lower_dist, upper_dist = x - lo, hi - x
    moved = x + h
    violated = (moved < lo) | (moved > hi)
    fitting = np.abs(h) <= np.maximum(lower_dist, upper_dist)
    h = np.where(violated & fitting, -h, h)
    h = np.where((upper_dist >= lower_dist) & ~fitting, upper_dist, h)
    return np.where((upper_dist < lower_dist) & ~fitting, -lower_dist, h)


def _value_and_grad(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Objective and its forward-difference gradient at rows x, in one vectorised pass."""
    k, d = x.shape
    h = _steps(x)
    pts = np.repeat(x[None], d + 1, axis=0)  # (d+1) x k x d: x, then x + h_j e_j
    for j in range(d):
        pts[j + 1, :, j] = x[:, j] + h[:, j]
    f = _objective(pts.reshape(-1, d), np.tile(y, (d + 1, 1))).reshape(d + 1, k)
    dx = np.stack([(x[:, j] + h[:, j]) - x[:, j] for j in range(d)], axis=1)
    return f[0], np.ascontiguousarray((f[1:].T - f[0][:, None]) / dx)


def _setulb():
    """SciPy's reverse-communication L-BFGS-B step, or None when unavailable."""
    try:
        from scipy.optimize import _lbfgsb
    except ImportError:  # pragma: no cover - depends on the SciPy build
        return None
    return getattr(_lbfgsb, "setulb", None)


def _minimise(x0: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """One L-BFGS-B run per row of x0, all advanced in lockstep (see module docstring)."""
    setulb = _setulb()
    if setulb is None:
        return None
    s, d = x0.shape
    x = np.ascontiguousarray(np.clip(x0, LOWER, UPPER))
    nbd = np.where(np.isfinite(LOWER), 2, 0).astype(np.int32)
    lo, hi = np.where(np.isfinite(LOWER), LOWER, 0.0), np.where(np.isfinite(UPPER), UPPER, 0.0)
    factr = FACTR * np.finfo(float).eps / np.finfo(float).eps  # as fmin_l_bfgs_b passes it
    wa = np.zeros((s, 2 * M * d + 5 * d + 11 * M * M + 8 * M))
    iwa = np.zeros((s, 3 * d), dtype=np.int32)
    task = np.zeros((s, 2), dtype=np.int32)
    ln_task = np.zeros((s, 2), dtype=np.int32)
    lsave = np.zeros((s, 4), dtype=np.int32)
    isave = np.zeros((s, 44), dtype=np.int32)
    dsave = np.zeros((s, 29))
    f, g = _value_and_grad(x, y)  # ScalarFunction evaluates at x0 when it is built
    nit = np.zeros(s, dtype=int)
    nfev = np.full(s, d + 1)
    active = list(range(s))
    try:
        while active:
            need = []
            for i in active:
                while True:
                    setulb(M, x[i], lo, hi, nbd, f[i], g[i], factr, PGTOL, wa[i], iwa[i],
                           task[i], lsave[i], isave[i], dsave[i], MAXLS, ln_task[i])  # fmt: skip
                    if task[i, 0] == 3:  # wants f and g at x[i]
                        need.append(i)
                        break
                    if task[i, 0] != 1:  # converged or stopped
                        break
                    nit[i] += 1  # a new iteration: the limits of _minimize_lbfgsb
                    if nit[i] >= MAXITER:
                        task[i] = (5, 504)
                    elif nfev[i] > MAXFUN:
                        task[i] = (5, 502)
            if need:
                idx = np.asarray(need)
                f[idx], g[idx] = _value_and_grad(x[idx], y[idx])
                nfev[idx] += d + 1
            active = need
    except (TypeError, ValueError):  # a SciPy whose private setulb differs
        return None
    return x


def fit(y: np.ndarray) -> Fit | None:
    """Fit ETS(A,Ad,N) to every row of ``y`` (series x n, no missing values, n >= 2, all
    rows the same length). None: SciPy's L-BFGS-B internals are not usable here."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    l0, b0 = initial_states(y)
    alpha, beta = 0.1, 0.01
    start = np.column_stack(
        [np.full(len(y), alpha), np.full(len(y), beta / alpha), np.full(len(y), 0.98), l0, b0]
    )
    parts = []
    with threadpool_limits(limits=1, user_api="blas"):
        # setulb's tiny BLAS calls cost ~1 ms each with threaded OpenBLAS on a busy machine
        for lo in range(0, len(y), CHUNK):  # L-BFGS-B keeps ~10 KB of workspace per series
            part = _minimise(start[lo : lo + CHUNK], y[lo : lo + CHUNK])
            if part is None:
                return None
            parts.append(part)
    q = np.concatenate(parts) if parts else start[:0]
    a = q[:, 0]
    b = q[:, 1] * a  # statsmodels reports beta = alpha beta*
    final = np.column_stack([a, b, q[:, 2], q[:, 3], q[:, 4]])
    res, lvl, tr = _smooth(final, y, beta_is_star=False)
    mse = np.sum(res**2, axis=1) / y.shape[1]
    return Fit(a, b, q[:, 2], q[:, 3], q[:, 4], lvl, tr, mse)
