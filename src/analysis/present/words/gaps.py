"""Reader side of the county gap report: figure inputs with titles and labels, and the
reader tables of ``gap_text`` (re-exported here), for the results of ``analyses.gaps``.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.gaps import Spec, meta, population, sigma_table, targets
from analysis.data import Dataset
from analysis.data.schema import LEVELS
from analysis.messages import t
from analysis.methods import composite
from analysis.present.words.gap_text import (
    county_position,
    describe,
    display,
    header,
    reading,
    reason_label,
    theme_label,
    tier_display,
    tier_reading,
)

__all__ = [
    "county_position",
    "describe",
    "grouping_note",
    "display",
    "header",
    "heatmap_input",
    "lorenz_input",
    "map_input",
    "profile_dots",
    "ranked_input",
    "reading",
    "reason_label",
    "sigma_input",
    "theme_label",
    "tier_display",
    "tier_reading",
]


def profile_dots(prof: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """dot_plot input: county, prefecture and target as % of the county median (median = 100)."""
    base = prof["unit_median"].where(prof["unit_median"] > 0)
    f = pd.DataFrame(
        {
            "county": prof["value"] / base * 100,
            "prefecture": prof["prefecture"] / base * 100,
            "target": prof["target"] / base * 100,
        }
    ).dropna(subset=["county"])
    f.index = [ds.label(i, lang, unit=False) for i in f.index]
    return f


def ranked_input(ds: Dataset, ind: str, year: int, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.ranked_bar``: unit values by name and the standard line."""
    ds.check_indicators([ind])
    v = ds.values([ind], year)[ind].rename(ds.names(lang))
    tg = targets(ds, [ind])
    std = float(tg.iloc[0]) if len(tg) else None
    label = ds.label(ind, lang, unit=False)
    return {
        "values": v,
        "standard": std,
        "standard_label": t("gaps.standard_label", lang, value=f"{std:g}")
        if std is not None
        else None,
        "title": t("gaps.ranked_title", lang, label=label, year=year),
        "xlabel": ds.label(ind, lang),
        "lang": lang,
        "lower_is_better": ds.indicator(ind)["direction"] == "lower",
    }


def heatmap_input(ds: Dataset, spec: Spec, index: pd.DataFrame, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.heatmap``: min-max scores (0-100, higher = better) of every
    unit (rows, in index-rank order) on every indicator, annotated with the actual values."""
    v = ds.values(spec.indicators, spec.year).reindex(index.index)
    m = meta(ds, spec.indicators)
    z = composite.normalise(v, m["direction"], "minmax")
    names = ds.names(lang)
    labels = [ds.label(i, lang) for i in spec.indicators]
    z.index = v.index.map(names)
    z.columns = labels
    annot = v.round(1)
    annot.index, annot.columns = z.index, labels
    return {
        "matrix": z,
        "annot": annot,
        "title": t("gaps.heatmap_title", lang, units=ds.units_word(lang)),
        "cbar_label": t("gaps.heatmap_cbar", lang),
        "lang": lang,
    }


def lorenz_input(ds: Dataset, ind: str, year: int, lang: str = "zh") -> dict:
    """Keyword arguments for ``figures.lorenz``: unit values with population weights."""
    ds.check_indicators([ind])
    v = ds.values([ind], year)[ind]
    w = population(ds, [year])[year]
    names = ds.names(lang)
    return {
        "values": v.rename(names),
        "weights": w.rename(names),
        "title": t("gaps.lorenz_title", lang, label=ds.label(ind, lang, unit=False), year=year),
        "lang": lang,
    }


def sigma_input(ineq: pd.DataFrame, ds: Dataset, lang: str = "zh", measure: str = "cv") -> dict:
    """Keyword arguments for ``figures.trend_lines``: yearly CV of each indicator."""
    f = sigma_table(ineq, measure).dropna(axis=1, how="all")
    f.columns = [ds.label(c, lang, unit=False) for c in f.columns]
    return {
        "frame": f,
        "title": t("gaps.sigma_title", lang, units=ds.units_word(lang)),
        "ylabel": t(f"gaps.header.{measure}", lang),
        "lang": lang,
    }


def map_input(ds: Dataset, index: pd.DataFrame, lang: str = "zh") -> dict | None:
    """Keyword arguments for ``maps.choropleth`` of the index, or None without a map file
    that covers every unit of the index (the first such file of geo/; a map of other
    regions, or of a level other than the units', draws nothing rather than failing)."""
    from analysis.present import maps

    files = sorted((ds.root / "geo").glob("*.geojson")) if (ds.root / "geo").is_dir() else []
    codes = set(map(str, index.index))
    path = next((f for f in files if codes <= set(maps.read_features(f)["code"])), None)
    if path is None:
        return None
    return {
        "values": index["index"],
        "geojson_path": path,
        "names": ds.names(lang),
        "title": t("gaps.map_title", lang),
        "cbar_label": t("gaps.header.index", lang),
        "lang": lang,
        **maps.group_args(ds, lang),
    }


def grouping_note(ds: Dataset, spec: Spec, lang: str = "zh") -> str:
    """The sentence naming the groups of the between/within decomposition: the intermediate
    level's word (the prefectures), a regions.csv column with its labels, or a user mapping."""
    if spec.groups is None or not spec.grouping:
        return t("gaps.grouping_none", lang)
    k = int(spec.groups.nunique())
    if spec.grouping in LEVELS:
        from analysis.data import words as region_words

        what = region_words.units_word(spec.grouping, (), lang)
    elif spec.grouping == "mapping":
        what = t("gaps.grouping_mapping", lang)
    else:
        labels = t("gaps.list_sep", lang)
        what = t(
            "gaps.grouping_column",
            lang,
            column=spec.grouping,
            labels=labels.join(sorted(spec.groups.unique())),
        )
    return t("gaps.method_grouping", lang, grouping=what, k=k)
