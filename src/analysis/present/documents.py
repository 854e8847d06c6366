"""Assemble the plan's figures and tables into one Word document (python-docx).

Figures at print size with the caption below, tables as three-line tables with the caption
above, and a source note directly under every figure and table. Captions use Word's Caption
style with SEQ fields (they renumber when pasted into the plan); the footer carries a PAGE
field; tables wider than the portrait text block go into landscape sections; header rows
repeat on every page, and a table longer than a page (``rows_per_page``) starts on a new page
and is split into page-long parts whose captions read "continued" (``present.continued``),
the Chinese convention for a table continued on the next page (GB/T 7713.1-2006).
Headings (``HeadingItem``) and body paragraphs (``ParagraphItem``) make a report document.
East-Asian font names (``present.body_font``, ``present.caption_font``) are set on every
run; Word supplies the fonts. Core properties and zip entry times are fixed (``analysis.io``),
so a rerun gives identical bytes.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.io import FIXED_TIME, normalise_zip, write_bytes
from analysis.messages import LANGS, t
from analysis.present import style
from analysis.present.tables import Table, _widths, add_three_line_table, set_run_font

LATIN_FONT = "Times New Roman"
PORTRAIT_TEXT_CM = style.FULL_WIDTH_CM  # A4 21 cm - 2 x 2.5 cm margins
LANDSCAPE_TEXT_CM = 29.7 - 2 * 2.54


def body_font() -> str:
    return t("present.body_font", "zh")


def caption_font() -> str:
    return t("present.caption_font", "zh")


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


@dataclass
class HeadingItem:
    """A heading of the document (level 1 numbered with the ordinal word and a comma of
    enumeration, level 2 with the ordinal in brackets)."""

    text: str
    level: int = 1


@dataclass
class ParagraphItem:
    """A body paragraph (first line indented by two characters, as Chinese reports are)."""

    text: str
    size_pt: float = 12.0


Item = FigureItem | TableItem | HeadingItem | ParagraphItem

ROW_CM = 0.5  # printed height of a body row at 9 pt (one line, 1 pt above and below)
RESERVED_CM = 4.0  # caption, header row (two lines) and note on the page of a table part


def rows_per_page(landscape: bool) -> int:
    """Body rows of a table that fit on one page: (text height - caption, header and note)
    / row height."""
    text_cm = (21.0 - 2 * 2.5) if landscape else (29.7 - 2 * 2.54)
    return int((text_cm - RESERVED_CM) // ROW_CM)


def continued_caption(caption: str, lang: str = "zh") -> str:
    """The caption of a continued part: "Table 3 Title" -> "Table 3 (continued) Title"
    (``present.continued``)."""
    prefix, chapter, number, title = split_caption(caption)
    if not number:
        return t("present.continued", lang, number="", title=caption)
    return t("present.continued", lang, number=chapter + number, title=title)


def table_parts(table: Table, landscape: bool) -> list[Table]:
    """``table`` split into parts of at most ``rows_per_page`` rows (one part when it fits);
    every part but the first carries the continued caption and no note."""
    n = rows_per_page(landscape)
    f = table.frame
    if len(f) <= n:
        return [table]
    parts = []
    for k, start in enumerate(range(0, len(f), n)):
        last = start + n >= len(f)
        parts.append(
            Table(
                f.iloc[start : start + n].reset_index(drop=True),
                table.caption if k == 0 else continued_caption(table.caption, table.lang),
                table.note if last else "",
                table.formats,
                table.illustrative,
                table.lang,
                None if table.row_decimals is None else table.row_decimals[start : start + n],
                table.wrap,
            )
        )
    return parts


def split_caption(caption: str) -> tuple[str, str, str, str]:
    """``(prefix, chapter part, number, title)`` of a caption made by ``captions.Numbering``:
    "Figure 2-3 Title" -> ("Figure ", "2-", "3", "Title"); no number -> ("", "", "", caption)."""
    prefixes = [t(f"present.{k}_prefix", lang) for k in ("figure", "table") for lang in LANGS]
    alt = "|".join(re.escape(p) for p in prefixes)
    m = re.match(rf"^({alt})(\S+-)?(\d+)\s*(.*)$", caption, flags=re.S)
    if not m:
        return "", "", "", caption
    return m.group(1), m.group(2) or "", m.group(3), m.group(4)


def _field(paragraph, instruction: str, shown: str, font: str, size_pt: float, bold: bool):
    """Append a complex field (begin, instruction, separate, cached result, end)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str):
        r = paragraph.add_run()
        set_run_font(r, font, LATIN_FONT, size_pt=size_pt, bold=bold)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)
        return r

    fld("begin")
    r = paragraph.add_run()
    set_run_font(r, font, LATIN_FONT, size_pt=size_pt, bold=bold)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    r._r.append(instr)
    fld("separate")
    set_run_font(paragraph.add_run(shown), font, LATIN_FONT, size_pt=size_pt, bold=bold)
    fld("end")


def _caption(doc, caption: str, *, space_after_pt: float, keep_with_next: bool):
    """A paragraph in the Caption style: prefix, a SEQ field named after the prefix (the number
    renumbers in Word), then the title."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(space_after_pt)
    p.paragraph_format.keep_with_next = keep_with_next
    prefix, chapter, number, title = split_caption(caption)
    font, size = caption_font(), 10.5
    if not number:
        set_run_font(p.add_run(caption), font, LATIN_FONT, size_pt=size, bold=True)
        return p
    set_run_font(p.add_run(prefix + chapter), font, LATIN_FONT, size_pt=size, bold=True)
    _field(p, f"SEQ {prefix.strip()} \\* ARABIC", number, font, size, True)
    set_run_font(p.add_run(" " + title), font, LATIN_FONT, size_pt=size, bold=True)
    return p


def _paragraph(doc, text: str, *, size_pt: float, space_after_pt: float = 6, align=None):
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.keep_together = True  # a note is never split over two pages
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after_pt)
    set_run_font(p.add_run(text), body_font(), LATIN_FONT, size_pt=size_pt)
    return p


def _set_orientation(section, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.page_width, section.page_height = w, h
    section.left_margin = section.right_margin = Cm(2.54 if landscape else 2.5)
    section.top_margin = section.bottom_margin = Cm(2.5 if landscape else 2.54)


def _page_numbers(section) -> None:
    """A centred PAGE field in the footer (later sections link to it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE", "1", body_font(), 9, False)


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), body_font())
    names = [s.name for s in doc.styles]
    cap = (
        doc.styles["Caption"]
        if "Caption" in names
        else doc.styles.add_style("Caption", WD_STYLE_TYPE.PARAGRAPH)
    )
    cap.base_style = normal
    cap.font.size = Pt(10.5)
    cap.font.bold = True
    cap.font.italic = False
    cap.font.color.rgb = RGBColor(0, 0, 0)
    cap.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), caption_font())


def _heading(doc, item: HeadingItem):
    """A heading paragraph (bold, caption font, kept with the next paragraph)."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(12 if item.level == 1 else 6)
    p.paragraph_format.space_after = Pt(6)
    size = 14 if item.level == 1 else 12
    set_run_font(p.add_run(item.text), caption_font(), LATIN_FONT, size_pt=size, bold=True)
    return p


def _body(doc, item: ParagraphItem):
    """A body paragraph, first line indented by two characters, 1.5 line spacing."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(2 * item.size_pt)
    fmt.line_spacing = 1.5
    fmt.space_after = Pt(0)
    set_run_font(p.add_run(item.text), body_font(), LATIN_FONT, size_pt=item.size_pt)
    return p


def _table(doc, table: Table, landscape: bool) -> None:
    """Caption, three-line table and note; a long table in parts, each continued part on a
    new page under its continued caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    parts = table_parts(table, landscape)
    text_cm = LANDSCAPE_TEXT_CM if landscape else PORTRAIT_TEXT_CM
    for k, part in enumerate(parts):
        if k == 0:
            p = _caption(doc, part.caption, space_after_pt=4, keep_with_next=True)
        else:
            p = doc.add_paragraph(style="Caption")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(4)
            p.paragraph_format.keep_with_next = True
            set_run_font(p.add_run(part.caption), caption_font(), LATIN_FONT, 10.5, bold=True)
        if len(parts) > 1:
            p.paragraph_format.page_break_before = True
        tab = add_three_line_table(doc, part, east_asia_font=body_font(), width_cm=text_cm)
        if len(parts) == 1:
            _keep_together(tab)
    _paragraph(doc, table.note, size_pt=9, space_after_pt=14)


def _keep_together(tab) -> None:
    """Keep a table that fits on a page on one page: every row's paragraphs keep with the
    next row (Word and Writer then move the whole table rather than split it)."""
    for row in tab.rows[:-1]:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def needs_landscape(table: Table) -> bool:
    """Whether ``table`` needs the landscape text block: its data cells do not fit the
    portrait width, or its headers would wrap into more than three lines there (preferred
    widths, headers on two lines, above 1.5 x the portrait width)."""
    least, pref = _widths(table, 9.0)
    return sum(least) > PORTRAIT_TEXT_CM or sum(pref) > 1.5 * PORTRAIT_TEXT_CM


def docx_bytes(items: Sequence[Item], *, title: str = "", intro: str = "") -> bytes:
    """The Word document holding ``items`` in order, as deterministic bytes."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    sec = doc.sections[0]
    _set_orientation(sec, False)  # A4; 16 cm text width = style.FULL_WIDTH_CM
    _styles(doc)
    _page_numbers(sec)
    if title:
        p = _paragraph(doc, title, size_pt=16, space_after_pt=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        set_run_font(p.runs[0], caption_font(), LATIN_FONT, size_pt=16, bold=True)
    if intro:
        _paragraph(doc, intro, size_pt=10.5)
    landscape = False
    for item in items:
        wide = isinstance(item, TableItem) and needs_landscape(item.table)
        if wide != landscape:
            _set_orientation(doc.add_section(WD_SECTION.NEW_PAGE), wide)
            landscape = wide
        if isinstance(item, FigureItem):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(item.png), width=Cm(item.width_cm))
            _caption(doc, item.caption, space_after_pt=2, keep_with_next=True)
            _paragraph(doc, item.note, size_pt=9, space_after_pt=14)
        elif isinstance(item, HeadingItem):
            _heading(doc, item)
        elif isinstance(item, ParagraphItem):
            _body(doc, item)
        else:
            _table(doc, item.table, landscape)
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
