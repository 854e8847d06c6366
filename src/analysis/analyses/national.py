"""A real national series projected and back-tested (certified social workers 2014-2023).

The series comes from ``data/series/national_series.csv`` (imported from the shared data by
``scripts/import_shared.py``: values converted to plain units, each row with its source and
verification flag ``verified``: yes = read in the publication, partly = read in a citing
report; ``quality`` counts them).

Candidates, all back-tested the same way (rolling origin: fit on the years up to each
origin, score on the next ``HORIZON`` years; MASE = mean |error| / mean absolute one-year
change of the training years, Hyndman & Koehler 2006):

- ``linear``, ``log`` (constant growth rate), ``logit`` (bounded series only):
  ``projection`` trends, projected from the last observation;
- ``log_damped_<phi>``: the log-linear growth rate g (OLS slope of log y on the year)
  damped geometrically from the last observation y_T (a saturating path):
  log y(T+h) = log y_T + g (phi + phi^2 + ... + phi^h), which levels off at
  y_T exp(g phi / (1 - phi)); phi in ``DAMPING`` (0.8-0.98, the usual range of damped
  trends, Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, §8.2);
- ``naive``: the last value carried forward (the benchmark, never chosen as a model).

The model with the lowest MASE is chosen. ``verdict`` says how it compares with the naive
forecasts: ``naive_best`` when the naive forecast's back-test MASE is not beaten (no model
beats the naive forecast; the last value is then projected flat), ``beats_naive`` when the
chosen model beats it and its MASE is below 1 (smaller errors than one year's typical
change), ``not_below_one`` when it beats the multi-year naive forecast but its MASE is 1 or
more (no better than the one-step naive benchmark that defines the MASE scale).

Intervals of ``log_damped`` and ``naive``: normal on the log scale (resp. the original
scale) with sd sigma sqrt(h), sigma the sd of the yearly log changes (resp. the root mean
square yearly change) of the whole series (random walk, fpp §5.5).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import paths
from analysis.errors import user_error
from analysis.methods import projection

SERIES_FILE = Path("series") / "national_series.csv"
HORIZON = 3
MIN_TRAIN = 4
DAMPING = (0.8, 0.9, 0.98)  # phi of the damped log-growth candidates
NAIVE = "naive"
VERDICTS = ("beats_naive", "not_below_one", "naive_best")
_Z = {"80": stats.norm.ppf(0.9), "95": stats.norm.ppf(0.975)}


def series_path(data_dir: str | os.PathLike | None = None) -> Path:
    """The national series file of the embedded data (or of ``data_dir`` if it has one)."""
    if data_dir:
        own = Path(data_dir) / SERIES_FILE
        if own.is_file():
            return own
    return paths.PROJECT_ROOT / "data" / SERIES_FILE


def load_series(indicator: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Rows of one national indicator, sorted by year (plain units, with sources)."""
    f = pd.read_csv(series_path(data_dir), dtype={"value_published": str})
    s = f[f["indicator"] == indicator].sort_values("year").reset_index(drop=True)
    if s.empty:
        valid = ", ".join(sorted(f["indicator"].unique()))
        raise user_error("evaluation.no_series", indicator=indicator, valid=valid)
    return s


def damped_name(phi: float) -> str:
    """Method code of the damped log-growth candidate with factor ``phi``."""
    return f"log_damped_{phi:g}"


def damped_phi(method: str) -> float | None:
    """``phi`` of a ``log_damped_<phi>`` code, None for other methods."""
    return float(method.rsplit("_", 1)[1]) if method.startswith("log_damped_") else None


def damped_path(y: np.ndarray, t: np.ndarray, h: np.ndarray, phi: float) -> np.ndarray:
    """Damped log-growth forecast h years after the last of ``y`` (module docstring):
    y_T exp(g (phi + ... + phi^h)), g the OLS slope of log y on ``t``."""
    g = np.polyfit(np.asarray(t, float), np.log(np.asarray(y, float)), 1)[0]
    h = np.asarray(h, dtype=float)
    cum = phi * (1 - phi**h) / (1 - phi)  # phi + phi^2 + ... + phi^h
    return float(y[-1]) * np.exp(g * cum)


def _own_backtest(y: np.ndarray, t: np.ndarray, method: str) -> pd.DataFrame:
    """Rolling-origin back-test of ``naive`` or a damped candidate (``projection.backtest``
    columns: origin, year, h, forecast, actual, error, scale, scaled_error)."""
    rows = []
    for k in range(MIN_TRAIN - 1, len(t) - 1):
        tr, tt = y[: k + 1], t[: k + 1]
        fut = np.flatnonzero((t > tt[-1]) & (t <= tt[-1] + HORIZON))
        h = t[fut] - tt[-1]
        phi = damped_phi(method)
        fc = np.full(len(h), tr[-1]) if phi is None else damped_path(tr, tt, h, phi)
        for yr, hh, f, a in zip(t[fut], h, fc, y[fut], strict=True):
            rows.append((int(tt[-1]), int(yr), int(hh), float(f), float(a)))
    bt = pd.DataFrame(rows, columns=["origin", "year", "h", "forecast", "actual"])
    bt["error"] = bt["actual"] - bt["forecast"]
    scales = {int(t[k]): float(np.mean(np.abs(np.diff(y[: k + 1])))) for k in range(1, len(t))}
    bt["scale"] = bt["origin"].map(scales)
    bt["scaled_error"] = bt["error"] / bt["scale"]
    return bt


def _own_forecast(y: np.ndarray, t: np.ndarray, years: np.ndarray, method: str) -> pd.DataFrame:
    """Central value and 80 % / 95 % intervals of ``naive`` or a damped candidate."""
    h = years - t[-1]
    phi = damped_phi(method)
    if phi is None:
        centre = np.full(len(h), float(y[-1]))
        sd = float(np.sqrt(np.mean(np.diff(y) ** 2))) * np.sqrt(h)
        band = {f"{s}{q}": centre + sign * _Z[q] * sd for q in _Z for s, sign in _SIDES}
    else:
        centre = damped_path(y, t, h, phi)
        sd = float(np.std(np.diff(np.log(y)), ddof=1)) * np.sqrt(h)
        band = {f"{s}{q}": centre * np.exp(sign * _Z[q] * sd) for q in _Z for s, sign in _SIDES}
    out = pd.DataFrame({"mean": centre, **band}, index=pd.Index(years, name="year"))
    return out[["mean", "lo80", "hi80", "lo95", "hi95"]]


_SIDES = (("lo", -1.0), ("hi", 1.0))


def verdict(accuracy: pd.DataFrame, method: str) -> str:
    """How the chosen ``method`` compares with the naive forecast (module docstring)."""
    mase = accuracy.set_index("method")["mase"]
    if method == NAIVE:
        return "naive_best"
    return "beats_naive" if mase[method] < 1 else "not_below_one"


def quality(series: pd.DataFrame) -> dict[str, int]:
    """How many values were read in the publication (``yes``) or in a citing report
    (``partly``), from the series file's ``verified`` column."""
    v = series["verified"].astype(str)
    return {"yes": int((v == "yes").sum()), "partly": int((v == "partly").sum())}


@dataclass(frozen=True)
class SeriesProjection:
    """A projected national series with its model choice and back-test."""

    series: pd.DataFrame
    method: str
    accuracy: pd.DataFrame  # one row per candidate method and the naive forecast: mae, mase
    backtest: pd.DataFrame  # origin, year, h, forecast, actual, error, scaled_error
    forecast: pd.DataFrame  # year x (mean, lo80, hi80, lo95, hi95)
    target_year: int
    verdict: str = "beats_naive"  # VERDICTS: the chosen model against the naive forecast


def project_series(
    indicator: str = "certified_social_workers",
    target_year: int = 2030,
    data_dir: str | os.PathLike | None = None,
) -> SeriesProjection:
    """Choose, back-test and project one national series (module docstring)."""
    s = load_series(indicator, data_dir)
    y, t = s["value"].to_numpy(float), s["year"].astype(int).to_numpy()
    panel = pd.DataFrame([y], columns=t.tolist())
    acc = projection.accuracy(
        panel, projection.OLS_METHODS, lower=0, horizon=HORIZON, min_train=MIN_TRAIN
    )
    rows = [(m, acc[("mae", m)].iloc[0], acc[("mase", m)].iloc[0]) for m in projection.OLS_METHODS]
    own = {m: _own_backtest(y, t, m) for m in (*map(damped_name, DAMPING), NAIVE)}
    if (y > 0).all():
        rows += [
            (m, b["error"].abs().mean(), b["scaled_error"].abs().mean()) for m, b in own.items()
        ]
    else:  # damped log growth needs positive values; the naive forecast always applies
        rows.append(
            (NAIVE, own[NAIVE]["error"].abs().mean(), own[NAIVE]["scaled_error"].abs().mean())
        )
    table = pd.DataFrame(rows, columns=["method", "mae", "mase"])
    ok = table.dropna(subset=["mase"])
    method = str(ok.loc[ok["mase"].idxmin(), "method"]) if len(ok) else "linear"
    last = int(t.max())
    years = np.arange(last + 1, max(target_year, last + 1) + 1)
    if method in projection.OLS_METHODS:
        fc = projection.project(panel, years, method=method, lower=0)
        forecast = fc.series(fc.keys[0])
        bt = projection.backtest(panel, method, lower=0, horizon=HORIZON, min_train=MIN_TRAIN)
        bt = bt.drop(columns=[c for c in bt.columns if c == 0])
    else:
        forecast = _own_forecast(y, t, years, method)
        bt = own[method]
    return SeriesProjection(
        series=s,
        method=method,
        accuracy=table,
        backtest=bt,
        forecast=forecast,
        target_year=target_year,
        verdict=verdict(table, method),
    )
