"""Region words from level and type, never from codes."""

from __future__ import annotations

import pytest

from analysis.data.words import region_type, units_word, whole_word


@pytest.mark.parametrize(
    ("level", "name", "zh", "en"),
    [
        ("prefecture", "黔南布依族苗族自治州", "全州", "the prefecture"),
        ("prefecture", "遵义市", "全市", "the city"),
        ("prefecture", "毕节地区", "全地区", "the prefecture"),
        ("prefecture", "阿拉善盟", "全盟", "the league"),
        ("province", "贵州省", "全省", "the province"),
        ("province", "广西壮族自治区", "全区", "the region"),
        ("province", "重庆市", "全市", "the municipality"),
        ("country", "中国", "全国", "the country"),
        ("county", "荔波县", "全县", "the county"),
    ],
)
def test_whole_word(level, name, zh, en):
    assert whole_word(level, name, "zh") == zh
    assert whole_word(level, name, "en") == en


def test_units_word_by_the_units_names():
    assert units_word("county", ["都匀市", "荔波县"]) == "县（市）"
    assert units_word("county", ["红花岗区", "桐梓县"]) == "县（市、区）"
    assert units_word("county", ["红花岗区"], "en") == "counties and districts"
    assert units_word("prefecture", ["遵义市", "黔南布依族苗族自治州"]) == "市（州）"
    assert units_word("province", ["贵州省"], "en") == "provinces"


def test_dataset_words_follow_the_top_region(ds):
    assert ds.whole_word() == "全州" and ds.units_word() == "县（市）"
    assert ds.whole_word(code="520000") == "全省"
    assert region_type("county", "都匀市") == "city"
