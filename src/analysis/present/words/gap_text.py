"""Reader-facing side of the gap analysis: table headers, labels and findings sentences.

Tables from ``analysis.analyses.gaps`` have code-like column names; ``display`` turns
them into labelled headers (catalogue ``gaps.header.*``) and region names for reading.
Degenerate beta-convergence rows (``convergence.REASONS``) show "not estimable" with the
reason instead of NaN; no table shows NaN or -0.0.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.gap_params import Spec
from analysis.data import Dataset, words
from analysis.errors import check_lang
from analysis.messages import has, labels, t
from analysis.present.numbers import missing
from analysis.present.words.labels import tier_label, tier_labels
from analysis.present.words.tidy import tidy

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


def header(name: str, lang: str = "zh", ds: Dataset | None = None) -> str:
    """Column header ``gaps.header.<name>``; a theme label or the name itself otherwise.
    The fields ``{units}`` and ``{whole}`` take the words of ``ds`` (neutral words without)."""
    key = f"gaps.header.{name}"
    if not has(key):
        return theme_label(name, lang)
    return words.fill(t(key, lang), words.fields(ds, lang))


def reason_label(code: str, lang: str = "zh", ds: Dataset | None = None) -> str:
    """Why a statistic is not reported ("" when it is)."""
    return words.fill(t(f"gaps.reason.{code}", lang), words.fields(ds, lang)) if code else ""


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
        f["tier"] = f["tier"].map(tier_labels(lang)).fillna(f["tier"])
    if "reason" in f.columns:
        f["reason"] = f["reason"].fillna("").map(lambda c: reason_label(c, lang, ds))
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
    return f.rename(columns={c: header(c, lang, ds) for c in f.columns})


# Decimals of statistics in the tables for reading (others: by magnitude, ``present.display``).
READING_DECIMALS = {
    "beta": 3,
    "se": 3,
    "p_value": 3,
    "r2": 2,
    "speed": 3,
    "half_life": 1,
    "sigma_slope": 4,
    "sigma_p_value": 3,
    "mean": 2,
    "cv": 3,
    "cv_population": 3,
    "gini": 3,
    "theil_t": 3,
    "theil_l": 3,
    "theil_t_between_share": 3,
    "w_equal": 3,
    "w_theme": 3,
    "w_entropy": 3,
    "w_user": 3,
    "index": 1,
    "quantity": 0,
    "cost": 1,
    "gap_pct": 1,
}


def reading(
    frame: pd.DataFrame, ds: Dataset, lang: str = "zh", decimals: dict[str, int] | None = None
) -> pd.DataFrame:
    """A result table for ``present.display.show``: region names instead of codes (the
    header is the data set's word for its units), labels instead of ids, labelled headers,
    numbers kept as numbers; decimals per column in ``frame.attrs["decimals"]``."""
    check_lang(lang)
    f = (
        frame.reset_index()
        if frame.index.name in ("region_code", "indicator", "year")
        else frame.copy()
    )
    if "region_code" in f.columns:
        pos = list(f.columns).index("region_code")
        f.insert(pos, "region", f["region_code"].map(ds.names(lang)))
        f = f.drop(columns="region_code")
    f = _relabel_values(f, ds, lang)
    if "quantity_of" in f.columns:
        f = f.rename(columns={"quantity_of": "quantity_unit"})
    dash = missing(lang)
    for c in ("year", "start_year", "end_year"):  # years as written, without separators
        if c in f.columns:
            f[c] = [dash if pd.isna(v) else str(int(v)) for v in f[c]]
    for c in COUNT_COLUMNS:  # whole numbers (a median of an even count may end in .5)
        numeric = c in f.columns and pd.api.types.is_numeric_dtype(f[c])
        if numeric and (f[c].dropna() % 1 == 0).all():
            f[c] = f[c].astype("Int64")
    heads = {c: header(c, lang, ds) for c in f.columns}
    dec = {**READING_DECIMALS, **(decimals or {})}
    out = f.rename(columns=heads)
    out.attrs["decimals"] = {
        heads[c]: d for c, d in dec.items() if c in f.columns and pd.api.types.is_float_dtype(f[c])
    }
    return out


def tier_reading(tier_frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """The tier table for ``present.display.show``: a first column of region names."""
    return reading(tier_label(tier_frame, lang).rename_axis("region_code"), ds, lang)


def tier_display(tier_frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """Tier table with region names as rows and dimension labels as columns."""
    f = tier_label(tier_frame, lang)
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
            header("tier", lang): tier.loc[region_code, dims].map(tier_labels(lang)).to_numpy(),
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
        units=ds.units_word(lang),
        normalisation=t(f"gaps.normalisation.{spec.normalisation}", lang),
        weighting=t(f"gaps.weighting.{w}", lang),
        k=len(spec.indicators),
        labels=sep.join(ds.label(i, lang) for i in spec.indicators),
    )
    if spec.dropped:
        dropped = sep.join(ds.label(i, lang) for i in spec.dropped)
        text += t(
            "gaps.describe_dropped", lang, year=spec.year, labels=dropped, units=ds.units_word(lang)
        )
    return text


def convergence_counts(beta: pd.DataFrame) -> tuple[int, int, int]:
    """(significant convergence, significant divergence, not estimable) among indicators."""
    est = beta["reason"].fillna("").isin(["", "not_significant", "no_convergence"])
    sig = est & (beta["p_value"] < 0.05)
    conv = int((sig & (beta["beta"] < 0)).sum())
    div = int((sig & (beta["beta"] > 0)).sum())
    return conv, div, int((~est).sum())
