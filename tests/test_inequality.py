"""Inequality measures against hand-computed values, plus invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.methods import inequality as I

X = np.array([1.0, 2.0, 3.0, 4.0])  # mean 2.5


def test_cv_hand():
    # deviations from 2.5: -1.5 -0.5 0.5 1.5; variance (2.25+0.25+0.25+2.25)/4 = 1.25
    assert I.cv(X) == pytest.approx(math.sqrt(1.25) / 2.5, abs=1e-15)


def test_gini_hand():
    # sum over ordered pairs |xi - xj|: 2*(1+2+3+1+2+1) = 20; G = 20 / (2 * 4^2 * 2.5) = 0.25
    assert I.gini(X) == pytest.approx(0.25, abs=1e-15)
    # one unit holds everything among 4: G = 1 - 1/4
    assert I.gini([0, 0, 0, 1.0]) == pytest.approx(0.75, abs=1e-15)


def test_theil_hand():
    t = (0.4 * math.log(0.4) + 0.8 * math.log(0.8) + 1.2 * math.log(1.2) + 1.6 * math.log(1.6)) / 4
    assert I.theil_t(X) == pytest.approx(t, abs=1e-15)
    # L = mean of ln(2.5/x) = ln(2.5^4 / (1*2*3*4)) / 4
    assert I.theil_l(X) == pytest.approx(math.log(2.5**4 / 24) / 4, abs=1e-15)


def test_weighted_hand():
    # x = (1, 3) with weights (3, 1) is the population 1, 1, 1, 3: mean 1.5
    x, w = np.array([1.0, 3.0]), np.array([3.0, 1.0])
    # |1-3| = 2 for 6 ordered pairs: G = 12 / (2 * 16 * 1.5) = 0.25
    assert I.gini(x, w) == pytest.approx(0.25, abs=1e-15)
    # variance (3 * 0.5^2 + 1.5^2) / 4 = 0.75; CV = sqrt(0.75) / 1.5
    assert I.cv(x, w) == pytest.approx(math.sqrt(0.75) / 1.5, abs=1e-15)
    rep = np.array([1.0, 1, 1, 3])
    for f in (I.cv, I.gini, I.theil_t, I.theil_l):
        assert f(x, w) == pytest.approx(f(rep), abs=1e-14)


def test_decomposition_hand():
    g = ["a", "a", "b", "b"]  # group means 1.5 and 3.5; value shares 0.3 and 0.7
    d = I.theil_decompose(X, g, measure="theil_t")
    assert d["between"] == pytest.approx(
        0.3 * math.log(1.5 / 2.5) + 0.7 * math.log(3.5 / 2.5), abs=1e-15
    )
    # within: s_g * T_g, T_a of (1, 2) around 1.5, T_b of (3, 4) around 3.5
    ta = (1 / 1.5 * math.log(1 / 1.5) + 2 / 1.5 * math.log(2 / 1.5)) / 2
    tb = (3 / 3.5 * math.log(3 / 3.5) + 4 / 3.5 * math.log(4 / 3.5)) / 2
    assert d["within"] == pytest.approx(0.3 * ta + 0.7 * tb, abs=1e-15)
    d = I.theil_decompose(X, g, measure="theil_l")
    assert d["between"] == pytest.approx(
        0.5 * math.log(2.5 / 1.5) + 0.5 * math.log(2.5 / 3.5), abs=1e-15
    )
    la = (math.log(1.5 / 1) + math.log(1.5 / 2)) / 2
    lb = (math.log(3.5 / 3) + math.log(3.5 / 4)) / 2
    assert d["within"] == pytest.approx(0.5 * la + 0.5 * lb, abs=1e-15)


def test_missing_and_invalid():
    assert I.gini([1.0, np.nan, 2.0, 3.0, 4.0]) == pytest.approx(0.25)
    assert np.isnan(I.gini([1.0, -1.0, 2.0]))
    assert np.isnan(I.theil_l([0.0, 1.0, 2.0]))  # ln(mu/0) undefined
    assert I.theil_t([0.0, 1.0]) == pytest.approx(math.log(2))  # 0 ln 0 = 0; 1/2 * 2 ln 2
    assert np.isnan(I.cv([np.nan, np.nan]))


def test_summary_per_year_equals_scalar_calls():
    panel = pd.DataFrame({2020: [1.0, 2, 3, 4], 2021: [2.0, 2, 2, 5]}, index=list("abcd"))
    w = pd.DataFrame({2020: [1.0, 2, 3, 4], 2021: [4.0, 3, 2, 1]}, index=list("abcd"))
    grp = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y"})
    s = I.summary(panel, w, grp)
    for y in panel.columns:
        assert s.loc[y, "gini"] == pytest.approx(I.gini(panel[y], w[y]), abs=1e-15)
        assert s.loc[y, "theil_t"] == pytest.approx(
            s.loc[y, "theil_t_between"] + s.loc[y, "theil_t_within"], abs=1e-12
        )


positive = arrays(float, st.integers(2, 30), elements=st.floats(0.01, 1e6))
nonneg = arrays(float, st.integers(2, 30), elements=st.one_of(st.just(0.0), st.floats(1e-9, 1e6)))


@settings(max_examples=200, deadline=None)
@given(nonneg)
def test_gini_bounds(x):
    g = I.gini(x)
    if x.sum() > 0:
        assert 0.0 <= g <= 1.0 - 1.0 / len(x) + 1e-12
    else:
        assert np.isnan(g)


@settings(max_examples=200, deadline=None)
@given(positive, st.floats(1e-3, 1e3))
def test_scale_invariance(x, c):
    for f in (I.cv, I.gini, I.theil_t, I.theil_l):
        assert f(c * x) == pytest.approx(f(x), rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.01, 1e6), st.integers(1, 40))
def test_equal_values_give_zero(v, n):
    x = np.full(n, v)
    for f in (I.cv, I.gini, I.theil_t, I.theil_l):
        assert f(x) == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(positive, st.integers(2, 5))
def test_replication_invariance(x, k):
    for f in (I.cv, I.gini, I.theil_t, I.theil_l):
        assert f(np.tile(x, k)) == pytest.approx(f(x), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_integer_weights_equal_replication(data):
    x = data.draw(positive)
    w = data.draw(arrays(int, len(x), elements=st.integers(1, 5)))
    rep = np.repeat(x, w)
    for f in (I.cv, I.gini, I.theil_t, I.theil_l):
        assert f(x, w.astype(float)) == pytest.approx(f(rep), rel=1e-9, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_decomposition_is_exact(data):
    x = data.draw(
        arrays(
            float, st.tuples(st.integers(1, 4), st.integers(2, 25)), elements=st.floats(0.01, 1e5)
        )
    )
    n = x.shape[-1]
    w = data.draw(arrays(float, n, elements=st.floats(0.1, 1e5)))
    groups = data.draw(arrays(int, n, elements=st.integers(0, 3)))
    for m, f in (("theil_t", I.theil_t), ("theil_l", I.theil_l)):
        d = I.theil_decompose(x, groups, w, measure=m)
        assert np.allclose(d["between"] + d["within"], f(x, w), rtol=0, atol=1e-12)
        assert (d["between"] >= -1e-12).all() and (d["within"] >= -1e-12).all()


def test_missing_group_labels_are_a_clear_error():
    """A missing label is never silently a group called "None" or "nan"."""
    from analysis.errors import UserError
    from analysis.methods import inequality as I

    x = np.array([1.0, 2.0, 3.0, 4.0])
    for bad in ([None, "a", "b", "b"], ["a", float("nan"), "b", "b"], ["a", "", "b", "b"]):
        with pytest.raises(UserError) as e:
            I.theil_decompose(x, bad)
        assert "missing group labels" in e.value.en and "分组标签缺失" in e.value.zh
    ok = I.theil_decompose(x, ["a", "a", "b", "b"])
    assert list(ok["labels"]) == ["a", "b"]


def _pairwise_gini(row: np.ndarray) -> float:
    """Definition: sum_i sum_j |x_i - x_j| / (2 n^2 mu) over the finite values."""
    v = row[np.isfinite(row)]
    return float(np.abs(v[:, None] - v[None, :]).sum() / (2 * v.size**2 * v.mean()))


def test_vectorised_paths_agree_with_definitions():
    """The equal-share fast path (one sort, closed-form Gini, shared logs) and the general
    weighted path give the definitions' values to 1e-12, row by row, whatever the layout."""
    rng = np.random.default_rng(7)
    x = rng.lognormal(0.0, 1.5, (40, 25))
    x[3, 4] = 0.0  # Theil L undefined in that row only
    x[5, 6] = np.nan  # left out of its row (general path for the whole call)
    x[6, 1] = -1.0  # every measure but CV undefined in that row
    for arr in (x, x[[0, 3, 6]], np.asfortranarray(x[[0, 1, 3, 6]])):
        before = arr.copy()
        m = I.measures(arr)
        unit = I.measures(arr, np.ones(arr.shape[-1]))  # Lorenz-curve path
        assert np.array_equal(arr, before, equal_nan=True)  # input left untouched
        for k in ("cv", "gini", "theil_t", "theil_l"):
            assert np.array_equal(np.isnan(m[k]), np.isnan(unit[k]))
            assert np.allclose(m[k], unit[k], rtol=0, atol=1e-12, equal_nan=True)
        for i, row in enumerate(arr):
            if np.nanmin(row) < 0:
                assert np.isnan(m["gini"][i]) and np.isnan(m["theil_t"][i])
                continue
            v = row[np.isfinite(row)]
            r = v / v.mean()
            assert m["gini"][i] == pytest.approx(_pairwise_gini(row), abs=1e-12)
            assert m["cv"][i] == pytest.approx(v.std() / v.mean(), abs=1e-12)
            t = np.mean(np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0))
            assert m["theil_t"][i] == pytest.approx(t, abs=1e-12)
            if v.min() > 0:
                assert m["theil_l"][i] == pytest.approx(np.mean(np.log(1 / r)), abs=1e-12)
            else:
                assert np.isnan(m["theil_l"][i])
    assert np.isnan(I.measures(x)["gini"][6])
    assert I.measures(x)["n"][5] == 24
