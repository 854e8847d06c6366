"""Acceptance (issue 22), the by-prefecture build of the synthetic province (``analysis run
--level prefecture``): the reports preflight passes build, the others are refused before any
kernel starts (one build per file, see test_three_levels.py)."""

from __future__ import annotations

import pytest
from test_three_levels import REPORTS, _build

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.cost(50)]


@pytest.fixture(scope="module")
def by_prefecture(three_level_tree, tmp_path_factory):
    """The province with prefectures as units (--level prefecture): every report runs, and
    the county profiles (listed counties, not units at this level) are refused."""
    tmp = tmp_path_factory.mktemp("by_prefecture")
    return _build(three_level_tree, tmp, None, level="prefecture")


def test_validate_passes_exactly_for_the_reports_that_build(by_prefecture):
    """Acceptance (issue 22): at --level prefecture, the reports preflight passes build; the
    others are the ones it names (the county profiles: their ``expand`` gives counties),
    refused before any kernel starts."""
    b = by_prefecture
    s, needs = b["summary"], b["needs"]
    profiles = sorted(n for n in b["names"] if n.startswith("county_profile_"))
    assert sorted(needs) == profiles and len(profiles) == 2
    assert all("expand" in v and "reports.toml" in v for v in needs.values())
    assert sorted(s.built) == REPORTS, {k: v.get("evalue") for k, v in s.failed.items()}
    assert sorted(s.failed) == profiles
    assert all(e["ename"] == "Preflight" for e in s.failed.values())
    assert len(b["ds"].unit_codes) == 5
    gaps_page = (b["outputs"] / "html" / "02_county_gaps.html").read_text(encoding="utf-8")
    assert b["ds"].name("900500") in gaps_page  # a prefecture is a unit of the comparison
