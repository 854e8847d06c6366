"""Acceptance (issue 15), the prefecture's build: ``analysis run --top`` with the synthetic
province's first prefecture runs every report of reports.toml and the profiles of two
counties, and shows none of another prefecture's counties (one build per file:
test_three_levels.py has the province's, test_three_levels_by_prefecture.py the
by-prefecture one, so the xdist workers build them side by side)."""

from __future__ import annotations

import pytest
from builds import PREFECTURE
from test_three_levels import _build, _with_names, check_every_report_builds

from analysis.data import load

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.cost(60)]


@pytest.fixture(scope="module")
def province(province_build, three_level_tree):
    return _with_names(province_build, load(three_level_tree))


@pytest.fixture(scope="module")
def prefecture(three_level_tree, tmp_path_factory):
    return _build(three_level_tree, tmp_path_factory.mktemp("prefecture"), PREFECTURE)


@pytest.mark.parametrize("which", ["prefecture"])
def test_every_report_builds(which, request):
    check_every_report_builds(request.getfixturevalue(which))


def test_the_tops_differ(province, prefecture):
    assert province["ds"].top == "900000" and prefecture["ds"].top == PREFECTURE
    assert len(province["ds"].unit_codes) == 40
    assert 0 < len(prefecture["ds"].unit_codes) < 40
    # a prefecture's reports never show another prefecture's counties
    other = next(c for c in province["ds"].unit_codes if not c.startswith(PREFECTURE[:4]))
    gaps = (prefecture["outputs"] / "html" / "02_county_gaps.html").read_text(encoding="utf-8")
    assert province["ds"].name(other) not in gaps
