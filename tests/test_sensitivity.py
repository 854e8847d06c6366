"""How much the population estimate matters: each final status under the estimated and the
census-held denominator, the statuses that flip, and the words that say so (issue 20)."""

from __future__ import annotations

import pytest

from analysis.analyses import evaluation as ev
from analysis.data import load
from analysis.messages import t
from analysis.present import captions
from analysis.present.words import evaluation as ew
from analysis.present.words import plan_words


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def frame(ds):
    return ev.evaluate(ds, 2020, 2025)


def _sum(ds, ind, year):
    o = ds.observations
    rows = o[(o["indicator"] == ind) & (o["year"] == year) & o["region_code"].isin(ds.unit_codes)]
    assert len(rows) == len(ds.unit_codes)
    return rows["value"].sum()


def test_census_held_rate_of_the_whole_area_by_hand(ds, frame):
    # census-held: sum of county urban staff 2025 / sum of county urban population at the
    # 2020 census x 10,000 = 3571 / 1,800,536 x 10,000 = 19.83 (met, target 18); the yearly
    # estimate of the urban population grows after 2020, so the rate is lower
    top = frame.set_index(["indicator", "region_code"]).loc[("workers_per_10k_urban", ds.top)]
    by_hand = _sum(ds, "urban_community_workers", 2025) / _sum(ds, "urban_population", 2020) * 1e4
    assert top["final_alt"] == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(19.833, abs=1e-3)
    assert top["status_alt"] == "met" and top["final"] < 18 and top["status"] == "not_met"
    assert bool(top["flips"]) and top["denominator_basis"] == "estimated"


def test_flips_are_exactly_the_differing_statuses(ds, frame):
    known = frame["final"].notna() & frame["final_alt"].notna()
    assert (frame["flips"] == (known & (frame["status"] != frame["status_alt"]))).all()
    # values that are not rates on a stock never change and carry no basis
    plain = frame[frame["indicator"].isin(["urban_facility_coverage", "rural_facility_coverage"])]
    assert (plain["final"].fillna(-1) == plain["final_alt"].fillna(-1)).all()
    assert (plain["denominator_basis"] == "").all() and not plain["flips"].any()
    # the census assumption is the mirror image
    other = ev.evaluate(ds, 2020, 2025, assumption="census")
    key = ["indicator", "region_code"]
    a, b = frame.set_index(key), other.set_index(key)
    assert (a["status"] == b["status_alt"]).all() and (a["flips"] == b["flips"]).all()
    s = ev.sensitivity(ds, 2020, 2025)
    assert list(s.columns) == list(ev.SENSITIVITY) and s["flips"].sum() == frame["flips"].sum()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_say_which_statuses_depend_on_the_estimate(ds, frame, lang):
    depends = t("findings_evaluation.depends", lang).strip()
    phrase = t("findings_evaluation.basis_estimated", lang).strip()
    lines = ew.plan_findings(frame, ds, 2025, lang)["status"]
    staff = plan_words.label(ds, "workers_per_10k_urban", lang)
    cover = plan_words.label(ds, "urban_facility_coverage", lang)
    staff_line = next(x for x in lines if x.startswith(staff))  # the whole area's status line
    assert depends in staff_line and phrase in staff_line  # flips, on an estimated stock
    cover_line = next(x for x in lines if x.startswith(cover))
    assert depends not in cover_line and phrase not in cover_line  # not a rate on a stock
    area = plan_words.label(ds, "facility_area_per_100hh", lang)
    area_line = next(x for x in lines if x.startswith(area))
    assert phrase in area_line and depends not in area_line  # estimated, met either way
    # one sentence per flipped region, naming it
    for _, r in frame[frame["flips"]].iterrows():
        name = ds.name(r["region_code"], lang)
        assert any(
            name in x and x.startswith(plan_words.label(ds, r["indicator"], lang)) for x in lines
        ), name
    note = ew.methods_text(ds, "gap", lang, frame=frame)
    assert staff in note and ds.name("522730", lang) in note  # 龙里: facility area flips
    assert ew.methods_text(ds, "gap", lang) in note


def test_table_note_names_the_estimated_denominator(ds):
    est = ds.obs(["workers_per_10k_urban"], [ds.top, *ds.unit_codes])
    raw = ds.obs(["urban_facility_coverage"], [ds.top])
    for lang in ("zh", "en"):
        phrase = t("present.estimated_denominator_note", lang)
        assert phrase[:20] in captions.source_note(ds, est, lang)
        assert phrase[:20] not in captions.source_note(ds, raw, lang)
