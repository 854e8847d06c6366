"""Imports identified by what they hold (issue 22, item 1): workbooks of the same file name
from different counties both survive, differing values are refused (cells named) unless
``--replace``, illustrative rows are never touched so ``data illustrate`` and ``import``
commute, and a percentage typed as a fraction is flagged with its cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cases import FIXTURES
from openpyxl import load_workbook

from analysis.cli import main
from analysis.data import illustrate, load, synthetic
from analysis.data.excel import NOTES, THEMES, import_workbook, write_template
from analysis.errors import DataError

SHEET = THEMES["workforce"]  # community_workers: rows 2 (990001) and 3 (990002)
ITSHEET = THEMES["informatisation"]
SMART = "smart_share"  # a percentage indicator added to the minimal set for these tests
TEMPLATE = "填报模板.xlsx"  # the name the README suggests to everyone


@pytest.fixture()
def data(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", dst)
    inds = dst / "indicators.csv"
    inds.write_text(
        inds.read_text()
        + f"{SMART},智慧社区覆盖率,Smart community share,%,%,informatisation,higher,0,100,"
        "rate,,,,0,,\n"
    )
    obs = dst / "observations" / "obs.csv"
    obs.write_text(obs.read_text() + f"990001,2020,{SMART},85,panel,\n")
    return dst


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _workbook(
    data: Path,
    out: Path,
    cells: dict[str, object],
    publisher: str = "县统计局",
    sheet: str = SHEET,
    years=(2021, 2022, 2023),
) -> Path:
    """A template for ``years`` with source fields and ``cells`` of ``sheet`` filled in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = write_template(load(data), out, years=list(years))
    wb = load_workbook(path)
    for c in wb[NOTES]["A"]:
        label = str(c.value)
        if label.startswith(("来源名称", "发布单位", "日期")):
            text = {"日": "2024-06", "发": publisher}.get(label[0], "县级填报")
            wb[NOTES][f"B{c.row}"] = text
    for ref, v in cells.items():
        wb[sheet][ref] = v
    wb.save(path)
    return path


def _value(data: Path, ind: str, region: str, year: int) -> list[float]:
    return load(data).obs(ind, region, year)["value"].tolist()


def test_two_workbooks_of_the_same_name_from_different_counties_both_survive(data, tmp_path):
    panel = (data / "observations" / "obs.csv").read_bytes()
    a = _workbook(data, tmp_path / "office_a" / TEMPLATE, {"F2": 160, "G2": 170})  # 甲县
    b = _workbook(data, tmp_path / "office_b" / TEMPLATE, {"F3": 65})  # 乙县
    ra, rb = import_workbook(a, data), import_workbook(b, data)
    assert ra.path != rb.path and ra.path.exists() and rb.path.exists()
    assert "990001" in ra.path.name and "990002" in rb.path.name
    assert _value(data, "community_workers", "990001", 2021) == [160]  # over the panel's 155
    assert _value(data, "community_workers", "990001", 2022) == [170]
    assert _value(data, "community_workers", "990002", 2021) == [65]
    assert ra.replaced == 1 and rb.replaced == 0
    # the illustrative rows are neither deleted nor edited
    assert (data / "observations" / "obs.csv").read_bytes() == panel
    ids = [line.split(",")[0] for line in (data / "sources.csv").read_text().splitlines()]
    assert ids[-2:] == [ra.source, rb.source]
    # the same workbook again: nothing changes
    snap = _snapshot(data)
    assert import_workbook(a, data).path == ra.path and _snapshot(data) == snap
    # the office corrects a value: same regions, indicators and source, so the same import,
    # updated, with a warning naming the cell and both values
    _workbook(data, a, {"F2": 160, "G2": 171})
    again = import_workbook(a, data)
    assert again.path == ra.path
    (warning,) = again.warnings
    assert warning.column == f"{SHEET}!G2" and "171" in warning.en and "170" in warning.en
    assert _value(data, "community_workers", "990001", 2022) == [171]
    assert _value(data, "community_workers", "990002", 2021) == [65]


def test_differing_values_are_refused_with_the_cells_named_unless_replace(data, tmp_path, capsys):
    a = _workbook(data, tmp_path / "a" / TEMPLATE, {"F2": 160, "G2": 170})
    import_workbook(a, data)
    # another office, another source: the same county and year with a different value
    b = _workbook(data, tmp_path / "b" / TEMPLATE, {"F2": 161, "G2": 170, "H2": 180}, "州民政局")
    before = _snapshot(data)
    with pytest.raises(DataError) as err:
        import_workbook(b, data)
    (p,) = err.value.problems  # G2 agrees (170): not a conflict
    assert (p.file, p.column) == (TEMPLATE, f"{SHEET}!F2")
    assert "161" in p.en and "160" in p.en and "--replace" in p.en and "--replace" in p.zh
    assert main(["import", str(b), "--data", str(data)]) == 2
    out = capsys.readouterr().err
    assert f"{SHEET}!F2" in out and "Traceback" not in out
    assert _snapshot(data) == before
    # --replace takes the value over, with a warning naming the cell and the value replaced
    assert main(["import", str(b), "--data", str(data), "--replace"]) == 0
    out = capsys.readouterr().err
    assert f"{SHEET}!F2" in out and "replaces 160" in out
    assert _value(data, "community_workers", "990001", 2021) == [161]
    assert _value(data, "community_workers", "990001", 2022) == [170]  # given by both: once
    assert _value(data, "community_workers", "990001", 2023) == [180]
    main(["validate", "--data", str(data)])  # exit 2 for the reports only (no division counts)
    assert "Data OK" in capsys.readouterr().out


def test_a_source_name_names_the_import(data, tmp_path):
    a = _workbook(data, tmp_path / TEMPLATE, {"F3": 61})
    res = import_workbook(a, data, source_name="乙县 2024")
    assert res.path.name.startswith("import_乙县_2024") and res.source in (
        data / "sources.csv"
    ).read_text(encoding="utf-8")


def test_import_then_illustrate_then_import_equals_illustrate_then_import(tmp_path, capsys):
    base = synthetic.write_dataset(tmp_path / "base", n_units=4)
    first, second = (shutil.copytree(base, tmp_path / n) for n in ("first", "second"))
    ds = load(base, derive=False)
    unit = ds.unit_codes[0]
    wb = _workbook(base, tmp_path / TEMPLATE, {}, years=(2023, 2024))
    book = load_workbook(wb)
    ws = book[SHEET]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, 1).value == "community_workers" and ws.cell(r, 4).value == unit
    )
    ws.cell(row, 6).value, ws.cell(row, 7).value = 901, 902
    book.save(wb)
    panel = (base / illustrate.FILE).read_bytes()
    imp = ["import", str(wb)]
    ill = ["data", "illustrate"]
    for cmd in (imp, ill, imp):
        assert main([*cmd, "--data", str(first)]) == 0, capsys.readouterr().err
    for cmd in (ill, imp):
        assert main([*cmd, "--data", str(second)]) == 0, capsys.readouterr().err
    assert _snapshot(first) == _snapshot(second)
    assert (first / illustrate.FILE).read_bytes() == panel  # never edited by the import
    assert _value(first, "community_workers", unit, 2024) == [902]
    assert main(["validate", "--data", str(first)]) == 0


def _smart_rows(path: Path) -> dict[str, int]:
    ws = load_workbook(path)[ITSHEET]
    return {
        ws.cell(r, 4).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == SMART
    }


def test_a_fraction_in_a_percentage_row_is_flagged_with_its_cell(data, tmp_path, capsys):
    path = _workbook(data, tmp_path / TEMPLATE, {}, sheet=ITSHEET)
    rows = _smart_rows(path)
    a, b = rows["990001"], rows["990002"]
    # 990001: 85 (2020, stored), 0.9 in 2021, 88 in 2022 -> G is a fraction; 990002: a series
    # of small shares throughout is left alone
    _workbook(data, path, {f"F{a}": 0.9, f"G{a}": 88, f"F{b}": 0.5, f"G{b}": 0.6}, sheet=ITSHEET)
    before = _snapshot(data)
    with pytest.raises(DataError) as err:
        import_workbook(path, data)
    (p,) = err.value.problems
    assert p.column == f"{ITSHEET}!F{a}" and "90" in p.en and "--accept-fractions" in p.en
    assert main(["import", str(path), "--data", str(data)]) == 2
    assert f"{ITSHEET}!F{a}" in capsys.readouterr().err
    assert _snapshot(data) == before
    # a percent-formatted cell (Excel shows 90%) is 90, not a fraction
    wb = load_workbook(path)
    wb[ITSHEET][f"F{a}"].number_format = "0%"
    wb.save(path)
    assert import_workbook(path, data).warnings == []
    assert _value(data, SMART, "990001", 2021) == [pytest.approx(90)]
    # a real 0.9 %: accepted on request, still warned about
    wb = load_workbook(path)
    wb[ITSHEET][f"F{a}"].number_format = "General"
    wb.save(path)
    res = import_workbook(path, data, accept_fractions=True)
    assert [w.column for w in res.warnings if "accept-fractions" in w.en] == [f"{ITSHEET}!F{a}"]
    assert _value(data, SMART, "990001", 2021) == [0.9]


def test_the_template_validates_numbers_within_the_indicator_bounds(data, tmp_path):
    path = write_template(load(data), tmp_path / "t.xlsx", years=[2020, 2021])
    wb = load_workbook(path)
    (workers,) = wb[SHEET].data_validations.dataValidation
    assert (workers.type, workers.operator, workers.formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    assert str(workers.sqref) == "F2:G3" and workers.showErrorMessage
    (smart,) = wb[ITSHEET].data_validations.dataValidation
    assert (smart.operator, smart.formula1, smart.formula2) == ("between", "0", "100")
    assert "0" in smart.error and "100" in smart.error and "智慧社区覆盖率" in smart.error


def test_a_real_small_percentage_beside_small_ones_is_not_a_fraction(data):
    import pandas as pd

    from analysis.data.excel import fraction_cells

    ds = load(data, derive=False)
    obs = pd.DataFrame(
        {
            "region_code": ["990002"] * 4,
            "year": [2020, 2021, 2022, 2023],
            "indicator": SMART,
            "value": [1.0, 1.4, 2.5, 0.95],  # 1.0 % and 0.95 % beside 1.4-2.5 %: plausible
            "_col": ["F9", "G9", "H9", "I9"],
        }
    )
    assert fraction_cells(obs, ds) == []
    obs["value"] = [1.0, 80.0, 85.0, 88.0]  # beside 80-88 %, 1.0 reads as 100
    assert [c for c, *_ in fraction_cells(obs, ds)] == ["F9"]
