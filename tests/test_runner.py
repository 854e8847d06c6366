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
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.runner import Options, add_parser
from analysis.runner import cache as C
from analysis.runner import config as K
from analysis.runner import render as R
from analysis.runner import site as S

# 1x1 PNG, so the tiny notebooks have an image to embed without importing matplotlib
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
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
READ_REGION = """\
import csv, os
from pathlib import Path
from IPython.display import Image, display
root = Path(os.environ["ANALYSIS_DATA_DIR"])
code = region_code or "522700"
rows = list(csv.DictReader((root / "observations" / "obs.csv").open(encoding="utf-8")))
names = {r["code"]: r["name_zh"] for r in csv.DictReader((root / "regions.csv").open(encoding="utf-8"))}
total = sum(float(r["value"]) for r in rows if r["region_code"] == code) * scale
print(names[code], total)
"""


def make_notebook(path: Path, params: str, body: list[str], md: str = "# 报告 Report") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
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
    make_notebook(
        nbs / "overview.ipynb",
        'region_code = ""\nscale = 1.0',
        [READ_REGION, show_png, wide, "total"],
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
    regions = K.Regions(codes=["1"], level={"1": "county"})
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
    h = C.DataHasher(p["data"], K.Regions.read(p["data"]))
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
    )
    assert len(R.external_resources(bad)) == 4
    assert (
        R.external_resources(
            '<a href="https://example.org">ref</a><img src="data:image/png;base64,AA">'
        )
        == []
    )


def test_render_is_offline_and_report_view_hides_code():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 标题 $x^2$"),
        nbformat.v4.new_code_cell("secret_code_line = 1"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    report, full = R.render(nb, "report").decode(), R.render(nb, "full").decode()
    assert "secret_code_line" not in report and "secret_code_line" in full
    assert R.external_resources(report) == [] and R.external_resources(full) == []
    assert "cdnjs" not in full and "mathjax" not in full.lower()


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
    assert R.external_resources(html) == []
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
        "\x1b[0;31m-----\x1b[0m\n\x1b[0;31mZeroDivisionError\x1b[0m Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 2\x1b[0m\n\x1b[1;32m      1\x1b[0m z \x1b[38;5;241m=\x1b[39m 2\n"
        "\x1b[0;32m----> 2\x1b[0m y \x1b[38;5;241m=\x1b[39m x \x1b[38;5;241m/\x1b[39m divisor",
        "File \x1b[0;32m/lib/x.py:9\x1b[0m\n\x1b[0;32m----> 9\x1b[0m inner()",
    ]
    assert failing_line(tb) == "y = x / divisor"
    assert failing_line([]) == ""


def test_index_warns_about_illustrative_data_and_escapes_it():
    assert S.illustrative_notice([]) == ""
    html = S.index_html([], notice=S.illustrative_notice(["示意数据 <b>panel</b>"]))
    assert "示意数据" in html and "illustrative" in html
    assert "<b>panel</b>" not in html and "&lt;b&gt;panel&lt;/b&gt;" in html
