"""Benchmark: county profile pages in batch mode (reports.toml `batch`, runner/batch.py).

Runs ``analysis run --only county_profile --force`` in-process (``analysis.runner.run``) on
the project's data (12 counties) and on synthetic flat data sets
(``analysis.data.synthetic.write_dataset``) of more counties, with the local process pool
and with dask (a LocalCluster of the same size). Prints, per run: counties, wall time,
CPU seconds (this process and its workers: the machine is shared, so wall time depends on
the load; CPU time much less), profiles per second, profiles per CPU second x 2 (what two
idle cores would give), peak memory (the largest resident set of this process or any of its
finished children) and the time per profile relative to the 12-county run.

Goal (issue 15 item 8): >= 5 profiles per second on this 2-core machine, so every county of
China (~2,850) in under 10 minutes.

Also measured once (``font``): cutting the page font as one WOFF2 subset per page (what the
notebook pages do) against the one shared subset per batch.

    .venv/bin/python benchmarks/profiles.py [n_units ...] [--jobs 2] [--no-dask]
    .venv/bin/python benchmarks/profiles.py 12 500 2850

Side by side (``--against``): this tree's pages against another tree's (e.g. the commit
before a change: ``git archive <commit> src | tar -x -C /tmp/base``), in fresh processes
taking turns on the same synthetic tree (``national.write_data``: the national run's levels)
and the same pages, each with an empty cache folder (so both cut the same fonts); prints
CPU seconds per page of each and the ratio:

    .venv/bin/python benchmarks/profiles.py 2850 --against /tmp/base/src --pages 50

Measured 2026-12-04 (issue 23, shared machine, load 3-10; CPU time), 2,850 counties in the
national tree, 60 pages, best of 2, against the tree before the batch's template figure:
0.080 CPU s per page against 0.150 (x1.87), i.e. all 2,850 pages in about 114 s on two
idle cores. With the fonts already cut (the synthetic names repeat their characters):
0.066 s per page; left per page: one Agg draw and PNG (70 %), the page's words and tables
(25 %). Bytes unchanged (every page compared with the earlier tree's).

Measured 2026-12-01 on the shared 2-core machine (load average 3-7 from other work, so wall
times are inflated; "x2" = profiles per CPU second x 2 cores, what two idle cores give):

    counties  executor  seconds  CPU s  prof/s  x2    peak MiB
          12  local        15.8   15.5    0.76  1.6   212   (fixed costs: imports, load, font)
          12  dask         14.6   14.8    0.82  1.6   225
         500  local       158.6  121.1    3.15  8.3   348
         500  dask        110.7  139.6    4.52  7.2   359
        2850  local       709.6  660.8    4.02  8.6   761   (load average 3.5-6)

    in-process, one worker: 0.19-0.22 CPU s per page at 12, 500 and 2,850 counties (flat);
    setup (load + derive + index + tiers + shortfalls) once per worker: 1.4 s (12), 2.4 s
    (500), ~15 s CPU (2,850, mostly loading).
    font: a WOFF2 subset per page 0.15-0.5 s; one shared subset per batch 0.7-1.8 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.runner import Options, run

CONFIG = """[[report]]
name = "county_profile"
notebook = "{notebook}"
title = "{{region_name}} {{region_name_en}}"
expand = {{ region_code = "@counties" }}
output = "county_profile_{{region_code}}"
batch = "analysis.present.profile_page"
"""


def peak_mib() -> float:
    """Largest resident set (MiB) of this process or any finished child (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def one_run(data: Path | None, work: Path, executor: str, jobs: int) -> tuple[int, float, float]:
    """(pages built, wall seconds, CPU seconds) of one forced batch run."""
    cfg = work / "reports.toml"
    nb = (paths.NOTEBOOKS_DIR / "county_profile.ipynb").as_posix()
    cfg.write_text(CONFIG.format(notebook=nb), encoding="utf-8")
    out = work / f"out-{executor}"
    opts = Options(
        config=cfg,
        data_dir=data,
        outputs=out,
        only=["county_profile"],
        jobs=jobs,
        force=True,
        executor=executor,
        progress=False,
        explore=False,
    )
    c0, t0 = cpu_seconds(), time.perf_counter()
    summary = run(opts)
    sec = time.perf_counter() - t0
    if summary.failed:
        first = next(iter(summary.failed.items()))
        sys.exit(f"{len(summary.failed)} profiles failed, e.g. {first}")
    return len(summary.built), sec, cpu_seconds() - c0


def in_process(data: Path | None, n_pages: int = 36) -> tuple[float, float, float]:
    """One worker's costs, in this process: setup (load + derive + index + tiers + shortfalls
    + page context) wall seconds, then CPU and wall seconds per page over ``n_pages`` pages.
    CPU time is what the machine's load does not inflate (other processes share the cores)."""
    from analysis.data import load
    from analysis.runner import batch
    from analysis.runner.config import Nav

    d = str(data or paths.data_dir(None))
    batch._PREPARED.clear()
    module = "analysis.present.profile_page"
    run_params = {"data_dir": d, "top": "", "level": ""}
    codes = load(d).unit_codes
    items = [batch.Item(f"p{c}", c, c, Nav()) for c in codes]
    items = (items * (1 + n_pages // len(items)))[:n_pages]
    w0 = time.perf_counter()
    batch.render_chunk(module, run_params, {"lang": "zh"}, items[:1])
    setup = time.perf_counter() - w0
    c1, w1 = time.process_time(), time.perf_counter()
    res = batch.render_chunk(module, run_params, {"lang": "zh"}, items)
    assert all(r["ok"] for r in res)
    return setup, (time.process_time() - c1) / len(res), (time.perf_counter() - w1) / len(res)


def font_cost(n_pages: int = 3) -> tuple[float, float]:
    """Seconds to cut one page's font subset, and the shared batch subset, default data."""
    from analysis.runner import batch, fonts
    from analysis.runner.config import Task

    nb = paths.NOTEBOOKS_DIR / "county_profile.ipynb"
    task = Task("p", "county_profile", "", nb, {}, batch="analysis.present.profile_page")
    chars = batch.font_chars(paths.data_dir(None), [task])
    fonts.prepared_font()
    t0 = time.perf_counter()
    for k in range(n_pages):  # a page uses a few hundred of the batch's characters
        fonts.subset_woff2(chars[k::4])
    per_page = (time.perf_counter() - t0) / n_pages
    t0 = time.perf_counter()
    fonts.subset_woff2(chars)
    return per_page, time.perf_counter() - t0


CHILD = """
import json, sys, time
from analysis.data import load
from analysis.runner import batch
from analysis.runner.config import Nav
d, n = sys.argv[1], int(sys.argv[2])
run = {"data_dir": d, "top": "", "level": ""}
codes = load(d).unit_codes
items = [batch.Item(f"p{c}", c, c, Nav()) for c in codes][:: max(1, len(codes) // n)][:n]
module = "analysis.present.profile_page"
t0 = time.process_time()
batch.render_chunk(module, run, {"lang": "zh"}, items[:1])
setup = time.process_time() - t0
t0 = time.process_time()
res = batch.render_chunk(module, run, {"lang": "zh"}, items)
assert all(r["ok"] for r in res), [r for r in res if not r["ok"]][:1]
print(json.dumps({"setup": setup, "page": (time.process_time() - t0) / len(res)}))
"""


def side_by_side(n: int, src: Path, pages: int, rounds: int) -> None:
    """CPU seconds per page (and of the set-up: load, prepare, first page) of this tree and
    of the tree at ``src``, alternating in fresh processes on one data set of ``n`` units."""
    import json
    import os
    import subprocess

    import national

    trees = {"this": paths.PROJECT_ROOT / "src", "other": src.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        data = national.write_data(Path(tmp) / "d", n) if n != 12 else paths.data_dir(None)
        got: dict[str, list[dict]] = {k: [] for k in trees}
        for r in range(rounds):
            for name, tree in trees.items():
                env = {
                    **os.environ,
                    "PYTHONPATH": str(tree),
                    "ANALYSIS_CACHE_DIR": str(Path(tmp) / f"cache-{name}-{r}"),
                }
                cmd = [sys.executable, "-c", CHILD, str(data), str(pages)]
                out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
                got[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(f"  round {r + 1} {name:5s} {got[name][-1]}", flush=True)
    best = {k: {f: min(x[f] for x in v) for f in ("setup", "page")} for k, v in got.items()}
    print(f"{n} counties, {pages} pages, best of {rounds} (CPU seconds):")
    for f in ("setup", "page"):
        a, b = best["this"][f], best["other"][f]
        print(f"  {f:5s} this {a:7.3f}  other {b:7.3f}  other/this x{b / a:5.2f}")
    print(f"  all {n} pages on 2 idle cores: this {n * best['this']['page'] / 2:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[12, 500])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--no-run", action="store_true", help="in-process costs only")
    ap.add_argument("--against", type=Path, help="another tree's src/: side by side")
    ap.add_argument("--pages", type=int, default=50, help="pages per side-by-side run")
    ap.add_argument("--rounds", type=int, default=2, help="side-by-side runs of each tree")
    args = ap.parse_args()
    if args.against:
        for n in args.sizes:
            side_by_side(n, args.against, args.pages, args.rounds)
        return
    executors = ["local"] if args.no_dask else ["local", "dask"]
    rows = []
    costs = []
    base: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            work = Path(tmp) / f"n{n}"
            work.mkdir()
            data = None
            if n != 12:
                from analysis.data.synthetic import write_dataset

                t0 = time.perf_counter()
                data = write_dataset(work / "data", n_units=n)
                print(f"synthetic data set, {n} counties: {time.perf_counter() - t0:.1f} s")
            costs.append((n, *in_process(data)))
            print(f"  in-process: setup {costs[-1][1]:.1f} s, {costs[-1][2]:.3f} CPU s/page")
            for ex in [] if args.no_run else executors:
                built, sec, cpu = one_run(data, work, ex, args.jobs)
                per = sec / max(built, 1)
                base.setdefault(ex, per)
                rows.append((n, ex, built, sec, cpu, built / sec, peak_mib(), per / base[ex]))
                print(f"  {ex:5s} {built:5d} profiles {sec:7.1f} s, CPU {cpu:.1f} s", flush=True)
    print()
    print(
        f"{'counties':>8} {'executor':>8} {'built':>6} {'seconds':>8} {'CPU s':>7} "
        f"{'prof/s':>7} {'prof/CPU-s x2':>13} {'peak MiB':>9} {'s/prof vs 12':>13}"
    )
    for n, ex, built, sec, cpu, rate, mib, ratio in rows:
        print(
            f"{n:>8} {ex:>8} {built:>6} {sec:>8.1f} {cpu:>7.1f} {rate:>7.2f} "
            f"{2 * built / cpu:>13.2f} {mib:>9.0f} {ratio:>13.2f}"
        )
    print("(prof/CPU-s x2: profiles per second on two otherwise idle cores, from CPU time;")
    print(" CPU time of dask workers started by a scheduler elsewhere is not counted)")
    print()
    print(
        f"{'counties':>8} {'setup s':>8} {'CPU s/page':>11} {'wall s/page':>12} "
        f"{'pages/s, 2 idle cores':>22}"
    )
    for n, setup, cpu, wall in costs:
        print(f"{n:>8} {setup:>8.1f} {cpu:>11.3f} {wall:>12.3f} {2 / cpu:>22.1f}")
    per_page, shared = font_cost()
    print()
    print(
        f"font: one WOFF2 subset per page {per_page:.2f} s/page; one shared subset {shared:.2f} s"
    )


if __name__ == "__main__":
    main()
