"""The office documents (report 07): the final evaluation report and the next plan's
indicator chapter. Every indicator with a target is in them, every number printed in their
tables is the results model's (the twin CSV formatted with the indicator's decimals), the
indicator tables equal reports 05's and 06's CSVs row by row, captions are Word SEQ fields,
pages are numbered, rows of different units carry a unit column, long tables continue under
"续表" captions; both open in LibreOffice (PDF), on the default data and on a synthetic
province with prefectures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from analysis import paths, results
from analysis.analyses import targets as tg
from analysis.data import load, synthetic
from analysis.messages import t
from analysis.present import documents as D
from analysis.present import plan_documents as P
from analysis.present.numbers import fmt, indicator_decimals
from analysis.present.tables import Table
from analysis.present.words.labels import status_label

sys.path.insert(0, str(Path(__file__).parent))
import consistency  # noqa: E402

pytestmark = pytest.mark.cost(15)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Default data: the two documents and their twin CSVs, 05's and 06's CSVs and the results
    tables, all in one outputs folder."""
    from analysis.present.reports import evaluation as r05
    from analysis.present.reports import next_period as r06
    from analysis.results import tables as rtables

    out = tmp_path_factory.mktemp("docs_out")
    ds = load()
    try:
        paths.use_outputs(out)
        ev = P.evaluation(ds, 2020, 2025)
        nx = P.next_period(ds, 2025, 2030, 0.8)
        for doc in (ev, nx):
            doc.write(out / "documents")
            for name, frame in doc.data.items():
                from analysis.present import datatables

                datatables.write_table(frame, "07_documents", name, out)
        r = r05.open(outputs_dir=str(out), base_year=2020, target_year=2025)
        r05.by_area(r)
        n = r06.open(outputs_dir=str(out), base_year=2025, target_year=2030, p=0.8)
        r06.by_area(n)
        rtables.export(results.open(ds), out / "data" / "results")
    finally:
        paths.use_outputs(None)
    return ds, out, ev, nx


def _rows(table) -> list[list[str]]:
    """Cell texts; a body cell wrapped between words (line breaks) read as one line."""
    head, *body = table.rows
    return [[c.text for c in head.cells]] + [
        [c.text.replace("\n", "") for c in r.cells] for r in body
    ]


def _docx(path) -> Document:
    return Document(str(path))


def test_every_indicator_with_a_target_is_in_both_documents(built):
    ds, out, ev, nx = built
    want = list(tg.targets_in_force(ds, 2025).index)
    assert list(ev.data["evaluation_indicators"]["indicator"]) == want
    assert set(nx.data["next_indicators"]["indicator"]) == set(want)  # carried forward
    doc = _docx(out / "documents" / "final_evaluation_2025.docx")
    names = [r[1] for r in _rows(doc.tables[0])[1:]]
    assert names == [ds.label(i, "zh", unit=False) for i in want]


def test_evaluation_indicator_table_equals_report_05_row_by_row(built):
    ds, out, ev, nx = built
    doc = _docx(out / "documents" / "final_evaluation_2025.docx")
    rows = _rows(doc.tables[0])
    head = rows[0]
    assert head[:4] == ["序号", "指标", "单位", "属性"]
    assert {"2020年基期值", "2025年目标值", "2025年实际值", "完成情况"} <= set(
        h.replace("\n", "") for h in head
    )
    ids = list(ev.data["evaluation_indicators"]["indicator"])
    for row, ind in zip(rows[1:], ids, strict=True):
        f05 = pd.read_csv(
            out / "data" / "05_final_evaluation_2025" / f"counties_{ind}.csv",
            dtype={"region_code": str},
        )
        top = f05[f05["region_code"] == ds.top].iloc[0]
        d = indicator_decimals(ds, ind)
        assert row[2] == ds.indicator(ind)["unit_zh"]
        assert row[3] in ("预期性", "约束性")
        assert row[4:7] == [fmt(top["baseline"], d), fmt(top["target"], d), fmt(top["final"], d)]
        assert row[7] == status_label(top["status"], "zh")


def test_next_indicator_table_equals_report_06_row_by_row(built):
    ds, out, ev, nx = built
    doc = _docx(out / "documents" / "next_period_indicators_2030.docx")
    rows = _rows(doc.tables[0])
    assert rows[0][:3] == ["序号", "指标", "单位"]
    ids = list(nx.data["next_indicators"]["indicator"])
    for row, ind in zip(rows[1:], ids, strict=True):
        f06 = pd.read_csv(
            out / "data" / "06_next_period_targets_2030" / f"county_targets_{ind}.csv",
            dtype={"region_code": str},
        )
        top = f06[f06["region_code"] == ds.top].iloc[0]
        d = indicator_decimals(ds, ind)
        assert row[3:5] == [fmt(top["baseline"], d), fmt(top["target"], d)]
        assert row[5] in ("预期性", "约束性")
        basis = t(f"documents.next.basis.{top['basis']}", "zh", p="80%", units="县（市）")
        assert row[6].startswith(basis)
        assert "沿用2025年目标" in row[6]  # no 2030 target in the data: carried forward


def test_unit_tables_print_the_twin_csv_with_indicator_decimals(built):
    """Every number of the per-unit tables equals the twin CSV formatted with the
    indicator's decimals, row by row (the whole region last, as the total row)."""
    ds, out, ev, nx = built
    names = ds.names("zh")
    cases = [
        (
            "final_evaluation_2025",
            "evaluation_units_",
            ["baseline", "final", "target", "difference"],
        ),
        (
            "next_period_indicators_2030",
            "next_units_",
            ["baseline", "projected_p", "standard", "next_target"],
        ),
    ]
    for stem, prefix, cols in cases:
        doc = _docx(out / "documents" / f"{stem}.docx")
        body = [tb for tb in doc.tables[1:]]
        ids = list(dict.fromkeys(ds.targets["indicator"]))
        files = sorted((out / "data" / "07_documents").glob(f"{prefix}*.csv"))
        assert len(files) == len(body)
        for table in body:
            rows = _rows(table)
            region_names = [r[0] for r in rows[1:]]
            assert region_names[-1] == names[ds.top]  # the total row last
            match = None
            for f in files:
                csv = pd.read_csv(f, dtype={"region_code": str})
                csv = csv.set_index(csv["region_code"].map(names))
                if list(csv.index.sort_values()) == sorted(region_names):
                    ind = csv["indicator"].iloc[0]
                    d = indicator_decimals(ds, ind)
                    want = [[fmt(csv.loc[n, c], d) for c in cols] for n in region_names]
                    if [r[1 : 1 + len(cols)] for r in rows[1:]] == want:
                        match = f
            assert match is not None, rows[:3]
            files.remove(match)
        del ids


def test_twin_csvs_agree_with_every_other_published_table(built):
    ds, out, ev, nx = built
    facts = consistency.facts(out)
    assert (facts["file"].str.startswith("data/07_documents")).any()
    bad = consistency.conflicts(facts)
    assert bad.empty, bad.head(20).to_string()


def test_documents_have_seq_captions_page_numbers_and_headings(built):
    ds, out, ev, nx = built
    doc = _docx(out / "documents" / "final_evaluation_2025.docx")
    instr = [el.text for el in doc.element.body.iter(qn("w:instrText"))]
    assert sum("SEQ 表" in i for i in instr) == len(doc.tables)
    assert sum("SEQ 图" in i for i in instr) == len(doc.inline_shapes)
    footer = doc.sections[0].footer._element
    assert any("PAGE" in (el.text or "") for el in footer.iter(qn("w:instrText")))
    text = [p.text for p in doc.paragraphs]
    for k in range(1, 6):
        head = t(f"documents.eval.h{k}", "zh", units=ds.units_word("zh"))
        assert head in text
    assert "三、各县（市）完成情况" in text  # the data set's unit word
    # illustrative data: the indicator table's caption carries the mark
    assert any(p.startswith("表1") and "示意数据" in p for p in text)


def test_long_tables_continue_on_the_next_page_under_a_continued_caption(tmp_path):
    frame = pd.DataFrame(
        {"地区": [f"县{k}" for k in range(100)], "值": [float(k) for k in range(100)]}
    )
    tab = Table(frame, "表3 各县（市）数值", "资料来源：测试。")
    doc = Document(str(D.write_docx([D.TableItem(tab)], tmp_path / "long.docx")))
    n = D.rows_per_page(False)
    assert len(doc.tables) == -(-100 // n) >= 2
    caps = [p.text for p in doc.paragraphs if "各县（市）数值" in p.text]
    assert caps[0] == "表3 各县（市）数值"
    assert caps[1:] == ["续表3 各县（市）数值"] * (len(doc.tables) - 1)
    for tb in doc.tables:  # every part repeats its header row
        assert tb.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert tb.rows[0].cells[0].text == "地区"
    assert sum(len(tb.rows) - 1 for tb in doc.tables) == 100
    notes = [p.text for p in doc.paragraphs if p.text.startswith("资料来源")]
    assert notes == ["资料来源：测试。"]  # once, under the last part


def _pdf(docx: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    # a profile of its own: with the user's shared one, a soffice already running (another
    # test worker, another program) makes this conversion fail with exit status 1
    profile = f"-env:UserInstallation={(folder / 'soffice-profile').as_uri()}"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = folder / (docx.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    return pdf


def test_documents_open_in_libreoffice(built, tmp_path):
    ds, out, ev, nx = built
    for stem in ("final_evaluation_2025", "next_period_indicators_2030"):
        pdf = _pdf(out / "documents" / f"{stem}.docx", tmp_path)
        assert pdf.stat().st_size > 10_000


def test_synthetic_province_documents(tmp_path):
    """A province with prefectures: the unit word is the data set's, every indicator with a
    target is there, every number is the results model's."""
    root = synthetic.write_tree(tmp_path / "tree", levels=(3, 12), seed=4)
    ds = load(root)
    ev = P.evaluation(ds, 2020, 2025)
    nx = P.next_period(ds, 2025, 2030, 0.8)
    want = set(tg.targets_in_force(ds, 2025).index)
    assert set(ev.data["evaluation_indicators"]["indicator"]) == want
    assert set(nx.data["next_indicators"]["indicator"]) == want
    frame = results.open(ds).evaluation(2020, 2025)
    top = frame[frame["region_code"] == ds.top].set_index("indicator")
    doc = Document(__import__("io").BytesIO(ev.docx()))
    rows = _rows(doc.tables[0])
    units = ds.units_word("zh")
    assert f"三、各{units}完成情况" in [p.text for p in doc.paragraphs]
    for row in rows[1:]:
        ind = next(i for i in want if ds.label(i, "zh", unit=False) == row[1])
        d = indicator_decimals(ds, ind)
        assert row[6] == fmt(top.loc[ind, "final"], d)
    # the prefecture level: one table of the prefectures' results, then unit tables grouped
    # under their prefecture, each prefecture's row its results-model value (subtotal)
    prefs = [c for c in ds.regions.loc[ds.regions["level"] == "prefecture", "code"]]
    groups = ev.data["evaluation_groups"]
    assert set(groups["region_code"]) == {*prefs, ds.top}
    by = frame.set_index(["indicator", "region_code"])
    names = ds.names("zh")
    for ind in want:
        units = ev.data[f"evaluation_units_{ind}"]
        sub = units[units["row"] == "subtotal"]
        assert sorted(sub["region_code"]) == sorted(prefs)
        for code, final in zip(sub["region_code"], sub["final"], strict=True):
            assert final == by.loc[(ind, code), "final"]
        table = next(
            tb
            for tb in doc.tables[2:]
            if [r[0] for r in _rows(tb)[1:]][-1].startswith(names[ds.top])
            and len(tb.rows) == len(units) + 1
        )
        shown = [r[0] for r in _rows(table)[1:]]
        assert sum(n.endswith("（小计）") for n in shown) == len(prefs)
    _pdf_bytes = tmp_path / "province.docx"
    _pdf_bytes.write_bytes(nx.docx())
    _pdf(_pdf_bytes, tmp_path)
