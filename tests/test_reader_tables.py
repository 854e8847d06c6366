"""The check that guards every executed notebook's tables catches what it should."""

from __future__ import annotations

import nbformat
import pandas as pd
from html_checks import reader_table_problems

from analysis.present import display


def _nb(html: str):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb.cells = [cell]
    return nb


def test_raw_frames_are_caught_and_formatted_frames_pass():
    raw = pd.DataFrame({"value": [16.714034, float("nan"), -0.0], "id": ["a", "b", "c"]})
    raw["indicator"] = "workers_per_10k"
    found = reader_table_problems(_nb(raw.to_html()))
    assert any("16.714034" in p for p in found)
    assert any("NaN" in p for p in found)
    assert any("-0.0" in p for p in found)
    assert any("workers_per_10k" in p for p in found)
    shown = display.show(raw.drop(columns="indicator"), decimals={"value": 1}).to_html()
    assert reader_table_problems(_nb(shown)) == []
