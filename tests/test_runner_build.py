"""End-to-end runner tests: real kernels executing tiny notebooks.

One build of the tiny project (5 reports, one failing) is shared by the tests of this
module (``built``); later steps work on copies or on other outputs folders, and run only
the reports they need, so no notebook is executed twice for the same check. One dask
LocalCluster serves the session (``dask_scheduler``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from html_checks import cjk_not_covered, external_resources, tex_left, truncated_tables
from test_runner import OBS, make_notebook, make_project, opts, read_html

from analysis.runner import format_summary, run

pytestmark = pytest.mark.cost(120)  # rough seconds: scheduled early (conftest.py)

GOOD = ["overview", "profile_522701", "profile_522702", "profile_522703"]


def _files(outputs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outputs).as_posix(): p.read_bytes()
        for p in sorted(outputs.rglob("*"))
        if p.is_file() and ".runner" not in p.parts
    }


def _same_pages(a: Path, b: Path, names: list[str]) -> None:
    """The notebooks and both HTML views of ``names`` are byte-identical in a and b."""
    for n in names:
        for rel in (f"notebooks/{n}.ipynb", f"html/{n}.html", f"html/{n}.full.html"):
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny project with a failing report, built once (warm kernels, 2 workers)."""
    root = tmp_path_factory.mktemp("built")
    p = make_project(root, failing=True)
    summary = run(opts(p, jobs=2))
    return p, summary


@pytest.fixture(scope="session")
def dask_scheduler():
    """One dask LocalCluster for the test session; yields its scheduler address."""
    distributed = pytest.importorskip("dask.distributed")
    import logging

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_first_build_failure_isolation_site_and_manifest(built):
    p, s = built
    out = p["outputs"]
    # 1 failing + 4 good reports: the others complete, exit code 1, the failing cell is named
    assert s.built == GOOD
    assert list(s.failed) == ["broken"] and s.exit_code == 1
    err = s.failed["broken"]
    # cells: 0 markdown, 1 parameters, 2 injected parameters (the runner's data_dir, ...),
    # 3 "x = 1", 4 "z = 2 / y = x / divisor" (line 2 raises)
    assert (err["cell_index"], err["ename"], err["source_line"]) == (
        4,
        "ZeroDivisionError",
        "y = x / divisor",
    )
    text = format_summary(s, out)
    assert (
        "broken: cell 4 (In [4]): ZeroDivisionError: division by zero  <- y = x / divisor" in text
    )
    kept = nbformat.read(out / "notebooks" / "broken.failed.ipynb", as_version=4)
    failing = [
        c for c in kept.cells if c.cell_type == "code" and c.source == "z = 2\ny = x / divisor"
    ][0]
    assert (
        failing.outputs[0]["output_type"] == "error"
        and failing.outputs[0]["ename"] == "ZeroDivisionError"
    )
    assert not (out / "notebooks" / "broken.ipynb").exists()

    # the notebook computed the right numbers: overview = prefecture row 60, profiles 10/20/30 * 2
    ov = nbformat.read(out / "notebooks" / "overview.ipynb", as_version=4)
    assert ov.cells[-1].outputs[0]["data"]["text/plain"] == "60.0"
    p2 = nbformat.read(out / "notebooks" / "profile_522702.ipynb", as_version=4)
    assert p2.cells[-1].outputs[0]["data"]["text/plain"] == "40.0"
    assert "start_time" not in json.dumps(p2.metadata)  # normalised: no timestamps

    html = read_html(out)
    assert set(html) == {"index.html", "broken.failed.html"} | {
        f"{n}{v}.html" for n in s.built for v in ("", ".full")
    }
    for name, page in html.items():
        assert external_resources(page) == [], name
        assert cjk_not_covered(page) == set(), name  # every CJK character has its glyph
        assert "<script>alert(1)" not in page, name  # region name 甲<script>... is escaped
        assert page.rstrip().endswith("</html>")
        assert '<html lang="zh-CN">' in page, name
    for name in GOOD:
        assert tex_left(html[f"{name}.html"]) == [], name
        assert truncated_tables(html[f"{name}.html"]) == [], name
    ov_page = html["overview.html"]
    assert "data:image/png;base64," in ov_page  # image embedded
    assert ov_page.count("<math") == 2 and "<code>$HOME</code>" in ov_page
    assert "<td>n70</td>" in ov_page and "column_29" in ov_page  # 70 rows, 30 columns: all
    assert 'href="index.html"' in ov_page and 'href="profile_522701.html"' in ov_page
    assert "DictReader" not in ov_page and "DictReader" in html["overview.full.html"]
    assert "甲&lt;script&gt;alert(1)&lt;/script&gt;" in html["profile_522701.html"]
    assert "ZeroDivisionError" in html["broken.failed.html"]
    idx = html["index.html"]
    assert "画像 甲&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Profile&lt;/b&gt;" in idx
    assert "<b>Profile" not in idx and "<script>alert" not in idx
    assert idx.count("已生成 / built") == 4 and idx.count("失败 / failed") == 1
    assert "y = x / divisor" in idx and 'href="profile_522703.full.html"' in idx

    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (
        man["inputs"]["observations/obs.csv"]
        == hashlib.sha256((p["data"] / "observations" / "obs.csv").read_bytes()).hexdigest()
    )
    by_name = {r["name"]: r for r in man["reports"]}
    assert by_name["broken"]["status"] == "failed" and by_name["overview"]["status"] == "ok"
    for rel, info in by_name["profile_522701"]["outputs"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == info["sha256"]
    assert {"python", "papermill", "nbconvert", "pandas"} <= set(man["versions"])


def test_incremental_rebuilds(built, tmp_path):
    base, _ = built
    shutil.copytree(base["config"].parent, tmp_path / "p")
    p = {k: tmp_path / "p" / v.relative_to(base["config"].parent) for k, v in base.items()}
    out = p["outputs"]

    # fix the broken report through a parameter: only it reruns; its failure files go away
    cfg = p["config"]
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            'notebook = "notebooks/broken.ipynb"',
            'notebook = "notebooks/broken.ipynb"\nparameters = { divisor = 2 }',
        ),
        encoding="utf-8",
    )
    s = run(opts(p, jobs=2))
    assert s.built == ["broken"] and s.exit_code == 0 and len(s.skipped) == 4
    assert not (out / "notebooks" / "broken.failed.ipynb").exists()
    assert not (out / "html" / "broken.failed.html").exists()

    # nothing changed: nothing rebuilt, every file byte-identical (index and manifest too)
    before = _files(out)
    mtimes = {f: (out / f).stat().st_mtime_ns for f in before}
    s = run(opts(p, jobs=2))
    assert s.built == [] and s.failed == {} and len(s.skipped) == 5
    assert _files(out) == before
    assert {f: (out / f).stat().st_mtime_ns for f in before} == mtimes

    # one county's rows change: the reports that read them rerun, and only those
    obs = p["data"] / "observations" / "obs.csv"
    obs.write_text(OBS.replace("522702,2020,x,20", "522702,2020,x,25"), encoding="utf-8")
    s = run(opts(p, jobs=2))
    assert s.built == ["broken", "overview", "profile_522702"]  # broken and overview read all data
    p2 = nbformat.read(out / "notebooks" / "profile_522702.ipynb", as_version=4)
    assert p2.cells[-1].outputs[0]["data"]["text/plain"] == "50.0"

    # --force rebuilds, to the same bytes (deterministic notebooks and HTML)
    before = _files(out)
    s = run(opts(p, jobs=2, force=True, only=["overview", "profile_522701"]))
    assert s.built == ["overview", "profile_522701"]
    after = _files(out)
    # only the pages that show build durations may differ
    assert {k for k in before if before[k] != after[k]} <= {"html/index.html", "manifest.json"}

    # a report that starts failing keeps its previous good outputs untouched
    good = {f: b for f, b in _files(out).items() if "profile_522701" in f}
    make_notebook(
        p["notebooks"] / "profile.ipynb",
        'region_code = "522701"\nscale = 1.0',
        ["raise RuntimeError('bad ' + region_code)"],
    )
    s = run(opts(p, jobs=2, only=["profile_522701"]))
    assert list(s.failed) == ["profile_522701"] and s.exit_code == 1
    assert {
        f: b for f, b in _files(out).items() if "profile_522701" in f and "failed" not in f
    } == good
    idx = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "RuntimeError: bad 522701" in idx and 'href="profile_522701.failed.html"' in idx
    # the index links pages of this build only: not the earlier page kept on disk
    assert 'href="profile_522701.html"' not in idx
    # not selected, notebook changed: shown as out of date, not as built
    assert "out of date (not selected)" in idx


def test_kernels_run_in_the_notebook_folder_and_show_wide_frames_whole(built):
    """Every kernel starts the plain way (the warm-kernel helper was measured slower and
    removed): papermill's cwd is the notebook's folder, and the kernel setup lifts pandas'
    20-column cut."""
    base, _ = built
    out = base["outputs"]
    prof = nbformat.read(out / "notebooks" / "profile_522701.ipynb", as_version=4)
    assert prof.cells[-2].outputs[0]["data"]["text/plain"] == "'notebooks'"
    ov = nbformat.read(out / "notebooks" / "overview.ipynb", as_version=4)
    text = ov.cells[-3].outputs[0]["data"]["text/plain"]
    assert "column_0" in text and "column_15" in text and "column_29" in text


def test_dask_cluster_gives_the_same_outputs_as_the_local_executor(built, tmp_path, dask_scheduler):
    base, local = built
    p_dask = {**base, "outputs": tmp_path / "dask"}
    names = ["broken", "overview"]
    dask = run(opts(p_dask, jobs=2, executor="dask", scheduler=dask_scheduler, only=names))
    assert (dask.built, list(dask.failed), dask.exit_code) == (["overview"], ["broken"], 1)
    assert dask.failed["broken"] == local.failed["broken"]
    _same_pages(base["outputs"], p_dask["outputs"], ["overview"])
    for rel in ("notebooks/broken.failed.ipynb", "html/broken.failed.html"):
        assert (base["outputs"] / rel).read_bytes() == (p_dask["outputs"] / rel).read_bytes()


def test_products_written_by_a_notebook_are_recorded_and_checked(tmp_path):
    extra = (
        '\n[[report]]\nname = "writer"\nnotebook = "notebooks/writer.ipynb"\nproducts = ["extra"]\n'
    )
    p = make_project(tmp_path, extra_toml=extra)
    make_notebook(
        p["notebooks"] / "writer.ipynb",
        'text = "hello"\noutputs_dir = ""',
        [
            "from pathlib import Path\n"
            "d = Path(outputs_dir) / 'extra'\nd.mkdir(exist_ok=True)\n"
            "(d / 'x.txt').write_text(text)"
        ],
    )
    s = run(opts(p, jobs=1, only=["writer"]))
    assert s.built == ["writer"]
    man = json.loads((p["outputs"] / "manifest.json").read_text(encoding="utf-8"))
    rec = {r["name"]: r for r in man["reports"]}["writer"]
    assert rec["outputs"]["extra/x.txt"] == {
        "sha256": hashlib.sha256(b"hello").hexdigest(),
        "size": 5,
    }
    assert run(opts(p, jobs=1, only=["writer"])).built == []
    (p["outputs"] / "extra" / "x.txt").unlink()  # a product went missing: rebuild
    assert run(opts(p, jobs=1, only=["writer"])).built == ["writer"]
