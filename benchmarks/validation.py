"""Peak memory and time of ``analysis validate`` on a ~200 MB invalid observation file.

The file is the minimal test data set plus ``observations/big.csv``: its first half valid
rows, then a mix of the audit's faults on every other line (bad numbers, unknown regions,
unquoted ``1,234``, fractional years, ``inf``). The validator must report them capped per
kind (``validate.CAP``) with a count of the rest, exit 2, and stay below 1 GiB peak RSS.

    .venv/bin/python benchmarks/validation.py [--mb 200] [--valid-share 0.5]
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


def write_file(path: Path, mb: int, valid_share: float) -> int:
    """Write about ``mb`` MB of observations; return the number of data lines."""
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the invalid file in MB")
    ap.add_argument("--valid-share", type=float, default=0.5, help="share of valid rows first")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(MINIMAL, data)
        t0 = time.perf_counter()
        n = write_file(data / "observations" / "big.csv", args.mb, args.valid_share)
        size = (data / "observations" / "big.csv").stat().st_size
        print(f"wrote {size / 2**20:.0f} MB, {n:,} data lines in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.cli", "validate", "--data", str(data)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    lines = proc.stderr.count("\n  - ")
    print(
        f"exit code {proc.returncode}; {lines} problem lines printed; "
        f"{elapsed:.1f} s wall, {cpu:.1f} s CPU"
    )
    print(f"peak memory (max RSS of the validate process): {peak_mb:.0f} MiB (goal < 1024)")
    print("Traceback" in proc.stderr and "TRACEBACK FOUND" or "no traceback")
    print("\n".join(proc.stderr.splitlines()[:3] + ["..."] + proc.stderr.splitlines()[-4:]))
    return 0 if proc.returncode == 2 and peak_mb < 1024 and "Traceback" not in proc.stderr else 1


if __name__ == "__main__":
    sys.exit(main())
