"""Word tables never break a header inside a word (issue 21, item 5: 表3 showed 社工占/比):
squeezed to the text width, each column stays as wide as its widest header word."""

from __future__ import annotations

import pandas as pd

from analysis.present.figures import words
from analysis.present.tables import Table, _text_width, _widths, column_widths_cm


def test_squeezed_columns_keep_every_header_word_whole():
    heads = [
        "县（市）",
        "持证社工占比（%）",
        "注册志愿者占常住人口比例（%）",
        "社区工作者平均年龄（岁）",
    ]
    heads += [f"每万城镇常住人口社区专职工作人员{k}（人/万人）" for k in range(3)]
    frame = pd.DataFrame({h: [1.5, 22.25] for h in heads})
    size = 9.0
    widths = column_widths_cm(Table(frame, "t"), size, width_cm=16.0)
    em_cm = size / 72 * 2.54
    for head, cm in zip(heads, widths, strict=True):
        widest = max(_text_width(w) / 2 for w in words(head))
        assert cm >= widest * em_cm + 0.4 - 0.01, head  # widths in whole 0.01 cm
    assert sum(_widths(Table(frame, "t"), size)[1]) > 16.0  # squeezed: preferred too wide
    assert sum(widths) <= 16.0 + 1e-6
