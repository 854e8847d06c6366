"""The analysis command: bilingual output, exit code 2 and no traceback for user errors."""

from __future__ import annotations

import shutil

import pytest
from cases import FIXTURES

from analysis.cli import main, parse_years


@pytest.fixture()
def data(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", dst)
    return dst


def test_validate_prints_both_languages(data, capsys):
    # the data are valid; the baseline report reads division counts the minimal fixture's
    # indicators.csv does not define: exit 2, naming the report and the file
    assert main(["validate", "--data", str(data)]) == 2
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    assert "数据校验通过" in out and "Data OK" in out and "2 units" in out
    assert "01_baseline" in err and "indicators.csv" in err and "resident_committees" in err


def test_parse_years():
    assert parse_years("2016-2018") == [2016, 2017, 2018]
    assert parse_years(" 2020, 2016 ,2020") == [2016, 2020]
    for bad in ("2018-2016", "16-18", "", "2016-"):
        with pytest.raises(Exception) as err:
            parse_years(bad)
        assert "2016-2025" in str(err.value)


def test_unwritable_template_path_is_a_user_error(data, tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    out = blocker / "t.xlsx"  # a directory that is a file
    assert main(["template", "--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "cannot read or write" in err and "无法读写文件" in err


def test_import_of_a_missing_file_is_a_user_error(data, tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope.xlsx"), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err and "文件不存在" in err


def test_blank_required_source_fields_name_the_notes_cell(data, tmp_path, capsys):
    from openpyxl import load_workbook

    from analysis.data.excel import NOTES, THEMES

    path = tmp_path / "b.xlsx"
    assert main(["template", "--data", str(data), "--out", str(path)]) == 0
    wb = load_workbook(path)
    wb[THEMES["workforce"]]["F2"] = 100
    wb.save(path)
    assert main(["import", str(path), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    # publisher and date are required in sources.csv; the problem is shown where it is typed
    assert f"b.xlsx, {NOTES}!B5" in err and f"b.xlsx, {NOTES}!B6" in err
    assert "sources.csv" not in err and "import_" not in err
