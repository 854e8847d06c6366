"""Notebook 04 through papermill, and the plan figure set built from a Dataset."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import papermill as pm
import pytest
from docx import Document
from matplotlib.text import Text
from openpyxl import load_workbook

from analysis import paths
from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.errors import UserError
from analysis.present import plan_figures, style

NOTEBOOK = paths.NOTEBOOKS_DIR / "04_plan_figures.ipynb"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.notebook
def test_notebook_builds_figures_tables_and_docx(tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(out))
    pm.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "04.ipynb"),
        parameters={"figure_set": "baseline"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(paths.NOTEBOOKS_DIR),
    )
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) == 5
    for ext in ("svg", "pdf"):
        assert len(list((out / "figures").glob(f"*.{ext}"))) == 5
    assert (
        len(list((out / "tables").glob("plan_0*.xlsx"))) == 2
        and (out / "tables" / "plan_tables.xlsx").exists()
    )
    doc = Document(out / "plan_figures.docx")
    assert len(doc.inline_shapes) == 5 and len(doc.tables) == 2
    paras = [p.text for p in doc.paragraphs]
    fig_caps = [i for i, p in enumerate(paras) if re.match(r"^图\d+ ", p)]
    tab_caps = [i for i, p in enumerate(paras) if re.match(r"^表\d+ ", p)]
    assert len(fig_caps) == 5 and len(tab_caps) == 2
    notes = [p for p in paras if p.startswith("资料来源")]
    assert len(notes) == 7  # one per figure and per table
    for i in fig_caps:
        assert paras[i + 1].startswith("资料来源")
    assert any("示意数据" in n for n in notes)
    assert any("示意图" in n for n in notes)  # the map
    ws = load_workbook(out / "tables" / "plan_tables.xlsx").worksheets[0]
    assert ws["A1"].value.startswith("表1")


def test_english_labels_throughout(ds):
    items = plan_figures.build(ds, "all", "en")
    assert items and all(i.caption.startswith(("Figure", "Table")) for i in items)
    for item in items:
        if item.figure is not None:
            with style.strict_glyphs():
                style.check_glyphs(item.figure)
            cjk = [t.get_text() for t in item.figure.findobj(Text) if CJK.search(t.get_text())]
            assert cjk == [], (item.key, cjk)
            assert not CJK.search(item.caption)
        else:
            assert not any(CJK.search(str(c)) for c in item.table.frame.columns)
        assert item.note.startswith("Source: ")


def test_chinese_set_notes_follow_provenance(ds):
    items = plan_figures.build(ds, "baseline", "zh")
    by_key = {i.key: i for i in items}
    table = by_key["table_structure"]  # census + division counts only: official, no 示意数据
    assert "示意数据" not in table.note and "人口普查" in table.note
    bar = by_key["bar_facility_area_per_100hh"]  # illustrative panel + census + national standard
    assert "含示意数据" in bar.note and "国办发" in bar.note
    assert bar.caption == "图1 2020年各县(市)每百户居民社区综合服务设施面积(单位: 平方米/百户)"
    assert "示意图" in by_key["map_facility_area_per_100hh"].note


def test_unknown_figure_set_lists_valid(ds):
    with pytest.raises(
        UserError, match="(?s)未知的图表集: x.*Valid figure sets: all, baseline, trends"
    ):
        plan_figures.build(ds, "x")


def test_scores_hand_computed():
    # higher is better: (x - min) / (max - min) = (10-10)/20, (20-10)/20, (30-10)/20 = 0, .5, 1
    # lower is better: reversed -> 1, .5, 0; a constant column scores 1; NaN stays NaN
    v = pd.DataFrame(
        {"a": [10.0, 20, 30], "b": [10.0, 20, 30], "c": [5.0, 5, 5], "d": [1.0, np.nan, 3]}
    )
    s = plan_figures.scores(
        v, pd.Series({"a": "higher", "b": "lower", "c": "higher", "d": "higher"})
    )
    np.testing.assert_allclose(s["a"], [0, 0.5, 1])
    np.testing.assert_allclose(s["b"], [1, 0.5, 0])
    np.testing.assert_allclose(s["c"], [1, 1, 1])
    assert s["d"].isna().tolist() == [False, True, False]


def test_coefficient_of_variation_hand_computed():
    # values 10, 20, 30: mean 20, population sd sqrt((100+0+100)/3) = 8.165; CV = 0.40825
    cv = plan_figures.coefficient_of_variation(pd.DataFrame({2020: [10.0, 20, 30]}))
    assert cv[2020] == pytest.approx(np.sqrt(200 / 3) / 20)


def test_other_region_set_builds_and_fits_a_page(tmp_path):
    synthetic = load(write_dataset(tmp_path / "data", n_units=40))
    items = plan_figures.build(synthetic, "all", "zh")
    kinds = {i.key.split("_")[0] for i in items}
    assert {"bar", "heatmap", "trends", "sigma", "lorenz", "table"} <= kinds
    for item in items:
        if item.figure is not None:
            assert item.figure.get_figheight() * 2.54 <= 22.0 + 1e-6, item.key
        assert "示意数据" in item.note
    trends = next(i for i in items if i.key.startswith("trends"))
    assert len([a for a in trends.figure.axes if a.get_visible()]) == plan_figures.MAX_PANELS
