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
from analysis.analyses.tidy import tidy
from analysis.errors import check_lang, user_error
from analysis.messages import t
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


def series_table(p: SeriesProjection, lang: str = "zh") -> pd.DataFrame:
    """The series as read: year, value in persons, value as published, verified, source."""
    s = p.series
    return pd.DataFrame(
        {
            t("evaluation.year", lang): s["year"].to_numpy(),
            t("evaluation.value", lang): s["value"].round(0).astype("int64").to_numpy(),
            t("evaluation.published", lang): (
                s["value_published"] + " " + s["unit_published"]
            ).to_numpy(),
            t("evaluation.verified", lang): [
                t(f"evaluation.verified_{v}", lang) for v in s["verified"]
            ],
            t("evaluation.source", lang): s["source_title"].to_numpy(),
        }
    )


def accuracy_table(p: SeriesProjection, lang: str = "zh") -> pd.DataFrame:
    """MAE and MASE of each candidate model."""
    a = p.accuracy.dropna(subset=["mae"])  # models that do not apply (logit: no bound) left out
    out = pd.DataFrame(
        {
            t("targets.method", lang): [projection.method_label(m, lang) for m in a["method"]],
            t("targets.mae", lang): a["mae"].round(0).to_numpy(),
            t("targets.mase", lang): a["mase"].to_numpy(),
        }
    )
    return tidy(out, 3)


def backtest_table(p: SeriesProjection, lang: str = "zh") -> pd.DataFrame:
    """The chosen model's back-test, one row per origin and year."""
    b = p.backtest
    out = pd.DataFrame(
        {
            t("evaluation.origin_year", lang): b["origin"].to_numpy(),
            t("evaluation.year", lang): b["year"].to_numpy(),
            t("evaluation.horizon", lang): b["h"].to_numpy(),
            t("evaluation.forecast", lang): b["forecast"].round(0).to_numpy(),
            t("evaluation.actual", lang): b["actual"].round(0).to_numpy(),
            t("evaluation.error", lang): b["error"].round(0).to_numpy(),
        }
    )
    return tidy(out, 0)


def summary(p: SeriesProjection, lang: str = "zh") -> str:
    """One sentence: the model chosen and the projection for the target year."""
    row = p.forecast.loc[p.target_year]
    return t(
        "evaluation.chosen_method",
        lang,
        method=projection.method_label(p.method, lang),
        year=p.target_year,
        value=f"{row['mean']:,.0f}",
        lo=f"{row['lo80']:,.0f}",
        hi=f"{row['hi80']:,.0f}",
    )


def label(p: SeriesProjection, lang: str = "zh") -> str:
    """The series' name: its Chinese name as published, or the English catalogue label."""
    names = {"zh": str(p.series["name_zh"].iloc[0])}
    if p.series["indicator"].iloc[0] == "certified_social_workers":
        names["en"] = t("evaluation.series_label", "en")
    return names.get(check_lang(lang), str(p.series["indicator"].iloc[0]))


def title(p: SeriesProjection, lang: str = "zh") -> str:
    """Section title: the series, national, first and last year."""
    years = p.series["year"]
    return t(
        "evaluation.national_title",
        lang,
        label=label(p, lang),
        first=int(years.min()),
        last=int(years.max()),
    )


def fan_inputs(p: SeriesProjection, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.fan_chart``."""
    hist = pd.Series(p.series["value"].to_numpy(float), index=p.series["year"].astype(int))
    return {
        "history": hist,
        "forecast": p.forecast,
        "target": None,
        "title": title(p, lang),
        "ylabel": t("evaluation.fan_ylabel", lang),
        "lang": lang,
    }
