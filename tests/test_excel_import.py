"""Excel import that never loses a typed value, names sheet!cell, keeps workbooks apart, and
a template that is safe to open."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from cases import FIXTURES
from openpyxl import load_workbook

from analysis.cli import main
from analysis.data import load
from analysis.data.excel import NOTES, THEMES, import_name, import_workbook, write_template
from analysis.errors import DataError

SHEET = THEMES["workforce"]  # community_workers (count) lives here in the minimal data set
URB = "urbanisation_rate"  # a percentage indicator (population theme: not in the template)


@pytest.fixture()
def data(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", dst)
    return dst


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _template(data: Path, out: Path, years=(2021, 2022, 2023)) -> Path:
    """An empty template with its source fields (title, publisher, date) filled in."""
    path = write_template(load(data), out, years=list(years))
    wb = load_workbook(path)
    for c in wb[NOTES]["A"]:
        if str(c.value).startswith(("来源名称", "发布单位", "日期")):
            wb[NOTES][f"B{c.row}"] = "2024-06" if str(c.value).startswith("日期") else "县统计局"
    wb.save(path)
    return path


def _fill(path: Path, cells: dict[str, object], sheet: str = SHEET) -> Path:
    wb = load_workbook(path)
    for ref, v in cells.items():
        wb[sheet][ref] = v
    wb.save(path)
    return path


def _import_fails(path: Path, data: Path, capsys) -> dict[str, str]:
    """Import must fail with exit 2, no traceback, data untouched; {cell: en message}."""
    before = _snapshot(data)
    with pytest.raises(DataError) as err:
        import_workbook(path, data)
    assert main(["import", str(path), "--data", str(data)]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert _snapshot(data) == before
    for p in err.value.problems:  # the user's terms: the workbook and a cell, never staging
        assert p.file == path.name and "import_" not in str(p), p
    return {str(p.column): p.en for p in err.value.problems}


# -- the value rule ----------------------------------------------------------------------------
def test_text_numbers_are_converted_by_the_documented_rule(data, tmp_path):
    # F2/G2/H2: 990001 in 2021-2023; F3/G3: 990002
    path = _fill(
        _template(data, tmp_path / "b.xlsx"),
        {"F2": "1,234", "G2": "\uff11\uff12\uff13", "H2": " 160 ", "F3": 70, "G3": "7.5e1"},
    )
    res = import_workbook(path, data)
    got = pd.read_csv(res.path, dtype={"region_code": str}).set_index(["region_code", "year"])
    assert got.loc[("990001", 2021), "value"] == 1234
    assert got.loc[("990001", 2022), "value"] == 123
    assert got.loc[("990001", 2023), "value"] == 160
    assert got.loc[("990002", 2022), "value"] == 75
    assert got.loc[("990001", 2021), "note"] == f"Excel b.xlsx {SHEET}!F2"
    assert res.count == 5 and not res.warnings


def test_dates_booleans_inf_errors_and_stray_percent_are_rejected_with_their_cell(
    data, tmp_path, capsys
):
    path = _fill(
        _template(data, tmp_path / "b.xlsx"),
        {
            "F2": dt.datetime(2021, 3, 1),
            "G2": True,
            "H2": "inf",
            "F3": "85%",  # community_workers is a count, not a percentage
            "G3": "#DIV/0!",
            "H3": "七十",
        },
    )
    msgs = _import_fails(path, data, capsys)
    assert "date" in msgs[f"{SHEET}!F2"]
    assert "boolean" in msgs[f"{SHEET}!G2"]
    assert "finite" in msgs[f"{SHEET}!H2"]
    assert "percentage" in msgs[f"{SHEET}!F3"]
    assert "error value" in msgs[f"{SHEET}!G3"]
    assert "expected a number" in msgs[f"{SHEET}!H3"]


def test_percentages_typed_as_85_percent_or_as_a_percent_cell(tmp_path):
    from analysis.data.excel import Meta, cell_number

    pct, count = Meta(URB, "%", True), Meta("community_workers", "人", False)
    assert cell_number("85%", "General", pct)[0] == 85
    assert cell_number("８５％", "General", pct)[0] == 85
    assert cell_number(0.85, "0%", pct)[0] == pytest.approx(85)
    assert cell_number(85, "General", pct)[0] == 85
    assert cell_number("85%", "General", count)[0] is None
    assert cell_number("1,23", "General", count)[0] is None  # not groups of three
    assert cell_number(float("nan"), "General", count)[1] == "not_finite"


# -- formulas ----------------------------------------------------------------------------------
def _cache_formula(path: Path, formula: str, value: str) -> None:
    """Give a formula cell a computed value, as Excel does when it saves."""
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = body.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
            dst.writestr(info, body)
    path.write_bytes(buf.getvalue())


def test_a_formula_without_a_computed_value_is_an_error_never_dropped(data, tmp_path, capsys):
    path = _fill(
        _template(data, tmp_path / "b.xlsx"),
        {"F2": "=1+1", "G2": '=HYPERLINK("http://x","9")', "H2": 5},
    )
    msgs = _import_fails(path, data, capsys)
    assert "=1+1" in msgs[f"{SHEET}!F2"] and "no computed value" in msgs[f"{SHEET}!F2"]
    assert "HYPERLINK" in msgs[f"{SHEET}!G2"]


def test_a_formula_with_a_computed_value_is_imported_with_a_warning(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": "=70+1"})
    _cache_formula(path, "70+1", "71")
    assert main(["import", str(path), "--data", str(data)]) == 0
    err = capsys.readouterr().err
    assert f"{SHEET}!F2" in err and "=70+1" in err and "71" in err
    o = load(data).obs("community_workers", "990001", 2021)
    assert o["value"].tolist() == [71]


# -- sheets and headers ------------------------------------------------------------------------
def test_renamed_extra_and_missing_sheets_are_errors_naming_the_sheet(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100})
    wb = load_workbook(path)
    wb[SHEET].title = "Sheet1"
    wb.create_sheet("extra")
    wb.save(path)
    msgs = _import_fails(path, data, capsys)
    assert "unknown sheet 'Sheet1'" in msgs["Sheet1!A1"]
    assert "unknown sheet 'extra'" in msgs["extra!A1"]
    assert "missing" in msgs[f"{SHEET}!A1"]


def test_a_deleted_or_moved_header_row_is_an_error_naming_the_sheet(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100})
    wb = load_workbook(path)
    wb[SHEET].delete_rows(1)
    wb.save(path)
    msgs = _import_fails(path, data, capsys)
    assert "header row moved or deleted" in msgs[f"{SHEET}!A1"]
    wb = load_workbook(path)
    wb[SHEET].insert_rows(1, 2)
    wb.save(path)
    assert "header" in _import_fails(path, data, capsys)[f"{SHEET}!A1"]


def test_values_outside_the_table_and_bad_year_headers_are_errors(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100, "K2": 7, "I1": "next"})
    msgs = _import_fails(path, data, capsys)
    assert "outside the table" in msgs[f"{SHEET}!K2"]
    assert "year" in msgs[f"{SHEET}!I1"]


def test_the_corner_cell_workbook_is_rejected_quickly(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100, "XFD1048576": 1})
    start = time.perf_counter()
    msgs = _import_fails(path, data, capsys)
    assert time.perf_counter() - start < 5
    assert "outside the table" in msgs[f"{SHEET}!XFD1048576"]


def test_a_bad_source_kind_names_the_notes_cell(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100})
    wb = load_workbook(path)
    row = next(c.row for c in wb[NOTES]["A"] if str(c.value).startswith("类型"))
    wb[NOTES][f"B{row}"] = "guess"
    wb.save(path)
    msgs = _import_fails(path, data, capsys)
    assert "'guess'" in msgs[f"{NOTES}!B{row}"]


def test_broken_and_non_excel_files_are_user_errors(data, tmp_path, capsys):
    path = _template(data, tmp_path / "b.xlsx")
    body = zipfile.ZipFile(path)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        for info in body.infolist():
            raw = body.read(info.filename)
            z.writestr(info, raw[:50] if info.filename.endswith("sheet2.xml") else raw)
    (tmp_path / "plain.xlsx").write_text("not a zip")
    for f in (broken, tmp_path / "plain.xlsx", tmp_path / "missing.xlsx"):
        assert main(["import", str(f), "--data", str(data)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and f.name in err


def test_a_value_already_in_a_real_data_file_names_that_file_and_row(data, tmp_path, capsys):
    obs = data / "observations" / "obs.csv"
    obs.write_text(obs.read_text().replace(",panel,", ",census,"))  # no longer illustrative
    path = _fill(_template(data, tmp_path / "b.xlsx", years=(2020, 2021)), {"F2": 151})
    msgs = _import_fails(path, data, capsys)
    assert "observations/obs.csv, row 8" in msgs[f"{SHEET}!F2"]


def test_control_characters_in_cells_are_escaped_in_messages(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": "1\u202e2", "G2": "=A1\u202e"})
    assert main(["import", str(path), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "\u202e" not in err and "'1\\u202e2'" in err and "=A1\\u202e" in err


# -- each workbook's import kept apart -----------------------------------------------------------
def test_two_county_workbooks_both_survive_and_reimport_is_idempotent(data, tmp_path):
    a = _fill(_template(data, tmp_path / "甲县.xlsx"), {"F2": 160, "G2": 170})
    b = _fill(_template(data, tmp_path / "乙县.xlsx"), {"F3": 65})
    ra, rb = import_workbook(a, data), import_workbook(b, data)
    assert ra.path != rb.path and ra.path.exists() and rb.path.exists()
    assert "990001" in ra.path.name and "990002" in rb.path.name  # named by what they hold
    ds = load(data)
    assert ds.obs("community_workers", "990001", [2021, 2022])["value"].tolist() == [160, 170]
    assert ds.obs("community_workers", "990002", 2021)["value"].tolist() == [65]
    # the illustrative 2021 value of 990001 (155) is overridden on load (not deleted)
    assert ra.replaced == 1 and rb.replaced == 0
    snap = _snapshot(data)
    again = import_workbook(a, data)
    assert again.count == ra.count and _snapshot(data) == snap
    # a corrected workbook of the same name replaces only its own earlier import
    _fill(a, {"G2": 171})
    import_workbook(a, data)
    ds = load(data)
    assert ds.obs("community_workers", "990001", 2022)["value"].tolist() == [171]
    assert ds.obs("community_workers", "990002", 2021)["value"].tolist() == [65]


def test_source_names_keep_chinese_and_never_collide():
    assert import_name("都匀市") == "import_都匀市"
    assert import_name("filled") == "import_filled"
    assert import_name("a b") != import_name("a_b")
    assert import_name("都匀市") != import_name("福泉市")


# -- template safe to open ---------------------------------------------------------------------
def test_template_text_from_data_cannot_run_as_a_formula(data, tmp_path):
    regions = data / "regions.csv"
    regions.write_text(
        regions.read_text()
        .replace("甲县", "=1+2")
        .replace("乙县", "B\x07ell+1")
        .replace("County A", "@SUM(1)")
    )
    inds = data / "indicators.csv"
    inds.write_text(inds.read_text().replace("城乡社区工作者", "-2+3"))
    path = write_template(load(data), tmp_path / "t.xlsx", filled=True)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", c.value)
                    assert not c.value.startswith(("=", "+", "-", "@")), c.value
    names = {c.value for c in wb[SHEET]["E"]}
    assert "'=1+2" in names and "Bell+1" in names
    # the filled template still imports: the neutralised labels are not data
    assert main(["import", str(path), "--data", str(data)]) == 0


def test_template_years_option(data, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "--data", str(data), "--out", str(out), "--years", "2016-2025"]) == 0
    header = [c.value for c in load_workbook(out)[SHEET][1]][5:]
    assert header == list(range(2016, 2026))
    assert main(["template", "--data", str(data), "--out", str(out)]) == 0
    header = [c.value for c in load_workbook(out)[SHEET][1]][5:]
    assert header == [2020, 2021]  # default: the panel's years of the template indicators
    capsys.readouterr()
    assert main(["template", "--data", str(data), "--out", str(out), "--years", "20x6"]) == 2
    assert "2016-2025" in capsys.readouterr().err


def test_a_value_given_twice_in_the_workbook_names_both_cells(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"F2": 100})
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.append([c.value for c in ws[2]][:5] + [101])  # the same county and indicator again
    wb.save(path)
    msgs = _import_fails(path, data, capsys)
    assert f"{SHEET}!F2" in msgs[f"{SHEET}!F4"]


def test_values_outside_the_indicator_bounds_name_the_cell(data, tmp_path, capsys):
    path = _fill(_template(data, tmp_path / "b.xlsx"), {"G3": -5})
    msgs = _import_fails(path, data, capsys)
    assert "outside its bounds [0, ]" in msgs[f"{SHEET}!G3"]
