"""Acceptance (issue 15): a synthetic three-level set - a province of 5 prefectures and 40
counties, observations at county level only - runs the reports of reports.toml through
``analysis run`` with warm kernels, with one prefecture as the top region (``--top``) and
with the province, into separate outputs (one module-scoped build per top; the seconds of
each build are printed with ``pytest -s``).

To keep the suite affordable, the prefecture runs every report (01, 02, 03 x2, 04, 05, 06
and two county profiles named in a list); the province runs 01, 03 (2025), 05, 06, one
county profile and the explorer page, while the analyses of its two heaviest reports run
in-process (02 here, 04 in test_county_only_aggregation.py on the same kind of set; 03 for
2030 is the notebook already run for 2025, with other parameters)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from analysis import paths
from analysis.analyses import gaps
from analysis.data import load, synthetic
from analysis.present.words import gaps as gap_words
from analysis.runner import Options, preflight, run
from analysis.runner.config import load_config

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.cost(100)]
PREFECTURE = "900100"  # the first prefecture (its counties are 900101 ...)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = synthetic.write_tree(tmp_path_factory.mktemp("three_levels") / "data", seed=0)
    synthetic.write_grid_map(root)
    return root


def _config(tmp: Path, counties: list[str]) -> Path:
    """The project's reports.toml with absolute notebook paths and the county profiles for
    ``counties`` only (a list instead of every county)."""
    text = (paths.PROJECT_ROOT / "reports.toml").read_text(encoding="utf-8")
    text = text.replace('notebook = "notebooks/', f'notebook = "{paths.NOTEBOOKS_DIR.as_posix()}/')
    listed = ", ".join(f'"{c}"' for c in counties)
    text, n = re.subn(
        r'expand = \{ region_code = "@counties" \}',
        f"expand = {{ region_code = [{listed}] }}",
        text,
    )
    assert n == 1, "reports.toml: the county profile no longer expands over @counties"
    path = tmp / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


PREFECTURE_ONLY = ("02_county_gaps", "03_target_projection_2030", "04_plan_figures")


def _build(
    tree: Path, tmp: Path, top: str | None, explore: bool = False, only=(), level=None
) -> dict:
    ds = load(tree, top=top, unit_level=level)
    county_ds = ds if level is None else load(tree, top=top)
    counties = [c for c in county_ds.unit_codes if c.startswith(PREFECTURE[:4])][:2]
    outputs = tmp / "outputs"
    config = _config(tmp, counties)
    # what `analysis validate --config` says about these reports in this scope
    needs = {n.task: n.en for n in preflight.check(load_config(config, tree, top, level), ds)}
    t0 = time.perf_counter()
    summary = run(
        Options(
            config=config,
            data_dir=tree,
            outputs=outputs,
            top=top,
            unit_level=level,
            jobs=2,
            progress=False,
            explore=explore,
            only=list(only),
        )
    )
    seconds = time.perf_counter() - t0
    print(f"\nthree-level build, top {ds.top}: {seconds:.1f} s")  # noqa: T201
    names = sorted(REPORTS + [f"county_profile_{c}" for c in counties])
    if only:
        names = [n for n in names if n in only]
    return {
        "summary": summary,
        "outputs": outputs,
        "ds": ds,
        "names": names,
        "s": seconds,
        "needs": needs,
    }


@pytest.fixture(scope="module")
def province(tree, tmp_path_factory):
    light = [r for r in REPORTS if r not in PREFECTURE_ONLY] + [
        f"county_profile_{PREFECTURE[:4]}01"
    ]
    return _build(tree, tmp_path_factory.mktemp("province"), None, explore=True, only=light)


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
