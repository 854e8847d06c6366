"""sigma- and beta-convergence against constructed panels with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.methods import convergence as K
from analysis.methods import inequality as I


def _panel(b: float, a: float = 0.1, span: int = 10, noise=None) -> pd.DataFrame:
    """Regions whose average annual log growth is exactly a + b ln x0 (+ noise)."""
    x0 = np.exp(np.array([0.0, 1.0, 2.0, 3.0]))
    g = a + b * np.log(x0) + (0 if noise is None else noise)
    return pd.DataFrame({2010: x0, 2010 + span: x0 * np.exp(g * span)}, index=list("abcd"))


def test_beta_exact_line_is_not_estimable():
    """A perfect fit (R² = 1) is named, not reported (issue 11: degenerate cases)."""
    res = K.beta(_panel(-0.05))
    assert res["reason"] == "perfect_fit"
    assert math.isnan(res["beta"]) and math.isnan(res["half_life"])
    assert (res["start_year"], res["end_year"], res["n"]) == (2010, 2020, 4)


# noise orthogonal to 1 and to ln x0 = (0, 1, 2, 3) (centred: -1.5, -0.5, 0.5, 1.5): the OLS
# slope stays exactly b while R² < 1
ORTHO = 0.001 * np.array([1.0, -1.0, -1.0, 1.0])


def test_beta_half_life_with_orthogonal_noise():
    res = K.beta(_panel(-0.05, noise=ORTHO))
    assert res["beta"] == pytest.approx(-0.05, abs=1e-12)
    assert res["r2"] < 1 and res["p_value"] < 0.05 and res["reason"] == ""
    # lambda = -ln(1 + b T) / T = -ln(0.5) / 10; half-life = ln 2 / lambda = 10 years
    assert res["speed"] == pytest.approx(math.log(2) / 10)
    assert res["half_life"] == pytest.approx(10.0)


def test_beta_matches_closed_form_ols():
    noise = np.array([0.01, -0.02, 0.015, -0.005])
    p = _panel(-0.03, noise=noise)
    res = K.beta(p)
    x = np.log(p[2010].to_numpy())
    y = (np.log(p[2020].to_numpy()) - x) / 10
    # slope = cov(x, y) / var(x); residual variance with n - 2 degrees of freedom
    xc, yc = x - x.mean(), y - y.mean()
    slope = (xc * yc).sum() / (xc**2).sum()
    resid = yc - slope * xc
    se = math.sqrt((resid**2).sum() / (len(x) - 2) / (xc**2).sum())
    assert res["beta"] == pytest.approx(slope, abs=1e-12)
    assert res["se"] == pytest.approx(se, rel=1e-9)
    assert 0 < res["p_value"] < 1


def test_divergence_has_no_half_life():
    res = K.beta(_panel(0.02, noise=ORTHO))
    assert res["beta"] == pytest.approx(0.02)
    assert math.isnan(res["half_life"]) and res["reason"] == "no_convergence"


def test_too_few_regions_gives_nan():
    p = _panel(-0.05).iloc[:2]
    res = K.beta(p)
    assert res["n"] == 2 and math.isnan(res["beta"])


def test_sigma_is_cv_per_year_and_trend():
    p = pd.DataFrame({2018: [1.0, 2, 3], 2019: [1.5, 2, 2.5], 2020: [2.0, 2, 2]}, index=list("abc"))
    s = K.sigma(p)
    assert s["cv"].tolist() == pytest.approx([I.cv(p[y]) for y in p.columns])
    assert s.loc[2020, "cv"] == pytest.approx(0.0) and s.loc[2020, "sd_log"] == pytest.approx(0.0)
    # sd of logs 2018: ln 1, ln 2, ln 3
    logs = np.log([1.0, 2, 3])
    assert s.loc[2018, "sd_log"] == pytest.approx(logs.std())
    tr = K.sigma_trend(s["cv"])
    assert tr["slope"] < 0 and tr["n"] == 3
