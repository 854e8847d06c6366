"""Reader side of the intermediate level in the gap report (the prefectures of a province):
the prefecture tables, their ranked bars, the Theil decomposition between and within
prefectures, and the county tables grouped by prefecture with subtotal rows.

Every function returns nothing useful (an empty frame, None) for a tree without an
intermediate level, so the page shows no prefecture section on a prefecture's own data.
Numbers come from ``analyses.gaps`` (``group_standards``, ``shortfall_by_group``,
``inequality_table``) and ``analyses.levels``; headers are catalogue entries
``gaps.groups.*`` with the level's word (``{groups}``: the prefectures).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import levels
from analysis.analyses.gap_params import Spec
from analysis.data import Dataset
from analysis.messages import t
from analysis.present.words.gap_text import reading
from analysis.present.words.grouped import group_word as groups_word
from analysis.present.words.grouped import level


def _t(key: str, ds: Dataset, lang: str, **fields) -> str:
    return t(
        f"gaps.groups.{key}",
        lang,
        groups=groups_word(ds, lang),
        units=ds.units_word(lang),
        whole=ds.whole_word(lang),
        **fields,
    )


def _h(key: str, ds: Dataset, lang: str, **fields) -> str:
    """A column header ``gaps.groups.<key>``, its first letter upper-cased (English)."""
    text = _t(key, ds, lang, **fields)
    return text[:1].upper() + text[1:]


def _group_header(ds: Dataset, lang: str) -> str:
    return _h("col_region", ds, lang)


def by_level(ds: Dataset, spec: Spec) -> bool:
    """Whether the between/within decomposition groups the units by the intermediate level
    (``spec.grouping`` is that level), so the page names the grouping with its word."""
    lv = level(ds)
    return lv is not None and spec.grouping == lv and spec.groups is not None


# -- the prefecture table and its figure ----------------------------------------------------
def standards_reading(frame: pd.DataFrame, ds: Dataset, ind: str, lang: str = "zh"):
    """One indicator of ``gaps.group_standards`` for reading: a row per prefecture (by code)
    and the top last; columns: the region, its units, its value, whether it meets the
    standard as a whole, its units below the standard."""
    f = frame[frame["indicator"] == ind]
    unit = ds.indicator(ind)[f"unit_{lang}"]
    meets = {True: _t("below", ds, lang), False: _t("meets", ds, lang)}
    out = pd.DataFrame(
        {
            _h("col_region", ds, lang): f["region_code"].map(ds.names(lang)).to_numpy(),
            _h("col_n", ds, lang): f["n"].astype(int).to_numpy(),
            _h("col_value", ds, lang, unit=unit): f["value"].astype(float).to_numpy(),
            _h("col_status", ds, lang): f["below"].map(meets).to_numpy(),
            _h("col_below", ds, lang): f["n_below"].astype(int).to_numpy(),
        }
    )
    return out


def standards_title(ds: Dataset, ind: str, std: float, year: int, lang: str = "zh") -> str:
    """The prefecture table's title: indicator, year and the standard."""
    return _t(
        "table",
        ds,
        lang,
        label=ds.label(ind, lang, unit=False),
        year=year,
        std=f"{std:g}",
        unit=ds.indicator(ind)[f"unit_{lang}"],
    )


def ranked_input(frame: pd.DataFrame, ds: Dataset, ind: str, year: int, lang: str = "zh"):
    """Keyword arguments for ``figures.ranked_bar``: the prefectures' own values of ``ind``
    (the aggregates of their counties) by name, with the standard line."""
    f = frame[(frame["indicator"] == ind) & (frame["row"] == levels.SUBTOTAL)]
    v = pd.Series(f["value"].to_numpy(float), index=f["region_code"].map(ds.names(lang)))
    std = float(f["target"].iloc[0])
    return {
        "values": v,
        "standard": std,
        "standard_label": t("gaps.standard_label", lang, value=f"{std:g}"),
        "title": _t("ranked_title", ds, lang, label=ds.label(ind, lang, unit=False), year=year),
        "xlabel": ds.label(ind, lang),
        "lang": lang,
        "lower_is_better": ds.indicator(ind)["direction"] == "lower",
    }


# -- the Theil decomposition by prefecture ----------------------------------------------------
def decomposition(ineq: pd.DataFrame, year: int, indicators) -> pd.DataFrame:
    """Population-weighted Theil T of ``year`` and its between/within parts (the grouping of
    ``inequality_table``), indexed by indicator in the order of ``indicators``."""
    f = ineq[(ineq["year"] == year) & (ineq["weighting"] == "population")]
    cols = ["theil_t", "theil_t_between", "theil_t_within", "theil_t_between_share"]
    f = f.set_index("indicator").reindex([i for i in indicators if i in set(f["indicator"])])
    f = f[cols].rename_axis("indicator")
    parts = cols[:3]  # rounding noise of an indicator equal everywhere (-1e-17) shown as 0
    f[parts] = f[parts].mask(f[parts].abs() < 1e-12, 0.0)
    return f


def decomposition_reading(frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """``decomposition`` for reading, the grouping named in every header."""
    out = pd.DataFrame(
        {
            _h("col_indicator", ds, lang): [ds.label(i, lang) for i in frame.index],
            _h("col_theil", ds, lang): frame["theil_t"].to_numpy(float),
            _h("col_between", ds, lang): frame["theil_t_between"].to_numpy(float),
            _h("col_within", ds, lang): frame["theil_t_within"].to_numpy(float),
            _h("col_share", ds, lang): frame["theil_t_between_share"].to_numpy(float),
        }
    )
    return out


def share_header(ds: Dataset, lang: str = "zh") -> str:
    """The header of the between-group share in the inequality table, naming the groups."""
    return _h("col_share", ds, lang)


# -- county tables with a prefecture column --------------------------------------------------
def with_group(frame: pd.DataFrame, codes, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """A reader table (one row per unit, ``codes`` its units in row order) with the name of
    each unit's prefecture as the second column; unchanged without an intermediate level."""
    g = levels.group_of(ds)
    if g.empty:
        return frame
    names = ds.names(lang)
    out = frame.copy()
    out.insert(1, _group_header(ds, lang), [names.get(g.get(c), "") for c in codes])
    out.attrs = dict(frame.attrs)
    return out


def with_group_codes(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """A code-named table indexed by unit code with its ``<level>_code`` column added (the
    CSV's pivot column); unchanged without an intermediate level."""
    lv = level(ds)
    if lv is None:
        return frame
    out = frame.copy()
    out.insert(0, f"{lv}_code", levels.group_of(ds).reindex(out.index).to_numpy())
    return out


def shortfall_reading(frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """``gaps.shortfall_by_group`` for reading: the prefecture as a column, units by
    severity within their prefecture, each prefecture's subtotal row and the top's total row
    after them (``gaps.groups.subtotal`` / ``total``), with the number of units below the standard
    (``n``) on those rows only."""
    names = ds.names(lang)
    sub = (frame["row"] == levels.SUBTOTAL).to_numpy()
    tot = (frame["row"] == levels.TOTAL).to_numpy()
    label = [
        _t("subtotal", ds, lang, name=names[c])
        if s
        else _t("total", ds, lang, name=names[c])
        if tt
        else names[c]
        for c, s, tt in zip(frame["region_code"], sub, tot, strict=True)
    ]
    group = [names.get(c, "") if isinstance(c, str) else "" for c in frame["group"]]
    cols = ["rank", "region_code", "indicator", "value", "target", "gap", "gap_pct", "n"]
    rest = [c for c in ("quantity", "cost", "quantity_of", "cost_basis") if c in frame.columns]
    f = frame[cols + rest].copy()
    f["n"] = f["n"].where(sub | tot)
    f.loc[sub | tot, "target"] = np.nan
    r = reading(f.reset_index(drop=True), ds, lang)
    region = r.columns[1]
    r[region] = label
    r.insert(2, _group_header(ds, lang), group)
    return _n_below(r, ds, lang)


def _n_below(r: pd.DataFrame, ds: Dataset, lang: str) -> pd.DataFrame:
    """The count column of a grouped shortfall table named for what it counts."""
    out = r.rename(columns={t("gaps.header.n", lang): _h("col_n_below", ds, lang)})
    out.attrs = dict(r.attrs)
    return out


def shortfall_groups_reading(frame: pd.DataFrame, ds: Dataset, lang: str = "zh"):
    """The subtotal and total rows of ``gaps.shortfall_by_group`` as a compact table: the
    prefecture (the top's total row last in each indicator), the indicator, its units below
    the standard, the quantity missing and the cost."""
    f = frame[frame["row"] != levels.UNIT]
    names = ds.names(lang)
    label = [
        _t("total", ds, lang, name=names[c]) if row == levels.TOTAL else names[c]
        for c, row in zip(f["region_code"], f["row"], strict=True)
    ]
    cols = ["region_code", "indicator", "n", "quantity", "quantity_of", "cost", "cost_basis"]
    r = reading(f[[c for c in cols if c in f.columns]].reset_index(drop=True), ds, lang)
    first = r.columns[0]
    r[first] = label
    return _n_below(r.rename(columns={first: _group_header(ds, lang)}), ds, lang)
