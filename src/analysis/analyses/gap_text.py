"""Reader-facing side of the gap analysis: table headers, labels and findings sentences.

Tables from ``analysis.analyses.gaps`` have code-like column names; ``display`` turns
them into labelled headers (catalogue ``gaps.header.*``) and region names for reading.
Degenerate beta-convergence rows (``convergence.REASONS``) show "not estimable" with the
reason instead of NaN; no table shows NaN or -0.0.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.analyses.gap_params import Spec
from analysis.analyses.tidy import tidy
from analysis.data import Dataset
from analysis.errors import check_lang
from analysis.messages import has, labels, t
from analysis.methods import tiers

COUNT_COLUMNS = (
    "year",
    "n",
    "rank",
    "median_rank",
    "best_rank",
    "worst_rank",
    "rank_range",
    "start_year",
    "end_year",
)
BETA_STATS = ("beta", "se", "p_value", "r2", "speed", "half_life")


def theme_label(theme: str, lang: str = "zh") -> str:
    """Display label of a theme (``gaps.theme.<theme>``), the code itself when unknown."""
    key = f"gaps.theme.{theme}"
    return t(key, lang) if has(key) else theme


def header(name: str, lang: str = "zh") -> str:
    """Column header ``gaps.header.<name>``; a theme label or the name itself otherwise."""
    key = f"gaps.header.{name}"
    return t(key, lang) if has(key) else theme_label(name, lang)


def reason_label(code: str, lang: str = "zh") -> str:
    """Why a statistic is not reported ("" when it is)."""
    return t(f"gaps.reason.{code}", lang) if code else ""


def _relabel_values(f: pd.DataFrame, ds: Dataset, lang: str) -> pd.DataFrame:
    ids = set(ds.indicators["id"])
    for col in ("indicator", "quantity_of"):
        if col in f.columns:
            # one label per distinct id: a national table has thousands of rows per indicator
            lab = {i: ds.label(i, lang) for i in set(f[col].dropna()) if i in ids}
            f[col] = f[col].map(lambda i, lab=lab: lab.get(i, i) if isinstance(i, str) else i)
    if "theme" in f.columns:
        f["theme"] = f["theme"].map(lambda v: theme_label(v, lang))
    if "weighting" in f.columns:
        f["weighting"] = f["weighting"].map(lambda w: header(w, lang))
    if "cost_basis" in f.columns:
        basis = labels("gaps.cost_basis", lang)
        f["cost_basis"] = f["cost_basis"].map(lambda b: basis.get(b, ""))
    if "tier" in f.columns:
        f["tier"] = f["tier"].map(tiers.tier_labels(lang)).fillna(f["tier"])
    if "reason" in f.columns:
        f["reason"] = f["reason"].fillna("").map(lambda c: reason_label(c, lang))
    return f


def display(frame: pd.DataFrame, ds: Dataset, lang: str = "zh", digits: int = 2) -> pd.DataFrame:
    """A table for reading: region codes -> names, indicator ids -> labels, labelled headers.

    Works on columns and on the index (``region_code``/``indicator``), relabels theme, tier,
    weighting and reason values, and shows no NaN or -0.0.
    """
    check_lang(lang)
    f = (
        frame.reset_index()
        if frame.index.name in ("region_code", "indicator", "year")
        else frame.copy()
    )
    if "region_code" in f.columns:
        pos = list(f.columns).index("region_code") + 1
        f.insert(pos, "region", f["region_code"].map(ds.names(lang)))
    f = _relabel_values(f, ds, lang)
    if "quantity_of" in f.columns:
        f = f.rename(columns={"quantity_of": "quantity_unit"})
    counts = [c for c in COUNT_COLUMNS if c in f.columns]
    for c in counts:  # whole numbers (a median of an even count may end in .5)
        if pd.api.types.is_numeric_dtype(f[c]) and (f[c].dropna() % 1 == 0).all():
            f[c] = f[c].astype("Int64")
    f = tidy(f, digits)
    f.index = pd.RangeIndex(1, len(f) + 1, name=header("row_number", lang))
    return f.rename(columns={c: header(c, lang) for c in f.columns})


def tier_display(tier_frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """Tier table with region names as rows and dimension labels as columns."""
    f = tiers.label(tier_frame, lang)
    f.index = [ds.name(c, lang) for c in f.index]
    f.columns = [header("index", lang) if c == "index" else theme_label(c, lang) for c in f.columns]
    return f


def county_position(
    ds: Dataset, region_code: str, index: pd.DataFrame, tier: pd.DataFrame, lang: str = "zh"
) -> pd.DataFrame:
    """One unit's score, rank and tier on the overall index and every theme."""
    region_code = ds.check_regions([str(region_code)])[0]
    dims = list(tier.columns)
    ranks = index[dims].rank(ascending=False, method="min")
    names = [header("index", lang) if d == "index" else theme_label(d, lang) for d in dims]
    return pd.DataFrame(
        {
            header("theme", lang): names,
            header("score", lang): index.loc[region_code, dims].astype(float).round(1).to_numpy()
            + 0.0,
            header("rank", lang): [f"{int(r)}/{len(index)}" for r in ranks.loc[region_code, dims]],
            header("tier", lang): tier.loc[region_code, dims]
            .map(tiers.tier_labels(lang))
            .to_numpy(),
        }
    )


def describe(ds: Dataset, spec: Spec, lang: str = "zh") -> str:
    """One line stating the analysis year, method choices and indicators."""
    w = spec.weighting if isinstance(spec.weighting, str) else "user"
    sep = t("gaps.list_sep", lang)
    text = t(
        "gaps.describe",
        lang,
        year=spec.year,
        n=len(ds.unit_codes),
        normalisation=t(f"gaps.normalisation.{spec.normalisation}", lang),
        weighting=t(f"gaps.weighting.{w}", lang),
        k=len(spec.indicators),
        labels=sep.join(ds.label(i, lang) for i in spec.indicators),
    )
    if spec.dropped:
        dropped = sep.join(ds.label(i, lang) for i in spec.dropped)
        text += t("gaps.describe_dropped", lang, year=spec.year, labels=dropped)
    return text


def convergence_counts(beta: pd.DataFrame) -> tuple[int, int, int]:
    """(significant convergence, significant divergence, not estimable) among indicators."""
    est = beta["reason"].fillna("").isin(["", "not_significant", "no_convergence"])
    sig = est & (beta["p_value"] < 0.05)
    conv = int((sig & (beta["beta"] < 0)).sum())
    div = int((sig & (beta["beta"] > 0)).sum())
    return conv, div, int((~est).sum())


def findings(results: dict[str, pd.DataFrame], ds: Dataset, spec: Spec, lang: str = "zh") -> str:
    """A few sentences summarising the results (leaders, laggards, convergence, shortfall)."""
    idx, tier, beta = results["index"], results["tiers"], results["beta"]
    names = ds.names(lang)
    sep = t("gaps.name_sep", lang)
    none = t("gaps.none", lang)
    lead = sep.join(names[c] for c in tier.index[tier["index"] == "leading"]) or none
    lag = sep.join(names[c] for c in tier.index[tier["index"] == "lagging"]) or none
    conv, div, na = convergence_counts(beta)
    first = names[idx.index[0]]
    text = t("gaps.finding_head", lang, year=spec.year, first=first, lead=lead, lag=lag)
    text += t("gaps.finding_beta", lang, k=len(spec.indicators), conv=conv, div=div, na=na)
    return text + _cost_sentence(results["shortfall_totals"], lang)


def _cost_sentence(short: pd.DataFrame, lang: str) -> str:
    once: Any = short.loc[short["cost_basis"] == "once", "cost"].sum(min_count=1)
    yearly: Any = short.loc[short["cost_basis"] == "per_year", "cost"].sum(min_count=1)
    if pd.notna(once) and pd.notna(yearly):
        return t("gaps.finding_cost_both", lang, once=f"{once:,.0f}", yearly=f"{yearly:,.0f}")
    if pd.notna(once):
        return t("gaps.finding_cost_once", lang, once=f"{once:,.0f}")
    if pd.notna(yearly):
        return t("gaps.finding_cost_yearly", lang, yearly=f"{yearly:,.0f}")
    return ""
