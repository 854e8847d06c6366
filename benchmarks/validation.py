"""Peak memory and time of ``analysis validate`` on large observation files.

Two cases, each in a fresh temporary data directory, each validated by ``analysis validate``
in a subprocess whose peak resident memory (``ru_maxrss`` of the child) and wall time are
printed:

* ``--case valid`` (default): a valid data set of ``--rows`` observations (4 million: about
  256 MB of CSV) in one file: 4,000 counties x 50 years x 20 count indicators, a note on
  every row (one of a few hundred texts, padded to about 64 bytes a line). Goal: at most
  2 GiB peak RSS (issue 22); the ratio to the goal is printed.
* ``--case invalid``: the minimal test data set plus ``observations/big.csv`` of ``--mb``
  MB, its first half valid rows, then a mix of faults on every other line (bad numbers,
  unknown regions, unquoted ``1,234``, fractional years, ``inf``). The validator must
  report them capped per kind with a count of the rest, exit 2, and stay below 1 GiB.

Both files are generated deterministically (no randomness).

    .venv/bin/python benchmarks/validation.py [--case valid] [--rows 4000000]
    .venv/bin/python benchmarks/validation.py --case invalid [--mb 200] [--valid-share 0.5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
HEADER = "region_code,year,indicator,value,source,note\n"
FAULTS = (
    "990001,{y},community_workers,x{i},panel,bad number\n",
    "99999{d},{y},community_workers,5,panel,unknown region\n",
    "990002,{y},community_workers,1,234,panel,unquoted thousands\n",
    "990001,{y}.5,community_workers,5,panel,fractional year\n",
    "990002,{y},community_workers,inf,panel,not finite\n",
)
GIB = 2**30
COUNTIES, YEARS, INDICATORS = 4000, tuple(range(1976, 2026)), 20
TOP = "900000"


def write_file(path: Path, mb: int, valid_share: float) -> int:
    """Write about ``mb`` MB of partly invalid observations; return the number of lines."""
    target = mb * 2**20
    size, n = len(HEADER), 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        while size < target:
            y = 1950 + n % 150
            if size < valid_share * target or n % 2:
                line = f"99000{1 + n % 2},{y},community_workers,{n % 997},panel,row {n}\n"
            else:
                line = FAULTS[(n // 2) % len(FAULTS)].format(y=y, i=n, d=n % 10)
            fh.write(line)
            size += len(line)
            n += 1
    return n


def write_valid(root: Path, rows: int) -> int:
    """A valid data set of ``rows`` observations (at most 4,000 x 50 x 20); return the rows."""
    (root / "observations").mkdir(parents=True)
    counties = [f"{int(TOP) + i:06d}" for i in range(1, COUNTIES + 1)]
    with (root / "regions.csv").open("w", encoding="utf-8") as fh:
        fh.write("code,name_zh,name_en,level,parent_code,group\n")
        fh.write(f"{TOP},测试省,Test Province,province,,\n")
        fh.writelines(f"{c},县{c},County {c},county,{TOP},county\n" for c in counties)
    inds = [f"indicator_{k:02d}" for k in range(INDICATORS)]
    with (root / "indicators.csv").open("w", encoding="utf-8") as fh:
        fh.write(
            "id,name_zh,name_en,unit_zh,unit_en,theme,direction,lower,upper,kind,numerator,"
            "denominator,scale,in_index,definition_zh,definition_en\n"
        )
        fh.writelines(
            f"{i},指标{i},Indicator {i},人,persons,workforce,higher,0,,count,,,,0,,\n" for i in inds
        )
    (root / "sources.csv").write_text(
        "id,title,publisher,date,reference,licence,kind\n"
        "bench,基准测试数据,benchmarks/validation.py,2026,,CC0,illustrative\n",
        encoding="utf-8",
    )
    (root / "targets.csv").write_text(
        "indicator,region_code,base_year,base_value,target_year,target_value,attribute,source,note\n"
        f"{inds[0]},{TOP},2020,,2025,100,expected,bench,\n",
        encoding="utf-8",
    )
    n = 0
    per_county = len(YEARS) * len(inds)
    with (root / "observations" / "big.csv").open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for c in counties:
            if n >= rows:
                break
            buf = []
            for ind in inds:
                for y in YEARS:
                    note = f"county survey sheet {n % 397:03d}"
                    buf.append(f"{c},{y},{ind},{(n * 7919) % 100_000 / 10:g},bench,{note}\n")
                    n += 1
            fh.writelines(buf[: max(0, rows - n + per_county)])
    return min(n, rows)


def run_validate(data: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """``analysis validate`` on ``data`` in a child process: (result, seconds, peak MiB)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    elapsed = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return proc, elapsed, peak_mib


def valid_case(rows: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        t0 = time.perf_counter()
        n = write_valid(data, rows)
        size = (data / "observations" / "big.csv").stat().st_size
        print(f"wrote {size / 2**20:.0f} MB, {n:,} rows in {time.perf_counter() - t0:.1f} s")
        proc, elapsed, peak = run_validate(data)
    print(f"exit code {proc.returncode}; {elapsed:.1f} s wall")
    print(proc.stdout.strip() or proc.stderr.strip()[:2000])
    print(
        f"peak memory (max RSS of the validate process): {peak:.0f} MiB = "
        f"{peak * 2**20 / size:.1f} x the file, {peak * 2**20 / (2 * GIB):.2f} x the 2 GiB goal"
    )
    return 0 if proc.returncode == 0 and peak * 2**20 <= 2 * GIB else 1


def invalid_case(mb: int, valid_share: float) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(MINIMAL, data)
        t0 = time.perf_counter()
        n = write_file(data / "observations" / "big.csv", mb, valid_share)
        size = (data / "observations" / "big.csv").stat().st_size
        print(f"wrote {size / 2**20:.0f} MB, {n:,} data lines in {time.perf_counter() - t0:.1f} s")
        proc, elapsed, peak = run_validate(data)
    lines = proc.stderr.count("\n  - ")
    print(f"exit code {proc.returncode}; {lines} problem lines printed; {elapsed:.1f} s wall")
    print(f"peak memory (max RSS of the validate process): {peak:.0f} MiB (goal < 1024)")
    print("Traceback" in proc.stderr and "TRACEBACK FOUND" or "no traceback")
    print("\n".join(proc.stderr.splitlines()[:3] + ["..."] + proc.stderr.splitlines()[-4:]))
    return 0 if proc.returncode == 2 and peak < 1024 and "Traceback" not in proc.stderr else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=("valid", "invalid"), default="valid")
    ap.add_argument("--rows", type=int, default=4_000_000, help="rows of the valid file")
    ap.add_argument("--mb", type=int, default=200, help="size of the invalid file in MB")
    ap.add_argument("--valid-share", type=float, default=0.5, help="share of valid rows first")
    args = ap.parse_args()
    if args.case == "valid":
        return valid_case(args.rows)
    return invalid_case(args.mb, args.valid_share)


if __name__ == "__main__":
    sys.exit(main())
