"""Trend projection: exact fits, bounds, interval coverage, back-test uses no future data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.errors import UserError
from analysis.methods import projection as P
from analysis.present.words import labels as L

YEARS = list(range(2016, 2025))


def frame(rows, years=YEARS) -> pd.DataFrame:
    return pd.DataFrame(np.asarray(rows, dtype=float), columns=years)


def test_perfect_linear_series_is_projected_exactly():
    # y = 3 + 2 (t - 2016): 2025 -> 3 + 2*9 = 21, 2030 -> 3 + 2*14 = 31
    panel = frame([[3 + 2 * (y - 2016) for y in YEARS]])
    fc = P.project(panel, [2025, 2030], method="linear")
    assert fc.median[0] == pytest.approx([21.0, 31.0], abs=1e-9)
    at = fc.at(2030)
    for col in ("lo80", "hi80", "lo95", "hi95"):  # zero residual variance: the interval collapses
        assert at[col].iloc[0] == pytest.approx(31.0, abs=1e-9)


def test_perfect_exponential_series_is_projected_exactly():
    # y = 100 * 1.05^(t - 2016): 2025 -> 100 * 1.05^9 = 155.132821598...
    panel = frame([[100 * 1.05 ** (y - 2016) for y in YEARS]])
    fc = P.project(panel, [2025, 2027], method="log")
    assert fc.median[0] == pytest.approx([100 * 1.05**9, 100 * 1.05**11], rel=1e-10)
    # a linear model cannot fit it exactly: its projection lies below the curve
    assert P.project(panel, [2027], method="linear").median[0, 0] < 100 * 1.05**11


def test_auto_picks_the_generating_model_for_perfect_series():
    panel = frame([[3 + 2 * (y - 2016) for y in YEARS], [100 * 1.05 ** (y - 2016) for y in YEARS]])
    assert P.choose(panel).tolist() == ["linear", "log"]
    fc = P.project(panel, [2025], method="auto")
    assert fc.median[:, 0] == pytest.approx([21.0, 100 * 1.05**9])


def test_intervals_match_statsmodels_ols_prediction():
    """Independent truth: statsmodels' OLS prediction interval for a new observation."""
    rng = np.random.default_rng(1)
    y = 5 + 0.7 * np.arange(9) + rng.normal(0, 1.0, 9)
    y[3] = np.nan  # a missing year is dropped, not imputed
    panel = frame([y])
    fc = P.project(panel, [2027], method="linear", jump_off=False)
    ok = ~np.isnan(y)
    t = np.array(YEARS, float)[ok]
    res = sm.OLS(y[ok], sm.add_constant(t)).fit()
    for level in (0.80, 0.95):
        sf = res.get_prediction(np.array([[1.0, 2027.0]])).summary_frame(alpha=1 - level)
        pct = round(level * 100)
        assert fc.at(2027)[f"lo{pct}"].iloc[0] == pytest.approx(
            sf["obs_ci_lower"].iloc[0], rel=1e-9
        )
        assert fc.at(2027)[f"hi{pct}"].iloc[0] == pytest.approx(
            sf["obs_ci_upper"].iloc[0], rel=1e-9
        )
    assert fc.at(2027)["projected"].iloc[0] == pytest.approx(sf["mean"].iloc[0], rel=1e-9)


def test_probability_matches_student_t_by_hand():
    rng = np.random.default_rng(2)
    y = 20 + 1.5 * np.arange(9) + rng.normal(0, 2.0, 9)
    fc = P.project(frame([y]), [2026], method="linear", jump_off=False)
    t = np.array(YEARS, float)
    res = sm.OLS(y, sm.add_constant(t)).fit()
    pred = res.get_prediction(np.array([[1.0, 2026.0]])).summary_frame(alpha=0.05)
    mean = pred["mean"].iloc[0]
    se = (pred["obs_ci_upper"].iloc[0] - mean) / stats.t.ppf(0.975, 7)  # n - 2 = 7 df
    target = 35.0
    expected = 1 - stats.t.cdf((target - mean) / se, 7)
    assert fc.prob(target, 2026, "higher")[0] == pytest.approx(expected, rel=1e-9)
    # lower is better: the complement
    assert fc.prob(target, 2026, "lower")[0] == pytest.approx(1 - expected, rel=1e-9)


def test_probability_of_an_exact_fit_is_zero_or_one():
    fc = P.project(
        frame([[3 + 2 * (y - 2016) for y in YEARS]]), [2025], method="linear"
    )  # 21 in 2025
    assert fc.prob(21.0, 2025, "higher")[0] == 1.0  # meeting exactly counts
    assert fc.prob(21.5, 2025, "higher")[0] == 0.0
    assert fc.prob(21.5, 2025, "lower")[0] == 1.0


@pytest.mark.parametrize("method", ["linear", "log"])
def test_95_percent_interval_covers_93_to_97_percent(method):
    """2,000 simulated series with known noise: how often the 95 % interval holds the outcome."""
    rng = np.random.default_rng(20240601)
    n, t = 2000, np.arange(9, dtype=float)
    a = rng.uniform(2, 4, n)[:, None]
    b = rng.uniform(-0.05, 0.1, n)[:, None]
    sigma = rng.uniform(0.02, 0.2, n)[:, None]
    future = 13.0  # horizon 5 years past the last observation
    z = a + b * np.r_[t, future] + sigma * rng.standard_normal((n, 10))
    y = np.exp(z) if method == "log" else z
    fc = P.project(frame(y[:, :9]), [2016 + 13], method=method)
    lo, hi = fc.quantile(0.025)[:, 0], fc.quantile(0.975)[:, 0]
    covered = np.mean((y[:, 9] >= lo) & (y[:, 9] <= hi))
    assert 0.93 <= covered <= 0.97
    lo80, hi80 = fc.quantile(0.10)[:, 0], fc.quantile(0.90)[:, 0]
    assert 0.77 <= np.mean((y[:, 9] >= lo80) & (y[:, 9] <= hi80)) <= 0.83


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=9),
    year=st.integers(2025, 2060),
)
def test_logit_projection_never_leaves_its_bounds(values, year):
    panel = pd.DataFrame([values], columns=YEARS[: len(values)])
    fc = P.project(panel, [year], method="logit", lower=0, upper=100)
    for q in (0.001, 0.025, 0.5, 0.975, 0.999):
        v = fc.quantile(q)
        assert np.all((v[np.isfinite(v)] >= 0) & (v[np.isfinite(v)] <= 100))


def test_logit_stays_inside_bounds_where_linear_overshoots():
    rates = [60, 66, 72, 78, 84, 90, 93, 96, 98]
    lin = P.project(frame([rates]), [2035], method="linear")  # no bounds given
    log = P.project(frame([rates]), [2035], method="logit", lower=0, upper=100)
    assert lin.median[0, 0] > 100
    assert 98 < log.median[0, 0] <= 100
    assert log.quantile(0.975)[0, 0] <= 100


def test_log_falls_back_to_linear_on_zero_values():
    fc = P.project(frame([[0, 1, 2, 3, 4, 5, 6, 7, 8]]), [2025], method="log")
    assert fc.method[0] == "linear"
    assert fc.median[0, 0] == pytest.approx(9.0)


def test_short_and_empty_series():
    panel = frame([[np.nan] * 8 + [5.0], [np.nan] * 7 + [5.0, 6.0], [np.nan] * 9])
    fc = P.project(panel, [2025], method="linear")
    at = fc.at(2025)
    assert at["projected"].iloc[0] == 5.0  # one observation: held flat, no interval
    assert np.isnan(at["lo95"].iloc[0])
    assert at["projected"].iloc[1] == pytest.approx(7.0)  # two: the line through them, no interval
    assert np.isnan(at["hi80"].iloc[1])
    assert np.isnan(at["projected"].iloc[2]) and fc.method[2] == "none"
    assert np.isnan(fc.prob(5, 2025)[2])


def test_backtest_does_not_use_data_after_the_origin():
    rng = np.random.default_rng(3)
    panel = frame(10 + np.cumsum(rng.uniform(0, 2, (5, 9)), axis=1))
    base = P.backtest(panel, "linear", horizon=3)
    origin = 2020
    changed = panel.copy()
    changed.loc[:, [y for y in YEARS if y > origin]] *= rng.uniform(0.2, 5, (5, 4))
    after = P.backtest(changed, "linear", horizon=3)
    mine = base["origin"] == origin
    assert mine.sum() == 5 * 3
    # forecasts and MASE scales made at the origin are unchanged; only the actuals differ
    pd.testing.assert_series_equal(base.loc[mine, "forecast"], after.loc[mine, "forecast"])
    pd.testing.assert_series_equal(base.loc[mine, "scale"], after.loc[mine, "scale"])
    assert not np.allclose(base.loc[mine, "actual"], after.loc[mine, "actual"])
    # and earlier origins do not change either when only later data are perturbed
    early = base["origin"] < origin
    pd.testing.assert_series_equal(base.loc[early, "forecast"], after.loc[early, "forecast"])


@pytest.mark.parametrize("method", ["log", "logit"])
def test_backtest_no_future_data_for_transformed_models(method):
    panel = frame([[40, 44, 47, 52, 55, 61, 64, 70, 73]])
    base = P.backtest(panel, method, lower=0, upper=100, horizon=2)
    changed = panel.copy()
    changed.loc[:, 2022:] = 1.0
    after = P.backtest(changed, method, lower=0, upper=100, horizon=2)
    keep = base["origin"] <= 2021
    np.testing.assert_array_equal(base.loc[keep, "forecast"], after.loc[keep, "forecast"])


def test_backtest_hand_worked():
    # series 1, 2, 3, 5, 9 in 2016..2020; origin 2019 (4 points, min_train=4):
    # line through (0,1),(1,2),(2,3),(3,5): slope = Sxy/Sxx = 6.5/5 = 1.3, mean 2.75 at t=1.5
    # forecast 2020 (t=4) from the last observation (jump-off): 5 + 1.3 * 1 = 6.3;
    # error 9 - 6.3 = 2.7. MASE scale: mean |diff| of training data = (1 + 1 + 2) / 3 = 4/3
    # -> scaled error 2.7 / (4/3) = 2.025
    panel = pd.DataFrame([[1.0, 2, 3, 5, 9]], columns=YEARS[:5])
    bt = P.backtest(panel, "linear", horizon=1)
    assert bt[["origin", "year", "h"]].values.tolist() == [[2019, 2020, 1]]
    assert bt["forecast"].iloc[0] == pytest.approx(6.3)
    assert bt["error"].iloc[0] == pytest.approx(2.7)
    assert bt["scaled_error"].iloc[0] == pytest.approx(2.025)
    acc = P.accuracy(panel, ["linear"], horizon=1)
    assert acc[("mae", "linear")].iloc[0] == pytest.approx(2.7)
    assert acc[("mase", "linear")].iloc[0] == pytest.approx(2.025)


def test_damped_trend_ets_gives_intervals_and_falls_back_when_short():
    rng = np.random.default_rng(5)
    y = 50 + np.cumsum(3 * 0.8 ** np.arange(9)) + rng.normal(0, 0.3, 9)
    panel = frame([y, [np.nan] * 6 + [1.0, 2.0, 3.0]])
    fc = P.project(panel, [2025, 2028], method="damped")
    assert fc.method.tolist() == ["damped", "linear"]
    at = fc.at(2028)
    assert (
        at["lo95"].iloc[0]
        < at["lo80"].iloc[0]
        < at["projected"].iloc[0]
        < at["hi80"].iloc[0]
        < at["hi95"].iloc[0]
    )
    assert at["projected"].iloc[1] == pytest.approx(7.0)  # 1, 2, 3 in 2022-24 -> 7 in 2028


def test_frame_and_series_shapes():
    panel = frame([[1, 2, 3, 4, 5, 6, 7, 8, 9.5], [2, 2, 3, 3, 4, 4, 5, 5, 6]])
    panel.index = pd.MultiIndex.from_tuples(
        [("a", "1"), ("a", "2")], names=["indicator", "region_code"]
    )
    fc = P.project(panel, range(2025, 2028))
    long = fc.frame()
    assert list(long.columns) == [
        "indicator",
        "region_code",
        "year",
        "mean",
        "lo80",
        "hi80",
        "lo95",
        "hi95",
    ]
    assert len(long) == 6
    one = fc.series(("a", "2"))
    assert one.index.tolist() == [2025, 2026, 2027]
    assert (one["lo95"] <= one["lo80"]).all() and (one["hi80"] <= one["hi95"]).all()


def test_bad_method_is_a_bilingual_error():
    with pytest.raises(UserError) as e:
        P.project(frame([YEARS]), [2025], method="arima")
    assert "未知的预测方法" in e.value.zh and "linear" in e.value.en
    with pytest.raises(UserError):
        P.project(frame([YEARS]), [2030]).at(2029)


def test_exactly_linear_series_falls_back_from_a_boundary_ets_fit():
    """ETS on 1..7 lands on its parameter bounds (and used to give 12.26 ± 0.07 six years
    ahead); the linear fallback gives 13 exactly and says why."""
    years = list(range(2018, 2025))
    panel = pd.DataFrame([[1.0, 2, 3, 4, 5, 6, 7]], columns=years)
    fc = P.project(panel, [2030], method="damped")
    assert fc.method.tolist() == ["linear"]
    assert fc.reasons.tolist() == ["ets_boundary"]
    assert fc.median[0, 0] == pytest.approx(13.0)
    assert "boundary" in L.fallback_label("ets_boundary", "en")


def test_gaps_are_not_interpolated_for_ets():
    y = [50.0, 52, np.nan, 55, 56, 58, 59, 60, 61]
    fc = P.project(frame([y]), [2026], method="damped")
    assert fc.method.tolist() == ["linear"] and fc.reasons.tolist() == ["ets_gaps"]


def test_short_series_falls_back_with_a_reason():
    fc = P.project(frame([[np.nan] * 6 + [1.0, 2.0, 3.0]]), [2028], method="damped")
    assert fc.reasons.tolist() == ["ets_too_few"]


def test_jump_off_starts_from_the_last_observation_hand_worked():
    # 1, 2, 3, 5 in 2016..2019: slope 1.3 (Sxy 6.5 / Sxx 5); last obs 5 in 2019
    # -> 2020: 5 + 1.3 = 6.3, 2022: 5 + 3 * 1.3 = 8.9 (the fitted line would give 6.0 / 8.6)
    panel = pd.DataFrame([[1.0, 2, 3, 5]], columns=YEARS[:4])
    fc = P.project(panel, [2019, 2020, 2022], method="linear")
    assert fc.median[0] == pytest.approx([5.0, 6.3, 8.9])
    line = P.project(panel, [2020, 2022], method="linear", jump_off=False)
    assert line.median[0] == pytest.approx([6.0, 8.6])
    # fitted 0.8, 2.1, 3.4, 4.7 -> residuals 0.2, -0.1, -0.4, 0.3: SSR 0.30, s^2 = 0.30/2 = 0.15
    # var at h = 1: s^2 (2 + (1 + 2 * 1 * (3 - 1.5)) / 5) = 0.15 * 2.8 = 0.42
    q = stats.t.ppf(0.9, 2)
    assert fc.at(2020)["hi80"].iloc[0] == pytest.approx(6.3 + q * np.sqrt(0.42))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=9),
    st.sampled_from(["linear", "log", "logit"]),
)
def test_horizon_zero_is_the_last_observation_and_bounds_hold(values, method):
    years = list(range(2024 - len(values) + 1, 2025))
    panel = pd.DataFrame([values], columns=years)
    fc = P.project(panel, [2024, 2026, 2030], method=method, lower=0, upper=100)
    if fc.method[0] == method or method == "linear":
        assert fc.median[0, 0] == pytest.approx(values[-1], abs=1e-6)
    for q in (0.025, 0.5, 0.975):
        band = fc.quantile(q)[0]
        assert np.all((band >= 0) & (band <= 100))


def test_series_at_its_bound_meets_a_target_at_the_bound_with_probability_1():
    y = [80.0, 90, 95, 100, 100, 100, 100, 100, 100]
    for method in ("linear", "logit"):
        fc = P.project(frame([y]), [2025], method=method, lower=0, upper=100)
        assert fc.prob(100.0, 2025, "higher")[0] == 1.0
        assert fc.median[0, 0] == pytest.approx(100.0)
