"""County profiles end with recommendations from the unit's own gaps (issue 21): indicators
below the standard by relative shortfall (the largest named first, with its numbers), lagging
themes, and the plan targets missed (results model); a unit with no gap is told so."""

from __future__ import annotations

import pytest

from analysis import results
from analysis.analyses import profile as P
from analysis.present import profile_page


@pytest.fixture(scope="module")
def ctx(ds):
    return profile_page.prepare(ds)


def _shortfalls_by_hand(b, code):
    """Relative gap (standard - value) / standard in the indicator's direction, > 0 only."""
    out = {}
    for i in b.ids:
        v, s = b.values.loc[code, i], b.target.get(i)
        if s != s or v != v or s is None:
            continue
        gap = (v - s) if b.lower[i] else (s - v)
        if gap > 0:
            out[i] = gap / s
    return out


def test_the_largest_relative_shortfall_is_named_first(ctx):
    b = ctx.batch
    worst = {c: _shortfalls_by_hand(b, c) for c in b.units}
    code = max((c for c in worst if len(worst[c]) >= 2), key=lambda c: max(worst[c].values()))
    first = max(worst[code], key=worst[code].get)
    text = profile_page.advice(ctx, code)[0]
    positions = {i: text.find(ctx.label[i]) for i in worst[code]}
    assert all(p >= 0 for p in positions.values()), text
    assert min(positions, key=positions.get) == first
    pct = f"{worst[code][first] * 100:.1f}%"
    assert f"差距最大的是{ctx.label[first]}" in text and pct in text
    blocks = profile_page.build(ctx, code)
    heads = [k.text for k in blocks if k.kind == "section"]
    assert heads[-1].endswith("建议")
    assert blocks[-len(profile_page.advice(ctx, code)) :][0].text == text


def test_missed_targets_follow_the_results_model(ctx, ds):
    b = ctx.batch
    ev = results.open(ds).evaluation(2020, 2025)
    for code in b.units:
        missed = ev[(ev["region_code"] == code) & (ev["status"] == "not_met")]
        a = P.advice(b, code, ev)
        assert set(a.unmet) == set(missed["indicator"])
        lines = "".join(profile_page.advice(ctx, code))
        for i in a.unmet:
            assert ds.label(i, "zh", unit=False) in lines
        if not a.unmet and a.met and not a.no_gap:
            assert f"2025年规划目标{len(a.met)}项均已达到" in lines


def test_a_unit_with_no_gap_is_told_so(ctx):
    b = ctx.batch
    none = [c for c in b.units if not _shortfalls_by_hand(b, c)]
    assert none  # the default data have units that meet every standard
    for code in none:
        lines = profile_page.advice(ctx, code)
        a = P.advice(b, code, ctx.evaluation)
        assert not a.below
        if a.no_gap:
            assert lines == [
                f"{ctx.names[code]}各项指标均达到标准，没有处于滞后档的领域，"
                "规划目标均已达到，暂无需要补齐的短板。"
            ]
        else:
            assert lines[0].startswith(f"有标准的{a.n_standards}项指标均已达到标准")
    assert any(P.advice(b, c, ctx.evaluation).no_gap for c in none)
