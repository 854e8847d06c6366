"""Benchmark: full report regeneration with ``analysis run`` against a naive baseline.

Measured in one run, on a copy of data/ in a temporary directory (the repository's
data/ and outputs/ are not touched):

1. naive baseline: for every report of reports.toml, sequentially, the papermill CLI,
   then ``jupyter nbconvert --to html`` (what one would script by hand);
2. ``analysis run`` from empty outputs (all reports, HTML, index, manifest; notebook 04
   writes the figures, tables and docx itself): goal (issue 23) >= 3x faster than (1);
3. a no-change rerun (a new process, as a user runs it): goal <= 1 s, nothing rebuilt;
4. ``touch`` of one county's data file (mtime only): nothing rebuilt (content hashes);
5. an edit of one county's data file: exactly the reports that read it rerun. In
   reports.toml every report reads every county (ranks, county tables), so all rerun;
   to show the row rule (``reads = "region"``) on real data, a per-county data-sheet
   report that shows only its own county is added for this step, and the reports not
   rerun are checked against a forced rebuild (same bytes = the rule was honest).

Everything runs on a frozen copy of the project (src/analysis, notebooks, reports.toml,
data) in a temporary directory. The copy of data/ keeps county 522701's latest-year
illustrative rows in their own file ``observations/522701_latest.csv`` (as an imported
county sheet would be); the rows are moved, not changed, so the data set is the same.
Each measured build starts with an empty cache folder (``ANALYSIS_CACHE_DIR``: no stored data
set, no fitted forecast), so no run profits from an earlier one.

The warm-kernel helper (kernels forked from a preloaded process, runner/zygote.py) was
measured here before it was removed (issue 23, 2026-12-04, ``--kernels-only``: two
alternating pairs of ``analysis run --force``, each from an empty cache): warm 70.0 s and
47.2 s, cold 60.5 s and 34.9 s, cold/warm 0.86 and 0.74: it did not pay.

Usage: .venv/bin/python benchmarks/regenerate.py [--skip-baseline] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analysis import paths
from analysis.runner.config import load_config

ROOT = paths.PROJECT_ROOT
BIN = Path(sys.executable).parent
COUNTY = "522701"
SHEET = """\
from analysis.data import load
from analysis.present import captions

ds = load(data_dir or None)
rows = ds.obs(regions=[region_code])
table = rows.pivot_table(index="indicator", columns="year", values="value")
table.index = [ds.label(i, lang) for i in table.index]
print(ds.name(region_code, lang))
table.round(2)"""


def sh(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0, proc


def prepare_data(dst: Path) -> Path:
    """Copy data/ and move county COUNTY's latest-year illustrative rows to their own file."""
    shutil.copytree(ROOT / "data", dst)
    panel = dst / "observations" / "illustrative_panel.csv"
    with panel.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    latest = max(int(r[1]) for r in body if r[0] == COUNTY)
    mine = [r for r in body if r[0] == COUNTY and int(r[1]) == latest]
    rest = [r for r in body if not (r[0] == COUNTY and int(r[1]) == latest)]
    for path, part in ((panel, rest), (dst / "observations" / f"{COUNTY}_latest.csv", mine)):
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *part])
    return dst / "observations" / f"{COUNTY}_latest.csv"


def edit_value(path: Path) -> None:
    """Change one number in a county file (+1 on the first row's value)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][3] = repr(float(rows[1][3]) + 1.0)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def runner_params(t, data: Path, out: Path) -> dict[str, str]:
    """The runner's parameters (data_dir, outputs_dir; default scope) the notebook declares."""
    given = {"data_dir": str(data), "outputs_dir": str(out), "top": "", "level": ""}
    return {k: v for k, v in given.items() if k in t.run_params}


def naive(config: Path, data: Path, out: Path, env: dict[str, str]) -> tuple[float, int]:
    """Sequential papermill CLI + jupyter nbconvert CLI per report."""
    tasks = load_config(config, data)
    (out / "notebooks").mkdir(parents=True)
    failures = 0
    t0 = time.perf_counter()
    for t in tasks:
        nb_out = out / "notebooks" / f"{t.name}.ipynb"
        cmd = [
            str(BIN / "papermill"),
            str(t.notebook),
            str(nb_out),
            "--no-progress-bar",
            "--cwd",
            str(t.notebook.parent),
            "-y",
            json.dumps({**t.parameters, **runner_params(t, data, out)}),
        ]
        _, proc = sh(cmd, env)
        failures += proc.returncode != 0
        _, proc = sh(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                str(nb_out),
                "--output-dir",
                str(out / "html"),
            ],
            env,
        )
        failures += proc.returncode != 0
    return time.perf_counter() - t0, failures


def run_cmd(config: Path, data: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis.cli",
        "run",
        "--config",
        str(config),
        "--data-dir",
        str(data),
        "--outputs-dir",
        str(out),
        "--jobs",
        str(jobs),
        "--no-progress",
        *extra,
    ]


def built(proc: subprocess.CompletedProcess) -> int:
    line = next(ln for ln in proc.stdout.splitlines() if " / built " in ln)
    return int(line.split(" / built ")[1].split(",")[0])


def check(ok: bool, label: str) -> str:
    return f"{'OK  ' if ok else 'MISS'} {label}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-baseline", action="store_true", help="skip the (slow) naive baseline")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="regen-bench-"))
    # a frozen copy of the project (code, notebooks, reports.toml, data), so edits made
    # elsewhere while the benchmark runs do not trigger rebuilds
    shutil.copytree(
        paths.PACKAGE_DIR, tmp / "src" / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        ROOT / "notebooks", tmp / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    shutil.copy2(ROOT / "reports.toml", tmp / "reports.toml")
    data = tmp / "data"
    county_file = prepare_data(data)
    config = tmp / "reports.toml"
    env = {
        **os.environ,
        "ANALYSIS_DATA_DIR": str(data),
        "PYTHONHASHSEED": "0",
        "ANALYSIS_ROOT": str(tmp),
        "PYTHONPATH": str(tmp / "src"),
    }
    n_reports = len(load_config(config, data))
    results: list[str] = []
    print(f"{n_reports} reports in {config}; data copy in {data}", flush=True)

    t_naive = None
    if not a.skip_baseline:
        env_n = {
            **env,
            "ANALYSIS_OUTPUTS_DIR": str(tmp / "naive"),
            "ANALYSIS_CACHE_DIR": str(tmp / "c0"),
        }
        t_naive, fails = naive(config, data, tmp / "naive", env_n)
        print(
            f"naive baseline (papermill CLI + nbconvert CLI, sequential): {t_naive:6.1f} s"
            f"  ({fails} failed commands)",
            flush=True,
        )

    out = tmp / "outputs"
    env_r = {**env, "ANALYSIS_OUTPUTS_DIR": str(out), "ANALYSIS_CACHE_DIR": str(tmp / "c1")}
    t_full, proc = sh(run_cmd(config, data, out, a.jobs), env_r)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    print(
        f"analysis run, from empty outputs:                        {t_full:6.1f} s"
        f"  ({built(proc)} built)",
        flush=True,
    )
    if t_naive:
        ratio = t_naive / t_full
        print(
            f"speed-up over the naive baseline:                        {ratio:6.2f} x",
            flush=True,
        )
        results.append(check(ratio >= 3, f"speed-up {ratio:.2f}x >= 3x"))

    t_noop, proc = sh(run_cmd(config, data, out, a.jobs), env_r)
    print(
        f"no-change rerun:                                         {t_noop:6.2f} s"
        f"  ({built(proc)} built)",
        flush=True,
    )
    results.append(
        check(t_noop <= 1 and built(proc) == 0, f"no-change rerun {t_noop:.2f} s <= 1 s, 0 built")
    )

    os.utime(county_file)  # touch: new mtime, same bytes
    t_touch, proc = sh(run_cmd(config, data, out, a.jobs), env_r)
    print(
        f"after touching {county_file.name} (mtime only):          {t_touch:6.2f} s"
        f"  ({built(proc)} built)",
        flush=True,
    )
    results.append(check(built(proc) == 0, "touch (same content): 0 rebuilt"))

    # step 5: add per-county data sheets (reads = "region") and edit one county's file
    sheet_nb = tmp / "county_sheet.ipynb"
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        f'data_dir = ""\ntop = ""\nlevel = ""\nregion_code = "{COUNTY}"\nlang = "zh"'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 县(市)数据表 County data sheet"),
        params,
        nbformat.v4.new_code_cell(SHEET),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, sheet_nb)
    config2 = tmp / "reports_with_sheets.toml"
    config2.write_text(
        config.read_text(encoding="utf-8")
        + f'\n[[report]]\nname = "county_sheet"\nnotebook = "{sheet_nb}"\n'
        'expand = { region_code = "@counties" }\nreads = "region"\n',
        encoding="utf-8",
    )
    _, proc = sh(run_cmd(config2, data, out, a.jobs), env_r)
    # the sheets written (the run also rebuilds the last report, whose "next" link now points
    # to the first sheet: counting the run's builds counted one sheet too many)
    n_sheets = len(list((out / "notebooks").glob("county_sheet_*.ipynb")))
    edit_value(county_file)
    t_edit, proc = sh(run_cmd(config2, data, out, a.jobs), env_r)
    rerun = built(proc)
    print(
        f"after editing one value in {county_file.name}:           {t_edit:6.1f} s"
        f"  ({rerun} of {n_reports + n_sheets} rebuilt)",
        flush=True,
    )
    expected = n_reports + 1  # every report of reports.toml + this county's data sheet
    if rerun != expected:  # say which: the runner's summary and failures
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", flush=True)
    results.append(
        check(rerun == expected, f"edit: {rerun} rebuilt = {n_reports} reports + 1 sheet")
    )
    out_f = tmp / "forced"
    sh(
        run_cmd(config2, data, out_f, a.jobs, "--force", "--only", "county_sheet"),
        {**env, "ANALYSIS_OUTPUTS_DIR": str(out_f)},
    )
    same = [
        p.name
        for p in sorted((out / "notebooks").glob("county_sheet_*.ipynb"))
        if p.read_bytes() == (out_f / "notebooks" / p.name).read_bytes()
    ]
    results.append(
        check(
            len(same) == n_sheets,
            f"skipped sheets equal a forced rebuild ({len(same)}/{n_sheets})",
        )
    )

    print("\n".join(results))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(r.startswith("OK") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
