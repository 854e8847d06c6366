"""Display labels of the methods' codes: progress status, projection model and fallback,
county split rule, tier (catalogue ``methods.*``).

The methods return codes only (``progress.STATUSES``, ``projection.METHODS``,
``decompose.RULES``, ``tiers.RULES``); this module is where a code becomes words.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.messages import labels, t
from analysis.methods import decompose, progress, projection


def status_label(code: str, lang: str = "zh") -> str:
    """Display label of a status code (catalogue ``methods.status.<code>``)."""
    return t(f"methods.status.{code}", lang)


def status_labels(codes: Any, lang: str = "zh") -> Any:
    """Map an array/Series/DataFrame of status codes to display labels."""
    mapping = {k: status_label(k, lang) for k in (*progress.STATUSES, *progress.NO_TARGET_STATUSES)}
    if isinstance(codes, pd.DataFrame):
        return codes.apply(lambda col: col.map(mapping))
    if isinstance(codes, pd.Series):
        return codes.map(mapping)
    return np.vectorize(mapping.get, otypes=[object])(np.asarray(codes, dtype=object))


def status_with_risk(codes: Any, risks: Any, lang: str = "zh") -> np.ndarray:
    """Status labels with the risk named beside them (``analyses.status``), e.g. "On track
    (at risk of falling short)" for on track with a probability below one half."""
    labels = np.asarray(status_labels(np.asarray(codes, dtype=object), lang), dtype=object)
    out = []
    for lab, r in zip(labels, np.asarray(risks, dtype=object), strict=True):
        out.append(
            t("methods.with_risk", lang, status=lab, risk=t(f"methods.risk.{r}", lang))
            if r
            else lab
        )
    return np.asarray(out, dtype=object)


def method_label(method: str, lang: str = "zh") -> str:
    """Display label of a projection method (catalogue ``methods.method.<name>``)."""
    return t(f"methods.method.{method}", lang)


def fallback_label(code: str, lang: str = "zh") -> str:
    """Why a simpler model replaced the one asked for ("" = no fallback)."""
    if not code:
        return ""
    if code.endswith("_not_applicable"):
        return t("methods.fallback.not_applicable", lang, method=code.split("_")[0])
    return t(f"methods.fallback.{code}", lang, n=projection.ETS_MIN_OBS)


def rule_label(rule: str, lang: str = "zh") -> str:
    """Display label of a county split rule (catalogue ``methods.rule.<rule>``)."""
    return t(f"methods.rule.{decompose.check_rule(rule)}", lang)


def tier_labels(lang: str = "zh") -> dict[str, str]:
    """Tier code -> display label (catalogue ``methods.tier.<code>``)."""
    return labels("methods.tier", lang)


def tier_label(tier_frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Replace tier codes with display labels (``methods.tier.*``)."""
    return tier_frame.replace(tier_labels(lang))
