"""Excel round trip: template -> filled -> import reproduces the observations."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cli import main
from analysis.data import load
from analysis.data.excel import THEMES, import_workbook, template_indicators, write_template
from analysis.errors import DataError


def _key(o: pd.DataFrame) -> pd.DataFrame:
    return (
        o[["region_code", "year", "indicator", "value"]]
        .sort_values(["indicator", "region_code", "year"])
        .reset_index(drop=True)
    )


def test_empty_template_layout(ds, tmp_path):
    path = write_template(ds, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert set(THEMES.values()) <= set(wb.sheetnames) and "说明" in wb.sheetnames
    ws = wb["社区工作者"]
    assert ws["A1"].value.startswith("指标代码") and ws["F1"].value == 2016
    codes = {ws.cell(r, 4).value for r in range(2, ws.max_row + 1)}
    assert codes == set(ds.unit_codes)


def test_round_trip_reproduces_the_observations(ds, data_copy, tmp_path):
    path = write_template(ds, tmp_path / "filled.xlsx", filled=True)
    assert main(["import", str(path), "--data", str(data_copy)]) == 0
    after = load(data_copy)
    inds = template_indicators(ds)["id"]
    before_o = ds.observations[
        ds.observations["indicator"].isin(inds) & ds.observations["region_code"].isin(ds.unit_codes)
    ]
    after_o = after.observations[
        after.observations["indicator"].isin(inds)
        & after.observations["region_code"].isin(ds.unit_codes)
    ]
    pd.testing.assert_frame_equal(_key(before_o), _key(after_o))
    (source,) = set(after_o["source"])  # one import, named by its regions and content
    assert source.startswith(f"import_{ds.unit_codes[0]}_{len(ds.unit_codes)}regions_")
    # the template said the values were illustrative, so the import keeps that flag
    assert after.sources.set_index("id").at[source, "kind"] == "illustrative"


def test_bad_cells_are_reported_as_sheet_cell_and_nothing_is_written(
    ds, data_copy, tmp_path, capsys
):
    path = write_template(ds, tmp_path / "bad.xlsx", filled=True)
    wb = load_workbook(path)
    ws = wb["社区工作者"]
    ws["G3"] = "七十"  # text in a number cell
    ws["H4"] = -5  # negative count
    wb.save(path)
    before = {p.name: p.read_bytes() for p in (data_copy / "observations").iterdir()}
    with pytest.raises(DataError) as err:
        import_workbook(path, data_copy)
    cells = {p.column for p in err.value.problems}
    assert {"社区工作者!G3", "社区工作者!H4"} <= cells
    assert main(["import", str(path), "--data", str(data_copy)]) == 2
    assert "社区工作者!G3" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (data_copy / "observations").iterdir()} == before


def test_template_is_deterministic(ds, tmp_path):
    a = write_template(ds, tmp_path / "a.xlsx", filled=True).read_bytes()
    b = write_template(ds, tmp_path / "b.xlsx", filled=True).read_bytes()
    assert a == b


def test_template_bytes_do_not_depend_on_the_clock(tmp_path, monkeypatch):
    """Two templates written at different wall-clock times are byte-identical."""
    import time

    from analysis.data import load
    from analysis.data.excel import write_template

    ds = load()
    a = write_template(ds, tmp_path / "a.xlsx").read_bytes()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3 * 86400 + 7)
    monkeypatch.setattr(
        time, "localtime", lambda *a: __import__("time").gmtime(real() + 3 * 86400 + 7)
    )
    b = write_template(ds, tmp_path / "b.xlsx").read_bytes()
    assert a == b
