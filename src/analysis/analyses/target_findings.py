"""Findings sentences for the target report, generated from status and probability together.

One verdict per (status, probability) pair, so the words never contradict the numbers:

===================  ===========  =====================================================
status               P(meet)      verdict (catalogue ``targets.finding.<verdict>``)
===================  ===========  =====================================================
no_data              any          ``no_data``
met                  >= 0.5       ``met_likely``
met                  < 0.5        ``met_at_risk`` (met now, but the trend may slip back)
any other            >= 0.5       ``progress_likely``
any other            < 0.5        ``progress_at_risk``
any                  unknown      ``prob_unknown`` (met/no_data excepted)
===================  ===========  =====================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.messages import t
from analysis.methods import progress

LIKELY = 0.5
BEHIND = ("moderate", "limited", "backwards")


def verdict(status: str, prob: float) -> str:
    """The verdict key of one (status, probability) pair (module docstring table)."""
    if status == "no_data":
        return "no_data"
    known = prob is not None and np.isfinite(prob)
    if status == "met":
        return "met_likely" if not known or prob >= LIKELY else "met_at_risk"
    if not known:
        return "prob_unknown"
    return "progress_likely" if prob >= LIKELY else "progress_at_risk"


def percent(prob: float) -> str:
    """A probability as a whole percent ("—" when unknown)."""
    return t("common.missing") if not np.isfinite(prob) else f"{prob * 100:.0f}%"


def top_sentence(status: str, prob: float, year: int, lang: str = "zh") -> str:
    """The prefecture clause for one indicator."""
    key = verdict(status, prob)
    return t(
        f"targets.finding.{key}",
        lang,
        status=progress.status_label(status, lang),
        year=year,
        p=percent(prob),
    )


def county_clauses(units: pd.DataFrame, names: dict[str, str], lang: str = "zh") -> list[str]:
    """Clauses naming counties behind, unlikely to meet the target, or met but at risk."""
    sep = t("targets.sep", lang)
    if bool((units["status"] == "no_data").all()):
        return [t("targets.finding.counties_no_data", lang)]
    keys = [verdict(s, p) for s, p in zip(units["status"], units["prob"], strict=True)]
    verdicts = pd.Series(keys, index=units.index)
    behind = [names[c] for c in units.index[units["status"].isin(BEHIND)]]
    unlikely = [names[c] for c in verdicts.index[verdicts == "progress_at_risk"]]
    at_risk = [names[c] for c in verdicts.index[verdicts == "met_at_risk"]]
    out = [
        t("targets.finding.counties_behind", lang, names=sep.join(behind))
        if behind
        else t("targets.finding.counties_fine", lang)
    ]
    if unlikely:
        out.append(t("targets.finding.counties_unlikely", lang, names=sep.join(unlikely)))
    if at_risk:
        out.append(t("targets.finding.counties_at_risk", lang, names=sep.join(at_risk)))
    return out


def findings_text(
    summary: pd.DataFrame,
    indicators: list[str],
    top: str,
    units: list[str],
    labels: dict[str, str],
    names: dict[str, str],
    year: int,
    lang: str = "zh",
) -> str:
    """One line per indicator: the prefecture verdict, then the county clauses."""
    lines = []
    for ind in indicators:
        rows: Any = summary[summary["indicator"] == ind].set_index("region_code")
        head = rows.loc[top]
        parts = [top_sentence(head["status"], float(head["prob"]), year, lang)]
        parts += county_clauses(rows.loc[units], names, lang)
        text = t("targets.clause_sep", lang).join(parts)
        lines.append(t("targets.finding.line", lang, label=labels[ind], text=text))
    return "\n".join(lines)
