"""Scenarios: the year a target is reached under business as usual and accelerated growth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.methods import projection as P
from analysis.methods import scenarios as S


def test_growth_year_by_hand():
    # 100 * 1.1^4 = 146.41 < 150 <= 100 * 1.1^5 = 161.05 -> 5 years after 2024
    assert S.growth_year(100, 2024, 150, 0.10)[()] == 2029
    # exactly on a step: 100 * 1.1^2 = 121 -> 2026 (no off-by-one from rounding)
    assert S.growth_year(100, 2024, 121, 0.10)[()] == 2026
    # lower is better: 1000 * 0.95^4 = 814.5 > 800 >= 1000 * 0.95^5 = 773.8
    assert S.growth_year(1000, 2024, 800, 0.05, "lower")[()] == 2029


def test_growth_year_edge_cases():
    assert S.growth_year(200, 2024, 150, 0.1)[()] == 2024  # already met
    assert np.isnan(S.growth_year(0, 2024, 150, 0.1)[()])  # zero start never grows
    assert np.isnan(S.growth_year(90, 2024, 120, 0.1, upper=100)[()])  # beyond the bound
    assert (
        S.growth_year(90, 2024, 100, 0.1, upper=100)[()] == 2026
    )  # 90 * 1.1^2 = 108.9 -> capped 100


def growth_paths(value, year, growth, years, direction="higher", lower=None, upper=None):
    """Accelerated paths (series x ``years``), capped at the bounds; NaN before ``year``
    (test helper: the closed form ``S.growth_year`` is checked against it)."""
    g = S.check_growth(growth)
    x = np.asarray(value, dtype=float)[:, None]
    k = np.asarray(years, dtype=float)[None, :] - np.asarray(year, dtype=float)[:, None]
    factor = 1 + g if direction == "higher" else 1 - g
    p = x * factor**k
    p = np.clip(p, -np.inf if lower is None else lower, np.inf if upper is None else upper)
    return np.where(k >= 0, p, np.nan)


def test_paths_and_first_year():
    p = growth_paths(np.array([100.0]), [2024], 0.1, [2023, 2024, 2025, 2026], upper=115)
    assert np.isnan(p[0, 0])
    assert p[0, 1:].tolist() == pytest.approx([100, 110, 115])
    assert S.first_year(p, [2023, 2024, 2025, 2026], 112)[0] == 2026
    assert np.isnan(S.first_year(p, [2023, 2024, 2025, 2026], 120)[0])


@given(x=st.floats(1, 1e4), ratio=st.floats(1.01, 20), g=st.floats(0.01, 0.5))
def test_closed_form_agrees_with_the_path(x, ratio, g):
    target = x * ratio
    year = S.growth_year(x, 2024, target, g)[()]
    years = np.arange(2024, 2024 + 400)
    path = growth_paths(np.array([x]), [2024], g, years)
    assert year == S.first_year(path, years, target)[0]


def test_scenario_table_with_a_linear_trend():
    # 3 + 2 (t - 2016): 19 in 2024; target 25 -> BAU 2027 (19 + 2*3); accelerated 10 %:
    # 19 * 1.1^3 = 25.29 >= 25 > 19 * 1.1^2 = 22.99 -> 2027
    years = list(range(2016, 2025))
    panel = pd.DataFrame([[3 + 2 * (y - 2016) for y in years]] * 2, columns=years)
    fc = P.project(panel, range(2025, 2031))
    tab = S.scenario_table(fc, [25, 40], 0.10)
    assert tab["bau_year"].tolist()[0] == 2027
    assert tab["accelerated_year"].tolist()[0] == 2027
    assert np.isnan(tab["bau_year"].iloc[1])  # 40 is not reached by 2030 on the trend (31)
    # 19 * 1.1^8 = 40.73 -> 2032
    assert tab["accelerated_year"].iloc[1] == 2032


def test_bad_growth_is_a_bilingual_error():
    for bad in (0, -0.1, 1.5, float("nan")):
        with pytest.raises(UserError) as e:
            S.growth_year(1, 2024, 2, bad)
        assert "增长率" in e.value.zh and "growth" in e.value.en


@given(
    st.lists(st.floats(1, 100, allow_nan=False), min_size=4, max_size=9),
    st.floats(1, 200),
    st.floats(0.01, 0.5),
    st.sampled_from(["higher", "lower"]),
)
def test_scenarios_are_ordered(values, target, growth, direction):
    """accelerated <= trend <= slow (NaN = not reached within the horizon, i.e. later)."""
    years = list(range(2025 - len(values), 2025))
    panel = pd.DataFrame([values], columns=years)
    fc = P.project(panel, range(2025, 2041), lower=0, upper=np.nan)
    tab = S.scenario_table(fc, [target], growth, [direction])
    acc, bau, slow = (tab[c].iloc[0] for c in ("accelerated_year", "bau_year", "slow_year"))
    late = 9999
    acc, bau, slow = (late if np.isnan(v) else v for v in (acc, bau, slow))
    assert acc <= bau <= slow
