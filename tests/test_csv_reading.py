"""Robust CSV reading: every malformed line with its line number, headers checked, messages
capped per kind, budgets, control characters escaped, and random edits never crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cases import FIXTURES, make_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.data import load
from analysis.data import schema as S
from analysis.data import validate as V
from analysis.errors import DataError

pytestmark = pytest.mark.cost(9)  # rough seconds: scheduled early (conftest.py)

OBS = FIXTURES / "minimal" / "observations" / "obs.csv"
HEADER = OBS.read_text(encoding="utf-8").splitlines()[0]


def _problems(data: Path) -> list:
    with pytest.raises(DataError) as err:
        load(data)
    return err.value.problems


def test_every_malformed_line_is_reported_with_its_line_number(tmp_path):
    data = make_case("unquoted_thousands", tmp_path / "data")
    hits = [p for p in _problems(data) if "fields" in p.en]
    assert [(p.row, p.column) for p in hits] == [(3, "note"), (5, "note")]
    assert all("7" in p.en and "6" in p.en for p in hits)


def test_blank_and_comment_lines_are_counted_like_an_editor_counts(tmp_path):
    data = make_case("blank_lines", tmp_path / "data")
    (p,) = _problems(data)
    # line 13 of the file (2 blank lines and 1 comment line above it)
    text = (data / "observations" / "obs.csv").read_text().splitlines()
    assert p.row == 13 and text[p.row - 1].endswith(",abc,panel,")


def test_duplicate_and_unknown_header_names_are_reported(tmp_path):
    data = make_case("duplicate_header", tmp_path / "data")
    msgs = {(p.row, p.column): p.en for p in _problems(data)}
    assert "more than once" in msgs[(1, "value")]
    data = make_case("unknown_header", tmp_path / "data2")
    msgs = {(p.row, p.column): p.en for p in _problems(data)}
    assert "unknown column name 'valeu'" in msgs[(1, "valeu")]
    assert msgs[(1, "value")] == "column is missing"


def test_messages_are_capped_per_kind_with_a_count_of_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(V, "CHUNK", 64)  # the error path spans many chunks
    data = make_case("wrong_type", tmp_path / "data")
    lines = [HEADER] + [f"990001,{1950 + i % 100},population,x{i},census," for i in range(1000)]
    (data / "observations" / "many.csv").write_text("\n".join(lines) + "\n")
    problems = [p for p in _problems(data) if p.file == "observations/many.csv"]
    listed = [p for p in problems if p.row is not None]
    (summary,) = [p for p in problems if p.row is None]
    assert len(listed) == V.CAP
    assert f"{1000 - V.CAP} more" in summary.en and "x0" in summary.en


def test_size_and_row_budgets_give_a_clear_message(tmp_path, monkeypatch):
    data = make_case("wrong_type", tmp_path / "data")
    monkeypatch.setattr(V, "MAX_BYTES", 100)
    (p,) = [p for p in _problems(data) if p.file == "observations/obs.csv"]
    assert "budget" in p.en and "MB" in p.en
    monkeypatch.setattr(V, "MAX_BYTES", 2**30)
    monkeypatch.setattr(V, "MAX_ROWS", 3)
    monkeypatch.setattr(V, "CHUNK", 2)
    shutil.copyfile(OBS, data / "observations" / "obs.csv")
    hits = [p for p in _problems(data) if "rows" in p.en]
    assert hits and "more than 3 data rows" in hits[0].en


def test_control_characters_from_data_are_escaped_in_messages(tmp_path, capsys):
    data = make_case("wrong_type", tmp_path / "data")
    shutil.copyfile(OBS, data / "observations" / "obs.csv")
    with (data / "observations" / "obs.csv").open("a") as fh:
        fh.write('990001,2022,community_workers,"1\x1b[2J\u202e",panel,\n')
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\x1b[2J\\u202e" in err and "row 11, column value" in err


def test_budgets_cover_the_tool_s_expected_sizes():
    assert V.MAX_BYTES >= 256 * 2**20 and V.MAX_ROWS >= 1_000_000


# -- property: random edits of a valid file ----------------------------------------------------
DATA_LINES = OBS.read_text(encoding="utf-8").splitlines()[1:]
CHARS = st.sampled_from(list(',"\n#x9.-e ') + ["inf", "1,234", "\x00", "\x1b", "", "１"])


@st.composite
def edits(draw) -> list[str]:
    lines = list(DATA_LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["insert", "delete_char", "replace_cell", "dup", "drop", "blank"])
        )
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            lines.append(DATA_LINES[0])
        line = lines[i]
        if op == "insert":
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(CHARS) + line[k:]
        elif op == "delete_char" and line:
            k = draw(st.integers(0, len(line) - 1))
            lines[i] = line[:k] + line[k + 1 :]
        elif op == "replace_cell":
            cells = line.split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CHARS)
            lines[i] = ",".join(cells)
        elif op == "dup":
            lines.insert(i, line)
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "blank":
            lines.insert(i, "")
    return lines


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits())
def test_random_edits_validate_or_name_an_existing_file_row_and_column(tmp_path, lines):
    data = tmp_path / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(FIXTURES / "minimal", data)
    text = "\n".join([HEADER, *lines]) + "\n"
    (data / "observations" / "obs.csv").write_text(text, encoding="utf-8")
    try:
        load(data)
    except DataError as err:
        n_lines = len(text.splitlines())
        assert err.problems
        for p in err.problems:
            file = data / p.file
            assert file.is_file(), p
            assert p.row is not None and 1 <= p.row <= max(n_lines, 2), p
            header = file.read_text(encoding="utf-8").splitlines()[0].split(",")
            table = S.TARGETS if p.file == "targets.csv" else S.OBSERVATIONS
            # a duplicate names its key columns, joined: "region_code,year,indicator"
            assert p.column and set(p.column.split(",")) <= set(header) | set(table.names), p


def test_infinite_and_overflowing_numbers_are_rejected(tmp_path):
    data = make_case("inf_value", tmp_path / "data")
    got = {(p.row, p.column): p.en for p in _problems(data)}
    assert got == {
        (7, "value"): "value must be a finite number, got 'inf'",
        (8, "value"): "value must be a finite number, got '1e400'",
    }
