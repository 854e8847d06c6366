"""Acceptance (issue 15): a synthetic three-level set - a province of 5 prefectures and 40
counties, observations at county level only - runs the reports of reports.toml through
``analysis run``, with one prefecture as the top region (``--top``) and with the province,
into separate outputs (the seconds of each build are printed with ``pytest -s``).

Every build runs every report (01, 02, 03 x2, 04, 05, 06, 07) and the county profiles of two
counties named in a list. The province's build, with the explorer page, is made once per test
run and shared with test_one_answer (``province_build`` in conftest.py, ``tests/builds.py``);
the prefecture's and the by-prefecture builds are in test_three_levels_prefecture.py and
test_three_levels_by_prefecture.py (one build per file, so the two xdist workers build them
side by side). The analyses of 02 for the province's 40 counties also run in-process here
(04's: test_county_only_aggregation.py)."""

from __future__ import annotations

import json

import pytest
from builds import PREFECTURE, build

from analysis.analyses import gaps
from analysis.data import load
from analysis.present.words import gaps as gap_words

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.cost(100)]


def _with_names(b: dict, ds) -> dict:
    """The build ``b`` with its data set and the report names it should have built."""
    names = sorted(REPORTS + [f"county_profile_{c}" for c in b["counties"]])
    print(f"\nthree-level build, top {ds.top}: {b['s']:.1f} s")  # noqa: T201
    return {**b, "ds": ds, "names": names}


def _build(tree, tmp, top=None, level=None) -> dict:
    county_ds = load(tree, top=top)
    counties = [c for c in county_ds.unit_codes if c.startswith(PREFECTURE[:4])][:2]
    b = build(tree, tmp, counties, top=top, level=level)
    return _with_names(b, load(tree, top=top, unit_level=level))


@pytest.fixture(scope="module")
def tree(three_level_tree):
    return three_level_tree


@pytest.fixture(scope="module")
def province(province_build, tree):
    return _with_names(province_build, load(tree))


REPORTS = [
    "01_baseline",
    "02_county_gaps",
    "03_target_projection_2025",
    "03_target_projection_2030",
    "04_plan_figures",
    "05_final_evaluation_2025",
    "06_next_period_targets_2030",
    "07_documents",
]


def check_every_report_builds(b: dict) -> None:
    """Validate passes, every report and listed profile builds without a traceback, about the
    top region, and the manifest lists them (the three-level acceptance of one build)."""
    s, outputs, ds = b["summary"], b["outputs"], b["ds"]
    assert b["needs"] == {}  # validate passes, and every report builds
    assert not s.failed, {k: v.get("evalue") for k, v in s.failed.items()}
    expected = b["names"]
    assert sorted(s.built) == expected
    for name in expected:
        page = (outputs / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert "Traceback" not in page, name
    # the reports are about the top region: its name heads the baseline report
    baseline = (outputs / "html" / "01_baseline.html").read_text(encoding="utf-8")
    assert ds.name(ds.top) in baseline
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in manifest["reports"]) == expected


@pytest.mark.parametrize("which", ["province"])
def test_every_report_builds(which, request):
    check_every_report_builds(request.getfixturevalue(which))


def test_the_heavy_reports_of_the_province_in_process(province):
    """02's analyses for the province's 40 counties (04's: test_county_only_aggregation)."""
    ds = province["ds"]
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "group")
    results = gaps.run(ds, spec.year, spec.indicators, "minmax", "equal", "group")
    assert sorted(results["index"].index) == sorted(ds.unit_codes)
    short = gaps.shortfall_table(ds, spec.year)
    assert set(short["region_code"]) <= set(ds.unit_codes)
    assert gap_words.describe(ds, spec, "zh") and gap_words.describe(ds, spec, "en")


def test_the_explorer_page_of_the_province(province):
    page = (province["outputs"] / "html" / "explore.html").read_text(encoding="utf-8")
    assert province["ds"].name(province["ds"].unit_codes[-1]) in page
