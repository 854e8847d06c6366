"""Per-region reports over any level (issue 15, item 6): expansion tokens scoped by the top
region, ``analysis run --top``, and no stale page of a report the configuration no longer
lists (e.g. the county profiles of another data set)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from analysis.errors import UserError
from analysis.runner import Options, run
from analysis.runner import cache as C
from analysis.runner import config as K

pytestmark = pytest.mark.cost(10)  # rough seconds: scheduled early (conftest.py)

# a province of two prefectures (one with two counties, one with a county and a district)
REGIONS = """code,name_zh,name_en,level,parent_code,group
900000,Sheng,Province,province,,
900100,Zhou,Prefecture A,prefecture,900000,
900101,Jia,County A1,county,900100,city
900102,Yi,County A2,county,900100,county
900200,Shi,Prefecture B,prefecture,900000,
900201,Bing,County B1,county,900200,county
900202,Ding,District B2,county,900200,city
"""
OTHER = """code,name_zh,name_en,level,parent_code,group
800000,Sheng,Other province,province,,
800100,Zhou,Other prefecture,prefecture,800000,
800101,Wu,Other county,county,800100,county
"""


def _notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('data_dir = ""\ntop = ""\nlevel = ""\nregion_code = ""')
    cell.metadata["tags"] = ["parameters"]
    body = "print(region_code, top)"
    nb.cells = [nbformat.v4.new_markdown_cell("# Profile"), cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i}"
    nbformat.write(nb, path)
    return path


def _project(tmp: Path, expand: str, regions: str = REGIONS) -> dict[str, Path]:
    data = tmp / "data"
    (data / "observations").mkdir(parents=True, exist_ok=True)
    (data / "regions.csv").write_text(regions, encoding="utf-8")
    (data / "observations" / "obs.csv").write_text("region_code,year\n", encoding="utf-8")
    _notebook(tmp / "profile.ipynb")
    cfg = tmp / "reports.toml"
    cfg.write_text(
        textwrap.dedent(f"""\
            [[report]]
            name = "profile"
            notebook = "profile.ipynb"
            title = "{{region_name}}"
            expand = {{ region_code = {expand} }}
            """),
        encoding="utf-8",
    )
    return {"data": data, "config": cfg}


def _codes(tmp: Path, expand: str, top: str | None = None, level: str | None = None) -> list:
    p = _project(tmp, expand)
    return [t.parameters["region_code"] for t in K.load_config(p["config"], p["data"], top, level)]


@pytest.mark.parametrize(
    ("expand", "top", "level", "codes"),
    [
        ('"@counties"', None, None, ["900101", "900102", "900201", "900202"]),
        ('"@prefectures"', None, None, ["900100", "900200"]),
        ('"@units"', None, None, ["900101", "900102", "900201", "900202"]),
        ('"@units"', None, "prefecture", ["900100", "900200"]),
        ('"@counties"', "900200", None, ["900201", "900202"]),
        ('"@prefectures"', "900200", None, []),  # no prefecture below a prefecture: no task
        ('"@regions"', "900100", None, ["900100", "900101", "900102"]),
        (
            '"@regions"',
            None,
            None,
            ["900000", "900100", "900101", "900102", "900200", "900201", "900202"],
        ),
        ('["900202", "900101"]', None, None, ["900101", "900202"]),  # a list, tasks by name
    ],
)
def test_expansion_tokens_follow_the_top_region_and_level(tmp_path, expand, top, level, codes):
    assert _codes(tmp_path, expand, top, level) == codes


def test_the_default_top_is_the_common_parent_of_the_units(tmp_path):
    data = _project(tmp_path, '"@counties"')["data"]
    assert K.region_tree(data).top == "900000"
    assert K.region_tree(data, unit_level="prefecture").top == "900000"
    assert K.region_tree(data, top="900100").unit_codes == ["900101", "900102"]


@pytest.mark.parametrize(
    ("top", "level", "en"),
    [("999999", None, "Unknown region code: 999999"), (None, "village", "village")],
)
def test_a_bad_scope_is_a_bilingual_user_error(tmp_path, top, level, en):
    p = _project(tmp_path, '"@counties"')
    with pytest.raises(UserError) as err:
        K.load_config(p["config"], p["data"], top, level)
    assert en in err.value.en and err.value.zh


def test_prune_removes_only_recorded_outputs_of_reports_no_longer_listed(tmp_path):
    outputs = tmp_path / "outputs"
    records = C.Records(outputs)
    for name in ("profile_900101", "profile_900102"):
        for rel in (f"html/{name}.html", f"notebooks/{name}.ipynb", f"data/{name}/t.csv"):
            (outputs / rel).parent.mkdir(parents=True, exist_ok=True)
            (outputs / rel).write_text("x", encoding="utf-8")
        records.put({"name": name, "status": "ok", "outputs": {f"data/{name}/t.csv": {}}})
    (outputs / "html" / "index.html").write_text("keep", encoding="utf-8")
    (outputs / "elsewhere.txt").write_text("keep", encoding="utf-8")
    assert C.prune(records, {"profile_900101"}) == ["profile_900102"]
    left = sorted(p.relative_to(outputs).as_posix() for p in outputs.rglob("*") if p.is_file())
    assert left == [
        ".runner/records/profile_900101.json",
        "data/profile_900101/t.csv",
        "elsewhere.txt",
        "html/index.html",
        "html/profile_900101.html",
        "notebooks/profile_900101.ipynb",
    ]


def test_another_data_set_or_top_leaves_no_stale_pages(tmp_path):
    """Run the profiles of one prefecture (``--top``), then on another data set, into the
    same outputs: each time exactly the current pages, in the index and the manifest."""
    p = _project(tmp_path, '"@counties"')
    outputs = tmp_path / "outputs"

    def pages() -> list[str]:
        return sorted(f.name for f in (outputs / "html").glob("profile_*.html"))

    def runs(**kw) -> list[str]:
        opts = Options(
            config=p["config"],
            outputs=outputs,
            jobs=1,
            progress=False,
            explore=False,
            **kw,
        )
        s = run(opts)
        assert s.exit_code == 0, s.failed
        return s.planned if kw.get("dry_run") else s.built

    assert runs(data_dir=p["data"], top="900100") == ["profile_900101", "profile_900102"]
    assert [x for x in pages() if ".full" not in x] == [
        "profile_900101.html",
        "profile_900102.html",
    ]
    page = (outputs / "notebooks" / "profile_900101.ipynb").read_text(encoding="utf-8")
    assert "900101 900100" in page  # the notebook saw the top region (its top parameter)
    assert runs(data_dir=p["data"], top="900100") == []  # unchanged: nothing rebuilt
    # the scope is part of every key: the same county under the default top is rebuilt
    planned = runs(data_dir=p["data"], dry_run=True)
    assert planned == [f"profile_{c}" for c in ("900101", "900102", "900201", "900202")]
    index = (outputs / "html" / "index.html").read_text(encoding="utf-8")
    assert "profile_900101" in index and "profile_900201" not in index
    other = _project(tmp_path / "other", '"@counties"', OTHER)
    p["config"] = other["config"]
    assert runs(data_dir=other["data"]) == ["profile_800101"]
    assert [x for x in pages() if ".full" not in x] == ["profile_800101.html"]
    index = (outputs / "html" / "index.html").read_text(encoding="utf-8")
    assert "profile_800101" in index and "profile_9001" not in index
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in manifest["reports"]] == ["profile_800101"]
    assert sorted(f.name for f in (outputs / ".runner" / "records").glob("*.json")) == [
        "profile_800101.json"
    ]
    assert not list((outputs / "notebooks").glob("profile_9*"))
