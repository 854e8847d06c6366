"""Composite index, weights, rank sensitivity and tiers against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.errors import UserError
from analysis.methods import composite as C
from analysis.methods import tiers as T
from analysis.present.words import labels as L

# three regions; a: higher is better, b: lower is better
V = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [5.0, 5.0, 15.0]}, index=["r1", "r2", "r3"])
DIR = pd.Series({"a": "higher", "b": "lower"})
THEME = pd.Series({"a": "f", "b": "w"})


def test_minmax_hand():
    z = C.normalise(V, DIR, "minmax")
    assert z["a"].tolist() == [0.0, 50.0, 100.0]  # (x - 10) / 20 * 100
    assert z["b"].tolist() == [100.0, 100.0, 0.0]  # (15 - x) / 10 * 100
    res = C.composite(V, DIR, THEME, "minmax", "equal")
    assert res["index"].tolist() == [50.0, 75.0, 50.0]
    assert res["rank"].tolist() == [2.0, 1.0, 2.0]  # ties share the best rank
    assert res["f"].tolist() == [0.0, 50.0, 100.0]  # theme sub-index = its one indicator


def test_zscore_hand():
    z = C.normalise(V, DIR, "zscore")
    sd_a = math.sqrt((100 + 0 + 100) / 3)  # deviations from 20
    assert z["a"].tolist() == pytest.approx([-10 / sd_a, 0, 10 / sd_a])
    m_b = 25 / 3
    sd_b = math.sqrt(((5 - m_b) ** 2 * 2 + (15 - m_b) ** 2) / 3)
    assert z["b"].tolist() == pytest.approx(
        [-(5 - m_b) / sd_b, -(5 - m_b) / sd_b, -(15 - m_b) / sd_b]
    )
    res = C.composite(V, DIR, THEME, "zscore", "equal")
    assert res["rank"].tolist() == [3.0, 1.0, 2.0]  # -0.26, 0.35, -0.09


def test_distance_to_target_hand():
    z = C.normalise(V, DIR, "target", targets=pd.Series({"a": 25.0}))
    assert z["a"].tolist() == pytest.approx([40.0, 80.0, 100.0])  # 10/25, 20/25, capped at 1
    # b has no target: the frontier (best = lowest = 5) is used, score = 5 / x
    assert z["b"].tolist() == pytest.approx([100.0, 100.0, 100 * 5 / 15])


def test_constant_indicator_is_neutral():
    v = V.assign(c=7.0)
    assert C.normalise(v, DIR, "minmax")["c"].tolist() == [50.0] * 3
    assert C.normalise(v, DIR, "zscore")["c"].tolist() == [0.0] * 3


def test_weights_hand():
    v = V.assign(c=[1.0, 2.0, 3.0])
    th = pd.Series({"a": "f", "b": "w", "c": "w"})
    assert C.weights(v, "equal").tolist() == pytest.approx([1 / 3] * 3)
    assert C.weights(v, "theme", th).tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert C.weights(v, {"a": 2, "b": 1, "c": 1}).tolist() == pytest.approx([0.5, 0.25, 0.25])
    # entropy on min-max scores: a -> (0, 50, 100): p = (0, 1/3, 2/3);
    # b -> (100, 100, 0): p = (1/2, 1/2, 0)
    e_a = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    e_b = -(2 * 0.5 * math.log(0.5)) / math.log(3)
    d = np.array([1 - e_a, 1 - e_b])
    assert C.weights(V, "entropy", THEME, DIR).tolist() == pytest.approx((d / d.sum()).tolist())


def test_bad_choices_are_user_errors():
    with pytest.raises(UserError, match="minmax"):
        C.normalise(V, DIR, "rank")
    with pytest.raises(UserError, match="entropy"):
        C.weights(V, "expert")
    with pytest.raises(UserError, match="Valid: a, b"):
        C.weights(V, {"zz": 1.0})
    with pytest.raises(UserError):
        C.weights(V, {"a": -1.0, "b": 1.0})


def test_missing_value_reweights():
    v = V.copy()
    v.loc["r1", "a"] = np.nan
    res = C.composite(v, DIR, THEME, "minmax", "equal")
    # r1 only has b: its index is its b score (100); a is scaled on r2, r3: 0, 100
    assert res["index"].tolist() == [100.0, 50.0, 50.0]


def test_rank_sensitivity_summary():
    ranks, summary = C.rank_sensitivity(V, DIR, THEME, pd.Series({"a": 25.0}))
    assert ranks.shape == (3, 9)  # 3 normalisations x 3 weightings
    assert ranks.loc["r2"].tolist().count(1.0) >= 1
    np.testing.assert_array_equal(summary.loc[ranks.index, "median_rank"], ranks.median(axis=1))
    assert (summary["rank_range"] == summary["worst_rank"] - summary["best_rank"]).all()
    assert summary["median_rank"].is_monotonic_increasing


@settings(max_examples=30, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(3, 20), st.integers(2, 6)), elements=st.floats(0.1, 1e4))
)
def test_index_properties(x):
    cols = [f"i{j}" for j in range(x.shape[1])]
    v = pd.DataFrame(x, columns=cols)
    direction = pd.Series("higher", index=cols)
    theme = pd.Series(["t1", "t2"] * x.shape[1], index=cols * 2).iloc[: x.shape[1]]
    for norm in C.NORMALISATIONS:
        for wt in C.WEIGHTINGS:
            w = C.weights(v, wt, theme, direction)
            assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
            res = C.composite(v, direction, theme, norm, wt)
            if norm == "minmax":
                assert res["index"].between(-1e-9, 100 + 1e-9).all()
            # scaling an indicator by a positive constant leaves min-max / z-score / frontier
            # scores unchanged
            res2 = C.composite(v * 3.0, direction, theme, norm, wt)
            np.testing.assert_allclose(res2["index"], res["index"], rtol=1e-9, atol=1e-9)


def test_tiers_sd_rule_hand():
    s = pd.DataFrame({"d": [1.0, 2.0, 3.0, 4.0, 10.0]}, index=list("abcde"))
    # mean 4, sd sqrt((9+4+1+0+36)/5) = sqrt(10) = 3.162; bands 4 +- 1.581
    out = T.tiers(s)["d"].tolist()
    assert out == ["lagging", "lagging", "middle", "middle", "leading"]


def test_tiers_tertile_and_missing():
    s = pd.DataFrame({"d": [6.0, 5, 4, 3, 2, 1, np.nan]}, index=list("abcdefg"))
    out = T.tiers(s, rule="tertile")["d"].tolist()
    assert out == ["leading", "leading", "middle", "middle", "lagging", "lagging", "no_data"]
    assert L.tier_label(T.tiers(s, rule="tertile"))["d"].iloc[0] == "领先"
    with pytest.raises(UserError, match="tertile"):
        T.tiers(s, rule="kmeans")
