"""Kill test: SIGKILL the runner mid-run, run again: it completes, nothing is corrupt.

Synchronised on events, not on a clock: the profile notebooks write a marker file when
they start and then wait for a "go" file; the test kills the runner once one report is
recorded and one profile is known to be running, and waits for the processes to exit
through pidfd (a wait on the process, not a sleep). The timeouts below only turn a hang
into a failure; they do not decide when things happen.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from test_runner import make_notebook, make_project

pytestmark = pytest.mark.cost(30)  # rough seconds: scheduled early (conftest.py)


HANG_GUARD = 600  # seconds: only to fail instead of hanging forever


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


def _wait_for_exit(pids: list[int]) -> None:
    """Block until every process in ``pids`` has exited (pidfd becomes readable)."""
    fds = []
    for pid in pids:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:  # already gone
            continue
    try:
        pending = list(fds)
        while pending:
            ready, _, _ = select.select(pending, [], [], HANG_GUARD)
            assert ready, f"processes still running: {pids}"
            pending = [fd for fd in pending if fd not in ready]
    finally:
        for fd in fds:
            os.close(fd)


def _wait_until(condition, proc: subprocess.Popen) -> None:
    """Poll the file system for ``condition`` (an event the run produces)."""
    start = time.monotonic()
    while not condition():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() - start < HANG_GUARD, "the run never reached the state"
        time.sleep(0.05)


def _cmd(p) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis.runner",
        "run",
        "--no-explore",
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
    signals = tmp_path / "signals"
    signals.mkdir()
    # each profile says it started, then waits for "go": the kill lands while it runs
    make_notebook(
        p["notebooks"] / "profile.ipynb",
        'region_code = "522701"\nscale = 1.0',
        [
            "import os, time\nfrom pathlib import Path\n"
            f"sig = Path({str(signals)!r})\n"
            "(sig / f'started_{region_code}').touch()\n"
            "while not (sig / 'go').exists():\n    time.sleep(0.05)",
            "region_code",
        ],
    )
    records = p["outputs"] / ".runner" / "records"
    proc = subprocess.Popen(
        _cmd(p),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ANALYSIS_DATA_DIR": str(p["data"])},
    )
    # tasks start in name order with 2 workers: overview finishes, profile_522701 waits
    _wait_until(
        lambda: (records / "overview.json").exists() and (signals / "started_522701").exists(),
        proc,
    )
    assert _processes_using(str(p["data"]))  # the pool's workers and the kernels
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = sorted(r.stem for r in records.glob("*.json"))
    assert done_before == ["overview"]  # really killed mid-run
    # workers and kernels die with the runner (PR_SET_PDEATHSIG, ipykernel's parent poller)
    # (a kernel forked just before the kill is listed on the next round)
    while left := _processes_using(str(p["data"])):
        _wait_for_exit(left)

    (signals / "go").touch()
    again = subprocess.run(_cmd(p), capture_output=True, text=True, timeout=HANG_GUARD)
    assert again.returncode == 0, again.stderr
    assert "built 3, up to date 1, failed 0" in again.stdout
    out = p["outputs"]
    names = ["overview", "profile_522701", "profile_522702", "profile_522703"]
    for n in names:
        nb = nbformat.read(out / "notebooks" / f"{n}.ipynb", as_version=4)
        nbformat.validate(nb)
        for view in ("", ".full"):
            page = (out / "html" / f"{n}{view}.html").read_text(encoding="utf-8")
            assert page.endswith("</html>\n")
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in man["reports"]) == names
    leftovers = [f for f in out.rglob("*") if ".tmp" in f.name]
    assert leftovers == []
