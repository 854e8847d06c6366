"""Page tables at 88 units and more (issue 24, item 4): a long table shows the rows needing
attention and folds the whole table one click away, with its CSV link; short tables are
shown whole."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.present import chapter


@pytest.fixture
def shown(monkeypatch):
    out: list = []
    monkeypatch.setattr(chapter, "_show", out.append)
    return out


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"单位": [f"U{i:03d}" for i in range(n)], "值": [float(i) for i in range(n)]}
    )


def _html(obj) -> str:
    return obj.to_html() if hasattr(obj, "to_html") else getattr(obj, "data", str(obj))


def test_short_table_is_shown_whole(shown):
    chapter.table(_frame(5), None, "zh", caption="表1 测试", attention=[True] * 5)
    text = "".join(_html(o) for o in shown)
    assert "<details" not in text
    assert text.count("U00") == 5


def test_long_table_shows_flagged_rows_then_folds_all(shown):
    n = 88
    flags = [i % 11 == 0 for i in range(n)]  # 8 rows
    chapter.table(_frame(n), None, "zh", caption="表1", attention=flags, csv="../data/r/t.csv")
    visible, folded = _html(shown[2]), _html(shown[3])
    assert "8行（共88行）" in _html(shown[1])
    assert [f"U{i:03d}" in visible for i in range(n)] == flags
    assert folded.startswith('<details class="full-table"><summary>展开完整表格（共88行）')
    assert all(f"U{i:03d}" in folded for i in range(n))
    assert 'href="../data/r/t.csv" download' in folded


def test_long_table_with_no_flag_says_so_and_folds(shown):
    chapter.table(_frame(40), None, "en", attention=[False] * 40)
    assert "None of the 40 rows needs attention" in _html(shown[0])
    assert "<details" in _html(shown[1]) and len(shown) == 2


def test_attention_must_match_rows(shown):
    with pytest.raises(ValueError, match="40 rows"):
        chapter.table(_frame(40), None, "zh", attention=[True] * 3)
