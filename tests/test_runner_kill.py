"""Kill test: SIGKILL the runner mid-run, run again: it completes, nothing is corrupt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from test_runner import make_notebook, make_project


def _processes_using(marker: str) -> list[int]:
    """PIDs (other than ours) whose environment mentions ``marker`` (workers, kernels)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                if marker.encode() in (d / "environ").read_bytes():
                    pids.append(int(d.name))
            except OSError:
                continue
    return pids


def _cmd(p) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis.runner",
        "run",
        "--config",
        str(p["config"]),
        "--data-dir",
        str(p["data"]),
        "--outputs-dir",
        str(p["outputs"]),
        "--jobs",
        "2",
        "--no-progress",
    ]


def test_sigkill_mid_run_then_rerun_completes(tmp_path):
    p = make_project(tmp_path)
    # slow reports, so the kill lands while kernels are running and files are being written
    make_notebook(
        p["notebooks"] / "profile.ipynb",
        'region_code = "522701"\nscale = 1.0',
        ["import time; time.sleep(1.5)", "region_code"],
    )
    records = p["outputs"] / ".runner" / "records"
    proc = subprocess.Popen(
        _cmd(p),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ANALYSIS_DATA_DIR": str(p["data"])},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (records.is_dir() and any(records.glob("*.json"))):
        time.sleep(0.05)
    assert any(records.glob("*.json")), "no report finished before the deadline"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = sorted(r.stem for r in records.glob("*.json"))
    assert len(done_before) < 4  # really killed mid-run
    # workers and kernels die with the runner (PR_SET_PDEATHSIG, ipykernel's parent poller)
    deadline = time.monotonic() + 15
    while _processes_using(str(p["data"])) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_using(str(p["data"])) == []

    again = subprocess.run(_cmd(p), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"built {4 - len(done_before)}, up to date {len(done_before)}, failed 0" in again.stdout
    out = p["outputs"]
    names = ["overview", "profile_522701", "profile_522702", "profile_522703"]
    for n in names:
        nb = nbformat.read(out / "notebooks" / f"{n}.ipynb", as_version=4)
        nbformat.validate(nb)
        for view in ("", ".full"):
            assert (
                (out / "html" / f"{n}{view}.html").read_text(encoding="utf-8").endswith("</html>\n")
            )
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in man["reports"]) == names
    leftovers = [f for f in out.rglob("*") if ".tmp" in f.name]
    assert leftovers == []
