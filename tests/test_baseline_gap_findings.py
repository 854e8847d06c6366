"""Findings of reports 01 and 02 in plan language: every number checked against values
computed by hand from the embedded data (census 2020 county tables, division codes, the plan
text) and against independent counts on a small synthetic data set."""

from __future__ import annotations

import re

import numpy as np
import pytest
import stocks_by_hand

from analysis.analyses import gaps
from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.present.words import baseline, baseline_findings, gap_findings, plan_text
from analysis.present.words import gaps as gap_words


def _all(f: dict) -> str:
    return "\n".join(s for v in f.values() for s in v)


@pytest.fixture(scope="module")
def base_zh(ds):
    return baseline_findings.findings(ds, "", 2020, "zh")


@pytest.fixture(scope="module")
def gap_run(ds):
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "group")
    return gaps.run(ds, spec.year), spec


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = write_dataset(tmp_path_factory.mktemp("syn") / "data", n_units=7)
    ds = load(root)
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "group")
    return ds, spec, gaps.run(ds, spec.year)


# -- helpers ---------------------------------------------------------------------------------
def test_plan_text_helpers():
    assert plan_text.num(1234567.891, 2) == "1,234,567.89"
    assert plan_text.num(-0.0004, 3) == "0.000" and plan_text.num(float("nan")) == "\u2014"
    assert (
        plan_text.names(list("abcdefgh"), "en", limit=3)
        == "a, b, c and 5 more (8 in all; the 3 furthest behind are named)"
    )
    assert "等8个" in plan_text.names(list("abcdefgh"), "zh", limit=3)
    assert plan_text.ratio(10, 4) == 2.5 and plan_text.ratio(10, 0) is None
    assert plan_text.heading("X", 5, "zh") == "## 五、X"
    assert plan_text.next_number({"status": [1], "problems": [], "gaps": [1], "actions": [1]}) == 4


def test_baseline_quotes_lose_their_english_tags(ds):
    t = baseline.baseline_table(ds)
    assert list(t.columns) == ["指标", "数值", "单位", "原文"]  # no source column
    notes = " ".join(t["原文"])
    assert "[" not in notes and "lower bound" not in notes and "sign lost" not in notes
    assert "“注册志愿服务团体2800余个”（按下限记录）" in set(t["原文"])
    en = " ".join(baseline.baseline_table(ds, lang="en")["Note"])
    assert "recorded as a lower bound" in en


# -- baseline on the embedded data (hand-computed from the 2020 census and division codes) ----
def test_baseline_status(base_zh):
    s = "\n".join(base_zh["status"])
    assert "村（社区）数1,431个" in s and "城乡社区工作者7,257人" in s  # the plan's figures
    assert "2,800" not in s  # "2800余个" is a lower bound: not in a sentence
    # 3,494,385 residents, 1,800,536 urban -> 349.44 and 180.05 (10k), rate 51.53 %
    assert "常住人口349.44万人" in s and "城镇人口180.05万人" in s and "城镇化率51.53%" in s
    # 2020 edition: 22 + 79 + 8 township-level units, 237 communities, 1,186 villages
    assert "街道22个、镇79个、乡8个" in s and "237个" in s and "1,186个" in s
    assert "由163个增至269个" in s and "由1,356个减至1,195个" in s  # 2016 -> 2023 editions
    assert s.count("全州") >= 3


def test_baseline_problems_gaps_actions(base_zh):
    p, g, a = (" ".join(base_zh[k]) for k in ("problems", "gaps", "actions"))
    # six counties below 51.53 %: Libo 42.70, Dushan 47.96, Pingtang 33.78, Changshun 43.00,
    # Huishui 48.97, Sandu 36.91
    assert "12个县（市）中有6个城镇化率低于全州平均水平（51.5%）" in p
    below = p.split("包括")[1].split("，")[0].split("、")
    assert set(below) == {"荔波县", "独山县", "平塘县", "长顺县", "惠水县", "三都水族自治县"}
    # 1,800,536 / 237 = 7,597 urban residents per community; above: Duyun 10,574, Libo 9,449,
    # Dushan 12,674.5, Luodian 9,503, Huishui 10,771
    assert "7,597人，5个县（市）高于这一水平" in p
    # Duyun 65.88 - Pingtang 33.78 = 32.1 points
    assert "都匀市（65.9%）比最低的平塘县（33.8%）高32.1个百分点" in g
    # Dushan 126,745 / 10 = 12,674.5 against Changshun 86,653 / 19 = 4,560.7: 2.8 times
    assert "独山县（12,674人）是最少的长顺县（4,561人）的2.8倍" in g
    # rural: Fuquan 144,136 / 59 = 2,443; Luodian 115,007 / 177 = 650: 3.8 times
    assert "福泉市（2,443人）是最少的罗甸县（650人）的3.8倍" in g
    assert "1,431个，比2020年版统计用区划代码的村级单位数（1,423个）多8个" in g
    assert "独山县、惠水县" in a and "平塘县、三都水族自治县" in a


def test_baseline_english_has_no_chinese(ds):
    text = _all(baseline_findings.findings(ds, "", 2020, "en"))
    assert not re.search(r"[\u4e00-\u9fff]", text)
    assert "3.49 million residents" in text and "Duyun (65.9 %)" in text


# -- county gaps on the embedded data --------------------------------------------------------
def test_gap_findings_counts(ds, gap_run):
    results, spec = gap_run
    f = gap_findings.findings(results, ds, spec, "zh")
    v = ds.values(["facility_area_per_100hh", "workers_per_10k_urban"], spec.year)
    below_area = int((v["facility_area_per_100hh"] < 30).sum())
    below_staff = int((v["workers_per_10k_urban"] < 18).sum())
    # by hand: stocks of spec.year estimated from the province down (stocks_by_hand)
    raw = ds.values(["facility_area", "urban_community_workers"], spec.year)
    hh = {c: stocks_by_hand.stock("households", c, spec.year) for c in ds.unit_codes}
    urb = {c: stocks_by_hand.stock("urban_population", c, spec.year) for c in ds.unit_codes}
    area = sum(raw.loc[c, "facility_area"] / hh[c] * 100 < 30 for c in ds.unit_codes)
    staff = sum(raw.loc[c, "urban_community_workers"] / urb[c] * 1e4 < 18 for c in ds.unit_codes)
    assert (below_area, below_staff) == (area, staff) == (5, 7)
    status = " ".join(f["status"])
    area = f"{12 - below_area}个达到国家标准（30平方米/百户），{below_area}个未达到"
    assert f"12个县（市）中{area}" in status
    assert f"12个县（市）中{12 - below_staff}个达到国家标准（18人/万人）" in status
    first = ds.name(results["index"].index[0])
    assert f["status"][0].startswith(f"{spec.year}年，12个县（市）中综合发展指数最高的是{first}")
    lag = results["tiers"].index[results["tiers"]["index"] == "lagging"]
    assert f"滞后档{len(lag)}个" in f["status"][0]
    # the widest spread: the coefficient of variation computed here (population SD / mean)
    x = ds.values(spec.indicators, spec.year)
    cv = x.std(ddof=0) / x.mean()
    widest = str(cv.idxmax())
    assert f"差距最大的是{ds.label(widest, 'zh', unit=False)}（变异系数{cv.max():.2f}" in " ".join(
        f["problems"]
    )
    hi, lo = x[widest].max(), x[widest].min()
    assert f"的{hi / lo:.1f}倍" in " ".join(f["problems"])
    # the first priority is the largest gap as a share of the standard: Libo's staff,
    # 18 - 9.68 = 8.32 short, 46.2 %
    worst = (18 - v["workers_per_10k_urban"]) / 18 * 100
    assert worst.idxmax() == "522722"
    assert (
        f"优先补齐荔波县的每万城镇常住人口社区专职工作人员（低于标准{worst.max():.1f}%）"
        in f["actions"][0]
    )
    # cost: the one-off cost is the floor area missing x 3,000 yuan / 10k
    area = re.search(r"社区综合服务设施面积约([\d,]+)平方米", " ".join(f["gaps"])).group(1)
    once = re.search(r"一次性投入([\d,]+)万元", " ".join(f["gaps"])).group(1)
    assert abs(int(area.replace(",", "")) * 3000 / 1e4 - int(once.replace(",", ""))) <= 1
    assert "示意数据" in f["actions"][-1]


def test_gap_findings_english(ds, gap_run):
    results, spec = gap_run
    text = _all(gap_findings.findings(results, ds, spec, "en"))
    assert not re.search(r"[\u4e00-\u9fff]", text)
    assert "meet the national standard" in text and "Libo" in text


# -- another data set ------------------------------------------------------------------------
def test_findings_on_a_synthetic_data_set(synthetic):
    ds, spec, results = synthetic
    f = gap_findings.findings(results, ds, spec, "zh")
    text = _all(f) + _all(baseline_findings.findings(ds, "", 2020, "zh"))
    assert "全州" not in text and "黔南" not in text and "都匀" not in text
    assert "全域" in text  # the synthetic top region's own word
    n = len(ds.unit_codes)
    for ind, std in gaps.targets(ds).items():
        v = ds.values([ind], spec.year)[ind].dropna()
        if v.empty:
            continue
        below = int((v < std).sum())  # every target here is "higher is better"
        label = ds.label(ind, "zh", unit=False)
        line = next(s for s in f["status"] if s.startswith(label))
        if below:
            assert f"{n}个县（市）中{n - below}个达到" in line and f"{below}个未达到" in line
        else:
            assert f"{n}个县（市）均达到" in line
    m = baseline_findings.unit_measures(ds, 2020)
    hi, lo = m["urbanisation_rate"].idxmax(), m["urbanisation_rate"].idxmin()
    diff = m["urbanisation_rate"].max() - m["urbanisation_rate"].min()
    assert f"{ds.name(hi)}（{m['urbanisation_rate'].max():.1f}%）比最低的{ds.name(lo)}" in text
    assert f"高{diff:.1f}个百分点" in text
    assert np.isfinite(diff)


def test_reading_tables_and_alignment(ds, gap_run):
    """Result tables for reading: names not codes, the data set's word for its units as the
    header, years without separators, words left-aligned and numbers right-aligned."""
    import pandas as pd

    from analysis.present import display

    results, _ = gap_run
    beta = gap_words.reading(results["beta"], ds, "zh")
    f = display.formatted(beta, ds, "zh", decimals=beta.attrs["decimals"])
    assert set(f["起始年"]) == {"2016"} and "region_code" not in " ".join(f.columns)
    idx = gap_words.reading(results["index"], ds, "zh")
    assert idx.columns[0] == "县（市）" and idx.iloc[0, 0] == ds.name(results["index"].index[0])
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1.5, 22.25], "text": ["1,2", "x"]})
    html = display.show(frame).to_html()
    style = html.split("</style>")[0]
    assert "text-align: left" in style
    assert set(re.findall(r"_col(\d+)", style)) == {"0", "2"}  # "name" and "text", not "value"
