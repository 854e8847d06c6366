"""Shortfall quantities and costs against hand arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods import shortfall as S


def test_higher_is_better_ratio():
    # m² per 100 households: 25 in a county of 40,000 households vs >= 30:
    # (30 - 25) * 40,000 / 100 = 2,000 m²; at 3,000 yuan/m²: 6,000,000 yuan
    value = pd.Series({"A": 25.0, "B": 35.0, "C": np.nan})
    hh = pd.Series({"A": 40_000.0, "B": 10_000.0, "C": 5_000.0})
    f = S.shortfall(value, 30, base=hh, scale=100, unit_cost=3000)
    assert f.loc["A", "gap"] == 5.0
    assert f.loc["A", "gap_pct"] == pytest.approx(5 / 30 * 100)
    assert f.loc["A", "quantity"] == 2000.0
    assert f.loc["A", "cost"] == 6_000_000.0
    assert f.loc["B", ["gap", "quantity", "cost"]].tolist() == [0.0, 0.0, 0.0]  # target met
    assert f.loc["C", ["gap", "quantity"]].isna().all()


def test_lower_is_better_ratio():
    # 1,200 residents per grid with 100 grids vs <= 1,000: needs 120,000/1,000 = 120 grids, 20 more
    f = S.shortfall(pd.Series({"A": 1200.0}), 1000, direction="lower", base=pd.Series({"A": 100.0}))
    assert f.loc["A", "gap"] == 200.0
    assert f.loc["A", "quantity"] == pytest.approx(20.0)
    assert np.isnan(f.loc["A", "cost"])  # no unit cost given: no cost


def test_rate_with_unit_count():
    # 62 % of 150 villages have a facility vs >= 80 %: 0.18 * 150 = 27 villages
    f = S.shortfall(pd.Series({"A": 62.0}), 80, base=pd.Series({"A": 150.0}), scale=100)
    assert f.loc["A", "quantity"] == pytest.approx(27.0)


def test_ranked_list():
    a = S.shortfall(
        pd.Series({"A": 25.0, "B": 29.0}),
        30,
        base=pd.Series({"A": 100.0, "B": 1000.0}),
        scale=100,
        unit_cost=10,
    )
    b = S.shortfall(pd.Series({"A": 1.0, "B": 5.0}), 4)
    r = S.ranked({"area": a, "share": b})
    # costs: A 5*100/100*10 = 50, B 1*1000/100*10 = 100; share has a gap only for A (3), no cost
    assert r[["region_code", "indicator"]].values.tolist() == [
        ["B", "area"],
        ["A", "area"],
        ["A", "share"],
    ]
    assert r["rank"].tolist() == [1, 2, 3]
    assert r["cost"].iloc[0] == pytest.approx(100.0)
