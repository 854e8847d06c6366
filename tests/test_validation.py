"""Bad input is stopped at the door: every kind of problem, with file, row and column."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cases import FIXTURES, make_case

from analysis.cli import main
from analysis.data import load
from analysis.errors import DataError

CASES = sorted(
    p.name for p in (FIXTURES / "bad").iterdir() if (p / "expect.txt").read_text().strip() != "OK"
)
OK_CASES = sorted(
    p.name for p in (FIXTURES / "bad").iterdir() if (p / "expect.txt").read_text().strip() == "OK"
)


def test_minimal_fixture_is_valid(tmp_path):
    ds = load(FIXTURES / "minimal")
    assert ds.top == "990000" and ds.unit_codes == ["990001", "990002"]
    # derived: 150 / 100000 * 10000 = 15 per 10k
    v = ds.obs("workers_per_10k", "990001", 2020)["value"].iloc[0]
    assert v == pytest.approx(15.0)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_with_location(case, tmp_path, capsys):
    data = make_case(case, tmp_path / "data")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "keep.txt").write_text("previous good output")
    file, row, column = (FIXTURES / "bad" / case / "expect.txt").read_text().strip().split("|")
    with pytest.raises(DataError) as err:
        load(data)
    hits = [p for p in err.value.problems if p.file == file]
    assert hits, f"no problem reported for {file}: {err.value.problems}"
    p = hits[0]
    assert p.row == (int(row) if row else None)
    assert (p.column or "") == column
    assert p.zh and p.en and p.zh != p.en  # Chinese and English
    code = main(["validate", "--data", str(data)])
    out = capsys.readouterr()
    assert code == 2
    assert file in out.err and "Traceback" not in out.err
    if row:
        assert f"row {row}" in out.err and f"column {column}" in out.err
    assert sorted(os.listdir(outputs)) == ["keep.txt"]
    assert (outputs / "keep.txt").read_text() == "previous good output"


@pytest.mark.parametrize("case", OK_CASES)
def test_bom_and_gbk_are_read_without_garbling(case, tmp_path):
    ds = load(make_case(case, tmp_path / "data"))
    assert ds.name("990001") == "甲县"
    assert ds.name("990000", "en") == "Test Prefecture"


def test_all_problems_are_reported_not_just_the_first(tmp_path):
    data = make_case("wrong_type", tmp_path / "data")
    obs = data / "observations" / "obs.csv"
    obs.write_text(
        obs.read_text().replace(
            "990001,2020,urbanisation_rate,60.5", "990001,2020,urbanisation_rate,160.5"
        )
    )
    with pytest.raises(DataError) as err:
        load(data)
    assert {p.column for p in err.value.problems} == {"value"}
    assert len(err.value.problems) == 2


def test_cli_exit_code_and_no_traceback_in_a_subprocess(tmp_path):
    data = make_case("unknown_region", tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "observations/obs.csv, row 4, column region_code" in proc.stderr
    assert "未知的地区代码" in proc.stderr and "unknown region code" in proc.stderr


def test_missing_data_directory_is_a_user_error(tmp_path, capsys):
    assert main(["validate", "--data", str(Path(tmp_path) / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
