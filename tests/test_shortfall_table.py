"""The Word shortfall table of the plan figures (plan_figures.docx) on a synthetic province:
rows most severe first (largest gap as % of the target), region code and prefecture columns,
a total row equal to the sum of the costs, no benchmark target, and the long table split into
continued parts with the caption repeated (续表)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import gaps
from analysis.data import load, synthetic
from analysis.messages import t
from analysis.present import documents, plan_figures


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = synthetic.write_tree(tmp_path_factory.mktemp("short") / "data", levels=(5, 60))
    return load(root)


@pytest.fixture(scope="module")
def item(province):
    c = plan_figures._Ctx(province, "zh", plan_figures.default_year(province), None)
    return plan_figures._table_shortfall(c)


def test_rows_by_severity_with_code_prefecture_and_total(province, item):
    ds = province
    f = item.table.frame
    body, total = f.iloc[:-1], f.iloc[-1]
    code, pref, unit, ind = f.columns[:4]
    assert (code, pref, unit) == ("区划代码", "市（州）", ds.units_word("zh"))
    # most severe first: the relative gap never increases down the table
    pct = body[t("plan.gap_pct_short", "zh")].astype(float).to_numpy()
    assert len(body) > 30 and (np.diff(pct) <= 1e-9).all()
    # every row's prefecture is its county's parent
    parent = dict(zip(ds.regions["code"], ds.regions["parent_code"], strict=True))
    names = ds.names("zh")
    assert [names[parent[c]] for c in body[code]] == body[pref].tolist()
    assert [names[c] for c in body[code]] == body[unit].tolist()
    # the total row: the sum of the costs, no sum across indicators of different units
    cost = f.columns[-1]
    assert total[code] == t("plan.total", "zh")
    assert float(total[cost]) == pytest.approx(body[cost].astype(float).sum())
    assert pd.isna(total["现状值"]) and pd.isna(total["缺口数量"])
    # the same rows as the analysis (a benchmark never drives a shortfall)
    short = gaps.shortfall_table(ds, plan_figures.default_year(ds))
    assert len(body) == len(short)
    bench = set(ds.targets.loc[ds.targets["attribute"] == "benchmark", "indicator"])
    assert bench and not {ds.label(i, "zh") for i in bench} & set(body[ind])


def test_default_data_has_no_prefecture_column(ds):
    c = plan_figures._Ctx(ds, "zh", plan_figures.default_year(ds), None)
    f = plan_figures._table_shortfall(c).table.frame
    assert f.columns[0] == "区划代码" and "市（州）" not in f.columns
    assert plan_figures.intermediate(ds) == {}


def test_long_table_is_split_with_continued_captions(item):
    from docx import Document

    doc = Document(io.BytesIO(documents.docx_bytes([documents.TableItem(item.table)])))
    caps = [p.text for p in doc.paragraphs if item.table.caption.split(" ", 1)[-1] in p.text]
    parts = documents.table_parts(item.table, documents.needs_landscape(item.table))
    assert len(parts) > 1 and len(caps) == len(parts)
    assert all("续表" in c for c in caps[1:])
    assert sum(len(tb.rows) - 1 for tb in doc.tables) == len(item.table.frame)
