"""Findings sentences agree with status and probability (default and synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.analyses import targets as tv
from analysis.data import load, synthetic
from analysis.present.words import target_findings as tf


def test_verdict_table():
    assert tf.verdict("met", 0.9) == "met_likely"
    assert tf.verdict("met", 0.5) == "met_likely"
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
    """For the top region and every indicator: the findings call it unlikely or at risk
    exactly when the computed probability is below 50 %, as 'may slip back' exactly when it
    meets the target now, and print the probability computed."""
    out = tf.plan_findings(view, "en")
    problems = " ".join(out["problems"])
    s = view.summary.set_index(["indicator", "region_code"])
    for ind in view.indicators:
        row = s.loc[(ind, view.ds.top)]
        label = view.ds.label(ind, "en", unit=False)
        mine = [p for p in out["problems"] if p.startswith(label + ":")]
        top_risk = [p for p in mine if " only " in p]
        if row["status"] == "no_data" or not np.isfinite(row["prob"]):
            continue
        assert bool(top_risk) == (row["prob"] < tf.LIKELY), (ind, row, mine)
        if top_risk:
            assert ("slip back" in top_risk[0]) == (row["status"] == "met"), top_risk
    assert "nan" not in problems.lower()


def test_prefecture_at_the_bound_is_met_with_certainty():
    view = tv.prepare(load(), method="auto")
    s = view.summary.set_index(["indicator", "region_code"])
    row = s.loc[("urban_facility_coverage", view.ds.top)]
    assert row["status"] == "met" and row["prob"] == 1.0
