"""The Chinese view of the report pages reads as Chinese (issue 21, item 5): no half-width
``, ; : ( )`` next to a Chinese character, no English paragraph or heading, no internal
name (file names, parameter names, identifiers) in the text, the table notes, the figure
captions and the titles drawn in the figures; the same for the index and the explorer's
words. The report pages are built in-process (``test_illustrative_marks._build_pages``)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from test_illustrative_marks import _build_pages

from analysis.messages import t
from analysis.runner.site import illustrative_notice, index_html

CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
HALF = re.compile(rf"{CJK}\s?[,;:()]|[,;:()]\s?{CJK}")
INTERNAL = re.compile(r"SOURCES\.md|target_values|data_dir|\b[a-z]+_[a-z0-9_]+\b|\.py\b")
# four or more consecutive Latin words: an English sentence or heading
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:'-]+[A-Za-z][a-z]+){3,}\b")
TAGS = re.compile(r"<(style|script|math)\b[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
DATA = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def _plain(text: str) -> str:
    return unescape(TAGS.sub(" ", DATA.sub(" ", text)))


def _figure_texts(fig) -> list[str]:
    out = [x.get_text() for x in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            out += [x.get_text() for x in legend.get_texts()]
    return [x for x in out if x]


@pytest.fixture(scope="module")
def texts(ds, tmp_path_factory) -> dict[str, list[str]]:
    pages = _build_pages(ds, tmp_path_factory.mktemp("out"))
    out = {}
    for kind, (_found, shown, figs, _r) in pages.items():
        out[kind] = [_plain(x) for x in shown] + [y for f in figs for y in _figure_texts(f)]
    return out


def _offenders(pattern: re.Pattern, lines: list[str]) -> list[str]:
    found = (m for line in lines for m in pattern.finditer(line))
    return [m.string[max(0, m.start() - 20) : m.end() + 20] for m in found]


def test_chinese_pages_use_full_width_punctuation(texts):
    bad = [f"{kind}: {x!r}" for kind, lines in texts.items() for x in _offenders(HALF, lines)]
    assert not bad, "\n".join(bad)


def test_chinese_pages_have_no_english_paragraph_and_no_internal_name(texts):
    bad = [
        f"{kind}: {x!r}"
        for kind, lines in texts.items()
        for pattern in (ENGLISH, INTERNAL)
        for x in _offenders(pattern, lines)
    ]
    assert not bad, "\n".join(bad)


def test_index_shows_no_parameters_and_chinese_punctuation():
    rows = [
        {
            "name": "p",
            "title": "t",
            "status": "built",
            "parameters": {"target_values": {"facility_area": 0.3}, "data_dir": "x"},
        }
    ]
    page = index_html(rows, notice=illustrative_notice(["a", "b"]))
    text = _plain(page)
    assert "target_values" not in text and "data_dir" not in text and "{" not in text
    zh = t("site.illustrative_notice", "zh", listed="a\uff1bb")
    assert zh in text and _offenders(HALF, [zh]) == []


def test_explorer_words_use_full_width_punctuation():
    from analysis import messages

    zh = [v["zh"] for k, v in messages.catalogue().items() if k.startswith("explore.")]
    bad = _offenders(HALF, zh)
    assert zh and not bad, "\n".join(bad)


def test_profile_page_reads_as_chinese(ds):
    from analysis.present import profile_page as PP

    ctx = PP.prepare(ds, lang="zh")
    lines = _plain(PP.page_html(ctx, "522701", title="t")).split("\n")
    bad = [x for p in (HALF, ENGLISH, INTERNAL) for x in _offenders(p, lines)]
    assert not bad, "\n".join(bad)
