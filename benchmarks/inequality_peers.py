"""Benchmark: ``analysis.methods.inequality`` against PySAL ``inequality`` on the same arrays.

Data: 3,000 units x 330 columns (lognormal, seed 0), one process each, no parallelism.
PySAL computes one column at a time (``Gini(x[:, j]).g``, ``Theil(x[:, j]).T``, the loop
a user writes); the project computes all columns in one vectorised call
(``inequality.gini(x.T)`` and ``inequality.measures(x.T)``: n, mean, CV, Gini, Theil T and
Theil L).  Goals (issue 23): Gini alone at least as fast as PySAL's Gini loop; the four
measures in one call faster than PySAL's Gini and Theil loops together.

PySAL is not a project dependency.  Give it its own environment once:

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install inequality numpy

then run (the PySAL side runs in that interpreter through a subprocess on the same arrays,
saved to a temporary .npy file; with ``inequality`` importable here it runs in-process):

    PYTHONPATH=src .venv/bin/python benchmarks/inequality_peers.py [--peer-python PATH]

Rounds alternate project / PySAL three times and keep each side's fastest run, so both
are measured under the same machine load; the ratios are printed side by side, together
with the largest difference between the two libraries' Gini and Theil T values.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis.methods import inequality

UNITS, COLUMNS, REPEAT, ROUNDS = 3000, 330, 15, 3
PEER_PYTHON = "/tmp/bench-venv/bin/python"

PEER_CODE = """
import json, sys, time
import numpy as np
from inequality.gini import Gini
from inequality.theil import Theil

x = np.load(sys.argv[1])
repeat = int(sys.argv[2])


def best(f):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        runs.append(time.perf_counter() - t0)
    return min(runs), out


k = x.shape[1]
g_s, g = best(lambda: [Gini(x[:, j]).g for j in range(k)])
t_s, t = best(lambda: [Theil(x[:, j]).T for j in range(k)])
print(json.dumps({"gini_s": g_s, "theil_s": t_s, "gini": list(map(float, g)),
                  "theil_t": list(map(float, t))}))
"""


def best(f, repeat: int = REPEAT) -> float:
    """Fastest of ``repeat`` calls, seconds."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        runs.append(time.perf_counter() - t0)
    return min(runs)


def peer_run(path: Path, peer_python: str) -> dict:
    """PySAL timings and values on the array saved at ``path``."""
    try:
        import inequality as _  # noqa: F401  (PySAL importable here: run in-process)

        python = sys.executable
    except ImportError:
        python = peer_python
    if not Path(python).exists():
        sys.exit(
            f"PySAL interpreter {python} not found; create it with\n"
            "  python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install inequality numpy"
        )
    out = subprocess.run(
        [python, "-c", PEER_CODE, str(path), str(REPEAT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=PEER_PYTHON, help="interpreter with PySAL")
    args = parser.parse_args()
    x = np.random.default_rng(0).lognormal(0.0, 1.0, (UNITS, COLUMNS))
    xt = x.T  # columns x units: the project works along the last axis
    inequality.measures(xt)  # warm-up
    ours_g, ours_m, peer_g, peer_t = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.npy"
        np.save(path, x)
        for _ in range(ROUNDS):
            ours_g.append(best(lambda: inequality.gini(xt)))
            ours_m.append(best(lambda: inequality.measures(xt)))
            peer = peer_run(path, args.peer_python)
            peer_g.append(peer["gini_s"])
            peer_t.append(peer["theil_s"])
    m = inequality.measures(xt)
    dg = np.max(np.abs(m["gini"] - np.asarray(peer["gini"])))
    dt = np.max(np.abs(m["theil_t"] - np.asarray(peer["theil_t"])))
    g, mm, pg, pt = min(ours_g), min(ours_m), min(peer_g), min(peer_t)
    print(f"arrays: {UNITS} units x {COLUMNS} columns, best of {REPEAT} x {ROUNDS} rounds")
    print(f"PySAL Gini loop            {pg:.4f} s")
    print(f"PySAL Theil loop           {pt:.4f} s   (Gini + Theil {pg + pt:.4f} s)")
    print(f"project gini()             {g:.4f} s   ratio PySAL Gini / project {pg / g:.2f}x")
    print(
        f"project measures() (4)     {mm:.4f} s   ratio PySAL Gini+Theil / project "
        f"{(pg + pt) / mm:.2f}x  (goal > 1)"
    )
    print(f"largest |difference| vs PySAL: Gini {dg:.1e}, Theil T {dt:.1e}")


if __name__ == "__main__":
    main()
