"""Tables: formula injection neutralised in xlsx/csv, xlsx layout, docx three-line rules,
hand-checked number display, deterministic bytes."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from analysis.present import tables as T

EVIL = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "=1"]


def _table(**kw) -> T.Table:
    frame = pd.DataFrame(
        {
            "地区": ["都匀市", *EVIL],
            "人口(人)": [1234.567, *range(len(EVIL))],
            "=bad header": [np.nan] * (1 + len(EVIL)),
        }
    )
    return T.Table(
        frame, "表1 各县(市)测试", "资料来源: 测试。注: 含示意数据。", {"人口(人)": "#,##0.0"}, **kw
    )


@pytest.mark.parametrize("value", EVIL)
def test_neutralise_prefixes_formula_text(value):
    assert T.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3.0, "都匀市", "a=b", "", None])
def test_neutralise_leaves_numbers_and_plain_text(value):
    assert T.neutralise(value) == value


def test_xlsx_has_no_formula_cells_and_keeps_numbers(tmp_path):
    path = T.write_xlsx(_table(), tmp_path / "t.xlsx")
    ws = load_workbook(path).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for evil in EVIL:
        assert "'" + evil in texts
    assert "'=bad header" in texts
    # numbers stay numbers with their format; the caption on row 1, header on row 2, note last
    assert ws["B3"].value == pytest.approx(1234.567) and ws["B3"].number_format == "#,##0.0"
    assert ws["A1"].value == "表1 各县(市)测试" and ws["A1"].font.b
    assert ws["A2"].value == "地区" and ws["A2"].font.b
    assert ws.cell(row=ws.max_row, column=1).value.startswith("资料来源")
    assert ws.title == "表1"


def test_csv_has_no_formula_text(tmp_path):
    path = T.write_csv(_table(), tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8 Chinese
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["地区", "人口(人)", "'=bad header"]
    for cell in back["地区"]:
        assert not str(cell).startswith(T.DANGEROUS_PREFIXES)
    assert back["人口(人)"].iloc[0] == pytest.approx(1234.567)


def test_display_value_hand_checked():
    assert T.display_value(1234.567, "#,##0.0") == "1,234.6"
    assert T.display_value(0.1234, "0.0%") == "12.3%"
    assert T.display_value(26.0, "0.0") == "26.0"
    assert T.display_value(7257.0) == "7257"
    assert T.display_value(np.nan, "0.0") == "—"  # missing shown as a dash
    assert T.display_value(-0.0001, "0.0") == "0.0"  # never "-0.0"
    assert T.display_value(-0.001) == "0.00"
    assert T.display_value("都匀市", "0.0") == "都匀市"


def test_docx_three_line_table_rules():
    doc = Document()
    tbl = T.add_three_line_table(doc, _table())
    borders = tbl._tbl.tblPr.find(qn("w:tblBorders"))
    get = {e.tag.split("}")[1]: (e.get(qn("w:val")), e.get(qn("w:sz"))) for e in borders}
    assert get["top"] == ("single", "12") and get["bottom"] == ("single", "12")  # 1.5 pt rules
    assert get["insideV"][0] == "nil" and get["insideH"][0] == "nil" and get["left"][0] == "nil"
    head = tbl.cell(0, 0)._tc.tcPr.find(qn("w:tcBorders")).find(qn("w:bottom"))
    assert head.get(qn("w:sz")) == "6"  # 0.75 pt rule under the header
    assert tbl.cell(1, 1).text == "1,234.6"
    rfonts = tbl.cell(0, 0).paragraphs[0].runs[0]._element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "宋体"


_SCRIPT = """
import sys, pandas as pd
from analysis.present import tables as T
t = T.Table(pd.DataFrame({"地区": ["都匀市", "=1"], "值": [1.5, 2.0]}), "表1 x", "资料来源: y。")
T.write_xlsx([t, t], sys.argv[1] + ".xlsx")
T.write_csv(t, sys.argv[1] + ".csv")
"""


def test_xlsx_and_csv_identical_across_runs(tmp_path):
    import time

    subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "a")], check=True)
    time.sleep(2.1)  # zip timestamps have 2-second resolution
    subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "b")], check=True)
    for ext in ("xlsx", "csv"):
        assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes(), ext
    wb = load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["表1", "表1_2"]


def test_xlsx_prints_landscape_one_page_wide_with_titles_repeated_and_panes_frozen(tmp_path):
    path = T.write_xlsx(_table(illustrative=True), tmp_path / "t.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0  # 0: any number
    assert ws.print_title_rows == "$1:$2"  # title and header on every printed page
    assert ws.freeze_panes == "B3"  # first data cell: region column and header stay in view
    assert ws["A1"].value == "表1 各县(市)测试（示意数据）"  # illustrative: said in the title


def test_xlsx_title_without_illustrative_values_is_the_caption(tmp_path):
    ws = load_workbook(T.write_xlsx(_table(), tmp_path / "t.xlsx")).worksheets[0]
    assert ws["A1"].value == "表1 各县(市)测试"


def test_xlsx_note_wraps_in_a_row_tall_enough_for_it(tmp_path):
    note = "资料来源: " + "很长的资料来源名称；" * 30  # 310 characters, 300 of them CJK
    t = T.Table(pd.DataFrame({"地区": ["都匀市"], "值": [1.0]}), "表1 x", note)
    ws = load_workbook(T.write_xlsx(t, tmp_path / "t.xlsx")).worksheets[0]
    cell = ws.cell(row=4, column=1)
    assert cell.value == note and cell.alignment.wrap_text
    # columns 8 + 8 = 16 character units of 11 pt = 19.6 units of 9 pt a line; the note is
    # 6 + 2 x 300 + 4 = 610 units wide: ceil(610 / 19.6) = 32 lines, + 1 spare, x 9 x 1.35 pt
    assert ws.row_dimensions[4].height == pytest.approx(33 * 9 * 1.35, abs=0.1)
    assert ws.row_dimensions[4].height > 14  # not the fixed 14 pt that clipped notes
