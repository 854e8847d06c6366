"""Plan tables: xlsx (openpyxl) with caption, formatted headers, units and notes; csv; and
three-line tables in docx.

Text cells that begin with ``= + - @`` (or tab / carriage return) are neutralised with a
leading apostrophe in xlsx and csv exports, so a spreadsheet never runs them as formulas
(OWASP, "CSV Injection").  Output is deterministic: fixed document dates and zip entry
times, so a rerun gives byte-identical files.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io import FIXED_TIME, normalise_zip, write_bytes
from analysis.messages import LANGS, t
from analysis.present.numbers import MISSING, is_missing
from analysis.present.numbers import fmt as number

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A display-ready table: ``frame`` columns are header labels (with units), rows as shown.

    ``caption`` is the numbered title ("Table 1 ..."), ``note`` the source note, ``formats`` maps a
    column to an Excel number format ("0.0", "#,##0", "0.0%"); the cells of the ``wrap``
    columns (long names, reasons) may wrap between words onto two lines in Word.
    """

    frame: pd.DataFrame
    caption: str
    note: str = ""
    formats: dict[str, str] = field(default_factory=dict)
    illustrative: bool = False
    lang: str = "zh"
    row_decimals: list[int] | None = None  # rows of different indicators: decimals by row
    wrap: tuple[str, ...] = ()  # text columns whose cells may wrap onto two lines in docx

    def format_of(self, row: int, col) -> str | None:
        """The number format of a cell: the column's, with the row's decimals when the rows
        hold different indicators (``row_decimals``; percent formats keep theirs)."""
        fmt = self.formats.get(col)
        if not fmt or self.row_decimals is None or fmt.endswith("%"):
            return fmt
        d = self.row_decimals[row]
        return ("#,##0" if "," in fmt else "0") + ("." + "0" * d if d else "")

    @property
    def title(self) -> str:
        """The caption, marked as illustrative data (``present.illustrative_title``) when any
        value is illustrative."""
        if not self.illustrative:
            return self.caption
        return t("present.illustrative_title", self.lang, title=self.caption)

    @property
    def number(self) -> str:
        """The caption's number ("Table 1", "Table 2-3"; ``present.table_prefix``)."""
        prefixes = "|".join(re.escape(t("present.table_prefix", lang)) for lang in LANGS)
        m = re.match(rf"^((?:{prefixes})\S+?)(?:\s|$)", self.caption)
        return m.group(1) if m else self.caption[:10]


def neutralise(value):
    """Prefix text that a spreadsheet would read as a formula with an apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and header neutralised (vectorised per column)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col]
            is_str = s.map(lambda v: isinstance(v, str))
            bad = is_str & s.astype(str).str.startswith(DANGEROUS_PREFIXES)
            out[col] = s.where(~bad, "'" + s.astype(str))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel shows Chinese), '\\n' line ends, neutralised text; every text
    field quoted, so an embedded carriage return cannot start a new row."""
    text = neutralise_frame(frame).to_csv(
        index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC
    )
    return ("\ufeff" + text).encode("utf-8")


def write_csv(table: Table | pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the table's data as CSV, atomically."""
    frame = table.frame if isinstance(table, Table) else table
    return write_bytes(path, csv_bytes(frame))


# -- xlsx -----------------------------------------------------------------------------
def _text_width(s: str) -> float:
    """Display width in Excel character units: CJK and full-width count 2."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in s)


def _sheet_name(table: Table, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", "_", table.number)[:31] or "Sheet"
    base, k = name, 2
    while name in used:
        name = f"{base[:28]}_{k}"
        k += 1
    used.add(name)
    return name


def note_height(note: str, width_chars: float, size_pt: float = 9.0) -> float:
    """Row height (pt) that shows all of ``note`` wrapped in merged cells ``width_chars`` wide
    (Excel character units of the 11 pt default font; CJK counts 2): lines x 1.35 x size,
    one spare line, since Excel does not grow merged rows by itself."""
    per_line = max(1.0, width_chars * 11.0 / size_pt)
    lines = sum(max(1, int(np.ceil(_text_width(p) / per_line))) for p in note.split("\n"))
    return round((lines + 1) * size_pt * 1.35, 1)


def _print_setup(ws, ncol: int, lang: str = "zh") -> None:
    """A4 landscape, fitted to one page wide, title and header rows repeated on every page,
        panes frozen at the first data cell (B3: the region column and the header stay), the page
    number and count in the footer (``present.xlsx_footer``: Excel's &P and &N codes)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = "B3" if ncol > 1 else "A3"
    ws.oddFooter.center.text = t("present.xlsx_footer", lang)


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: caption, header (bold, shaded, ruled), data, note."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thick, thin = Side(style="medium"), Side(style="thin")
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table, used))
        f = table.frame
        ncol = max(1, f.shape[1])
        ws.cell(row=1, column=1, value=neutralise(table.title)).font = Font(bold=True, size=12)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        for j, col in enumerate(f.columns, start=1):
            c = ws.cell(row=2, column=j, value=neutralise(str(col)))
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="F2F2F2")
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(top=thick, bottom=thin)
        values = f.to_numpy(dtype=object)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                if isinstance(v, float | np.floating) and np.isnan(v):
                    v = None
                elif isinstance(v, np.generic):
                    v = v.item()
                if isinstance(v, float) and v == 0:
                    v = 0.0  # no "-0.0"
                c = ws.cell(row=3 + i, column=1 + j, value=neutralise(v))
                fmt = table.format_of(i, f.columns[j])
                if fmt and isinstance(v, int | float):
                    c.number_format = fmt
                if i == values.shape[0] - 1:
                    c.border = Border(bottom=thick)
        widths = []
        for j, col in enumerate(f.columns, start=1):
            cells = [str(col)] + [str(x) for x in f.iloc[:, j - 1].tolist()]
            width = min(30, max(8, max(map(_text_width, cells)) + 2))
            widths.append(width)
            ws.column_dimensions[get_column_letter(j)].width = width
        last = 2 + values.shape[0]
        if table.note:
            r = last + 1
            c = ws.cell(row=r, column=1, value=neutralise(table.note))
            c.alignment = Alignment(wrap_text=True, vertical="top")
            c.font = Font(size=9)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
            ws.row_dimensions[r].height = note_height(table.note, sum(widths))
        _print_setup(ws, ncol, table.lang)
    props = wb.properties
    props.created = props.modified = FIXED_TIME
    props.creator = "analysis"
    props.lastModifiedBy = None
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def write_xlsx(tables: Table | Sequence[Table], path: str | os.PathLike) -> Path:
    """Write one or more tables to an xlsx workbook, atomically and deterministically."""
    tables = [tables] if isinstance(tables, Table) else list(tables)
    return write_bytes(path, xlsx_bytes(tables))


# -- docx three-line table -------------------------------------------------------------
def display_value(v, fmt: str | None = None) -> str:
    """Cell text: numbers formatted per the Excel-style ``fmt`` ("0.0", "#,##0", "0.0%"),
    missing values as ``numbers.MISSING``, never "-0.0" (``numbers.fmt``)."""
    if is_missing(v):
        return MISSING
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        if fmt:
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            pct = fmt.endswith("%")
            x = float(v) * (100 if pct else 1)
            return number(x, decimals, sep="," in fmt) + ("%" if pct else "")
        if float(v).is_integer():
            return f"{int(v)}"
        return number(v, 2, sep=False)
    return str(v)


def _border(el, edges: dict[str, tuple[str, int]]) -> None:
    """Set w:top/w:bottom/... borders on a w:tblPr or w:tcPr element:
    ``{edge: (val, size in eighths of a point)}``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = "w:tblBorders" if el.tag.endswith("tblPr") else "w:tcBorders"
    borders = el.find(qn(tag))
    if borders is None:
        borders = OxmlElement(tag)
        el.append(borders)
    for edge, (val, sz) in edges.items():
        e = borders.find(qn(f"w:{edge}"))
        if e is None:
            e = OxmlElement(f"w:{edge}")
            borders.append(e)
        e.set(qn("w:val"), val)
        e.set(qn("w:sz"), str(sz))
        e.set(qn("w:space"), "0")
        e.set(qn("w:color"), "000000")


def set_run_font(
    run,
    east_asia: str,
    latin: str = "Times New Roman",
    size_pt: float | None = None,
    bold: bool | None = None,
) -> None:
    """Set a run's Latin and East-Asian fonts (w:eastAsia), size and weight."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def wrap_header(text: str, width_em: float) -> list[str]:
    """Header lines no wider than ``width_em`` (floored), broken only between words
    (``figures._wrap``)."""
    from analysis.present.figures import _wrap

    return _wrap(text, max(1, int(width_em + 1e-9))).split("\n")


def _print_em(s: str) -> float:
    """Printed width of a cell's text in em of the table font: CJK and full-width characters 1,
    "%" 0.85, capitals 0.7, other characters 0.5 (Times New Roman's advance widths)."""
    return sum(
        1.0 if ord(ch) > 0x2E80 else 0.85 if ch == "%" else 0.7 if ch.isupper() else 0.5 for ch in s
    )


def two_line_em(text: str, least: float = 1.0) -> int:
    """The narrowest whole width in em (at least ``least``) at which ``wrap_header`` breaks
    ``text`` into at most two lines (its one-line width when no width does)."""
    from analysis.present.figures import _width

    w, widest = max(1, int(np.ceil(least - 1e-9))), max(1, int(np.ceil(_width(text))))
    while w < widest and len(wrap_header(text, w)) > 2:
        w += 1
    return w


CELL_SPARE_EM = 0.3  # a cell's text never fills its column to the last point (Writer's rounding)


def _widths(
    table: Table, size_pt: float, whole_words: bool = True
) -> tuple[list[float], list[float]]:
    """(least, preferred) printed width of every column in cm at ``size_pt`` (``_print_em`` plus
    ``CELL_SPARE_EM``, plus 0.4 cm padding): data cells never wrap and (``whole_words``) a
    header word is never broken (least); headers wrap between words in at most two lines
    (preferred, ``two_line_em``); a ``wrap`` column's cells may take two lines (least)."""
    from analysis.present.figures import words

    em_cm = size_pt / 72 * 2.54
    f = table.frame
    least, pref = [], []
    for j, col in enumerate(f.columns):
        cells = [display_value(v, table.format_of(i, col)) for i, v in enumerate(f.iloc[:, j])]
        data = max((_print_em(c) + CELL_SPARE_EM for c in cells), default=1.0)
        two = data
        if col in table.wrap:  # two lines between words, never narrower than a word
            two = max((two_line_em(c) + CELL_SPARE_EM for c in cells), default=1.0)
        head_word = max((_text_width(w) / 2 for w in words(str(col))), default=1.0)
        head = two_line_em(str(col), head_word) + CELL_SPARE_EM + 0.05  # two lines, bold
        least.append(round(max(two, head_word if whole_words else 0.0, 2.0) * em_cm + 0.4, 2))
        pref.append(round(max(data, head, 2.0) * em_cm + 0.4, 2))
    return least, pref


def column_widths_cm(table: Table, size_pt: float = 9.0, width_cm: float | None = None):
    """Printed column widths (cm): the preferred widths, and when they exceed ``width_cm``,
    each column's least width plus a share of the remaining space in proportion to what it
    would still like (data columns keep their text on one line)."""
    least, pref = _widths(table, size_pt)
    if width_cm is None or sum(pref) <= width_cm:
        return pref
    if sum(least) > width_cm:  # too many columns to keep header words whole: data first
        least = _widths(table, size_pt, whole_words=False)[0]
    spare = width_cm - sum(least)
    want = [p - m for p, m in zip(pref, least, strict=True)]
    if spare <= 0 or sum(want) <= 0:
        return least
    return [m + spare * w / sum(want) for m, w in zip(least, want, strict=True)]


def add_three_line_table(
    doc, table: Table, *, east_asia_font: str | None = None, size_pt: float = 9.0, width_cm=None
):
    """Append ``table`` as a three-line table: thick top and bottom rules, a thin rule under
    the header, no vertical lines; header bold and repeated on every page (w:tblHeader), rows
    kept whole (w:cantSplit), columns as wide as ``column_widths_cm`` (scaled to
    ``width_cm`` when given)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    font = east_asia_font or t("present.body_font", "zh")
    f = table.frame
    t_ = doc.add_table(rows=f.shape[0] + 1, cols=f.shape[1])
    t_.alignment = WD_TABLE_ALIGNMENT.CENTER
    t_.autofit = False
    widths = column_widths_cm(table, size_pt, width_cm)
    tblpr = t_._tbl.tblPr
    _border(
        tblpr,
        {
            "top": ("single", 12),
            "bottom": ("single", 12),
            "left": ("nil", 0),
            "right": ("nil", 0),
            "insideH": ("nil", 0),
            "insideV": ("nil", 0),
        },
    )
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for grid_col, w in zip(t_._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(int(round(w / 2.54 * 1440))))  # twips: what Writer reads
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    grid = []  # the cells row by row, read once: python-docx's Table.cell() rebuilds the
    for k, row in enumerate(t_.rows):  # whole grid on every call (quadratic in the rows)
        grid.append(row.cells)
        trpr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        trpr.append(cant)
        if k == 0:
            head = OxmlElement("w:tblHeader")
            trpr.append(head)
        for j, cell in enumerate(grid[-1]):
            cell.width = Cm(widths[j])
    for j, col in enumerate(f.columns):
        cell = grid[0][j]
        _border(cell._tc.get_or_add_tcPr(), {"bottom": ("single", 6)})
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = p.paragraph_format.space_before = Pt(1)
        em = max(1.0, (widths[j] - 0.4) / (size_pt / 72 * 2.54))
        lines = wrap_header(str(col), em)
        for k, line in enumerate(lines):  # explicit breaks between words: Word and Writer
            run = p.add_run(line)  # would otherwise break Chinese inside a word
            set_run_font(run, font, size_pt=size_pt, bold=True)
            if k < len(lines) - 1:
                run.add_break()
    ems = [max(1.0, (w - 0.4) / (size_pt / 72 * 2.54) - CELL_SPARE_EM) for w in widths]
    values = f.to_numpy(dtype=object)
    template = None  # one body paragraph (alignment, spacing, run font) copied into each cell:
    for i in range(values.shape[0]):  # python-docx's per-run font setters cost ~1 ms a cell
        for j in range(values.shape[1]):
            text = display_value(values[i, j], table.format_of(i, f.columns[j]))
            tc = grid[i + 1][j]._tc
            if template is None:
                p = grid[i + 1][j].paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = p.paragraph_format.space_before = Pt(1)
                set_run_font(p.add_run("x"), font, size_pt=size_pt)
                template = copy.deepcopy(p._p)
            new = copy.deepcopy(template)
            w_t = new.find(f"{qn('w:r')}/{qn('w:t')}")
            lines = wrap_header(text, ems[j]) if f.columns[j] in table.wrap else [text]
            w_t.text = lines[0]
            w_t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            for line in lines[1:]:  # explicit breaks between words, as in the header
                w_t.getparent().append(OxmlElement("w:br"))
                w_t = copy.deepcopy(w_t)
                w_t.text = line
                new.find(qn("w:r")).append(w_t)
            old = tc.p_lst[0]
            old.addprevious(new)
            tc.remove(old)
    return t_
