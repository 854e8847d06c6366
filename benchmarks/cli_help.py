"""Wall time of ``analysis --help`` against the 0.5 s goal (issue 23), side by side with a
bare ``python -c pass`` and with the import of the runner's heavy modules it avoids.

Each command runs in a fresh interpreter ``--repeat`` times; the median is printed.

    .venv/bin/python benchmarks/cli_help.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.5  # seconds (issue 23)


def median_seconds(cmd: list[str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (output discarded)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command")
    args = ap.parse_args()
    py = sys.executable
    rows = [
        ("python -c pass", [py, "-c", "pass"]),
        ("analysis --help", [py, "-m", "analysis.cli", "--help"]),
        ("analysis run --help", [py, "-m", "analysis.cli", "run", "--help"]),
        ("import nbformat (avoided)", [py, "-c", "import nbformat"]),
    ]
    measured = {name: median_seconds(cmd, args.repeat) for name, cmd in rows}
    for name, sec in measured.items():
        print(f"{name:28s} {sec:6.3f} s")
    help_s = measured["analysis --help"]
    verdict = "met" if help_s <= GOAL else "NOT met"
    print(f"analysis --help: {help_s:.3f} s = {help_s / GOAL:.2f} x the {GOAL} s goal ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
