"""Baseline tables and sentences reproduce the published figures (SOURCES.md of the shared data)."""

from __future__ import annotations

from analysis.analyses import baseline
from analysis.present.words import baseline as baseline_words


def test_baseline_table_lists_the_plan_figures(ds):
    t = baseline_words.baseline_table(ds)
    values = dict(zip(t["指标"], t["数值"], strict=True))
    assert values["城乡社区工作者"] == "7,257" and values["网格数"] == "12,609"
    assert values["实名注册志愿者"] == "418,400" and values["登记社会组织"] == "1,174"
    assert not baseline.baseline_obs(ds)["source"].str.contains("illustrative").any()


def test_county_structure_totals(ds):
    s = baseline_words.county_structure(ds)
    top = s.loc["黔南布依族苗族自治州"]
    assert top["常住人口（人）"] == 3_494_385 and top["城镇人口（人）"] == 1_800_536
    # 109 township-level units in 2020 edition: 22 街道 + 79 镇 + 8 乡
    assert (top["街道"], top["镇"], top["乡"]) == (22, 79, 8)
    assert s.iloc[:-1]["常住人口（人）"].sum() == 3_494_385


def test_sentences_are_computed_from_the_data(ds):
    v = baseline_words.village_units_summary(ds)
    # published: 居委会 163 (2016) -> 269 (2023); 村委会 1356 -> 1195;
    # village-level units 1423 (2020), 1464 (2021)
    for n in ("163", "269", "1356", "1195", "1431", "1423", "1464"):
        assert n in v, n
    u = baseline_words.urbanisation_summary(ds, 2020, "en")
    assert u.startswith("In 2020 urbanisation was highest in Duyun (65.9 %)")
    assert "Pingtang (33.8 %)" in u
