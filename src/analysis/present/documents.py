"""Assemble the plan's figures and tables into one Word document (python-docx).

Figures at print size with the caption below (图1 …), tables as 三线表 with the caption
above (表1 …), and a source note directly under every figure and table.  Chinese text uses
an East-Asian font name (宋体 body, 黑体 captions) set on every run; the document just
names the font, Word supplies it.  Core properties and zip entry times are fixed, so a
rerun gives byte-identical bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.io import FIXED_TIME, normalise_zip, write_bytes
from analysis.present import style
from analysis.present.tables import (
    Table,
    add_three_line_table,
    set_run_font,
)

BODY_FONT = "宋体"
CAPTION_FONT = "黑体"
LATIN_FONT = "Times New Roman"


@dataclass
class FigureItem:
    """A rendered figure for the document: PNG bytes, printed width in cm, caption, source note."""

    png: bytes
    caption: str
    note: str
    width_cm: float = style.FULL_WIDTH_CM


@dataclass
class TableItem:
    """A table for the document (caption and note live on the ``Table``)."""

    table: Table

    @property
    def caption(self) -> str:
        return self.table.caption

    @property
    def note(self) -> str:
        return self.table.note


Item = FigureItem | TableItem


def _paragraph(
    doc,
    text: str,
    *,
    font: str,
    size_pt: float,
    bold: bool = False,
    align=None,
    space_after_pt: float = 6,
    keep_with_next: bool = False,
):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after_pt)
    p.paragraph_format.keep_with_next = keep_with_next
    set_run_font(p.add_run(text), font, LATIN_FONT, size_pt=size_pt, bold=bold)
    return p


def docx_bytes(items: Sequence[Item], *, title: str = "", intro: str = "") -> bytes:
    """The Word document holding ``items`` in order, as deterministic bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)  # A4
    sec.left_margin = sec.right_margin = Cm(2.5)  # 16 cm text width = style.FULL_WIDTH_CM
    sec.top_margin = sec.bottom_margin = Cm(2.54)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    if title:
        _paragraph(
            doc,
            title,
            font=CAPTION_FONT,
            size_pt=16,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_after_pt=12,
        )
    if intro:
        _paragraph(doc, intro, font=BODY_FONT, size_pt=10.5)
    for item in items:
        if isinstance(item, FigureItem):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(item.png), width=Cm(item.width_cm))
            _paragraph(
                doc,
                item.caption,
                font=CAPTION_FONT,
                size_pt=10.5,
                bold=True,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                space_after_pt=2,
                keep_with_next=True,
            )
            _paragraph(doc, item.note, font=BODY_FONT, size_pt=9, space_after_pt=14)
        else:
            _paragraph(
                doc,
                item.caption,
                font=CAPTION_FONT,
                size_pt=10.5,
                bold=True,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                space_after_pt=4,
                keep_with_next=True,
            )
            add_three_line_table(doc, item.table, east_asia_font=BODY_FONT)
            _paragraph(doc, item.note, font=BODY_FONT, size_pt=9, space_after_pt=14)
    cp = doc.core_properties
    cp.created = cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.author = "analysis"
    cp.last_modified_by = "analysis"
    cp.title = title
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def write_docx(
    items: Sequence[Item], path: str | os.PathLike, *, title: str = "", intro: str = ""
) -> Path:
    """Write the plan document atomically."""
    return write_bytes(path, docx_bytes(items, title=title, intro=intro))
