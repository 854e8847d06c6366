"""Preflight (issue 22, item 3): what each report of reports.toml needs is checked before any
kernel starts, by ``analysis validate``, ``analysis run --dry-run`` (exit 2) and ``analysis
run`` (the report is refused, no kernel). No kernel runs in this module except the one of
the kernel-fallback test; the runs that show "validate passes => run succeeds" are in
test_three_levels.py (synthetic province, both tops and --level prefecture) and
test_new_region.py (a new region's data set).

Expected needs are written from the data by hand: the default data at --level prefecture
has one unit (522700, below the province 520000, which has no targets); the synthetic
province's prefectures are not counties (so the county profiles' ``@counties`` are not
units); a copy without targets lacks them for 03, 05 and 06 (whose carry-forward also
finds none); one county alone cannot be compared."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main
from analysis.data import load, synthetic
from analysis.present.display import show
from analysis.runner import Options, preflight, run
from analysis.runner.config import load_config
from analysis.runner.execute import FALLBACK_KERNEL, kernel_for, run_task

pytestmark = pytest.mark.cost(30)  # rough seconds (conftest.py schedules by cost)
CONFIG = paths.PROJECT_ROOT / "reports.toml"
TARGET_REPORTS = {
    "03_target_projection_2025",
    "03_target_projection_2030",
    "05_final_evaluation_2025",
    "06_next_period_targets_2030",
}


def _needs(data: Path, top: str | None = None, level: str | None = None) -> dict[str, str]:
    ds = load(data, top=top, unit_level=level)
    tasks = load_config(CONFIG, data, top, level)
    return {n.task: n.en for n in preflight.check(tasks, ds)}


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    root = synthetic.write_tree(tmp_path_factory.mktemp("pf") / "syn", seed=0)
    synthetic.write_grid_map(root)
    return root


def test_default_data_every_report_has_its_inputs(capsys):
    assert _needs(paths.PROJECT_ROOT / "data") == {}
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "报告检查通过" in out and "Reports OK" in out


def test_default_data_at_prefecture_level_names_what_is_missing(capsys):
    needs = _needs(paths.PROJECT_ROOT / "data", level="prefecture")
    # 01_baseline has what it reads (it built in the reproduction); everything else fails
    assert "01_baseline" not in needs and len(needs) == 18
    for name in ("02_county_gaps", "04_plan_figures"):
        assert "one unit only" in needs[name] and "522700" in needs[name]
        assert "regions.csv" in needs[name]
    # a county profile's region is no unit at this level: its reports.toml key is named
    assert "expand" in needs["county_profile_522701"] and "522700" in needs["county_profile_522701"]
    for name in TARGET_REPORTS:
        assert "targets.csv" in needs[name] and "520000" in needs[name], needs[name]
    assert "parameters.target_values" in needs["05_final_evaluation_2025"]
    assert "parameters.standards" in needs["06_next_period_targets_2030"]
    assert "carry forward" in needs["03_target_projection_2030"]
    assert main(["validate", "--level", "prefecture"]) == 2
    err = capsys.readouterr().err
    assert "18 个报告" in err and "18 report(s)" in err and "Traceback" not in err
    # grouped: each need once, with the reports it stops (the 12 county profiles counted)
    assert err.count("one unit only") == 1 and "(12)" in err


def test_synthetic_province_scopes(province):
    assert _needs(province) == {}
    assert _needs(province, top="900100") == {}
    needs = _needs(province, level="prefecture")
    # only the county profiles: @counties gives counties, the units are prefectures
    assert needs and all(n.startswith("county_profile_") for n in needs)
    assert len(needs) == 40
    assert all("expand" in v and "@units" in v and "reports.toml" in v for v in needs.values())


def test_missing_targets_one_unit_and_no_map(province, tmp_path):
    import shutil

    data = shutil.copytree(province, tmp_path / "no_targets")
    header = (data / "targets.csv").read_text(encoding="utf-8").splitlines()[0]
    (data / "targets.csv").write_text(header + "\n", encoding="utf-8")
    shutil.rmtree(data / "geo")
    needs = _needs(data)
    assert set(needs) == TARGET_REPORTS
    assert all("900000" in v and "targets.csv" in v for v in needs.values())
    assert preflight.map_gaps(load(data)) == []  # no geo/ at all: the reports say so
    one = synthetic.write_tree(tmp_path / "one", levels=(1, 1), seed=0)
    needs = _needs(one)
    assert set(needs) == {"02_county_gaps", "04_plan_figures", "county_profile_900101"}


def test_map_gaps_lists_units_outside_every_map(province):
    ds = load(province, unit_level="prefecture")
    assert preflight.map_gaps(ds) == ["900100", "900200", "900300", "900400", "900500"]
    assert preflight.map_gaps(load(province)) == []


def test_dry_run_exits_2_and_run_refuses_without_a_kernel(tmp_path, capsys):
    args = ["run", "--level", "prefecture", "--outputs-dir", str(tmp_path / "out")]
    assert main([*args, "--dry-run", "--no-explore"]) == 2
    err = capsys.readouterr().err
    assert "targets.csv" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # a dry run writes nothing
    only = ["05_final_evaluation_2025", "county_profile_522701"]
    s = run(
        Options(
            unit_level="prefecture",
            outputs=tmp_path / "out",
            only=only,
            progress=False,
            explore=False,
        )
    )
    assert sorted(s.failed) == only and not s.built
    assert all(e["ename"] == "Preflight" for e in s.failed.values())
    assert not (tmp_path / "out" / "notebooks").exists()  # no kernel, no notebook
    records = tmp_path / "out" / ".runner" / "records"
    rec = json.loads((records / "05_final_evaluation_2025.json").read_text(encoding="utf-8"))
    assert rec["status"] == "failed" and "targets.csv" in rec["error"]["evalue"]
    index = (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")
    assert "targets.csv" in index


def test_an_empty_table_displays():
    frame = pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)})
    html = show(frame).to_html()
    assert "<table" in html


def test_a_missing_kernel_falls_back_to_this_python(tmp_path, capsys):
    assert kernel_for("python3") == "python3"
    assert kernel_for("no-such-kernel-22") == FALLBACK_KERNEL
    err = capsys.readouterr().err
    assert "no-such-kernel-22" in err and "python3" in err and "make setup" in err
    assert len(err.strip().splitlines()) == 1  # one line: zh / en
    kernel_for("no-such-kernel-22")  # cached: said once per process
    assert capsys.readouterr().err == ""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('data_dir = ""\ntop = ""\nlevel = ""')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("print(6 * 7)")]
    nb.metadata["kernelspec"] = {"name": "qiannan-missing", "display_name": "x", "language": "py"}
    path = tmp_path / "k.ipynb"
    nbformat.write(nb, path)
    from analysis.runner.config import Task

    task = Task("k", "k", "k", path, {}, cwd=tmp_path, run_params=("data_dir", "top", "level"))
    res = run_task(task)
    assert res.ok, res.error
    assert "42" in res.notebook.decode()
