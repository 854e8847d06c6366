"""Benchmark: project 3,000 regions x 30 indicators with intervals, P(meet) and status.

Goal (issue 5): <= 10 s on the project machine (2 cores) for the vectorised models,
including the rolling-origin back-test that chooses among linear / log / logit per series.
Damped-trend ETS (all series at once, ``methods.ets``) is timed separately on a sample and
reported as series per second; ``benchmarks/ets_peers.py`` compares it with statsmodels.

    .venv/bin/python benchmarks/projection.py [--regions 3000] [--indicators 30] [--ets 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.methods import progress, projection

YEARS = list(range(2016, 2025))


def simulate(
    n_regions: int, n_indicators: int, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Synthetic panel: a third linear counts, a third exponential counts, a third bounded rates."""
    rng = np.random.default_rng(seed)
    n = n_regions * n_indicators
    t = np.arange(len(YEARS), dtype=float)
    kind = np.arange(n) % 3
    level = rng.uniform(10, 1000, n)[:, None]
    noise = rng.normal(0, 1, (n, len(YEARS)))
    lin = level + rng.uniform(-2, 10, n)[:, None] * t + 3 * noise
    exp = level * np.exp(rng.uniform(-0.02, 0.08, n)[:, None] * t + 0.03 * noise)
    rate = 100 / (
        1
        + np.exp(
            -(rng.uniform(-2, 2, n)[:, None] + rng.uniform(0, 0.3, n)[:, None] * t + 0.1 * noise)
        )
    )
    y = np.where(kind[:, None] == 0, lin, np.where(kind[:, None] == 1, exp, rate))
    y[rng.random(y.shape) < 0.03] = np.nan  # a few missing years
    keys = pd.MultiIndex.from_product(
        [range(n_indicators), range(n_regions)], names=["indicator", "region"]
    )
    upper = np.where(kind == 2, 100.0, np.nan)
    return pd.DataFrame(y, index=keys, columns=YEARS), np.zeros(n), upper


def run(n_regions: int, n_indicators: int, method: str = "auto") -> tuple[float, int]:
    panel, lower, upper = simulate(n_regions, n_indicators)
    n = len(panel)
    t0 = time.perf_counter()
    fc = projection.project(panel, range(2025, 2031), method=method, lower=lower, upper=upper)
    at = fc.at(2025)
    target = panel[2020].to_numpy() * 1.2
    prob = fc.prob(target, 2025, "higher")
    latest = panel[2024].to_numpy()
    status = progress.status(panel[2020].to_numpy(), 2020, latest, 2024, target, 2025, "higher")
    elapsed = time.perf_counter() - t0
    assert len(at) == n and len(prob) == n and len(status) == n
    return elapsed, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=3000)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--ets", type=int, default=200, help="series for the damped-trend ETS timing")
    args = ap.parse_args()
    goal = 10.0
    for method in ("linear", "auto"):
        elapsed, n = run(args.regions, args.indicators, method)
        print(
            f"{method:>7}: {n:,} series ({args.regions} regions x {args.indicators} indicators) "
            f"in {elapsed:.2f} s = {n / elapsed:,.0f} series/s; goal <= {goal:.0f} s: "
            f"{'OK' if elapsed <= goal else 'MISSED'} (ratio {elapsed / goal:.2f})"
        )
    if args.ets:
        elapsed, n = run(args.ets, 1, "damped")
        print(
            f" damped: {n:,} series in {elapsed:.2f} s = {n / elapsed:,.0f} series/s"
            " (all series at once, methods.ets)"
        )


if __name__ == "__main__":
    main()
