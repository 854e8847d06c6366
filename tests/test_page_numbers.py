"""Numbers as a page shows them (issue 21, item 5): head counts and areas in whole units."""

from __future__ import annotations

import math

from analysis.analyses import county_targets as ct
from analysis.messages import t
from analysis.present.words import targets as target_words


def test_county_amounts_are_whole_units_and_targets_are_rounded_up(ds):
    f = ct.county_targets(ds, "workers_per_10k_urban", 18.0, "gap", 2020, 2025)
    shown = target_words.county_display(ds, f, "zh")
    now = shown[t("targets.baseline_amount", "zh")]
    goal = shown[t("targets.target_amount", "zh")]
    assert all(isinstance(x, int) for x in [*now, *goal])  # 460, not 460.0
    assert list(now) == [round(x) for x in f["baseline_amount"]]  # observed head counts
    assert list(goal) == [math.ceil(round(x, 6)) for x in f["target_amount"]]
    assert any(x != int(x) for x in f["target_amount"])  # the case that is rounded up
    assert "460.0" not in shown.to_string()
