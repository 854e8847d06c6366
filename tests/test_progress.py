"""Progress status (CAGR ratio) and probability of meeting a target: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.methods import progress as G
from analysis.methods import projection as P
from analysis.present.words import labels as L

ORDER = ["backwards", "limited", "moderate", "on_track", "met"]


def one(x0, xc, target, tc=2022, direction="higher", absolute=False, t0=2020, T=2025):
    return G.status(x0, t0, xc, tc, target, T, direction, absolute)[()]


# target 161.051 = 100 * 1.1^5: required CAGR 10 % a year from 2020 to 2025
@pytest.mark.parametrize(
    ("xc", "expected", "why"),
    [
        (121.0, "on_track", "100 * 1.10^2: observed CAGR 10 % / required 10 % = 1.0"),
        (114.49, "moderate", "100 * 1.07^2: 7 % / 10 % = 0.7"),
        (102.01, "limited", "100 * 1.01^2: 1 % / 10 % = 0.1"),
        (100.0, "limited", "no change: ratio exactly 0 -> limited (sdg-build: 0 <= ratio < 0.6)"),
        (95.0, "backwards", "decline: ratio < 0"),
        (170.0, "met", "already above the target"),
    ],
)
def test_cagr_ratio_categories(xc, expected, why):
    assert one(100.0, xc, 100 * 1.1**5) == expected, why


def test_growth_ratio_by_hand():
    # observed (114.49/100)^(1/2) - 1 = 0.07; required (161.051/100)^(1/5) - 1 = 0.10
    assert G.growth_ratio(100, 2020, 114.49, 2022, 100 * 1.1**5, 2025) == pytest.approx(0.7)


def test_thresholds_are_inclusive():
    # absolute variant, target 100 from 0 over 5 years: required 20 a year
    assert one(0.0, 38.0, 100.0) == "on_track"  # 19 / 20 = 0.95
    assert one(0.0, 37.9, 100.0) == "moderate"
    assert one(0.0, 24.0, 100.0) == "moderate"  # 12 / 20 = 0.60
    assert one(0.0, 23.9, 100.0) == "limited"


def test_zero_baseline_uses_absolute_change():
    # CAGR is undefined from 0: (30 - 0)/2 = 15 a year vs (100 - 0)/5 = 20 a year -> 0.75
    assert G.growth_ratio(0, 2020, 30, 2022, 100, 2025) == pytest.approx(0.75)
    assert one(0.0, 30.0, 100.0) == "moderate"


def test_bounded_percentage_uses_absolute_change():
    # 60 % -> 70 % in two years = 5 points a year; 80 % by 2025 needs 4 a year -> 1.25
    assert G.growth_ratio(60, 2020, 70, 2022, 80, 2025, absolute=True) == pytest.approx(1.25)
    assert one(60.0, 70.0, 80.0, absolute=True) == "on_track"
    # 60 -> 64: 2 a year / 4 = 0.5 -> limited; with CAGR it would be 3.28 % / 5.92 % = 0.55
    assert one(60.0, 64.0, 80.0, absolute=True) == "limited"


def test_target_already_met_at_baseline():
    assert one(200.0, 210.0, 161.0) == "met"  # still met
    assert one(200.0, 150.0, 161.0) == "backwards"  # was met, no longer


def test_no_data_since_baseline_and_single_observation():
    assert one(100.0, np.nan, 150.0, tc=np.nan) == "no_data"  # nothing after the baseline
    assert one(100.0, 120.0, 150.0, tc=2020) == "no_data"  # the only value is the baseline itself
    assert one(100.0, 120.0, 150.0, tc=2019) == "no_data"  # value before the baseline
    assert one(np.nan, 120.0, 150.0) == "no_data"  # single observation, no baseline
    assert one(np.nan, 160.0, 150.0) == "met"  # single observation that meets the target
    assert one(200.0, np.nan, 150.0, tc=np.nan) == "no_data"  # met at baseline, no data since


def test_lower_is_better():
    # residents per grid: 1000 -> target 800 in 2025, required CAGR 0.8^(1/5) - 1 = -4.365 %
    assert (
        one(1000.0, 900.0, 800.0, direction="lower") == "on_track"
    )  # 0.9^(1/2)-1 = -5.13 % -> 1.18
    assert one(1000.0, 960.0, 800.0, direction="lower") == "limited"  # -2.02 % / -4.365 % = 0.46
    assert one(1000.0, 930.0, 800.0, direction="lower") == "moderate"  # -3.56 % / -4.365 % = 0.82
    assert one(1000.0, 1050.0, 800.0, direction="lower") == "backwards"
    assert one(1000.0, 790.0, 800.0, direction="lower") == "met"
    assert one(700.0, 750.0, 800.0, direction="lower") == "met"  # met at baseline, still met
    assert one(700.0, 820.0, 800.0, direction="lower") == "backwards"  # met at baseline, lost


def test_vectorised_and_labels():
    codes = G.status(
        [100, 100, np.nan],
        2020,
        [121, 95, 5],
        [2022, 2022, 2022],
        [161.051, 161.051, 9],
        2025,
        ["higher", "higher", "lower"],
    )
    assert codes.tolist() == ["on_track", "backwards", "met"]
    assert L.status_labels(codes).tolist() == ["进展顺利", "倒退", "已达标"]
    assert L.status_label("no_data", "en") == "No data since baseline"
    for code in (*G.STATUSES, *G.NO_TARGET_STATUSES):
        assert L.status_label(code, "zh") and L.status_label(code, "en")


def test_required_growth():
    assert G.required_growth(100, 2020, 100 * 1.1**5, 2025) == pytest.approx(0.10)
    assert G.required_growth(0, 2020, 100, 2025) == pytest.approx(20.0)


def prob_meet(forecast, target, year, direction="higher"):
    """Probability that each projected series meets ``target`` in ``year`` (test helper)."""
    return forecast.prob(target, year, direction)


def test_prob_meet_uses_the_projection():
    years = list(range(2016, 2025))
    import pandas as pd

    fc = P.project(pd.DataFrame([[3 + 2 * (y - 2016) for y in years]], columns=years), [2025])  # 21
    assert prob_meet(fc, 20, 2025)[0] == 1.0
    assert prob_meet(fc, 22, 2025)[0] == 0.0
    assert prob_meet(fc, 22, 2025, "lower")[0] == 1.0


@given(
    x0=st.floats(1, 1000),
    d1=st.floats(-500, 500),
    d2=st.floats(0, 500),
    target=st.floats(1, 2000),
    lower=st.booleans(),
)
def test_better_current_value_never_gets_a_worse_status(x0, d1, d2, target, lower):
    """Invariant: improving the current value (other inputs fixed) never lowers the status."""
    direction = "lower" if lower else "higher"
    sign = -1 if lower else 1
    xc1 = max(x0 + d1, 0.0)
    xc2 = max(xc1 + sign * d2, 0.0)
    s1 = one(x0, xc1, target, direction=direction)
    s2 = one(x0, xc2, target, direction=direction)
    assert s1 != "no_data" and s2 != "no_data"
    assert ORDER.index(s2) >= ORDER.index(s1)


# -- Open SDG (sdg-build ProgressMeasure) cases -------------------------------------------------
# sdg-build statuses map to ours: target_achieved -> met, substantial_progress -> on_track,
# moderate_progress -> moderate, limited_progress -> limited, deterioration -> backwards.
@pytest.mark.parametrize(
    ("xc", "direction", "expected", "why"),
    [
        (110.0, "higher", "no_target_substantial", "1.1^(1/5) - 1 = 1.92 % >= 1.5 %"),
        (103.0, "higher", "no_target_moderate", "1.03^(1/5) - 1 = 0.59 % in [0.5 %, 1.5 %)"),
        (101.0, "higher", "no_target_limited", "1.01^(1/5) - 1 = 0.20 % in [0, 0.5 %)"),
        (100.0, "higher", "no_target_limited", "no change: 0 is limited (low = 0 inclusive)"),
        (99.0, "higher", "no_target_deterioration", "negative growth"),
        (90.0, "lower", "no_target_substantial", "-(0.9^(1/5) - 1) = 2.09 % when lower is better"),
        (110.0, "lower", "no_target_deterioration", "rising when lower is better"),
    ],
)
def test_no_target_rule_reproduces_sdg_build_methodology_1(xc, direction, expected, why):
    """sdg-build methodology 1: progress = direction x observed CAGR against 0.015/0.005/0."""
    code = np.atleast_1d(G.status(100.0, 2015, xc, 2020, np.nan, 2030, direction))[0]
    assert code == expected, why


def test_zero_target_is_replaced_by_0_001_as_in_sdg_build():
    # lower is better, 10 (2015) -> 5 (2020), target 0 in 2030 -> sdg-build uses 0.001:
    # cagr_o = 0.5^(1/5) - 1 = -0.129449; cagr_r = (0.001/10)^(1/15) - 1 = -0.458848
    # progress = -1 * cagr_o / |cagr_r| = 0.282129 -> limited progress (0 <= x < 0.6)
    cagr_o = 0.5 ** (1 / 5) - 1
    cagr_r = (0.001 / 10) ** (1 / 15) - 1
    assert -cagr_o / abs(cagr_r) == pytest.approx(0.282129, abs=1e-6)
    ratio = G.growth_ratio(10.0, 2015, 5.0, 2020, 0.0, 2030)
    assert -ratio == pytest.approx(0.282129, abs=1e-6)
    assert one(10.0, 5.0, 0.0, direction="lower", t0=2015, tc=2020, T=2030) == "limited"
    # 10 -> 1 in five years: cagr_o = 0.1^(1/5) - 1 = -0.369043 -> 0.804283 -> moderate
    assert one(10.0, 1.0, 0.0, direction="lower", t0=2015, tc=2020, T=2030) == "moderate"


def test_sdg_build_threshold_edges_with_a_target():
    # required CAGR 10 %; observed CAGR chosen to give ratios exactly 0.95, 0.6, 0 and < 0
    cases = ((0.951, "on_track"), (0.949, "moderate"), (0.601, "moderate"), (0.599, "limited"))
    for ratio, code in (*cases, (0.0, "limited")):
        xc = 100 * (1 + 0.1 * ratio) ** 2
        assert one(100.0, xc, 100 * 1.1**5) == code, ratio
    assert one(100.0, 99.0, 100 * 1.1**5) == "backwards"


def test_negative_values_without_target_flip_the_direction_as_in_sdg_build():
    # -10 (2015) -> -5 (2020), higher is better, no target: cagr = (-5/-10)^(1/5) - 1
    # = -0.129449; all values negative -> direction flipped -> +0.129449 >= 0.015
    cagr = 0.5 ** (1 / 5) - 1
    assert cagr == pytest.approx(-0.129449, abs=1e-6)
    assert (
        np.atleast_1d(G.status(-10.0, 2015, -5.0, 2020, np.nan, 2030, "higher"))[0]
        == "no_target_substantial"
    )
    # -5 -> -10 (further from 0, worse when higher is better): 2^(1/5) - 1 = 0.1487 flipped
    assert (
        np.atleast_1d(G.status(-5.0, 2015, -10.0, 2020, np.nan, 2030, "higher"))[0]
        == "no_target_deterioration"
    )
    # mixed signs cannot be assessed
    assert np.atleast_1d(G.status(-5.0, 2015, 10.0, 2020, np.nan, 2030, "higher"))[0] == "no_data"


def test_zero_target_required_growth_is_the_figure_the_status_uses():
    # 10 (2015) -> target 0 in 2030: (0.001/10)^(1/15) - 1 = 10^(-4/15) - 1 = -0.458830
    # (not the absolute change -10/15 = -0.667 shown before)
    req = G.required_growth(10.0, 2015, 0.0, 2030)
    assert req == pytest.approx(10 ** (-4 / 15) - 1, rel=1e-12)
    assert req == pytest.approx(-0.458830, abs=1e-6)
    obs = 0.5 ** (1 / 5) - 1  # 10 -> 5 in 2020
    ratio = G.growth_ratio(10.0, 2015, 5.0, 2020, 0.0, 2030)
    assert ratio == pytest.approx(obs / abs(req), rel=1e-12)
    # bounded percentage: absolute change for both, (80 - 60) / 5 = 4 a year
    assert G.required_growth(60.0, 2020, 80.0, 2025, absolute=True) == pytest.approx(4.0)


def _nt(x0, xc, direction="higher", limit=np.nan):
    """Status under the no-target rule, 2015 -> 2020."""
    return np.atleast_1d(G.status(x0, 2015, xc, 2020, np.nan, 2030, direction, limit=limit))[0]


def test_natural_limit_factor_by_hand():
    # sdg-build SeriesProgress.get_progress_thresholds, a = 4.44, b = |x0|, L = |limit|
    # maximum limit, b <= L: C = 1 - (90/100)^4.44 = 1 - exp(4.44 * ln 0.9) = 1 - 0.626378
    assert G.limit_factor(90.0, 100.0) == pytest.approx(0.373622, abs=1e-6)
    # minimum limit, L < b < 2L: C = 1 - ((2*10 - 12)/10)^4.44 = 1 - 0.8^4.44 = 1 - 0.371295
    assert G.limit_factor(12.0, 10.0) == pytest.approx(0.628705, abs=1e-6)
    assert G.limit_factor(200.0, 100.0) == 1.0  # b >= 2L: thresholds unchanged
    assert G.limit_factor(100.0, 100.0) == 0.0  # at the limit
    assert G.limit_factor(90.0, np.nan) == 1.0  # no limit


def test_natural_limit_scales_the_no_target_thresholds():
    # 90 -> 91 over 5 years: (91/90)^(1/5) - 1 = 0.2212 % a year
    # no limit: < 0.5 % -> limited; limit 100: C = 0.373622, med = 0.5 % * C = 0.1868 %,
    # high = 1.5 % * C = 0.5605 % -> moderate
    assert _nt(90.0, 91.0) == "no_target_limited"
    assert _nt(90.0, 91.0, limit=100.0) == "no_target_moderate"
    # minimum limit 10, lower is better: 12 -> 11.4: growth -(0.95^(1/5) - 1) = 1.0206 %;
    # no limit: [0.5 %, 1.5 %) -> moderate; C = 0.628705, high = 0.9431 % -> substantial
    assert _nt(12.0, 11.4, "lower") == "no_target_moderate"
    assert _nt(12.0, 11.4, "lower", limit=10.0) == "no_target_substantial"
    # at the limit (C = 0) holding the value is substantial progress; falling is not
    assert _nt(100.0, 100.0, limit=100.0) == "no_target_substantial"
    assert _nt(100.0, 99.0, limit=100.0) == "no_target_deterioration"
    # a limit is ignored when the series has a target (sdg-build warns and ignores it)
    with_target = G.status(90.0, 2015, 91.0, 2020, 95.0, 2030, "higher", limit=100.0)
    assert (
        np.atleast_1d(with_target)[0]
        == np.atleast_1d(G.status(90.0, 2015, 91.0, 2020, 95.0, 2030, "higher"))[0]
    )
