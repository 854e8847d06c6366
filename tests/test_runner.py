"""Tests of the report runner (analysis.runner) with tiny notebooks in temporary projects.

Truth is independent of the runner: files are read back and parsed, hashes recomputed
with hashlib, names and statuses checked against what each tiny notebook must produce.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from html_checks import (
    cjk_not_covered,
    embedded_font,
    external_resources,
    tex_left,
    truncated_tables,
)
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.runner import Options, add_parser
from analysis.runner import cache as C
from analysis.runner import config as K
from analysis.runner import render as R
from analysis.runner import site as S

# 1x1 PNG, so the tiny notebooks have an image to embed without importing matplotlib
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="  # noqa: E501
REGIONS = """code,name_zh,name_en,level,parent_code,group
520000,省,Province,province,,
522700,州,Prefecture,prefecture,520000,
522701,甲<script>alert(1)</script>,A,county,522700,city
522702,乙,B,county,522700,county
522703,丙,C,county,522700,county
"""
OBS = """region_code,year,indicator,value,source,note
522700,2020,x,60,s,
522701,2020,x,10,s,
522702,2020,x,20,s,
522703,2020,x,30,s,
"""
OVERVIEW_MD = (
    "# 总览 Overview\n\n## 均值 Mean\n\n均值$\\bar x = \\frac{1}{n}\\sum_i x_i$, 区间\n\n"
    "$$\\hat z(t_0) \\pm t_{n-2,1-\\alpha/2}\\, s$$\n\n变量 `$HOME` 不是公式."
)
READ_REGION = """\
import csv, os
from pathlib import Path
from IPython.display import Image, display
root = Path(data_dir)
code = region_code or "522700"
rows = list(csv.DictReader((root / "observations" / "obs.csv").open(encoding="utf-8")))
regions = csv.DictReader((root / "regions.csv").open(encoding="utf-8"))
names = {r["code"]: r["name_zh"] for r in regions}
total = sum(float(r["value"]) for r in rows if r["region_code"] == code) * scale
print(names[code], total)
"""


RUN_PARAMS = 'data_dir = ""\ntop = ""\nlevel = ""\n'  # the runner's parameters (config.py)


def make_notebook(path: Path, params: str, body: list[str], md: str = "# 报告 Report") -> Path:
    """A notebook whose parameters cell declares the runner's parameters, then ``params``."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(RUN_PARAMS + params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(md), cell] + [
        nbformat.v4.new_code_cell(b) for b in body
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i}"
    nbformat.write(nb, path)
    return path


def make_project(tmp: Path, *, failing: bool = False, extra_toml: str = "") -> dict[str, Path]:
    """A tiny project: data (3 counties), notebooks, reports.toml, empty outputs."""
    data = tmp / "data"
    (data / "observations").mkdir(parents=True)
    (data / "regions.csv").write_text(REGIONS, encoding="utf-8")
    (data / "observations" / "obs.csv").write_text(OBS, encoding="utf-8")
    nbs = tmp / "notebooks"
    nbs.mkdir()
    show_png = f'display(Image(data=__import__("base64").b64decode("{PNG_B64}")))'
    # a wide frame: its text form depends on pandas' import-time display settings, which
    # must be the same in warm (forked) and cold kernels
    wide = 'import pandas as pd\npd.DataFrame({f"column_{i}": [i * 1.5] for i in range(30)})'
    # a long frame: pandas cuts it to 10 rows past display.max_rows (60) unless the runner's
    # kernel setup lifts the limit
    long = 'pd.DataFrame({"row": range(1, 71), "name": [f"n{i}" for i in range(1, 71)]})'
    make_notebook(
        nbs / "overview.ipynb",
        'region_code = ""\nscale = 1.0',
        [READ_REGION, show_png, wide, long, "total"],
        md=OVERVIEW_MD,
    )
    make_notebook(
        nbs / "profile.ipynb",
        'region_code = "522701"\nscale = 1.0',
        [READ_REGION, "Path.cwd().name", "total * 2"],
        md="# 县域画像 Profile",
    )
    toml = textwrap.dedent("""\
        [[report]]
        name = "overview"
        notebook = "notebooks/overview.ipynb"
        title = "总览 Overview"

        [[report]]
        name = "profile"
        notebook = "notebooks/profile.ipynb"
        title = "画像 {region_name} <b>Profile</b>"
        expand = { region_code = "@counties" }
        reads = "region"
        """)
    if failing:
        make_notebook(nbs / "broken.ipynb", "divisor = 0", ["x = 1", "z = 2\ny = x / divisor", "y"])
        toml += textwrap.dedent("""
            [[report]]
            name = "broken"
            notebook = "notebooks/broken.ipynb"
            """)
    cfg = tmp / "reports.toml"
    cfg.write_text(toml + extra_toml, encoding="utf-8")
    return {"data": data, "config": cfg, "outputs": tmp / "outputs", "notebooks": nbs}


def opts(p: dict[str, Path], **kw) -> Options:
    """Runner options for a tiny test project; the explorer page is tested on its own
    (tests/test_explore_page.py), so runs here skip it unless asked."""
    kw.setdefault("explore", False)
    return Options(
        config=p["config"], data_dir=p["data"], outputs=p["outputs"], progress=False, **kw
    )


def read_html(outputs: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8") for p in sorted((outputs / "html").glob("*.html"))
    }


# ---------------------------------------------------------------------------------------
# configuration: parsing, expansion, validation (no kernel)


def test_notebook_params_reads_literals_and_types(tmp_path):
    nb = make_notebook(
        tmp_path / "n.ipynb", 'a = "x"\nb = 2\nc = 2.5\nd = True\ne = None\nf: int = 3\ng = [1]', []
    )
    got = {k: (p.default, p.type_name) for k, p in K.notebook_params(nb).items()}
    assert got == {
        **{k: ("", "str") for k in ("data_dir", "top", "level")},
        "a": ("x", "str"),
        "b": (2, "int"),
        "c": (2.5, "float"),
        "d": (True, "bool"),
        "e": (None, "NoneType"),
        "f": (3, "int"),
        "g": ([1], "list"),
    }


def test_annotation_widens_parameter_types(tmp_path):
    make_notebook(tmp_path / "n.ipynb", 'weighting: str | dict = "equal"\nn = 1', [])
    regions = K.region_tree(make_project(tmp_path / "p")["data"])
    declared = K.notebook_params(tmp_path / "n.ipynb")
    assert declared["weighting"].allowed == ("dict", "str")
    K._check_params("r", tmp_path / "n.ipynb", {"weighting": {"a": 1.0}}, declared, regions)
    with pytest.raises(UserError, match="must be of type dict | str"):
        K._check_params("r", tmp_path / "n.ipynb", {"weighting": 3}, declared, regions)
    with pytest.raises(UserError, match="must be of type int"):  # bool is not an int here
        K._check_params("r", tmp_path / "n.ipynb", {"n": True}, declared, regions)


def test_config_expands_over_counties_sorted(tmp_path):
    p = make_project(tmp_path)
    tasks = K.load_config(p["config"], p["data"])
    # regions.csv has 3 counties (522701..522703) under 522700: 1 overview + 3 profiles
    assert [t.name for t in tasks] == [
        "overview",
        "profile_522701",
        "profile_522702",
        "profile_522703",
    ]
    prof = tasks[2]
    assert prof.parameters == {"region_code": "522702"}
    assert (prof.reads, prof.region, prof.report) == ("region", "522702", "profile")
    assert prof.title == "画像 乙 <b>Profile</b>"
    assert [t.name for t in K.select(tasks, ["profile"])] == [
        "profile_522701",
        "profile_522702",
        "profile_522703",
    ]
    assert [t.name for t in K.select(tasks, ["overview", "profile_522703"])] == [
        "overview",
        "profile_522703",
    ]
    with pytest.raises(UserError, match="nosuch"):
        K.select(tasks, ["nosuch"])


@pytest.mark.parametrize(
    ("extra", "zh", "en"),
    [
        (
            'parameters = { regoin_code = "522701" }',
            "没有参数 regoin_code",
            "Valid parameters: region_code, scale",
        ),
        ('parameters = { scale = "big" }', "参数 scale 应为 float", "must be of type float"),
        (
            'parameters = { region_code = "999999" }',
            "未知的地区代码",
            "Unknown region code: 999999",
        ),
        ('expand = { region_code = "@provinces" }', "未知的展开标记", "@counties, @regions"),
        ('colour = "red"', "未知的报告配置项", "Valid report keys"),
        ('output = "x_{region_code.__class__}"', "output 模板字段", "not a parameter name"),
        ('output = "../../etc/passwd"', "输出名", "not safe"),
        ('reads = "some"', "未知的数据依赖规则", "all, region, [globs]"),
    ],
)
def test_config_errors_are_bilingual_and_name_the_problem(tmp_path, extra, zh, en):
    p = make_project(
        tmp_path,
        extra_toml=f'\n[[report]]\nname = "extra"\nnotebook = "notebooks/profile.ipynb"\n{extra}\n',
    )
    with pytest.raises(UserError) as err:
        K.load_config(p["config"], p["data"])
    assert zh in err.value.zh and en in err.value.en
    assert err.value.message().index(err.value.zh) == 0  # Chinese first


def test_duplicate_output_names_are_rejected(tmp_path):
    p = make_project(
        tmp_path,
        extra_toml='\n[[report]]\nname = "again"\nnotebook = "notebooks/profile.ipynb"\n'
        'output = "overview"\n',
    )
    with pytest.raises(UserError, match="duplicate output names: overview"):
        K.load_config(p["config"], p["data"])


def test_output_names_from_parameter_values_cannot_escape():
    assert K.output_name("r_{p}", {"p": "../../x"}, "r") == "r_x"
    assert K.output_name("r_{p}", {"p": "a/b\\c d"}, "r") == "r_a_b_c_d"
    assert K.output_name("r_{p}", {"p": 2025}, "r") == "r_2025"


@given(st.text(max_size=40))
def test_output_name_is_always_a_plain_file_name(value):
    name = K.output_name("r_{p}", {"p": value}, "r")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name)
    assert "/" not in name and ".." not in name and name.startswith("r_")


# ---------------------------------------------------------------------------------------
# hashing: which data a report reads


def _keys(p):
    tasks = K.load_config(p["config"], p["data"])
    h = C.DataHasher(p["data"], K.region_tree(p["data"]))
    return {t.name: C.task_key(t, h.inputs(t), "nb") for t in tasks}, h, tasks


def test_whole_file_hash_is_sha256_of_bytes(tmp_path):
    p = make_project(tmp_path)
    _, h, tasks = _keys(p)
    obs = p["data"] / "observations" / "obs.csv"
    inputs = h.inputs(tasks[0])  # overview reads everything
    assert inputs == {
        "observations/obs.csv": hashlib.sha256(obs.read_bytes()).hexdigest(),
        "regions.csv": hashlib.sha256((p["data"] / "regions.csv").read_bytes()).hexdigest(),
    }
    # a region report reads regions.csv whole and only its rows (+ ancestors 522700, 520000)
    assert set(h.inputs(tasks[1])) == {"regions.csv", "observations/obs.csv#rows=522701+522700"}


def test_changing_one_countys_rows_changes_only_its_reports(tmp_path):
    p = make_project(tmp_path)
    before, _, _ = _keys(p)
    obs = p["data"] / "observations" / "obs.csv"
    obs.write_text(OBS.replace("522702,2020,x,20", "522702,2020,x,21"), encoding="utf-8")
    after, _, _ = _keys(p)
    changed = sorted(n for n in before if before[n] != after[n])
    assert changed == ["overview", "profile_522702"]
    # a new per-county file: same rule
    (p["data"] / "observations" / "522703_2021.csv").write_text(
        "region_code,year,indicator,value,source,note\n522703,2021,x,31,s,\n", encoding="utf-8"
    )
    again, _, _ = _keys(p)
    assert sorted(n for n in after if after[n] != again[n]) == ["overview", "profile_522703"]
    # the prefecture's rows are read by every report
    obs.write_text(
        obs.read_text(encoding="utf-8").replace("522700,2020,x,60", "522700,2020,x,61"),
        encoding="utf-8",
    )
    last, _, _ = _keys(p)
    assert all(last[n] != again[n] for n in last)


def test_reads_globs_select_whole_files(tmp_path):
    p = make_project(
        tmp_path,
        extra_toml='\n[[report]]\nname = "tables"\nnotebook = "notebooks/overview.ipynb"\n'
        'reads = ["*.csv"]\n',
    )
    before, h, tasks = _keys(p)
    assert list(h.inputs([t for t in tasks if t.name == "tables"][0])) == ["regions.csv"]
    (p["data"] / "observations" / "obs.csv").write_text(
        OBS + "522701,2021,x,11,s,\n", encoding="utf-8"
    )
    after, _, _ = _keys(p)
    assert after["tables"] == before["tables"] and after["overview"] != before["overview"]


def test_reordering_rows_of_other_counties_keeps_key(tmp_path):
    p = make_project(tmp_path)
    before, _, _ = _keys(p)
    lines = OBS.splitlines()
    (p["data"] / "observations" / "obs.csv").write_text(
        "\n".join([lines[0], lines[1], lines[2], lines[4], lines[3]]) + "\n", encoding="utf-8"
    )
    after, _, _ = _keys(p)
    assert after["profile_522701"] == before["profile_522701"]
    assert after["overview"] != before["overview"]  # whole-file rule: any byte counts


# ---------------------------------------------------------------------------------------
# HTML: offline, escaped


def test_external_resource_detector_catches_cdn_links():
    bad = (
        '<script src="https://cdnjs.cloudflare.com/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css">'
        '<style>@import url("https://fonts.example/f.css");</style>'
        '<script type="module">import m from "https://cdn.example/m.mjs";</script>'
        '<img src="http://example.org/a.png">'
        "<style>p{background:url(https://example.org/b.png)}</style>"
    )
    assert len(external_resources(bad)) == 6
    assert external_resources('<img src="data:image/png;base64,AA"><a href="#x">x</a>') == []
    assert external_resources('<math xmlns="http://www.w3.org/1998/Math/MathML"></math>') == []


def _nb(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(c[3:])
        if c.startswith("md:")
        else nbformat.v4.new_code_cell(c)
        for c in cells
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def test_render_is_offline_and_report_view_hides_code():
    nb = _nb("md:# 标题 Title", "secret_code_line = 1")
    report, full = R.render(nb, "report").decode(), R.render(nb, "full").decode()
    assert "secret_code_line" not in report and "secret_code_line" in full
    assert external_resources(report) == [] and external_resources(full) == []
    assert "cdnjs" not in full and "mathjax" not in full.lower()
    assert '<html lang="zh-CN">' in report


def test_formulas_become_mathml_and_no_tex_is_left():
    nb = _nb(
        "md:# 公式 $x^2$\n\n均值$\\bar x$与 $$\\sum_{i=1}^n x_i$$ 和 `$HOME` 以及 5$ 10$",
        "1",
    )
    # a markdown output of a code cell carries a formula too
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "结果 $\\alpha=0.05$"})
    ]
    page = R.render(nb, "report").decode()
    assert page.count("<math") == 4  # heading, inline, display, markdown output
    assert 'display="block"' in page and "<msup>" in page and "<mi>&#x003B1;</mi>" in page
    assert tex_left(page) == []
    assert "<code>$HOME</code>" in page  # code is not a formula
    # the check itself sees TeX when it is there
    assert tex_left("<p>均值 $\\bar x$ 与 $$a+b$$</p>") == ["$\\bar x$", "$$a+b$$"]


def test_page_embeds_exactly_its_own_cjk_glyphs():
    from analysis.runner.fonts import covered
    from analysis.runner.pages import page_chars

    nb = _nb("md:# 县域发展差距 County gaps\n\n都匀市、福泉市。", "print('瓮安县 Weng\\'an')")
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="瓮安县\n")]
    page = R.render(nb, "report").decode()
    assert cjk_not_covered(page) == set()
    font = embedded_font(page)
    assert font is not None and font[:4] == b"wOF2"
    glyphs = covered(font)
    assert {ord(c) for c in "县域发展差距都匀福泉瓮安市、。"} <= glyphs
    assert glyphs <= {ord(c) for c in page_chars(page)}  # nothing the page does not use
    assert ord("龙") not in glyphs
    # same page, same bytes
    assert R.render(nb, "report").decode() == page
    # the check sees a character the font lacks
    assert cjk_not_covered(page.replace("都匀市", "都匀市龙")) == {"龙"}


def test_page_has_navigation_toc_and_full_resolution_figures():
    from analysis.runner.config import Link, Nav

    png = PNG_B64
    nb = _nb("md:# 一 One\n\n## 二 Two\n\n### 三 Three", "1")
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": png, "text/plain": "<Figure>"},
            metadata={"image/png": {"width": 641}},
        )
    ]
    nav = Nav(prev=Link("a.html", "甲 <A>"), next=None)
    page = R.render(nb, "report", title="T", nav=nav).decode()
    assert 'href="index.html"' in page and 'href="a.html"' in page and "甲 &lt;A&gt;" in page
    assert 'class="next"' not in page
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert [m for m in re.findall(r">([^<>]+)</a></li>", toc)] == ["一 One", "二 Two", "三 Three"]
    img = re.search(r"<img [^>]*>", page).group(0)
    # print width kept (CSS fits it to the column), the PNG's own pixels on a click
    assert 'width="641"' in img and "height=" not in img and "data:image/png" in img
    # shown as wide as the column, up to the PNG's own pixels (641 px x 200 / 96 dpi)
    assert 'style="width:100%;max-width:1335px"' in img and img.count("width=") == 1
    assert "zoomed" in page


def test_truncated_table_check_sees_pandas_cuts():
    import pandas as pd

    frame = pd.DataFrame({"n": range(70)})
    assert truncated_tables(frame.to_html(max_rows=60, show_dimensions="truncate"))
    assert truncated_tables(frame.to_html(max_rows=None)) == []


def test_index_escapes_every_string():
    rows = [
        {
            "name": "a",
            "title": "<script>alert(1)</script>",
            "status": "failed",
            "duration": 1.25,
            "parameters": {"region_code": "<img src=x onerror=alert(1)>"},
            "views": ["failed"],
            "error": {
                "cell_index": 2,
                "exec_count": 1,
                "ename": "E",
                "evalue": "<b>bad</b>",
                "source_line": "x",
            },
        }
    ]
    html = S.index_html(rows)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b>bad</b>" not in html
    assert "1.2 s" in html or "1.3 s" in html
    assert external_resources(html) == []
    assert "失败 / failed" in html and 'href="a.failed.html"' in html


# ---------------------------------------------------------------------------------------
# CLI: validation errors exit 2 before any kernel starts


def test_cli_bad_parameter_exits_2_and_touches_nothing(tmp_path, capsys):
    from analysis.runner.__main__ import main

    p = make_project(
        tmp_path,
        extra_toml='\n[[report]]\nname = "x"\nnotebook = "notebooks/profile.ipynb"\n'
        'parameters = { region_code = "522799" }\n',
    )
    code = main(
        [
            "run",
            "--config",
            str(p["config"]),
            "--data-dir",
            str(p["data"]),
            "--outputs-dir",
            str(p["outputs"]),
            "--no-progress",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("报告 x: 未知的地区代码: 522799") and "522701 甲" in err
    assert not (p["outputs"] / "notebooks").exists() and not (p["outputs"] / "html").exists()


def test_add_parser_sets_a_callable():
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(
        ["run", "--only", "a", "b", "--jobs", "3", "--executor", "dask", "--force"]
    )
    assert args.only == ["a", "b"] and args.jobs == 3 and args.executor == "dask" and args.force
    assert callable(args.func)
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "--executor", "spark"])


def test_failing_line_is_taken_from_the_cell_frame():
    from analysis.runner.execute import failing_line

    tb = [
        "\x1b[0;31m-----\x1b[0m\n\x1b[0;31mZeroDivisionError\x1b[0m "
        "Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 2\x1b[0m\n\x1b[1;32m      1\x1b[0m z "
        "\x1b[38;5;241m=\x1b[39m 2\n"
        "\x1b[0;32m----> 2\x1b[0m y \x1b[38;5;241m=\x1b[39m x \x1b[38;5;241m/\x1b[39m divisor",
        "File \x1b[0;32m/lib/x.py:9\x1b[0m\n\x1b[0;32m----> 9\x1b[0m inner()",
    ]
    assert failing_line(tb) == "y = x / divisor"
    assert failing_line([]) == ""


def test_failure_summary_quotes_the_raising_line_never_the_cells_first_line():
    from papermill.exceptions import PapermillExecutionError

    from analysis.runner.execute import error_info

    source = "%matplotlib inline\nimport x\nds = load()\nfrom_lib(ds)"
    # a library frame after the cell's frame, and two cell frames (the last one counts)
    tb = [
        "Cell In[2], line 3\n      1 ...\n----> 3 ds = load()\n",
        "Cell In[2], line 4\n----> 4 from_lib(ds)\n",
        "File /lib/present/display.py:101, in from_lib(ds)\n--> 101     ds.missing\n",
        "AttributeError: 'NoneType' object has no attribute 'missing'",
    ]
    exc = PapermillExecutionError(2, 2, source, "AttributeError", "no attribute", tb)
    assert error_info(exc)["source_line"] == "from_lib(ds)"
    # a UserError renders its message only (no frame): no line is quoted, not a guess
    exc = PapermillExecutionError(2, 2, source, "UserError", "bad", ["bad"])
    assert error_info(exc)["source_line"] == ""


def test_index_warns_about_illustrative_data_and_escapes_it():
    assert S.illustrative_notice([]) == ""
    html = S.index_html([], notice=S.illustrative_notice(["示意数据 <b>panel</b>"]))
    assert "示意数据" in html and "illustrative" in html
    assert "<b>panel</b>" not in html and "&lt;b&gt;panel&lt;/b&gt;" in html


def test_index_embeds_its_font_and_is_offline():
    rows = [
        {"name": "p", "title": "县(市)概况 都匀市 Duyun County profile", "status": "built"},
        {"name": "q", "title": "x", "status": "not_built"},
    ]
    html = S.index_html(rows)
    assert '<html lang="zh-CN">' in html and "未生成 / not built" in html
    assert cjk_not_covered(html) == set() and external_resources(html) == []


# ---------------------------------------------------------------------------------------
# configuration in steps: TOML -> specs (no data needed) -> tasks (expanded)


def test_parse_config_gives_specs_without_data_and_expand_gives_tasks(tmp_path):
    p = make_project(tmp_path)
    specs = K.parse_config(p["config"])
    assert [(s.name, s.expand, s.reads) for s in specs] == [
        ("overview", {}, "all"),
        ("profile", {"region_code": "@counties"}, "region"),
    ]
    assert specs[1].output == "profile_{region_code}"
    regions = K.region_tree(p["data"])
    tasks = K.expand(specs[1], regions)
    assert [t.parameters for t in tasks] == [{"region_code": c} for c in regions.unit_codes]
    # titles may name the region in both languages
    spec = K.ReportSpec(**{**specs[1].__dict__, "title": "{region_name} {region_name_en} P"})
    assert [t.title for t in K.expand(spec, regions)][1:] == ["乙 B P", "丙 C P"]


def test_tasks_link_to_their_neighbours_in_index_order(tmp_path):
    tasks = K.load_config(make_project(tmp_path)["config"], make_project(tmp_path / "b")["data"])
    assert tasks[0].nav.prev is None and tasks[-1].nav.next is None
    assert tasks[1].nav.prev.href == "overview.html"
    assert tasks[1].nav.next.href == "profile_522702.html"
    assert tasks[1].nav.next.title == tasks[2].title


@pytest.mark.parametrize(
    "reads",
    ['["/etc/*"]', '[""]', '["  "]', '["../secret/*.csv"]', '["a/../../b"]', '["C:\\\\x\\\\*"]'],
)
def test_bad_reads_patterns_are_config_errors(tmp_path, reads):
    p = make_project(
        tmp_path,
        extra_toml=f'\n[[report]]\nname = "x"\nnotebook = "notebooks/overview.ipynb"\n'
        f"reads = {reads}\n",
    )
    with pytest.raises(UserError) as err:
        K.parse_config(p["config"])
    assert "reads 模式" in err.value.zh and "reads pattern" in err.value.en
    assert "report x" in err.value.en


# ---------------------------------------------------------------------------------------
# runner faults: one bilingual message, exit 2 (configuration) or 1 (run), no traceback,
# nothing written (no outputs folder, no lock file) by a configuration error or --dry-run


def _main(p, *extra: str) -> int:
    from analysis.runner.__main__ import main

    return main(
        [
            "run",
            "--config",
            str(p["config"]),
            "--data-dir",
            str(p["data"]),
            "--outputs-dir",
            str(p["outputs"]),
            "--no-progress",
            *extra,
        ]
    )


@pytest.mark.parametrize(
    ("toml", "zh", "en"),
    [
        ('reads = ["/etc/*"]', "reads 模式 '/etc/*' 无效", "reads pattern '/etc/*' is not valid"),
        ('reads = [""]', "reads 模式 '' 无效", "reads pattern '' is not valid"),
        ('products = ["../x"]', "必须在 outputs/ 内", "must stay inside outputs/"),
        ("parameters = 3", "parameters/expand 必须是表", "must be tables"),
        ('title = ["a"]', "title 必须是字符串", "title must be a string"),
        ('notebook = "notebooks/none.ipynb"', "找不到笔记本", "notebook not found"),
    ],
)
def test_config_errors_exit_2_with_one_message_and_write_nothing(tmp_path, capsys, toml, zh, en):
    name = "" if "notebook =" in toml else 'notebook = "notebooks/overview.ipynb"\n'
    p = make_project(tmp_path, extra_toml=f'\n[[report]]\nname = "x"\n{name}{toml}\n')
    assert _main(p) == 2
    err = capsys.readouterr().err
    assert zh in err and en in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 2  # the Chinese line, then the English line
    assert not p["outputs"].exists()  # no outputs folder, so no lock file either


def test_not_toml_and_missing_config_exit_2(tmp_path, capsys):
    p = make_project(tmp_path)
    p["config"].write_text("[[report]\nname = ", encoding="utf-8")
    assert _main(p) == 2
    assert "is not valid TOML" in capsys.readouterr().err
    p["config"].unlink()
    assert _main(p) == 2
    assert "report configuration not found" in capsys.readouterr().err
    assert not p["outputs"].exists()


def test_dry_run_writes_nothing(tmp_path, capsys):
    p = make_project(tmp_path)
    assert _main(p, "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("将运行 4 个, 无变化 0 个 / would run 4, up to date 0")
    assert "  run  profile_522703" in out
    assert not p["outputs"].exists()
    # an existing outputs folder gets no lock file and no state either
    p["outputs"].mkdir()
    assert _main(p, "--dry-run") == 0
    assert list(p["outputs"].iterdir()) == []


def test_unwritable_outputs_exit_1_with_one_message(tmp_path, capsys):
    p = make_project(tmp_path)
    p["outputs"].write_text("a file where the outputs folder should be", encoding="utf-8")
    assert _main(p) == 1
    err = capsys.readouterr().err
    assert "无法写入输出目录" in err and "cannot write to the outputs directory" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 2
    assert p["outputs"].read_text(encoding="utf-8").startswith("a file")


def test_full_disk_while_storing_a_result_exits_1_with_one_message(tmp_path, capsys, monkeypatch):
    import errno

    from analysis.runner import build as B
    from analysis.runner.execute import Result

    p = make_project(tmp_path)

    def fake_reports(ex, tasks, run_params, on_done):  # no kernel: results at once
        for t in tasks:
            on_done(t, Result(t.name, True, 0.1, b"{}", {"report": b"r", "full": b"f"}))

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(B, "run_reports", fake_reports)
    monkeypatch.setattr(B, "write_bytes", full)
    assert _main(p) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 2
    assert not list((p["outputs"] / ".runner").glob("records/*.json"))  # nothing recorded


def test_a_second_runner_is_refused_with_one_message(tmp_path, capsys):
    import fcntl

    p = make_project(tmp_path)
    state = p["outputs"] / ".runner"
    state.mkdir(parents=True)
    with (state / "lock").open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert _main(p) == 1
    err = capsys.readouterr().err
    assert "另一个 analysis run 正在写入" in err and "Traceback" not in err


def test_normalise_drops_timestamps_and_local_paths():
    from analysis.runner.execute import normalise

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {
        "input_path": "/home/someone/checkout/notebooks/county_profile.ipynb",
        "output_path": "/tmp/analysis-run-x/county_profile_1.ipynb",
        "start_time": "2026-01-01T00:00:00",
        "duration": 1.0,
    }
    pm = normalise(nb, "county_profile_1").metadata["papermill"]
    assert pm == {
        "input_path": "county_profile.ipynb",
        "output_path": "notebooks/county_profile_1.ipynb",
    }


def test_run_builds_the_explorer_page_and_the_index_links_it(tmp_path, monkeypatch):
    """`analysis run` calls the explorer page writer after the reports (unless --no-explore)
    and links explore.html from the index; the page itself is tested in test_explore_page."""
    import analysis.present.explore as E
    from analysis.runner import run

    calls = []

    def fake(data, outputs, *, log=None, font=None):
        calls.append(Path(data))
        assert font is not None  # the runner embeds the CJK font
        page = Path(outputs) / "html" / "explore.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<html></html>", encoding="utf-8")
        return page

    monkeypatch.setattr(E, "write_explore_page", fake)
    p = make_project(tmp_path)
    run(opts(p, only=["overview"], explore=True, jobs=1))
    assert calls == [p["data"]]
    assert 'href="explore.html"' in (p["outputs"] / "html" / "index.html").read_text("utf-8")
