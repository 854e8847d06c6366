"""The published tables of the results model: tidy, code-named, one row per answer.

``tables(res)`` gives, for the data set's plan periods (each ``(base_year, target_year)`` of
the top region's targets) and the next period (the last target year + ``NEXT_SPAN``):

- ``forecast``: indicator, region_code, target_year, as_of_year, method, n_obs, projected
  (median), lo80, hi80, lo95, hi95: the one forecast of each horizon;
- ``status``: indicator, region_code, base_year, target_year, as_of_year, held_target,
  latest_year, latest_value, prob, status, risk: progress during each period;
- ``evaluation``: indicator, region_code, base_year, target_year, final_year, final,
  held_target, difference, difference_pct, final_status: periods whose data reach the
  target year;
- ``next_targets``: indicator, region_code, baseline_year, baseline, target_year,
  projected_p, standard, next_target, basis.

``export(res, folder)`` writes them as ``<folder>/<name>.csv`` (atomically, sorted rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.analyses import forecasts as fcs
from analysis.data import Dataset
from analysis.io import write_csv

NEXT_SPAN = 5
P = 0.8


def periods(ds: Dataset) -> list[tuple[int, int]]:
    """The top region's plan periods (base year, target year), benchmarks excluded."""
    t_ = ds.targets[
        (ds.targets["region_code"] == ds.top) & (ds.targets["attribute"] != "benchmark")
    ]
    pairs = {(int(b), int(y)) for b, y in zip(t_["base_year"], t_["target_year"], strict=True)}
    return sorted(pairs, key=lambda p: (p[1], p[0]))


def next_period(ds: Dataset) -> tuple[int, int] | None:
    """(last target year, last target year + ``NEXT_SPAN``), None without targets."""
    per = periods(ds)
    return (per[-1][1], per[-1][1] + NEXT_SPAN) if per else None


def _forecast_rows(hf: fcs.HorizonForecast) -> pd.DataFrame:
    at = hf.forecast.at(hf.horizon).reset_index()
    at.insert(2, "target_year", hf.horizon)
    at.insert(3, "as_of_year", hf.as_of_year)
    return at[
        [
            "indicator",
            "region_code",
            "target_year",
            "as_of_year",
            "method",
            "n_obs",
            "projected",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
        ]
    ]


def tables(res, p: float = P, rule: str = "gap") -> dict[str, pd.DataFrame]:
    """The results model's tables (module docstring)."""
    ds = res.ds
    fc, st, ev = [], [], []
    nxt = next_period(ds)
    for base, target in periods(ds):
        view = res.target_view(base, target, rule=rule)
        fc.append(_forecast_rows(res.horizon(target, view.as_of_year, list(view.targets.index))))
        s = view.summary.rename(columns={"target": "held_target"})
        s.insert(2, "base_year", base)
        s.insert(3, "target_year", target)
        s.insert(4, "as_of_year", view.as_of_year)
        st.append(
            s[
                [
                    "indicator",
                    "region_code",
                    "base_year",
                    "target_year",
                    "as_of_year",
                    "held_target",
                    "latest_year",
                    "latest_value",
                    "prob",
                    "status",
                    "risk",
                ]
            ]
        )
        e = res.evaluation(base, target, rule=rule)
        if (e["final_year"].astype(float) >= target).any():
            e = e.rename(columns={"target": "held_target", "status": "final_status"})
            e.insert(2, "base_year", base)
            ev.append(e.drop(columns=["baseline_year", "baseline", "met"]))
    out: dict[str, pd.DataFrame] = {}
    if nxt is not None:
        frame, std = res.next_targets(*nxt, p=p, rule=rule)
        fc.append(_forecast_rows(res.horizon(nxt[1], None, list(std.index))))
        out["next_targets"] = frame.rename(columns={"target": "next_target"}).drop(
            columns=["increment", "share"]
        )
    out["forecast"] = pd.concat(fc, ignore_index=True) if fc else pd.DataFrame()
    out["status"] = pd.concat(st, ignore_index=True) if st else pd.DataFrame()
    out["evaluation"] = pd.concat(ev, ignore_index=True) if ev else pd.DataFrame()
    return out


def export(res, folder: Path, p: float = P, rule: str = "gap") -> list[Path]:
    """Write ``tables(res)`` as sorted CSV files in ``folder``; the paths written."""
    written = []
    for name, frame in tables(res, p, rule).items():
        if frame.empty:
            continue
        keys = [c for c in ("indicator", "region_code", "target_year") if c in frame.columns]
        frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
        written.append(write_csv(Path(folder) / f"{name}.csv", frame))
    return written
