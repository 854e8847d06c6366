"""A real national series projected and back-tested (certified social workers 2014-2023).

The series comes from ``data/series/national_series.csv`` (imported from the shared data by
``scripts/import_shared.py``: values converted to plain units, each row with its source and
verification flag). The model is chosen among linear, log-linear and (for bounded series)
logit trends by rolling-origin back-test (``projection.accuracy``: fit on the years up to
each origin, score on the next ``HORIZON`` years, MASE); the chosen model is then
projected from the last observation to ``target_year`` and its back-test is shown
year by year.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import user_error
from analysis.methods import projection

SERIES_FILE = Path("series") / "national_series.csv"
HORIZON = 3
MIN_TRAIN = 4


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


@dataclass(frozen=True)
class SeriesProjection:
    """A projected national series with its model choice and back-test."""

    series: pd.DataFrame
    method: str
    accuracy: pd.DataFrame  # one row per candidate method: mae, mase
    backtest: pd.DataFrame  # origin, year, h, forecast, actual, error, scaled_error
    forecast: pd.DataFrame  # year x (mean, lo80, hi80, lo95, hi95)
    target_year: int


def project_series(
    indicator: str = "certified_social_workers",
    target_year: int = 2030,
    data_dir: str | os.PathLike | None = None,
) -> SeriesProjection:
    """Choose, back-test and project one national series (module docstring)."""
    s = load_series(indicator, data_dir)
    panel = pd.DataFrame([s["value"].to_numpy(float)], columns=s["year"].astype(int).tolist())
    acc = projection.accuracy(
        panel, projection.OLS_METHODS, lower=0, horizon=HORIZON, min_train=MIN_TRAIN
    )
    method = str(projection.pick(acc, projection.OLS_METHODS).iloc[0])
    last = int(s["year"].max())
    years = np.arange(last + 1, max(target_year, last + 1) + 1)
    fc = projection.project(panel, years, method=method, lower=0)
    bt = projection.backtest(panel, method, lower=0, horizon=HORIZON, min_train=MIN_TRAIN)
    table = pd.DataFrame(
        {
            "method": list(projection.OLS_METHODS),
            "mae": [acc[("mae", m)].iloc[0] for m in projection.OLS_METHODS],
            "mase": [acc[("mase", m)].iloc[0] for m in projection.OLS_METHODS],
        }
    )
    return SeriesProjection(
        series=s,
        method=method,
        accuracy=table,
        backtest=bt.drop(columns=[c for c in bt.columns if c == 0]),
        forecast=fc.series(fc.keys[0]),
        target_year=target_year,
    )
