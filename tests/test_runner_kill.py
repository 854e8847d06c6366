"""Kill test: SIGKILL the runner mid-run, run again: it completes, nothing is corrupt.

Synchronised on events, not on a clock: the profile notebooks write a marker file when
they start and then wait for a "go" file; the test kills the runner once one report is
recorded and one profile is known to be running, and waits for the processes to exit
through pidfd (a wait on the process, not a sleep). The timeouts below only turn a hang
into a failure; they do not decide when things happen.
"""

from __future__ import annotations

import contextlib
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


HANG_GUARD = 300  # seconds: only to fail instead of hanging forever


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


def _wait_for_exit(pids: list[int], limit: float = HANG_GUARD) -> list[int]:
    """Block until every process in ``pids`` has exited (its pidfd becomes readable), or
    ``limit`` seconds pass; the pids still running."""
    fds = {}
    for pid in pids:
        try:
            fds[os.pidfd_open(pid)] = pid
        except ProcessLookupError:  # already gone
            continue
    try:
        pending = list(fds)
        while pending:
            ready, _, _ = select.select(pending, [], [], limit)
            if not ready:
                break
            pending = [fd for fd in pending if fd not in ready]
        return [fds[fd] for fd in pending]
    finally:
        for fd in fds:
            os.close(fd)


def _diagnosis(tmp: Path, marker: str) -> str:
    """What a hung run was doing: every process of the run dumps its threads' stacks
    (``PYTHONFAULTHANDLER``, on SIGABRT) into the runner's stderr or the workers' log; the
    process list, the runner's output, the workers' log and the records and signals so far."""
    pids = _processes_using(marker)
    ps = subprocess.run(
        ["ps", "-o", "pid,ppid,stat,etime,args", "-p", ",".join(map(str, pids)) or "1"],
        capture_output=True,
        text=True,
    ).stdout
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGABRT)
    _wait_for_exit(pids, limit=30)  # each dumps its stacks, then ends
    parts = [f"processes:\n{ps}"]
    for f in sorted(tmp.rglob("*")):
        if f.is_file() and (f.suffix in (".log", ".txt") or "signals" in f.parts):
            parts.append(f"--- {f.relative_to(tmp)}\n{f.read_text(errors='replace')[-20000:]}")
        elif f.is_file() and "records" in f.parts:
            parts.append(f"--- {f.relative_to(tmp)}")
    return "\n".join(parts)


def _wait_until(condition, proc: subprocess.Popen, tmp: Path, marker: str) -> None:
    """Poll the file system for ``condition`` (an event the run produces)."""
    start = time.monotonic()
    while not condition():
        if proc.poll() is not None:
            raise AssertionError("the run ended early\n" + _diagnosis(tmp, marker))
        if time.monotonic() - start > HANG_GUARD:
            raise AssertionError("the run never reached the state\n" + _diagnosis(tmp, marker))
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
    # the runner's output goes to files (a pipe nobody reads could fill and block it); every
    # process of the run can dump its stacks if the run hangs (_diagnosis)
    env = {**os.environ, "ANALYSIS_DATA_DIR": str(p["data"]), "PYTHONFAULTHANDLER": "1"}
    with (
        open(tmp_path / "runner.out.txt", "wb") as out,
        open(tmp_path / "runner.err.txt", "wb") as err,
    ):
        proc = subprocess.Popen(_cmd(p), stdout=out, stderr=err, env=env)
    # tasks start in name order with 2 workers: overview finishes, profile_522701 waits
    _wait_until(
        lambda: (records / "overview.json").exists() and (signals / "started_522701").exists(),
        proc,
        tmp_path,
        str(p["data"]),
    )
    assert _processes_using(str(p["data"]))  # the pool's workers and the kernels
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = sorted(r.stem for r in records.glob("*.json"))
    assert done_before == ["overview"]  # really killed mid-run
    # workers and kernels die with the runner (PR_SET_PDEATHSIG, ipykernel's parent poller)
    # (a kernel forked just before the kill is listed on the next round)
    while left := _processes_using(str(p["data"])):
        if _wait_for_exit(left):
            raise AssertionError(
                "processes outlived the runner\n" + _diagnosis(tmp_path, str(p["data"]))
            )

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
