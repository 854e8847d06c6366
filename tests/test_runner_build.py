"""End-to-end runner tests: real kernels executing tiny notebooks (a few seconds each)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
from test_runner import OBS, make_notebook, make_project, opts, read_html

from analysis.runner import format_summary, run
from analysis.runner import render as R


def _files(outputs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outputs).as_posix(): p.read_bytes()
        for p in sorted(outputs.rglob("*"))
        if p.is_file() and ".runner" not in p.parts
    }


def test_full_run_failure_isolation_site_manifest_and_incremental(tmp_path):
    p = make_project(tmp_path, failing=True)
    out = p["outputs"]
    s = run(opts(p, jobs=2))
    # 1 failing + 4 good reports: the others complete, exit code 1, the failing cell is named
    assert s.built == ["overview", "profile_522701", "profile_522702", "profile_522703"]
    assert list(s.failed) == ["broken"] and s.exit_code == 1
    err = s.failed["broken"]
    # cells: 0 markdown, 1 parameters, 2 "x = 1", 3 "z = 2 / y = x / divisor" (line 2 raises)
    assert (err["cell_index"], err["ename"], err["source_line"]) == (
        3,
        "ZeroDivisionError",
        "y = x / divisor",
    )
    text = format_summary(s, out)
    assert (
        "broken: cell 3 (In [3]): ZeroDivisionError: division by zero  <- y = x / divisor" in text
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
        assert R.external_resources(page) == [], name
        assert "<script>alert(1)" not in page, name  # region name 甲<script>... is escaped
        assert page.rstrip().endswith("</html>")
    assert "data:image/png;base64," in html["overview.html"]  # image embedded
    assert "DictReader" not in html["overview.html"] and "DictReader" in html["overview.full.html"]
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

    # --force rebuilds everything, to the same bytes (deterministic notebooks and HTML)
    before = _files(out)
    s = run(opts(p, jobs=2, force=True))
    assert len(s.built) == 5
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
    assert "RuntimeError: bad 522701" in idx and 'href="profile_522701.html"' in idx
    # not selected, notebook changed: shown as out of date, not as built
    assert "out of date (not selected)" in idx


def test_warm_kernels_give_the_same_bytes_as_cold_kernels(tmp_path):
    p = make_project(tmp_path)
    warm = run(opts(p, jobs=2))
    p_cold = {**p, "outputs": tmp_path / "cold"}
    cold = run(opts(p_cold, jobs=2, warm_kernels=False))
    assert warm.built == cold.built and len(warm.built) == 4
    for sub in ("notebooks", "html"):
        a = {
            f.name: f.read_bytes() for f in (p["outputs"] / sub).iterdir() if f.name != "index.html"
        }
        b = {
            f.name: f.read_bytes()
            for f in (p_cold["outputs"] / sub).iterdir()
            if f.name != "index.html"
        }
        assert a.keys() == b.keys() and [n for n in a if a[n] != b[n]] == []
    # kernels run in the notebook's folder (papermill's cwd), warm or cold
    prof = nbformat.read(p["outputs"] / "notebooks" / "profile_522701.ipynb", as_version=4)
    assert prof.cells[-2].outputs[0]["data"]["text/plain"] == "'notebooks'"
    # the wide frame is shown as a kernel shows it (20 columns at most, '...' in between)
    ov = nbformat.read(p["outputs"] / "notebooks" / "overview.ipynb", as_version=4)
    text = ov.cells[-2].outputs[0]["data"]["text/plain"]
    assert "column_0" in text and "column_29" in text and "..." in text and "column_15" not in text


def test_products_written_by_a_notebook_are_recorded_and_checked(tmp_path):
    extra = (
        '\n[[report]]\nname = "writer"\nnotebook = "notebooks/writer.ipynb"\nproducts = ["extra"]\n'
    )
    p = make_project(tmp_path, extra_toml=extra)
    make_notebook(
        p["notebooks"] / "writer.ipynb",
        'text = "hello"',
        [
            "import os\nfrom pathlib import Path\n"
            "d = Path(os.environ['ANALYSIS_OUTPUTS_DIR']) / 'extra'\nd.mkdir(exist_ok=True)\n"
            "(d / 'x.txt').write_text(text)"
        ],
    )
    s = run(opts(p, jobs=2, only=["writer"]))
    assert s.built == ["writer"]
    man = json.loads((p["outputs"] / "manifest.json").read_text(encoding="utf-8"))
    rec = {r["name"]: r for r in man["reports"]}["writer"]
    assert rec["outputs"]["extra/x.txt"] == {
        "sha256": hashlib.sha256(b"hello").hexdigest(),
        "size": 5,
    }
    assert run(opts(p, jobs=2, only=["writer"])).built == []
    (p["outputs"] / "extra" / "x.txt").unlink()  # a product went missing: rebuild
    assert run(opts(p, jobs=2, only=["writer"])).built == ["writer"]
