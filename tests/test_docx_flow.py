"""The office documents flow (issue 21): the next plan's main indicator table fits the portrait
page under its introduction (names and reasons wrap between words), every header wraps onto at
most two lines, and a table that fits on a page is kept on one page."""

from __future__ import annotations

import io

import pytest

from analysis.present import documents as D
from analysis.present import plan_documents as P
from analysis.present.tables import (
    Table,
    _widths,
    column_widths_cm,
    two_line_em,
    wrap_header,
)

EM_CM = 9.0 / 72 * 2.54


@pytest.fixture(scope="module")
def docs(ds):
    return [P.next_period(ds), P.evaluation(ds)]


def _tables(doc):
    return [it.table for it in doc.items if isinstance(it, D.TableItem)]


def test_main_indicator_tables_are_portrait_and_the_chapter_is_one_section(docs):
    from docx import Document

    for doc in docs:
        first = _tables(doc)[0]
        assert not D.needs_landscape(first), first.caption
        word = Document(io.BytesIO(doc.docx()))
        assert len(word.sections) == 1  # no page left half empty before a landscape section


def test_headers_wrap_onto_at_most_two_lines_and_wrapped_cells_too(docs):
    for doc in docs:
        for tab in _tables(doc):
            widths = column_widths_cm(tab, 9.0, D.PORTRAIT_TEXT_CM)
            assert sum(widths) <= D.PORTRAIT_TEXT_CM + 1e-6
            for j, col in enumerate(tab.frame.columns):
                em = (widths[j] - 0.4) / EM_CM
                assert len(wrap_header(str(col), em)) <= 2, (tab.caption, col)
                if col in tab.wrap:
                    for cell in tab.frame[col]:
                        assert len(wrap_header(str(cell), em - 0.3)) <= 2, (col, cell)


def test_two_line_width_by_hand():
    # "2030年80%概率可达值": 2030年80% is 4.85 em wide (4 x 0.55 + 1 + 3 x 0.55), the rest 5
    assert two_line_em("2030年80%概率可达值") == 5
    assert len(wrap_header("2030年80%概率可达值", 4)) > 2
    frame = __import__("pandas").DataFrame({"2030年80%概率可达值": ["100.0"]})
    pref = _widths(Table(frame, "t"), 9.0)[1][0]
    assert pref >= 5 * EM_CM + 0.4


def test_wrapped_cells_use_line_breaks_and_short_tables_are_kept_together(docs):
    from docx import Document
    from docx.oxml.ns import qn

    word = Document(io.BytesIO(docs[0].docx()))
    main = word.tables[0]
    breaks = [len(c._tc.findall(f".//{qn('w:br')}")) for r in main.rows[1:] for c in r.cells]
    assert max(breaks) == 1  # a long indicator name on two lines, never three
    for tab in word.tables:
        rows = tab.rows
        for row in rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
