"""Every figure type renders with Chinese labels and no missing glyph; English throughout
with lang="en"; hand-checked numbers (Lorenz/Gini, bar order)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import pyplot as plt
from matplotlib.text import Text

from analysis.errors import UserError
from analysis.present import figures as F
from analysis.present import style

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09]")
COUNTIES = {
    "zh": ["都匀市", "福泉市", "荔波县", "三都水族自治县"],
    "en": ["Duyun", "Fuquan", "Libo", "Sandu"],
}
INDS = {
    "zh": ["每百户居民社区综合服务设施面积(平方米/百户)", "持证社工占比(%)", "智慧社区覆盖率(%)"],
    "en": [
        "Facility area per 100 households (m²/100 hh)",
        "Certified social workers (%)",
        "Smart communities (%)",
    ],
}


def _all_figures(lang: str) -> dict:
    c, i = COUNTIES[lang], INDS[lang]
    hist = pd.Series([10.0, 12, 15, 17], index=[2020, 2021, 2022, 2023])
    fc = pd.DataFrame(
        {
            "mean": [19.0, 21],
            "lo80": [17.0, 18],
            "hi80": [21.0, 24],
            "lo95": [16.0, 16],
            "hi95": [22.0, 26],
        },
        index=[2024, 2025],
    )
    long = pd.DataFrame(
        [
            (p, s, y, v)
            for p in i
            for s in c[:2]
            for y, v in zip(range(2016, 2021), range(5), strict=True)
        ],
        columns=["panel", "series", "year", "value"],
    )
    status = pd.DataFrame(
        [
            ["met", "on_track", "moderate"],
            ["limited", "backwards", "no_data"],
            ["met", "met", "met"],
            ["no_data", "limited", "on_track"],
        ],
        index=c,
        columns=i,
    )
    return {
        "ranked_bar": F.ranked_bar(
            pd.Series([3.0, 1, 2, np.nan], index=c),
            standard=2.5,
            highlight=[c[0]],
            xlabel=i[0],
            lang=lang,
        ),
        "dot_plot": F.dot_plot(
            pd.DataFrame(
                {
                    "county": [80.0, 50, 120],
                    "prefecture": [90.0, 60, 100],
                    "target": [100.0, 100, 100],
                },
                index=i,
            ),
            xlabel="%",
            lang=lang,
        ),
        "heatmap": F.heatmap(
            pd.DataFrame(np.arange(12.0).reshape(4, 3), index=c, columns=i),
            cbar_label="score",
            lang=lang,
        ),
        "small_multiples": F.small_multiples(long, targets={i[0]: (2025, 6.0)}, lang=lang),
        "fan_chart": F.fan_chart(hist, fc, target=(2025, 30.0), ylabel=i[0], lang=lang),
        "lorenz": F.lorenz(pd.Series([1.0, 2, 3, 4]), pd.Series([1.0, 1, 1, 1]), lang=lang),
        "status_dashboard": F.status_dashboard(status, lang=lang),
        "trend_lines": F.trend_lines(
            pd.DataFrame({i[0]: [0.3, 0.25, 0.2], i[1]: [0.5, 0.5, 0.4]}, index=[2016, 2017, 2018]),
            ylabel="CV",
            lang=lang,
        ),
    }


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_type_renders_without_missing_glyphs(lang, tmp_path):
    with style.strict_glyphs():
        figs = _all_figures(lang)
        for name, fig in figs.items():
            style.check_glyphs(fig)
            paths = style.save(fig, tmp_path / name, formats=("png",))
            assert paths[0].stat().st_size > 5000
            plt.close(fig)
    assert len(figs) == 8


def test_chinese_by_default_and_english_throughout_with_en():
    zh, en = _all_figures("zh"), _all_figures("en")
    for name in zh:
        assert any(CJK.search(s) for s in _texts(zh[name])), name
        cjk = [s for s in _texts(en[name]) if CJK.search(s)]
        assert cjk == [], (name, cjk)
    plt.close("all")


def test_ranked_bar_sorted_with_standard_line_and_missing_listed():
    fig = F.ranked_bar(pd.Series([3.0, 1, 2, np.nan], index=list("abcd")), standard=2.5)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0, 1, 2, 3]  # missing (drawn as 0) at the bottom, then ascending upwards
    assert [t.get_text() for t in ax.get_yticklabels()] == ["d", "b", "c", "a"]
    assert any(line.get_xdata()[0] == 2.5 for line in ax.lines)
    assert "无数据" in _texts(fig)
    plt.close(fig)


def test_lorenz_gini_hand_computed():
    # values 1,2,3,4 with equal weights: x = 0,.25,.5,.75,1; y = 0,.1,.3,.6,1
    # G = 1 - .25*[(0+.1)+(.1+.3)+(.3+.6)+(.6+1)] = 1 - .25*3.0 = 0.25
    # (check: mean |xi-xj| over all 16 pairs = 20/16 = 1.25; G = 1.25 / (2*2.5) = 0.25)
    x, y = F.lorenz_points(pd.Series([4.0, 1, 3, 2]))
    np.testing.assert_allclose(x, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(y, [0, 0.1, 0.3, 0.6, 1])
    assert F.gini_from_lorenz(x, y) == pytest.approx(0.25)
    fig = F.lorenz(pd.Series([4.0, 1, 3, 2]))
    assert any("G = 0.250" in s for s in _texts(fig))
    plt.close(fig)


def test_lorenz_weighted_hand_computed():
    # levels 1 and 3 per person, populations 3 and 1: totals 3 and 3 -> x = 0,.75,1; y = 0,.5,1
    # G = 1 - [.75*(0+.5) + .25*(.5+1)] = 1 - (.375 + .375) = 0.25
    x, y = F.lorenz_points(pd.Series([1.0, 3.0]), pd.Series([3.0, 1.0]))
    np.testing.assert_allclose(x, [0, 0.75, 1])
    np.testing.assert_allclose(y, [0, 0.5, 1])
    assert F.gini_from_lorenz(x, y) == pytest.approx(0.25)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=40), st.floats(0.1, 100))
def test_lorenz_invariants(vals, scale):
    v = pd.Series(vals)
    x, y = F.lorenz_points(v)
    assert x[0] == y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= -1e-12)
    assert np.all(y <= x + 1e-9)  # the curve never rises above the line of equality
    g = F.gini_from_lorenz(x, y)
    assert -1e-9 <= g < 1
    # scale invariance: multiplying every value by a constant leaves the Gini unchanged
    assert F.gini_from_lorenz(*F.lorenz_points(v * scale)) == pytest.approx(g, abs=1e-9)


def test_bad_inputs_raise_bilingual_errors():
    with pytest.raises(UserError, match="(?s)未知的进展状态.*Valid: met, on_track"):
        F.status_dashboard(pd.DataFrame({"a": ["met", "great"]}))
    with pytest.raises(UserError, match="(?s)缺少列: prefecture.*Required: county, prefecture"):
        F.dot_plot(pd.DataFrame({"county": [1.0]}))
    with pytest.raises(UserError, match="未知的语言"):
        F.ranked_bar(pd.Series([1.0]), lang="fr")
    with pytest.raises(UserError, match="没有可绘制"):
        F.ranked_bar(pd.Series([np.nan]))
    with pytest.raises(UserError, match="不能为负"):
        F.lorenz_points(pd.Series([-1.0, 5.0]))


def test_wrap_keeps_unit_together():
    assert F._wrap("每百户居民社区综合服务设施面积(平方米/百户)", 7).split("\n") == [
        "每百户居民社区",
        "综合服务设施面",
        "积(平方米/百户)",
    ]
    assert F._wrap("持证社工占比(%)", 7) == "持证社工占比(%)"  # 6 + 3 <= 7 + 2
    assert F._wrap("社区工作者平均年龄(岁/人)", 7) == "社区工作者平均\n年龄(岁/人)"
    assert F._wrap("社区工作者平均年(岁/人次)", 7) == "社区工作者平均\n年(岁/人次)"
    assert F._wrap("社区工作者平均年龄(平方米/百户)", 7) == "社区工作者平均\n年龄\n(平方米/百户)"
    assert F._wrap("短(%)", 7) == "短(%)"


def test_number_formatting_hand_checked():
    assert F.decimals_for([1.0, 2.0, 3.0]) == 0  # all whole
    assert F.decimals_for([223.1, 376.0, 276.5]) == 0  # median >= 100
    assert F.decimals_for([13.18, 26.66, 7.26]) == 1  # median 13.18 >= 10
    assert F.decimals_for([2.93, 4.4, 1.2]) == 2  # median 2.93 < 10
    assert F.decimals_for([2.9, 4.4, 1.2]) == 1  # but the values carry only one decimal
    assert F.format_values([2.93, 4.4, np.nan]) == ["2.93", "4.40", ""]
    assert F.format_values([1234.5, 7257.25]) == [
        "1,234",
        "7,257",
    ]  # banker's rounding of .5 -> even


def test_titles_wrap_to_the_figure_width():
    # 200 pt at 10 pt: 20 em per line; 25 CJK characters -> 20 + 5
    assert F.fit_text("一" * 25, 200, 10) == "一" * 20 + "\n" + "一" * 5
    # English: 0.55 em a letter, breaks at spaces only: "aaaa bbbb" = 9 * 0.55 = 4.95 em <= 5
    assert F.fit_text("aaaa bbbb cccc", 50, 10) == "aaaa bbbb\ncccc"
    fig = F.lorenz(
        pd.Series([1.0, 2.0]),
        title="各县(市)每百户居民社区综合服务设施面积的分布情况(按常住人口加权)",
    )
    assert "\n" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
