"""Damped-trend ETS fitted for many series at once (methods.ets) against statsmodels'
ETSModel fitted series by series: same parameters, forecasts and intervals to 1e-6."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from analysis.methods import ets
from analysis.methods import projection as P


def _statsmodels(row: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        res = ETSModel(pd.Series(row), error="add", trend="add", damped_trend=True).fit(disp=False)
        pred = res.get_prediction(start=len(row), end=len(row) + steps - 1)
        return np.asarray(res.params), pred.predicted_mean, pred.forecast_variance


def _series(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    level = rng.uniform(10, 1000, (6, 1))
    slope = rng.uniform(-5, 20, (6, 1))
    noise = rng.normal(0, 1, (6, n)) * rng.uniform(0.5, 30, (6, 1))
    y = level + slope * t + noise
    y[0] = level[0] * 1.05**t + noise[0]  # curved
    y[1, n // 2 :] += 40  # a level shift
    return y


@pytest.mark.parametrize("n", [5, 8, 12])  # 12: initial states from the first ten (heuristic)
def test_batched_fit_equals_statsmodels_series_by_series(n):
    y = _series(n, seed=n)
    fit = ets.fit(y)
    assert fit is not None
    mean, var = fit.forecast(6)
    for k, row in enumerate(y):
        params, ref_mean, ref_var = _statsmodels(row, 6)
        ours = [fit.alpha[k], fit.beta[k], fit.phi[k], fit.level0[k], fit.trend0[k]]
        assert np.allclose(ours[:3], params[:3], rtol=0, atol=1e-6)
        scale = np.abs(row).max()
        assert np.allclose(ours[3:], params[3:], rtol=0, atol=1e-6 * scale)
        assert np.allclose(mean[k], ref_mean, rtol=0, atol=1e-6 * scale)
        assert np.allclose(np.sqrt(var[k]), np.sqrt(ref_var), rtol=0, atol=1e-6 * scale)


def test_forecast_variance_grows_and_mean_follows_the_damped_trend():
    """Hand check of the recursion: mean_h = l_n + (phi + ... + phi^h) b_n; the first
    variance is sigma^2 = SSE / n."""
    y = _series(8, seed=3)
    fit = ets.fit(y)
    mean, var = fit.forecast(4)
    phi = fit.phi[:, None]
    damp = np.cumsum(phi ** np.arange(1, 5), axis=1)
    assert np.allclose(mean, fit.level[:, None] + damp * fit.trend[:, None], rtol=1e-12)
    assert np.allclose(var[:, 0], fit.mse, rtol=1e-12)
    assert (np.diff(var, axis=1) > 0).all()


def test_project_damped_equals_the_per_series_reference(monkeypatch):
    """project(method="damped") through the batch equals the statsmodels loop (_ets_one),
    fallbacks included (an exactly linear series lands on a bound; gaps; short series)."""
    years = list(range(2014, 2025))
    t = np.arange(11)
    rows = []
    for seed in (6, 29, 1, 2, 3, 4, 7):  # saturating growth plus noise
        rows.append(50 + np.cumsum(3 * 0.8**t) + np.random.default_rng(seed).normal(0, 0.3, 11))
    y = np.array(rows)
    y[:2, :3] = np.nan  # eight observations: interior fits (seeds 6 and 29)
    y[2] = 1.0 + t  # exactly linear: boundary fit -> linear
    y[3, 5] = np.nan  # interior gap -> linear
    y[4, :8] = np.nan  # too short -> linear
    y[5, :1] = np.nan  # ten observations: a batch of its own
    panel = pd.DataFrame(y, columns=years)
    fc = P.project(panel, [2025, 2030], method="damped")

    def one_by_one(yy, t, yrs):
        return [P._ets_one(row, t, yrs) for row in yy]

    monkeypatch.setattr(P, "_ets_many", one_by_one)
    with threadpool_limits(limits=1, user_api="blas"):
        ref = P.project(panel, [2025, 2030], method="damped")
    assert fc.reasons.tolist() == ref.reasons.tolist()
    assert fc.reasons.tolist()[:5] == ["", "", "ets_boundary", "ets_gaps", "ets_too_few"]
    assert np.allclose(fc.loc, ref.loc, rtol=1e-9, atol=0)
    assert np.allclose(fc.scale, ref.scale, rtol=1e-9, atol=0)
    cols = ["mean", "lo80", "hi80", "lo95", "hi95"]
    assert np.allclose(fc.frame()[cols], ref.frame()[cols], rtol=1e-9, atol=0)


def test_chunks_do_not_change_the_estimates(monkeypatch):
    """Series are optimised in chunks (bounded memory); each keeps its own optimiser, so the
    estimates do not depend on which series share a chunk."""
    y = np.vstack([_series(8, seed=s) for s in (1, 2, 3)])
    whole = ets.fit(y)
    monkeypatch.setattr(ets, "CHUNK", 5)
    parts = ets.fit(y)
    for name in ("alpha", "beta", "phi", "level0", "trend0", "level", "trend", "mse"):
        assert np.array_equal(getattr(whole, name), getattr(parts, name))
