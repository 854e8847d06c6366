"""Hostile names over every page: a data set whose region names, an indicator name and a
source title are HTML (``<script>``, ``<img onerror>``) and a Markdown ``javascript:`` link.
Every page shows them as text: the index, the explorer page and its embedded JSON, a county
profile page, a report page (tables through ``display.show``, paragraphs, findings and
captions through ``chapter``, rendered by the runner's nbconvert path) and an SVG figure."""

from __future__ import annotations

import json
import re
from html import unescape

import matplotlib
import pandas as pd
import pytest

from analysis.data import load
from analysis.data.synthetic import write_dataset

matplotlib.use("Agg")

pytestmark = pytest.mark.cost(15)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
SEP = "\u2028"  # a line separator ends a JavaScript string literal in old engines
HOSTILE = (SCRIPT, IMG)


def assert_inert(html: str, page: bool = True) -> None:
    """No hostile element or javascript: link survives; a page is not empty."""
    low = html.lower()
    assert "<script>alert" not in low
    assert "<img src=x" not in low
    assert 'href="javascript:' not in low
    if page:
        assert len(html) > 200
    else:  # Markdown: no link syntax left around the data
        assert "](javascript:" not in low


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A synthetic data set of 6 counties: county 1 named <script>, county 2 <img>, county 3
    a Markdown link; the first indicator and the synthetic source titled <script>."""
    root = write_dataset(tmp_path_factory.mktemp("hostile") / "data", n_units=6)
    regions = pd.read_csv(root / "regions.csv", dtype=str, keep_default_na=False)
    counties = regions.index[regions["level"] == "county"]
    for k, name in zip(counties[:3], (SCRIPT, IMG, LINK), strict=True):
        regions.loc[k, ["name_zh", "name_en"]] = [f"{name}县", f"{name} County"]
    regions.to_csv(root / "regions.csv", index=False)
    inds = pd.read_csv(root / "indicators.csv", dtype=str, keep_default_na=False)
    inds.loc[inds["id"] == "resident_committees", ["name_zh", "name_en"]] = [IMG, IMG]
    inds.to_csv(root / "indicators.csv", index=False)
    sources = pd.read_csv(root / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["id"] == "synthetic", "title"] = SCRIPT
    sources.to_csv(root / "sources.csv", index=False)
    ds = load(root)
    codes = ds.unit_codes[:3]
    assert [ds.name(c) for c in codes] == [f"{SCRIPT}县", f"{IMG}县", f"{LINK}县"]
    return ds


def test_explorer_page_and_its_json(hostile, tmp_path):
    from analysis.present.explore import explore_data
    from analysis.present.explore.page import build_page, page_html

    page = build_page(hostile, tmp_path / "html").read_text(encoding="utf-8")
    assert_inert(page)
    data = explore_data(hostile)
    data["regions"][-1]["name"]["zh"] += SEP + "&"  # a line separator: not in a figure font
    for html in (page, page_html(data, "assets/plotly.js")):
        blob = re.search(r'<script id="explore-data" type="application/json">(.*?)</script>', html)
        assert blob is not None
        text = blob.group(1)
        assert not set(text) & {"<", ">", "&", SEP}
        back = json.loads(text)  # what JSON.parse gives the page: the names as they are
        names = {r["name"]["zh"] for r in back["regions"]}
        assert {f"{SCRIPT}县", f"{IMG}县"} <= names
    assert data["regions"][-1]["name"]["zh"] in names


def test_index_page(hostile):
    from analysis.runner.site import illustrative_notice, index_html

    rows = [
        {
            "name": "r1",
            "title": hostile.name(hostile.unit_codes[0]),
            "status": "failed",
            "duration": 1.0,
            "parameters": {"region_code": SCRIPT},
            "views": ("report", "full"),
            "error": {"ename": "E", "evalue": IMG, "source_line": SCRIPT},
        }
    ]
    assert_inert(index_html(rows, title=SCRIPT, notice=illustrative_notice([SCRIPT, IMG])))


def test_profile_page(hostile):
    from analysis.analyses import profile as P
    from analysis.present import profile_page as PP
    from analysis.runner.config import Link, Nav
    from analysis.runner.pages import nav_bar, toc

    ctx = PP.context(P.compute(hostile), "zh")
    for code in hostile.unit_codes[:3]:
        title = hostile.name(code)
        body = PP.html(PP.build(ctx, code), "zh", title=title)
        nav = Nav(prev=Link(f"{code}.html", title), next=Link("x.html", IMG))
        page = body.replace("<body>\n", "<body>\n" + nav_bar(nav) + toc(body), 1)
        assert_inert(page)
        assert "&lt;" in page  # the name is there, as text


def _outputs(objs) -> list:
    """Notebook display outputs of what a report displays (Markdown, tables)."""
    import nbformat

    outs = []
    for obj in objs:
        if hasattr(obj, "_repr_markdown_"):
            data = {"text/markdown": obj._repr_markdown_()}
        elif hasattr(obj, "_repr_html_") and obj._repr_html_() is not None:
            data = {"text/html": obj._repr_html_()}
        else:  # a figure: a PNG
            continue
        outs.append(nbformat.v4.new_output("display_data", data=data, metadata={}))
    return outs


def test_report_page_tables_paragraphs_and_profile_notebook(hostile, monkeypatch):
    """What a report notebook displays, rendered by the runner into its two HTML views."""
    import IPython.display
    import nbformat

    from analysis.analyses import profile as P
    from analysis.present import chapter, display, findings
    from analysis.present import profile_page as PP
    from analysis.runner.render import render

    shown: list = []
    monkeypatch.setattr(chapter, "_show", shown.append)
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    codes = hostile.unit_codes
    frame = pd.DataFrame(
        {
            "region_code": codes,
            "resident_committees": range(len(codes)),
            "note": [SCRIPT] * len(codes),
        }
    )
    name = hostile.name(codes[0])
    chapter.table(frame, hostile, "zh", caption=f"{name} {IMG}", note=f"{SCRIPT} {LINK}")
    chapter.paragraph(f"{name}: {IMG}", "$x_1 < 2$")
    chapter.findings({"status": [name], "gaps": [IMG, LINK]}, "zh")
    chapter.methods(SCRIPT, "zh")
    shown.append(display.show(frame, hostile, "en"))  # 04_plan_figures' preview
    shown.append(display.caption(IMG))
    shown.append(findings.show(findings.Findings(problems=[SCRIPT])))
    PP.show(PP.build(PP.context(P.compute(hostile), "zh"), codes[1]), "zh")
    outputs = _outputs(shown)
    assert len(outputs) >= 10
    for out in outputs:  # the stored outputs themselves (what JupyterLab renders)
        (mime, text), *_ = out["data"].items()
        assert_inert(text, page=mime != "text/markdown")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = outputs
    nb.cells = [cell]
    for view in ("report", "full"):
        page = render(nb, view, title=name).decode("utf-8")
        assert_inert(page)
        assert "<math" in page  # formulas are kept as formulas
        seen = unescape(re.sub(r"<[^>]+>", "", page))
        assert SCRIPT in seen and IMG in seen  # shown as text


def test_svg_figures_escape_their_text(hostile):
    from analysis.present import figures, style

    values = pd.Series([3.0, 2.0, 1.0], index=[hostile.name(c) for c in hostile.unit_codes[:3]])
    fig = figures.ranked_bar(values, title=SCRIPT, xlabel=IMG, standard=2.0, standard_label=LINK)
    svg = style.to_bytes(fig, "svg").decode("utf-8")
    assert_inert(svg)
    assert "&lt;script&gt;" in svg  # matplotlib writes the text escaped (comments, titles)
