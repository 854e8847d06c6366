"""Benchmark: validate and build every report including the county profiles, from 12
counties to a synthetic China (about 2,850 counties in about 330 prefectures in 31
provinces, 10 years, the default indicator set), then rerun with nothing changed.

For each size a synthetic data set is written to a temporary directory
(``analysis.data.synthetic.write_tree`` with the levels of ``levels_for``: a prefecture, a
province, a country), with a square-grid schematic map, and three commands are timed in
fresh processes:

    analysis validate --data DIR
    analysis run --data-dir DIR --outputs-dir OUT --force     (every report and profile)
    analysis run --data-dir DIR --outputs-dir OUT             (nothing changed: 0 built)

Printed per size: wall time, peak memory of the whole process tree (the sum of the resident
sizes of the command and every kernel and worker it starts, sampled every 0.2 s from
/proc), the ratio of both to the 12-county run, the seconds of each report (its record), the
profile pages' rate (pages per second of worker time) and the no-change rerun. Goals
(issue 23): at 2,850 counties every report and profile <= 5 minutes and <= 3 GiB on a 2-core
machine; a no-change run <= 1 s at 12 counties and <= 5 s at 2,850.

Measured 2026-12-05 (issue 23, after: quadratic per-region loops removed, results tables
persisted, plain long tables, nbconvert's page pass without BeautifulSoup, memory given
back), 2,850 counties with every profile, idle machine, four runs: validate 10.6-12.5 s +
run 175.2-183.6 s (188-196 s in all; goal 300 s), peak 2,988-3,665 MiB (goal 3,072: met in
two of four; the peak is the 04 and 07 kernels building national Word documents at the same
time, 1.4 GB and 0.8 GB), profiles 13.6-14.9 per second per worker, no-change rerun
1.33-1.47 s. Per report: 01 4, 02 12, 03 9 and 7, 04 39-46, 05 4, 06 4, 07 21-23 s.
Before, on the same machine: validate 13.0 s + run 340.7 s, 4,447 MiB.

Measured 2026-12-01 (issue 15, before the results model and the stored Dataset), profiles
excluded: 2,850 counties validate 15 s + run 416 s, 3.6 GiB. Issue 23 (before): 227 s and
4.2 GiB without the profiles, 206 s more for the profiles.

    .venv/bin/python benchmarks/national.py            # 12, 88, 500, 2850 counties
    .venv/bin/python benchmarks/national.py --quick    # 12 and 88 counties
    .venv/bin/python benchmarks/national.py --sizes 12 2850 --no-profiles
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (12, 88, 500, 2850)
QUICK = (12, 88)
PROFILE_NOTEBOOK = "county_profile"
PAGE = os.sysconf("SC_PAGE_SIZE")


def reports(config: Path = ROOT / "reports.toml", profiles: bool = True) -> list[str]:
    """Names of every report of ``config`` (without the per-county profiles: ``profiles``)."""
    with open(config, "rb") as fh:
        doc = tomllib.load(fh)
    return [r["name"] for r in doc["report"] if profiles or PROFILE_NOTEBOOK not in r["notebook"]]


def levels_for(n: int) -> tuple[int, ...]:
    """Region levels below the root for ``n`` counties: a prefecture (``n`` <= 12), a province
    of about 10 counties per prefecture (``n`` <= 150, e.g. 9 and 88 like Guizhou), else a
    country of about 92 counties per province and 8.6 per prefecture (31, 330, 2850)."""
    if n <= 12:
        return (n,)
    if n <= 150:
        return (max(2, round(n / 10)), n)
    return (max(2, round(n / 92)), round(n / 8.6), n)


def write_data(root: Path, n: int) -> Path:
    """A synthetic data set of ``n`` counties (``levels_for``) with a grid map; returns the
    data directory. The flat ``write_dataset`` when the package has no ``write_tree``."""
    from analysis.data import synthetic

    tree = getattr(synthetic, "write_tree", None)
    if tree is not None:
        data = tree(root / "data", levels=levels_for(n), years=range(2016, 2026))
    else:
        data = synthetic.write_dataset(root / "data", n_units=n)
    synthetic.write_grid_map(data)
    return Path(data)


def _tree_rss(root_pid: int) -> int:
    """Bytes resident in ``root_pid`` and all its descendants (Linux /proc)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            parent[int(entry)] = int(stat[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, todo = {root_pid}, [root_pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        todo.extend(kids)
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class Timing:
    seconds: float
    peak_bytes: int
    returncode: int
    tail: str


def measure(cmd: list[str], cwd: Path) -> Timing:
    """Run ``cmd``; wall time and peak resident memory of its process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    done.set()
    th.join()
    return Timing(time.perf_counter() - t0, peak[0], proc.returncode, out[-2000:])


def bench(n: int, work: Path, names: list[str], jobs: int) -> dict:
    d = work / f"n{n}"
    t0 = time.perf_counter()
    data = write_data(d, n)
    gen = time.perf_counter() - t0
    os.environ["ANALYSIS_CACHE_DIR"] = str(d / "cache")  # nothing stored before this size
    exe = [sys.executable, "-m", "analysis.cli"]
    val = measure([*exe, "validate", "--data", str(data)], ROOT)
    run_cmd = [
        *exe,
        "run",
        "--data-dir",
        str(data),
        "--outputs-dir",
        str(d / "outputs"),
        "--force",
        "--no-progress",
        "--jobs",
        str(jobs),
        "--only",
        *names,
    ]
    run = measure(run_cmd, ROOT)
    noop = measure([c for c in run_cmd if c != "--force"], ROOT)
    for what, r in (("validate", val), ("run", run), ("no-change run", noop)):
        if r.returncode != 0:
            print(f"  [{n}] {what} exit {r.returncode}:\n{r.tail}", file=sys.stderr)
    return {
        "n": n,
        "generate": gen,
        "validate": val,
        "run": run,
        "noop": noop,
        "reports": durations(d),
    }


def durations(work: Path) -> dict[str, float]:
    """Seconds per report of the run (its manifest), to see which one grows."""
    import json

    path = work / "outputs" / "manifest.json"
    if not path.is_file():
        return {}
    reports = json.loads(path.read_text(encoding="utf-8")).get("reports", [])
    return {str(r["name"]): float(r.get("duration") or 0.0) for r in reports}


def per_report(seconds: dict[str, float]) -> tuple[str, str]:
    """The reports' seconds, and the profile pages summed (count, worker seconds, rate)."""
    pages = {k: v for k, v in seconds.items() if k.startswith(PROFILE_NOTEBOOK)}
    each = "  ".join(f"{k} {v:.0f}" for k, v in seconds.items() if k not in pages)
    total = sum(pages.values())
    rate = len(pages) / total if total else 0.0
    prof = f"{len(pages)} profiles, {total:.0f} s of worker time, {rate:.1f} profiles/s per worker"
    return each, prof


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="12 and 88 counties only")
    ap.add_argument("--sizes", type=int, nargs="+", help="numbers of counties")
    ap.add_argument("--jobs", type=int, default=0, help="analysis run --jobs (0: automatic)")
    ap.add_argument("--keep", type=Path, help="keep data and outputs under this directory")
    ap.add_argument("--no-profiles", action="store_true", help="leave the county profiles out")
    args = ap.parse_args(argv)
    sizes = args.sizes or (QUICK if args.quick else SIZES)
    if 12 not in sizes:
        sizes = [12, *sizes]  # the reference for the ratios
    names = reports(profiles=not args.no_profiles)
    print(
        f"reports: {' '.join(n for n in names if PROFILE_NOTEBOOK not in n)}"
        f"{' + county profiles' if not args.no_profiles else ''}"
    )
    with tempfile.TemporaryDirectory(prefix="national-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in sorted(sizes):
            r = bench(n, work, names, args.jobs)
            rows.append(r)
            base = rows[0]
            v, u = r["validate"], r["run"]
            print(
                f"{n:>6} counties | data {r['generate']:6.1f} s | validate {v.seconds:6.1f} s"
                f" {v.peak_bytes / 2**20:7.0f} MiB | run {u.seconds:7.1f} s"
                f" {u.peak_bytes / 2**20:7.0f} MiB | x{u.seconds / base['run'].seconds:5.1f} time"
                f" x{u.peak_bytes / max(base['run'].peak_bytes, 1):4.1f} memory"
                f" | {'ok' if v.returncode == 0 and u.returncode == 0 else 'FAILED'}",
                flush=True,
            )
            each, prof = per_report(r["reports"])
            print(f"{'':>6} seconds per report (kernels in parallel): {each}", flush=True)
            print(f"{'':>6} {prof}", flush=True)
            z = r["noop"]
            print(
                f"{'':>6} no-change run {z.seconds:6.2f} s {z.peak_bytes / 2**20:7.0f} MiB"
                f" | x{z.seconds / max(base['noop'].seconds, 1e-9):5.1f} time",
                flush=True,
            )
    failed = [r for r in rows if r["validate"].returncode or r["run"].returncode]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
