"""Findings sentences agree with status and probability (default and synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.analyses import target_findings as tf
from analysis.analyses import targets as tv
from analysis.data import load, synthetic


def test_verdict_table():
    assert tf.verdict("met", 0.9) == "met_likely"
    assert tf.verdict("met", 0.51) == "met_likely"
    assert tf.verdict("met", 0.3) == "met_at_risk"
    assert tf.verdict("on_track", 0.3) == "progress_at_risk"
    assert tf.verdict("limited", 0.7) == "progress_likely"
    assert tf.verdict("no_data", 0.7) == "no_data"
    assert tf.verdict("moderate", np.nan) == "prob_unknown"


@pytest.fixture(scope="module", params=["default", "synthetic"])
def view(request, tmp_path_factory):
    if request.param == "default":
        ds = load()
    else:
        root = synthetic.write_dataset(tmp_path_factory.mktemp("s") / "data", n_units=15, seed=7)
        ds = load(root)
    return tv.prepare(ds, method="auto")


def test_words_never_contradict_status_and_probability(view):
    """For every indicator and region: a 'met' sentence only with status met; an 'at risk'
    sentence exactly when the probability is below 50 %; the probability printed is the
    one computed."""
    for row in view.summary.itertuples():
        key = tf.verdict(row.status, row.prob)
        text = tf.top_sentence(row.status, row.prob, view.target_year, "en")
        if key.startswith("met"):
            assert row.status == "met"
        if np.isfinite(row.prob) and row.status != "no_data":
            assert ("only" in text) == (row.prob < 0.5), (row, text)
            assert f"{row.prob * 100:.0f}%" in text
        if row.status == "met" and np.isfinite(row.prob) and row.prob < 0.5:
            assert "at risk" in text
    en = tv.findings(view, "en")
    zh = tv.findings(view, "zh")
    assert en.count("\n") == zh.count("\n") == len(view.indicators) - 1


def test_prefecture_at_the_bound_is_met_with_certainty():
    view = tv.prepare(load(), method="auto")
    s = view.summary.set_index(["indicator", "region_code"])
    row = s.loc[("urban_facility_coverage", view.ds.top)]
    assert row["status"] == "met" and row["prob"] == 1.0
