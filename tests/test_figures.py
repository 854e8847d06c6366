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
from textboxes import overlapping_texts, texts_on_reference_lines, visible_texts

from analysis.errors import UserError
from analysis.messages import t
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


_FIGURE_TYPES = (
    "ranked_bar",
    "dot_plot",
    "heatmap",
    "small_multiples",
    "fan_chart",
    "lorenz",
    "status_dashboard",
    "trend_lines",
)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_type_renders_without_glyph_gaps_or_text_collisions(lang, tmp_path):
    """Every figure type, with the illustrative mark added: no missing glyph, no two text
    boxes overlapping (renderer bounding boxes), no text struck by a reference line, no
    rotated Chinese text; each PNG is a distinct image."""
    pngs = set()
    with style.strict_glyphs():
        for name, fig in _all_figures(lang).items():
            style.mark_illustrative(fig, lang)
            style.check_glyphs(fig)
            assert overlapping_texts(fig) == [], name
            assert texts_on_reference_lines(fig) == [], name
            rotated = [x.get_text() for x in visible_texts(fig) if x.get_rotation() % 360 != 0]
            assert not [r for r in rotated if CJK.search(r)], (name, rotated)
            mark = t("figures.illustrative_mark", lang)
            assert [x.get_text() for x in fig.texts].count(mark) == 1, name
            path = style.save(fig, tmp_path / name, formats=("png",))[0]
            pngs.add(path.read_bytes())
            plt.close(fig)
    assert len(pngs) == len(_FIGURE_TYPES)


def test_value_labels_next_to_the_standard_line_are_moved_clear_of_it():
    # 28.7 ends just short of the standard 30: its label would be struck through by the line
    values = pd.Series([33.6, 28.7, 29.6, 15.1], index=["a", "b", "c", "d"])
    fig = F.ranked_bar(values, standard=30.0, highlight=["b"], standard_label="Standard 30")
    assert texts_on_reference_lines(fig) == []
    assert overlapping_texts(fig) == []
    ax = fig.axes[0]
    moved = {x.get_text(): x.get_position()[0] for x in ax.texts}
    assert moved["28.7"] > 30.0 and moved["29.6"] > 30.0  # right of the line
    assert moved["15.1"] == pytest.approx(15.1 + 33.6 * 0.01)  # far from it: at the bar end
    plt.close(fig)


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
    with pytest.raises(UserError, match="(?s)缺少列：prefecture.*Required: county, prefecture"):
        F.dot_plot(pd.DataFrame({"county": [1.0]}))
    with pytest.raises(UserError, match="未知的语言"):
        F.ranked_bar(pd.Series([1.0]), lang="fr")
    with pytest.raises(UserError, match="没有可绘制"):
        F.ranked_bar(pd.Series([np.nan]))
    with pytest.raises(UserError, match="不能为负"):
        F.lorenz_points(pd.Series([-1.0, 5.0]))


def test_wrap_breaks_between_words_and_keeps_the_unit_together():
    label = "每百户居民社区综合服务设施面积(平方米/百户)"
    lines = F._wrap(label, 7).split("\n")
    assert "".join(lines) == label
    # each line is whole words: never "设施面" / "积"
    # 7 em a line: 每百户居民社区 is 7 em; the unit (5 CJK + 3 x 0.55 em) cannot join 面积
    assert lines == ["每百户居民社区", "综合服务设施", "面积", "(平方米/百户)"]
    assert F._wrap("持证社工占比(%)", 9) == "持证社工占比(%)"  # 6 + 3 * 0.55 em fits 9
    assert F._wrap("都匀市", 2) == "都匀市"  # a word longer than the width stays whole
    # a unit in full-width brackets wider than the column is cut after its "/"
    assert F._wrap("面积（平方米/百户）", 5) == "面积\n（平方米/\n百户）"
    assert F._wrap("城市社区综合服务设施覆盖率(%)", 6) == "城市社区综合\n服务设施\n覆盖率(%)"
    # English: 0.55 em a letter, breaks at spaces: "Facility area per 100" = 21 x 0.55 <= 12
    assert F._wrap("Facility area per 100 households (m2/100 hh)", 12) == (
        "Facility area per 100\nhouseholds\n(m2/100 hh)"
    )


def test_status_names_come_from_the_catalogue():
    assert F.status_label("limited") == "进展有限"
    assert F.status_label("limited", "en") == "Limited progress"
    fig = F.status_dashboard(pd.DataFrame({"x": ["met", "backwards"]}), lang="en")
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    graded = ["met", "on_track", "moderate", "limited", "backwards"]
    assert legend == [F.status_label(k, "en") for k in graded]  # the scale, nothing absent
    plt.close(fig)
    fig = F.status_dashboard(pd.DataFrame({"x": ["met", "no_target_moderate", None]}))
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    assert legend[-2:] == [F.status_label("no_data"), F.status_label("no_target_moderate")]
    plt.close(fig)


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
    # the y label sits horizontally above the axis, so the title is the figure's
    title = fig.get_suptitle()
    assert "\n" in title and title.replace("\n", "").startswith("各县(市)每百户")
    plt.close(fig)


def test_fan_chart_years_as_years_and_no_offset_over_the_unit():
    hist = pd.Series(np.linspace(1.5e5, 1.16e6, 10), index=range(2014, 2024))
    fc = pd.DataFrame(
        {
            c: np.linspace(1.3e6, 5.3e6, 7) * m
            for c, m in zip(
                ["mean", "lo80", "hi80", "lo95", "hi95"], [1, 0.9, 1.1, 0.8, 1.2], strict=True
            )
        },
        index=range(2024, 2031),
    )
    fig = F.fan_chart(hist, fc, ylabel="人")
    fig.canvas.draw()
    ax = fig.axes[0]
    years = [x.get_text() for x in ax.get_xticklabels()]
    assert "2020" in years and not any("," in y for y in years)
    assert ax.yaxis.get_offset_text().get_text() == ""  # no 1e6 printed over the unit
    assert "2,000,000" in [y.get_text() for y in ax.get_yticklabels()]
