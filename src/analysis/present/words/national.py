"""Reader tables, titles and sentences of the national series (``analyses.national``).

Catalogue ``evaluation.*``; the projection itself is ``analyses.national.project_series``.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses import national
from analysis.analyses.national import SeriesProjection
from analysis.errors import check_lang
from analysis.messages import t
from analysis.present.captions import localise
from analysis.present.numbers import fmt
from analysis.present.words import labels
from analysis.present.words.tidy import tidy


def method_label(method: str, lang: str = "zh") -> str:
    """Label of a candidate of the national series: a ``projection`` method, a damped
    log-growth candidate (``evaluation.method_damped``) or the naive forecast."""
    phi = national.damped_phi(method)
    if phi is not None:
        return t("evaluation.method_damped", lang, phi=f"{phi:g}")
    if method == national.NAIVE:
        return t("evaluation.method_naive", lang)
    return labels.method_label(method, lang)


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
            t("evaluation.source", lang): [localise(x, lang) for x in s["source_title"]],
        }
    )


def accuracy_table(p: SeriesProjection, lang: str = "zh") -> pd.DataFrame:
    """MAE and MASE of each candidate model."""
    a = p.accuracy.dropna(subset=["mae"])  # models that do not apply (logit: no bound) left out
    out = pd.DataFrame(
        {
            t("targets.method", lang): [method_label(m, lang) for m in a["method"]],
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
    """The model chosen and the projection for the target year, how it compares with the
    naive forecast (``evaluation.verdict.<code>``) and the source quality of the series."""
    row = p.forecast.loc[p.target_year]
    mase = p.accuracy.set_index("method")["mase"]
    return " ".join(
        (
            t(
                "evaluation.chosen_method",
                lang,
                method=method_label(p.method, lang),
                year=p.target_year,
                value=fmt(row["mean"], 0),
                lo=fmt(row["lo80"], 0),
                hi=fmt(row["hi80"], 0),
            ),
            t(
                f"evaluation.verdict.{p.verdict}",
                lang,
                mase=fmt(mase[p.method], 2),
                naive=fmt(mase[national.NAIVE], 2),
            ),
            quality(p, lang),
        )
    )


def quality(p: SeriesProjection, lang: str = "zh") -> str:
    """The source quality of the series from its ``verified`` column (``evaluation.quality``)."""
    q = national.quality(p.series)
    return t("evaluation.quality", lang, n=len(p.series), **q)


def label(p: SeriesProjection, lang: str = "zh") -> str:
    """The series' name: its Chinese name as published, or the English catalogue label."""
    names = {"zh": localise(str(p.series["name_zh"].iloc[0]), "zh")}
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
