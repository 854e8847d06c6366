"""Figure and table numbers come from the report, never typed in a notebook: each report
kind has its own chapter (``captions.REPORT_CHAPTERS``) and one ``Numbering`` per report.
The rendered reports are checked for repeated numbers by ``report_layout.check_plan_layout``
in the notebook tests."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from analysis.present import captions

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _code(stem: str) -> str:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_each_report_kind_has_its_own_chapter():
    chapters = list(captions.REPORT_CHAPTERS.values())
    assert len(chapters) == len(set(chapters))
    assert captions.report_chapter("03_target_projection_2030") == 4
    assert captions.report_chapter("03_target_projection") == 4
    assert captions.report_chapter("03_target_projectionX") is None
    assert captions.report_chapter("my_own_report") is None
    assert captions.report_numbering("my_own_report", "en").table("T") == "Table 1 T"


@pytest.mark.parametrize("stem", sorted(captions.REPORT_CHAPTERS))
def test_notebooks_number_through_their_report(stem):
    code = _code(stem)
    assert "Numbering(" not in code  # no chapter typed by hand
    calls = re.findall(r"captions\.report_numbering\(\"([^\"]+)\"", code)
    pages = re.findall(r"from analysis\.present\.reports import (\w+) as report", code)
    if pages:  # a report of section calls: its page module numbers through its own kind
        assert calls == [] and len(pages) == 1
        module = importlib.import_module(f"analysis.present.reports.{pages[0]}")
        assert stem == module.KIND
    else:
        assert calls == [stem]  # one numbering per report, of its own kind
    assert not re.search(r"[图表]\d+-\d+|(Figure|Table) \d+-\d+", code)  # no typed numbers


def test_one_numbering_never_repeats_a_number():
    n = captions.report_numbering("05_final_evaluation", "zh")
    shown = [n.table() if k % 3 else n.figure() for k in range(60)]
    assert len(set(shown)) == 60
    assert shown[:3] == ["图5-1", "表5-1", "表5-2"]
