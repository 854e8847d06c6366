"""The Word document: figures at print size, numbered captions, a source note under every
figure and table, East-Asian fonts, byte-identical reruns (PNG, SVG, PDF, xlsx, docx)."""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from analysis.present import captions, figures, plan_figures, style
from analysis.present import documents as plan_doc
from analysis.present.tables import Table

pytestmark = pytest.mark.cost(10)  # rough seconds: scheduled early (conftest.py)


def _items(lang="zh"):
    n = captions.Numbering(chapter=2, lang=lang)
    fig = figures.ranked_bar(
        pd.Series([3.0, 1.0], index=["都匀市", "福泉市"]), standard=2.0, lang=lang
    )
    png = style.to_bytes(fig, "png", dpi=100)
    t = Table(
        pd.DataFrame({"地区": ["都匀市"], "值(人)": [1.0]}),
        n.table("各县(市)测试"),
        "资料来源: 表源。",
    )
    return [
        plan_doc.FigureItem(
            png, n.figure("各县(市)甲"), "资料来源: 甲源。注: 含示意数据(illustrative data)。"
        ),
        plan_doc.TableItem(t),
        plan_doc.FigureItem(
            png, n.figure("各县(市)乙"), "资料来源: 乙源。", width_cm=style.HALF_WIDTH_CM
        ),
    ]


def test_document_has_figures_tables_captions_and_notes(tmp_path):
    path = plan_doc.write_docx(_items(), tmp_path / "plan.docx", title="规划图表")
    doc = Document(path)
    assert len(doc.inline_shapes) == 2
    assert len(doc.tables) == 1
    # figures at print size: 16 cm full width, 7.8 cm half width
    assert doc.inline_shapes[0].width == Cm(16) and doc.inline_shapes[1].width == Cm(7.8)
    paras = [p.text for p in doc.paragraphs]
    fig_caps = [i for i, p in enumerate(paras) if p.startswith("图2-")]
    tab_caps = [i for i, p in enumerate(paras) if p.startswith("表2-")]
    # full-width brackets in Chinese captions
    assert [paras[i] for i in fig_caps] == ["图2-1 各县（市）甲", "图2-2 各县（市）乙"]
    assert [paras[i] for i in tab_caps] == ["表2-1 各县（市）测试"]
    for i in fig_caps:  # the note directly under each figure caption
        assert paras[i + 1].startswith("资料来源")
    assert "示意数据" in paras[fig_caps[0] + 1]
    # the table's note is the paragraph right after the table element
    body = list(doc.element.body)
    tbl_pos = body.index(doc.tables[0]._tbl)
    assert "".join(body[tbl_pos + 1].itertext()).startswith("资料来源: 表源")
    # East-Asian fonts named in the Caption and Normal styles and on caption runs
    cap = next(p for p in doc.paragraphs if p.text.startswith("图2-1"))
    assert cap.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    sec = doc.sections[0]
    assert abs(sec.page_width - sec.left_margin - sec.right_margin - Cm(16)) < Cm(
        0.01
    )  # twip rounding


def _instructions(element) -> list[str]:
    return [e.text.strip() for e in element.iter(qn("w:instrText"))]


def test_captions_are_word_captions_with_seq_fields_and_pages_are_numbered(tmp_path):
    doc = Document(plan_doc.write_docx(_items(), tmp_path / "plan.docx"))
    caps = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in caps] == [
        "图2-1 各县（市）甲",
        "表2-1 各县（市）测试",
        "图2-2 各县（市）乙",
    ]
    # each caption's number is a SEQ field named after its prefix, with the number as result
    assert [_instructions(p._p) for p in caps] == [
        ["SEQ 图 \\* ARABIC"],
        ["SEQ 表 \\* ARABIC"],
        ["SEQ 图 \\* ARABIC"],
    ]
    kinds = [e.get(qn("w:fldCharType")) for e in caps[0]._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    # a PAGE field in the footer
    assert "PAGE" in _instructions(doc.sections[0].footer._element)


def test_header_row_repeats_and_wide_tables_get_landscape_pages(tmp_path):
    narrow = Table(
        pd.DataFrame({"地区": ["都匀市", "福泉市"], "值": [1.0, 2.0]}), "表1 窄表", "注。"
    )
    wide_frame = pd.DataFrame(
        {f"每百户居民社区综合服务设施面积{k}(平方米/百户)": [1.0] * 40 for k in range(12)}
    )
    wide_frame.insert(0, "地区", ["三都水族自治县"] * 40)
    wide = Table(wide_frame, "表2 宽表", "注。")
    assert not plan_doc.needs_landscape(narrow) and plan_doc.needs_landscape(wide)
    items = [plan_doc.TableItem(narrow), plan_doc.TableItem(wide), plan_doc.TableItem(narrow)]
    doc = Document(plan_doc.write_docx(items, tmp_path / "plan.docx"))
    orient = [s.orientation for s in doc.sections]
    assert orient == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    land = doc.sections[1]
    assert land.page_width > land.page_height
    for tbl in doc.tables:
        rows = tbl._tbl.findall(qn("w:tr"))
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
        assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    # the wide table fits the landscape text width, and region names are not broken
    widths = [c.width for c in doc.tables[1].rows[0].cells]
    assert sum(widths) <= Cm(29.7 - 2 * 2.54) + Cm(0.05)
    name_cm = widths[0] / Cm(1)
    assert name_cm >= 7 * 9 / 72 * 2.54  # 7 characters of 9 pt on one line


def test_english_captions():
    n = captions.Numbering(lang="en")
    assert n.figure("Facility area") == "Figure 1 Facility area"
    assert n.table() == "Table 1"
    assert captions.with_unit("Workers", "persons", "en") == "Workers (unit: persons)"
    assert captions.with_unit("社区工作者", "人") == "社区工作者（单位：人）"


def test_chinese_punctuation_is_full_width_numbers_and_links_are_kept():
    z = captions.zh_punctuation
    assert z("资料来源: 甲; 乙。注: 含示意数据(illustrative data)") == (
        "资料来源：甲；乙。注：含示意数据（illustrative data）"
    )
    assert z("共1,431个, 时间12:30") == "共1,431个，时间12:30"
    assert z("见 https://example.org") == "见 https://example.org"
    n = captions.Numbering()
    assert n.figure("各县(市)面积") == "图1 各县（市）面积"


_SCRIPT = """
import sys, pandas as pd
from analysis.present import documents as plan_doc, figures, style, tables
values = pd.Series([3.0, 1.0, 2.0], index=["都匀市", "福泉市", "荔波县"])
fig = style.mark_illustrative(figures.ranked_bar(values, standard=2.0))
style.save(fig, sys.argv[1])
frame = pd.DataFrame({"地区": ["都匀市", "=1"], "值": [1.5, 2.0]})
t = tables.Table(frame, "表1 x", "资料来源: y。", illustrative=True)
tables.write_xlsx(t, sys.argv[1] + ".xlsx")
png = style.to_bytes(fig, "png")
items = [plan_doc.FigureItem(png, "图1 x", "资料来源: y。"), plan_doc.TableItem(t)]
plan_doc.write_docx(items, sys.argv[1] + ".docx")
"""


def test_rerun_gives_byte_identical_png_svg_pdf_xlsx_docx(tmp_path):
    subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "a")], check=True)
    time.sleep(2.1)  # past the 2-second resolution of zip entry times
    subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "b")], check=True)
    for ext in ("png", "svg", "pdf", "xlsx", "docx"):
        a, b = (tmp_path / f"a.{ext}").read_bytes(), (tmp_path / f"b.{ext}").read_bytes()
        assert len(a) > 1000 and a == b, ext


def test_plan_tables_state_the_final_results_and_next_targets_of_the_results_model():
    """The plan set reads the results model: its status table holds report 05's final
    statuses (not a projection "as of" a year before the target year), its next-period
    tables report 06's targets (the whole region as the last row), and every such table
    carries its code-named twin."""
    from analysis import results
    from analysis.data import load
    from analysis.present.words.labels import status_label

    ds = load()
    res = results.open(ds)
    items = {i.key: i for i in plan_figures.build(ds, "trends", "zh")}
    ev = res.evaluation(2020, 2025)
    status = items["final_status"]
    assert "截至" not in status.caption
    frame = status.table.frame.set_index(status.table.frame.columns[0])
    names = ds.names("zh")
    for _, row in ev.iterrows():
        col = ds.label(row["indicator"], "zh")
        assert frame.loc[names[row["region_code"]], col] == status_label(row["status"], "zh")
    assert set(status.data["final_status"]) <= {"met", "not_met"}
    nxt, _ = res.next_targets(2025, 2030, 0.8)
    county = items[f"next_targets_{plan_figures.MAIN_INDICATOR}"]
    want = nxt[nxt["indicator"] == plan_figures.MAIN_INDICATOR]
    shown = county.table.frame
    assert shown.iloc[-1, 0] == names[ds.top]  # the whole region: the total row, last
    got = dict(zip(county.data["region_code"], county.data["next_target"], strict=True))
    assert got == dict(zip(want["region_code"], want["target"], strict=True))
    # rows of different units: a unit column, and each row with its indicator's decimals
    final = items["final_results"]
    assert "单位" in list(final.table.frame.columns)
    assert final.table.row_decimals == [
        plan_figures.indicator_decimals(ds, i) for i in final.data["indicator"]
    ]
