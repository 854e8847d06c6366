"""Findings of reports 03, 05 and 06 in plan language: every number recomputed by hand from
the results, on the default data and on a synthetic set; the rendered page opens with the
current situation and closes with the methods."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from analysis.analyses import evaluation as ev
from analysis.analyses import next_period as npd
from analysis.analyses import targets as tv
from analysis.data import load, synthetic
from analysis.present import findings as fnd
from analysis.present.words import evaluation as ew
from analysis.present.words import next_period as npw
from analysis.present.words import plan_words
from analysis.present.words import target_findings as tf


@pytest.fixture(scope="module", params=["default", "synthetic"])
def ds(request, tmp_path_factory):
    if request.param == "default":
        return load()
    return load(synthetic.write_dataset(tmp_path_factory.mktemp("pf") / "data", n_units=15))


@pytest.fixture(scope="module")
def view(ds):
    return tv.prepare(ds, method="linear")


def _all(sections: dict) -> str:
    return "\n".join(s for v in sections.values() for s in v)


def test_target_findings_numbers_and_words(view):
    ds = view.ds
    zh, en = tf.plan_findings(view, "zh"), tf.plan_findings(view, "en")
    assert all(zh[k] for k in fnd.SECTIONS) and [len(v) for v in zh.values()] == [
        len(v) for v in en.values()
    ]
    text = _all(zh)
    assert "nan" not in text.lower() and "全州" not in text.replace(ds.whole_word("zh"), "")
    s = view.summary
    top = s[s["region_code"] == ds.top].set_index("indicator")
    met = int((top["latest_value"] >= top["target"] - 1e-9).sum())  # all indicators: higher
    assert f"已有{met}项达到目标" in zh["status"][0]
    for ind in view.indicators:
        units = s[(s["indicator"] == ind) & s["region_code"].isin(ds.unit_codes)]
        label = ds.label(ind, "zh", unit=False)
        line = next(x for x in zh["status"] if x.startswith(label + "："))
        k = int((units["latest_value"] >= units["target"] - 1e-9).sum())
        assert f"中已达到目标的有{k}个" in line
        # the probability-based problem lists exactly the counties below 50 % and not met
        low = units[(units["prob"] < 0.5) & (units["status"] != "met")]
        hit = [x for x in zh["problems"] if x.startswith(label) and "概率低于50%" in x]
        if len(low):
            assert f"的{ds.units_word('zh')}有{len(low)}个" in hit[0]
            lowest = low.sort_values("prob").iloc[0]
            assert ds.name(lowest["region_code"], "zh") in hit[0]
            assert plan_words.pct(lowest["prob"], "zh") in hit[0]
        else:
            assert not [x for x in hit if "met_at_risk" in x]
        # never "met"/"on track" words next to a probability below 50 % for the whole region
        row = top.loc[ind]
        gap = next(x for x in zh["gaps"] if x.startswith(label + "：按趋势"))
        assert plan_words.pct(row["prob"], "zh") in gap
        assert plan_words.qty(ds, ind, row["projected"], "zh") in gap
        if row["status"] == "met" and row["prob"] < 0.5:
            assert any("回落风险" in x and x.startswith(label) for x in zh["problems"])


def test_required_against_historical_growth(view):
    """The worst county's required annual rise and its past annual rise, by hand."""
    ds = view.ds
    for ind in view.indicators:
        f = tf.facts(view, ind)
        if not f["below"]:
            continue
        s = view.summary.set_index(["indicator", "region_code"])
        w = s.loc[(ind, f["worst"])]
        gap = w["target"] - w["latest_value"]
        assert f["worst_gap"] == pytest.approx(gap)
        assert f["worst_required"] == pytest.approx(gap / (view.target_year - w["latest_year"]))
        h = view.history.loc[(ind, f["worst"])].dropna()
        past = (h.iloc[-1] - h.iloc[0]) / (int(h.index[-1]) - int(h.index[0]))
        assert f["worst_history"] == pytest.approx(past)
        # the worst gap is the largest
        units = s.xs(ind).loc[ds.unit_codes]
        assert gap == pytest.approx((units["target"] - units["latest_value"]).max())


def test_evaluation_findings(ds):
    frame = ev.evaluate(ds, 2020, 2025)
    zh = ew.plan_findings(frame, ds, 2025, "zh")
    assert all(zh[k] for k in fnd.SECTIONS)
    top = frame[frame["region_code"] == ds.top]
    assert f"{ds.whole_word('zh')}达到{int(top['met'].sum())}项" in zh["status"][0]
    for ind, f in frame.groupby("indicator"):
        units = f[f["region_code"].isin(ds.unit_codes)]
        label = ds.label(ind, "zh", unit=False)
        line = next(x for x in zh["status"] if x.startswith(label + "："))
        assert f"中达标{int(units['met'].sum())}个" in line
        short = units[~units["met"]]
        if len(short):
            worst = short.sort_values("difference").iloc[0]
            gap = next(x for x in zh["gaps"] if x.startswith(label + "：差距最大"))
            assert ds.name(worst["region_code"], "zh") in gap
            assert plan_words.qty(ds, ind, -worst["difference"], "zh", change=True) in gap
    # "nan" as a word (the region's English name, Qiannan, contains the letters)
    assert not re.search(r"\bnan\b", _all(ew.plan_findings(frame, ds, 2025, "en")).lower())


def test_next_period_findings(ds):
    frame, std = npd.next_targets(ds, 2025, 2030, p=0.8)
    zh = npw.plan_findings(frame, std, ds, 2025, 2030, 0.8, "zh")
    assert all(zh[k] for k in fnd.SECTIONS)
    for ind, f in frame.groupby("indicator"):
        top = f[f["region_code"] == ds.top].iloc[0]
        units = f[f["region_code"].isin(ds.unit_codes)]
        label = ds.label(ind, "zh", unit=False)
        action = next(x for x in zh["actions"] if x.startswith(label + "：建议"))
        assert plan_words.qty(ds, ind, top["target"], "zh") in action  # the proposed target
        raised = units[(units["basis"] == "standard") & (units["target"] > units["baseline"])]
        problem = [x for x in zh["problems"] if x.startswith(label + "：")]
        if len(raised):
            assert f"{len(raised)}个{ds.units_word('zh')}" in problem[0]
            need = (raised["target"] - raised["baseline"]) / 5
            worst = raised.loc[need.idxmax()]
            gap = next(x for x in zh["gaps"] if x.startswith(label + "：提高幅度最大"))
            assert ds.name(worst["region_code"], "zh") in gap
            assert plan_words.qty(ds, ind, need.max(), "zh", change=True) in gap
        else:
            assert not problem


@pytest.mark.parametrize("name", ["03", "05", "06"])
def test_page_order_of_the_committed_notebooks(name, tmp_path):
    """Structure of each notebook as committed: findings shown by the first code cell after
    the parameters, the methods by the last code cell (checked on executed pages in
    test_notebook_projection / test_evaluation)."""
    from analysis import paths

    path = next(paths.NOTEBOOKS_DIR.glob(f"{name}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "chapter.findings(" in code[1].source
    assert "chapter.methods(" in code[-1].source
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for text in md:  # region words come from the data, not from the notebook
        assert "全州" not in text and "县(市)" not in text and "县（市）" not in text
    assert np.all([not c.get("outputs") for c in code])


def test_a_target_out_of_reach_is_a_problem_with_an_action():
    """A target far above the trend: the whole region is named as a problem with its
    (low) probability, and the action gives the required annual rise, computed by hand."""
    ds = load()
    view = tv.prepare(ds, method="linear", target_values={"workers_per_10k_urban": 40})
    row = view.summary.set_index(["indicator", "region_code"]).loc[
        ("workers_per_10k_urban", ds.top)
    ]
    assert row["prob"] < 0.5 and row["status"] != "met"
    zh = tf.plan_findings(view, "zh")
    label = ds.label("workers_per_10k_urban", "zh", unit=False)
    problem = next(x for x in zh["problems"] if x.startswith(label) and ds.whole_word() in x)
    assert plan_words.pct(row["prob"]) in problem and "仅为" in problem
    required = (40 - row["latest_value"]) / (2025 - row["latest_year"])
    action = next(x for x in zh["actions"] if x.startswith(label) and "加快" in x)
    assert plan_words.qty(ds, "workers_per_10k_urban", required, change=True) in action
    assert not any(label in x and "保持现有投入" in x for x in zh["actions"])
