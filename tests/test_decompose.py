"""Splitting a prefecture target into county targets: hand-worked rules and consistent totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.methods import decompose as D

IDX = ["A", "B", "C"]


def s(values):
    return pd.Series(values, index=IDX, dtype=float)


def test_uniform_standard():
    # 80 over sizes 100, 100, 200 (total 400): 80 * 1/4, 1/4, 1/2
    assert D.split_total(80, s([10, 20, 30]), s([100, 100, 200]), "uniform").tolist() == [
        20,
        20,
        40,
    ]


def test_equal_effort():
    # same growth: 80 / 60 = 4/3 -> 13.33, 26.67, 40
    t = D.split_total(80, s([10, 20, 30]), s([100, 100, 200]), "equal_effort")
    assert t.tolist() == pytest.approx([40 / 3, 80 / 3, 40])


def test_proportional_to_gap():
    # T = 100, standard = 25, 25, 50; current 10, 40, 30 -> gaps 15, 0 (B is above), 20 (sum 35)
    # increase 100 - 80 = 20 shared 15/35, 0, 20/35 -> 18.571, 40, 41.429
    t = D.split_total(100, s([10, 40, 30]), s([100, 100, 200]), "gap")
    assert t.tolist() == pytest.approx([10 + 20 * 15 / 35, 40, 30 + 20 * 20 / 35])


def test_lower_is_better_reduction_uses_the_excess():
    # T = 60 < current 80: excess over standard (15, 15, 30): 0, 25 (B), 0 -> B carries all of -20
    t = D.split_total(60, s([10, 40, 30]), s([100, 100, 200]), "gap", "lower")
    assert t.tolist() == pytest.approx([10, 20, 30])
    # equal effort: everyone x 60/80
    assert D.split_total(
        60, s([10, 40, 30]), s([100, 100, 200]), "equal_effort", "lower"
    ).tolist() == (pytest.approx([7.5, 30, 22.5]))


@pytest.mark.parametrize("rule", ["gap", "equal_effort"])
def test_a_total_already_met_asks_no_county_to_get_worse(rule):
    # higher is better, current total 80 >= target 60: counties keep their values
    t = D.split_total(60, s([10, 40, 30]), s([100, 100, 200]), rule)
    assert t.tolist() == [10, 40, 30]
    # uniform is the pure standard and still sums to the target
    assert D.split_total(60, s([10, 40, 30]), s([100, 100, 200]), "uniform").sum() == pytest.approx(
        60
    )


def test_ratio_target_split_as_numerator_amounts():
    # 30 m² per 100 households; households 1000 and 3000 -> 1200 m² in total
    area, hh = (
        pd.Series([100.0, 700.0], index=["A", "B"]),
        pd.Series([1000.0, 3000.0], index=["A", "B"]),
    )
    uni = D.split_ratio(30, area, hh, 100, "uniform")
    assert uni["target_count"].tolist() == pytest.approx([300, 900])
    assert uni["target"].tolist() == pytest.approx([30, 30])
    eq = D.split_ratio(30, area, hh, 100, "equal_effort")  # x 1200/800 = 1.5 -> 150, 1050 m²
    assert eq["target_count"].tolist() == pytest.approx([150, 1050])
    assert eq["target"].tolist() == pytest.approx([15, 35])
    # the county targets aggregate to the prefecture ratio: (150 + 1050) / 4000 * 100 = 30
    assert eq["target_count"].sum() / hh.sum() * 100 == pytest.approx(30)
    assert eq["increase"].tolist() == pytest.approx([50, 350])
    assert eq["share_of_increase"].tolist() == pytest.approx([12.5, 87.5])


@given(
    current=st.lists(st.floats(0.1, 1e5), min_size=2, max_size=30),
    seed=st.integers(0, 2**16),
    factor=st.floats(0.2, 5),
    rule=st.sampled_from(D.RULES),
    lower=st.booleans(),
)
def test_county_targets_add_up_to_the_target(current, seed, factor, rule, lower):
    """Invariant: Σ county targets = T whenever the prefecture must still improve; otherwise
    (gap, equal effort) everyone keeps the current value, whose total meets T."""
    rng = np.random.default_rng(seed)
    x = pd.Series(current)
    size = pd.Series(rng.uniform(1, 1e6, len(current)))
    total = float(x.sum() * factor)
    direction = "lower" if lower else "higher"
    t = D.split_total(total, x, size, rule, direction)
    assert t.index.equals(x.index)
    must_improve = total < x.sum() if lower else total > x.sum()
    if must_improve or rule == "uniform":
        assert t.sum() == pytest.approx(total, rel=1e-9)
        better = (t <= x + 1e-9 * x.sum()) if lower else (t >= x - 1e-9 * x.sum())
        assert rule == "uniform" or better.all()  # the split never asks a county to get worse
    else:
        pd.testing.assert_series_equal(t, x.rename("target"))


def test_bad_inputs_are_bilingual_errors():
    with pytest.raises(UserError) as e:
        D.split_total(10, s([1, 2, 3]), s([1, 1, 1]), "equal")
    assert (
        "uniform" in e.value.zh
        and "Valid decomposition rules: uniform, gap, equal_effort" in e.value.en
    )
    with pytest.raises(UserError):
        D.split_total(10, s([1, 2, 3]), s([1, np.nan, 1]), "uniform")
    with pytest.raises(UserError):
        D.split_total(10, s([1, np.nan, 3]), s([1, 1, 1]), "gap")
