"""A new region end to end without a browser (issue 22): ``analysis init``, a region tree
typed into regions.csv, ``template`` from regions + indicators only, a few cells filled with
openpyxl, ``import``, ``validate`` naming what the reports still lack, a target row, then
``validate`` passing and ``run`` building the final evaluation (one cheap report: no
forecast) through the real notebook.

Expected numbers by hand: 3 counties x 3 indicators x 7 years (2019-2025) = 63 imported
values. In 2025 (offset 6) county k (k = 1, 2, 3, its code's last digit) has a certified
share of 20 + 6 + k = 27, 28, 29 % and 100 + 6 + k = 107, 108, 109 workers; the prefecture's
share is their worker-weighted mean (indicators.csv: aggregate mean, weight
community_workers) = (27*107 + 28*108 + 29*109) / 324 = 9074 / 324 = 28.006 %, short of the
40 % target: not met, no county meets it, the largest shortfall 27 - 40 = -13 at 522701."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main

pytestmark = [pytest.mark.notebook, pytest.mark.cost(60)]

REGIONS = (
    "520000,某省,Some Province,province,,\n"
    "522700,某州,Some Prefecture,prefecture,520000,\n"
    "522701,某市,Some City,county,522700,city\n"
    "522702,某县,Some County,county,522700,county\n"
    "522703,另县,Other County,county,522700,county\n"
)
FILLED = {"community_workers": 100, "worker_avg_age": 40, "worker_sw_certified_share": 20}
REPORT = "05_final_evaluation_2025"


def _fill(book: Path) -> None:
    """Values for three indicators of sheet 社区工作者 (base + year offset + county digit) and
    the source fields of the notes sheet."""
    wb = openpyxl.load_workbook(book)
    for row in wb["社区工作者"].iter_rows(min_row=2):
        base = FILLED.get(row[0].value)
        if base is not None:
            for j, cell in enumerate(row[5:]):
                cell.value = base + j + int(str(row[3].value)[-1])
    fields = {"来源名称": "某州民政局填报", "发布单位": "某州民政局", "日期": "2026-01-01"}
    for row in wb["说明"].iter_rows(min_row=1, max_row=12):
        for head, value in fields.items():
            if str(row[0].value or "").startswith(head):
                row[1].value = value
    wb.save(book)


def test_init_template_import_validate_run(tmp_path, capsys):
    data, book = tmp_path / "mydata", tmp_path / "填报模板.xlsx"
    assert main(["init", str(data)]) == 0
    with (data / "regions.csv").open("a", encoding="utf-8") as fh:
        fh.write(REGIONS)
    capsys.readouterr()
    # regions + indicators only: the data set is valid, the reports say what they lack
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "0 observations" not in err and "targets.csv" in err and "observations/" in err
    assert main(["template", "--data", str(data), "--years", "2019-2025", "--out", str(book)]) == 0
    _fill(book)
    assert main(["import", str(book), "--data", str(data)]) == 0
    [imported] = (data / "observations").glob("import_*.csv")
    assert len(pd.read_csv(imported)) == 3 * 3 * 7
    source = pd.read_csv(data / "sources.csv", dtype=str)["id"].iloc[0]
    capsys.readouterr()
    config = tmp_path / "reports.toml"
    nb = (paths.NOTEBOOKS_DIR / "05_final_evaluation.ipynb").as_posix()
    config.write_text(
        f'[[report]]\nname = "{REPORT}"\nnotebook = "{nb}"\n'
        "parameters = { base_year = 2020, target_year = 2025 }\n",
        encoding="utf-8",
    )
    assert main(["validate", "--data", str(data), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert REPORT in err and "targets.csv" in err and "522700" in err
    with (data / "targets.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"worker_sw_certified_share,522700,2020,,2025,40,expected,{source},,\n")
    assert main(["validate", "--data", str(data), "--config", str(config)]) == 0
    assert "Reports OK" in capsys.readouterr().out
    out = tmp_path / "outputs"
    args = ["run", "--data", str(data), "--config", str(config), "--outputs-dir", str(out)]
    assert main([*args, "--no-explore", "--no-progress", "-j", "1"]) == 0
    summary = pd.read_csv(out / "data" / REPORT / "summary.csv", dtype={"region_code": str})
    assert summary["indicator"].tolist() == ["worker_sw_certified_share"]
    row = summary.iloc[0]
    assert float(row["target"]) == 40.0 and row["status"] == "not_met"
    assert float(row["final"]) == pytest.approx(9074 / 324)
    assert int(row["counties_met"]) == 0 and int(row["counties"]) == 3
    assert str(row["largest_shortfall_region"]) == "522701"
    assert float(row["largest_shortfall"]) == pytest.approx(-13.0)
    rec = json.loads((out / ".runner" / "records" / f"{REPORT}.json").read_text("utf-8"))
    assert rec["status"] == "ok"
