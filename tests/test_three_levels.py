"""Acceptance (issue 15): a synthetic three-level set - a province of 5 prefectures and 40
counties, observations at county level only - runs the reports of reports.toml through
``analysis run``, with one prefecture as the top region (``--top``) and with the province,
into separate outputs (the seconds of each build are printed with ``pytest -s``).

Every build runs every report (01, 02, 03 x2, 04, 05, 06, 07) and the county profiles of two
counties named in a list. The province's build, with the explorer page, is made once per test
run and shared with test_one_answer (``province_build`` in conftest.py, ``tests/builds.py``);
the prefecture's and the by-prefecture builds are this module's. The analyses of 02 for the
province's 40 counties also run in-process here (04's: test_county_only_aggregation.py)."""

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


@pytest.fixture(scope="module")
def prefecture(tree, tmp_path_factory):
    return _build(tree, tmp_path_factory.mktemp("prefecture"), PREFECTURE)


@pytest.fixture(scope="module")
def by_prefecture(tree, tmp_path_factory):
    """The province with prefectures as units (--level prefecture): every report runs, and
    the county profiles (listed counties, not units at this level) are refused."""
    return _build(tree, tmp_path_factory.mktemp("by_prefecture"), None, level="prefecture")


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


@pytest.mark.parametrize("which", ["province", "prefecture"])
def test_every_report_builds(which, request):
    b = request.getfixturevalue(which)
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


def test_the_tops_differ(province, prefecture):
    assert province["ds"].top == "900000" and prefecture["ds"].top == PREFECTURE
    assert len(province["ds"].unit_codes) == 40
    assert 0 < len(prefecture["ds"].unit_codes) < 40
    # a prefecture's reports never show another prefecture's counties
    other = next(c for c in province["ds"].unit_codes if not c.startswith(PREFECTURE[:4]))
    gaps = (prefecture["outputs"] / "html" / "02_county_gaps.html").read_text(encoding="utf-8")
    assert province["ds"].name(other) not in gaps


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
