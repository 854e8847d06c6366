"""Acceptance (issue 24): the intermediate level (prefectures) of a province, on the real
Guizhou census tree (9 prefectures, 88 counties, illustrative panel) and on a synthetic
province: prefecture subtotals, splits top -> prefecture -> county, the between/within
prefecture decomposition by hand, per-prefecture rows of the results model (reports 05 and
06), prefecture findings and shortened lists that name the most severe units."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import results
from analysis.analyses import county_targets as ct
from analysis.analyses import gaps, levels
from analysis.data import load, synthetic
from analysis.present.words import gap_findings as gf
from analysis.present.words import plan_text

pytestmark = pytest.mark.cost(20)


@pytest.fixture(scope="module", params=["guizhou", "synthetic"])
def ds(request, tmp_path_factory):
    if request.param == "guizhou":
        return load(request.getfixturevalue("guizhou_dir"))
    root = synthetic.write_tree(tmp_path_factory.mktemp("prov") / "d", levels=(4, 24), seed=3)
    return load(root)


def _counties_of(ds, g: str) -> list[str]:
    return [u for u in ds.unit_codes if g in ds.ancestors(u)]


def test_the_tree_has_a_prefecture_level(ds):
    assert levels.group_level(ds) == "prefecture"
    groups = levels.group_of(ds)
    assert groups.notna().all() and len(groups) == len(ds.unit_codes)
    if ds.top == "520000":
        assert len(ds.unit_codes) == 88 and groups.nunique() == 9


def test_prefecture_subtotals_are_sums_or_ratios_of_sums(ds):
    year = 2020
    count, ratio = "community_workers", "facility_area_per_100hh"
    f = levels.values(ds, [count, ratio], year)
    meta = ds.indicator(ratio)
    num, den = meta["numerator"], meta["denominator"]
    parts = ds.values([num, den], year, ds.unit_codes)
    subs = f[f["row"] == "subtotal"].set_index("region_code")
    assert len(subs) == levels.group_of(ds).nunique()
    for g, row in subs.iterrows():
        kids = _counties_of(ds, g)
        body = f[(f["group"] == g) & (f["row"] == "unit")]
        assert sorted(body["region_code"]) == sorted(kids)  # each county under its prefecture
        assert row[count] == pytest.approx(f.set_index("region_code").loc[kids, count].sum())
        by_hand = parts.loc[kids, num].sum() / parts.loc[kids, den].sum() * float(meta["scale"])
        assert row[ratio] == pytest.approx(by_hand, rel=1e-9)
    assert f.iloc[-1]["row"] == "total" and f.iloc[-1]["region_code"] == ds.top


def test_count_target_split_top_to_prefecture_to_county(ds):
    f = ct.county_targets(ds, "community_workers", 1e6, "gap", 2020, 2025, with_levels=True)
    f = f.set_index("region_code")["target"]
    prefs = levels.codes_at(ds, "prefecture")
    assert f.loc[prefs].sum() == pytest.approx(1e6)  # the province target, split
    for g in prefs:
        assert f.loc[_counties_of(ds, g)].sum() == pytest.approx(f.loc[g])
    # without the levels the county rows are the same numbers (one split)
    plain = ct.county_targets(ds, "community_workers", 1e6, "gap", 2020, 2025)
    assert np.allclose(
        plain.set_index("region_code")["target"].loc[ds.unit_codes], f[ds.unit_codes]
    )


def test_between_within_prefecture_decomposition_by_hand(ds):
    spec = gaps.resolve(ds)
    assert spec.grouping == "prefecture"
    res = gaps.run(ds, spec.year, spec.indicators)
    ineq = gaps.inequality_latest(res["inequality"], spec.year)
    ind = "facility_area_per_100hh"
    x = ds.values([ind], spec.year)[ind]
    w = gaps.population(ds, [spec.year])[spec.year].reindex(x.index)
    ok = x.notna() & w.notna()
    x, w = x[ok].to_numpy(float), w[ok].to_numpy(float)
    g = levels.group_of(ds)[ok].to_numpy()
    # Theil T with population weights: T = sum s_i ln(x_i / mu), s_i = w_i x_i / sum w x
    s = w * x / (w * x).sum()
    mu = (w * x).sum() / w.sum()
    total = float((s * np.log(x / mu)).sum())
    between = 0.0
    for k in np.unique(g):
        m = g == k
        sk = s[m].sum()
        muk = (w[m] * x[m]).sum() / w[m].sum()
        between += sk * np.log(muk / mu)
    full = res["inequality"]
    pop = full[(full["indicator"] == ind) & (full["year"] == spec.year)]
    pop = pop[pop["weighting"] == "population"].iloc[0]
    assert pop["theil_t"] == pytest.approx(total, rel=1e-9)
    assert pop["theil_t_within"] == pytest.approx(total - between, rel=1e-9, abs=1e-12)
    assert ineq.loc[ind, "theil_t_between_share"] == pytest.approx(between / total, rel=1e-9)


def test_results_model_has_prefecture_rows(ds, tmp_path):
    res = results.open(ds, cache_dir=tmp_path)
    ev = res.evaluation(2020, 2025)
    nxt, _ = res.next_targets(2025, 2030)
    prefs = set(levels.codes_at(ds, "prefecture"))
    for frame in (ev, nxt):
        for ind, f in frame.groupby("indicator"):
            assert prefs <= set(f["region_code"]), ind  # report 05 and 06 rows per prefecture
    # a prefecture's next-period target is never below its standard or its value at p
    for _, r in nxt[nxt["region_code"].isin(prefs)].iterrows():
        sgn = 1 if ds.indicator(r["indicator"])["direction"] == "higher" else -1
        floor = max(sgn * r["standard"], sgn * r["projected_p"])
        assert sgn * r["target"] >= floor - 1e-9


def test_shortened_list_names_the_most_severe():
    severity = {f"u{k:02d}": float(v) for k, v in enumerate([3, 9, 1, 7, 5, 8, 2, 6, 4, 10])}
    order = plan_text.worst_first(severity)
    text = plan_text.names(order, "zh")
    named = text.split("等")[0].split("、")
    assert named == ["u09", "u01", "u05", "u03", "u07", "u04"]  # 10, 9, 8, 7, 6, 5 by hand
    assert "最落后的6个" in text and "等10个" in text
    assert plan_text.names(order[:3], "zh") == "u09、u01、u05"


def test_gap_findings_name_the_worst_lagging_units_and_the_prefectures(ds):
    spec = gaps.resolve(ds)
    res = gaps.run(ds, spec.year, spec.indicators)
    res["shortfall"] = gaps.shortfall_table(ds, spec.year)
    found = gf.findings(res, ds, spec, "zh")
    tier = res["tiers"]
    dims = [c for c in tier.columns if c != "index"]
    lag = tier[tier["index"] == "lagging"]
    n_lag = (lag[dims] == "lagging").sum(axis=1)
    sentence = next((s for s in found["actions"] if "滞后的" in s), None)
    if sentence is None or len(lag) <= plan_text.SHOWN + plan_text.SLACK:
        return
    nm = ds.names("zh")
    named = [c for c in lag.index if nm[c] in sentence]
    assert len(named) == plan_text.SHOWN
    # every unit named has at least as many lagging dimensions as every unit left out
    left = [c for c in lag.index if c not in named]
    assert n_lag[named].min() >= n_lag[left].max()
    word = "市（州）"
    assert any(s.startswith("按" + word) for s in found["status"])


def test_profiles_name_their_prefecture_and_state_ties(ds):
    from analysis.present import profile_page

    ctx = profile_page.prepare(ds)
    groups = levels.group_of(ds)
    nm = ds.names("zh")
    for code in ds.unit_codes[:: max(1, len(ds.unit_codes) // 5)]:
        text = "".join(profile_page.summary(ctx, code).status)
        g = groups[code]
        peers = ctx.batch.index.loc[groups.index[groups == g], "index"]
        rank = int((peers > peers[code]).sum()) + 1  # by hand: 1 + units scoring higher
        assert f"属{nm[g]}，在{nm[g]}{len(peers)}个" in text and f"排第{rank}位" in text
        f = profile_page.P.facts(ctx.batch, code)
        for i in f.tied:  # an indicator on which all units are equal is never a best rank
            assert ctx.batch.values[i].nunique() == 1 and f.best != i


def test_report_05_prefecture_table_is_the_results_models_rows(ds, tmp_path):
    from analysis.present.words import evaluation as ew

    ev = results.open(ds, cache_dir=tmp_path).evaluation(2020, 2025)
    gf = ew.group_frame(ev, ds)
    prefs = levels.codes_at(ds, "prefecture")
    model = ev.set_index(["indicator", "region_code"])
    for ind, f in gf.groupby("indicator", sort=False):
        assert list(f["region_code"])[-1] == ds.top
        assert sorted(f["region_code"][:-1]) == prefs
        for _, row in f.iterrows():
            m = model.loc[(ind, row["region_code"])]
            assert row["status"] == m["status"] and bool(row["met"]) == bool(m["met"])
            assert row["final"] == pytest.approx(m["final"], nan_ok=True)
        top, body = f.iloc[-1], f.iloc[:-1]
        # the prefectures' units partition the province's: counts add up to the top row's
        for col in ("units", "units_met", "units_short", "units_no_data"):
            assert body[col].sum() == top[col], (ind, col)
