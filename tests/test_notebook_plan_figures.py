"""Notebook 04 through papermill, and the plan figure set built from a Dataset."""

from __future__ import annotations

import re

import numpy as np
import papermill as pm
import pytest
from docx import Document
from matplotlib.text import Text
from openpyxl import load_workbook
from textboxes import overlapping_texts, texts_on_reference_lines

from analysis import paths
from analysis.analyses import gaps
from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.errors import UserError
from analysis.present import plan_figures, style
from analysis.present.words import gaps as gap_words

pytestmark = pytest.mark.cost(30)  # rough seconds: scheduled early (conftest.py)

NOTEBOOK = paths.NOTEBOOKS_DIR / "04_plan_figures.ipynb"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.notebook
def test_notebook_builds_figures_tables_and_docx(tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(out))
    pm.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "04.ipynb"),
        parameters={"figure_set": "baseline", "outputs_dir": str(out)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(paths.NOTEBOOKS_DIR),
    )
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) == 5
    for ext in ("svg", "pdf"):
        assert len(list((out / "figures").glob(f"*.{ext}"))) == 5
    assert len(list((out / "tables").glob("plan_tab[0-9]*.xlsx"))) == 5
    assert (out / "tables" / "plan_tables.xlsx").exists()
    doc = Document(out / "plan_figures.docx")
    assert len(doc.inline_shapes) == 5 and len(doc.tables) == 5
    paras = [p.text for p in doc.paragraphs]
    fig_caps = [i for i, p in enumerate(paras) if re.match(r"^图\d+ ", p)]
    tab_caps = [i for i, p in enumerate(paras) if re.match(r"^表\d+ ", p)]
    assert len(fig_caps) == 5 and len(tab_caps) == 5
    notes = [p for p in paras if p.startswith("资料来源")]
    assert len(notes) == 10  # one per figure and per table
    for i in fig_caps:
        assert paras[i + 1].startswith("资料来源")
    assert any("示意数据" in n for n in notes)
    assert any("示意图" in n for n in notes)  # the map
    # file numbers are caption numbers: plan_fig05_* is figure 5
    for i in fig_caps:
        n = int(re.match(r"^图(\d+)", paras[i]).group(1))
        assert len(list((out / "figures").glob(f"plan_fig{n:02d}_*.png"))) == 1
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
    table = by_key["structure"]  # census + division counts only: official, no 示意数据
    assert "示意数据" not in table.note and "人口普查" in table.note
    assert not table.table.illustrative
    bar = by_key["bar_facility_area_per_100hh"]  # illustrative panel + census + national standard
    assert "含示意数据" in bar.note and "国办发" in bar.note
    assert bar.caption == "图1 2020年各县（市）每百户居民社区综合服务设施面积（单位：平方米/百户）"
    assert "示意图" in by_key["map_index"].note
    assert by_key["indicators"].table.illustrative


def test_the_division_count_differs_from_the_plan_total_and_the_note_says_why(ds):
    # NBS division codes 2020: 237 urban communities + 1,186 villages = 1,423; plan: 1,431
    top = ds.top
    div = ds.obs(["resident_committees", "village_committees"], top, 2020)
    assert sorted(div["value"].tolist()) == [237.0, 1186.0]
    assert ds.obs("villages_communities", top)["value"].iloc[0] == 1431.0
    items = {i.key: i for i in plan_figures.build(ds, "baseline", "zh")}
    note = items["structure"].note
    assert "合计1,423个" in note and "1,431个" in note and "相差8个" in note


def test_every_report_table_is_in_the_set(ds):
    keys = [i.key for i in plan_figures.build(ds, "all", "zh") if i.kind == "table"]
    assert keys == [
        "baseline",
        "structure",
        "indicators",
        "gaps_tiers",
        "shortfall",
        "final_results",
        "final_status",
        "next_targets",
        "next_targets_facility_area_per_100hh",
    ]


def test_plan_figures_use_the_report_builders_and_their_conventions(ds):
    """The heatmap shows the 0-100 scores of gaps.heatmap_input (constant columns score as
    composite.normalise scores them, not 1), the bar's standard line carries the label of
    gaps.ranked_input: one convention for the plan set and notebook 02."""
    items = {i.key: i for i in plan_figures.build(ds, "baseline", "zh")}
    spec = gaps.resolve(ds, 2020, grouping=None)
    index = gaps.development_index(ds, spec)
    want = gap_words.heatmap_input(ds, spec, index, "zh")["matrix"]
    shown = items["heatmap_indicators"].figure.axes[0].images[0].get_array()
    np.testing.assert_allclose(np.ma.filled(shown, np.nan), want.to_numpy(), equal_nan=True)
    assert np.nanmax(want.to_numpy()) == pytest.approx(100.0)
    label = gap_words.ranked_input(ds, "facility_area_per_100hh", 2020, "zh")["standard_label"]
    legend = items["bar_facility_area_per_100hh"].figure.legends[0]
    assert label in [x.get_text() for x in legend.get_texts()]


def test_plan_figures_have_no_text_collisions_and_carry_the_illustrative_mark(ds):
    for item in plan_figures.build(ds, "all", "zh"):
        if item.figure is None:
            continue
        assert overlapping_texts(item.figure) == [], item.key
        assert texts_on_reference_lines(item.figure) == [], item.key
        marks = [x.get_text() for x in item.figure.texts]
        assert ("示意数据" in marks) == ("示意数据" in item.note), item.key


def test_unknown_figure_set_lists_valid(ds):
    with pytest.raises(
        UserError, match="(?s)未知的图表集: x.*Valid figure sets: all, baseline, trends"
    ):
        plan_figures.build(ds, "x")


def test_other_region_set_builds_and_fits_a_page(tmp_path):
    synthetic = load(write_dataset(tmp_path / "data", n_units=40))
    items = plan_figures.build(synthetic, "all", "zh")
    kinds = {i.key.split("_")[0] for i in items}
    assert {"bar", "heatmap", "trends", "sigma", "lorenz", "structure", "indicators"} <= kinds
    for item in items:
        if item.figure is not None:
            assert item.figure.get_figheight() * 2.54 <= 22.0 + 1e-6, item.key
        assert "示意数据" in item.note
    trends = next(i for i in items if i.key.startswith("trends"))
    assert len([a for a in trends.figure.axes if a.get_visible()]) == plan_figures.MAX_PANELS
