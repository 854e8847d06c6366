"""Reader tables and sentences of the baseline chapter (catalogue ``baseline.*``).

The observations come from ``analysis.analyses.baseline``; here they get headers, names
and numbers formatted for reading.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.analyses.baseline import STRUCTURE, baseline_obs, structure_values
from analysis.data import Dataset
from analysis.messages import t
from analysis.present.numbers import fmt, indicator_decimals
from analysis.present.words.tidy import tidy

_TAG_KINDS = (("lower bound", "lower_bound"), ("% sign lost", "percent_lost"))


def baseline_table(
    ds: Dataset, region_code: str = "", year: int = 2020, lang: str = "zh"
) -> pd.DataFrame:
    """The plan's baseline figures as a table: indicator, value, unit and the quoted phrase.

    The sources are listed once, in the note under the table (``captions.source_note``), not
    in a column. Bracketed English tags of a data note ("[lower bound: ...]") become a short
    remark in ``lang`` after the quote (``findings_baseline.mark.*``).
    """
    o = baseline_obs(ds, region_code, year)
    meta = ds.indicators.set_index("id")
    cols = [t(f"baseline.col.{c}", lang) for c in ("indicator", "value", "unit", "note")]
    return pd.DataFrame(
        {
            cols[0]: o["indicator"].map(meta[f"name_{lang}"]).to_numpy(),
            cols[1]: [format(v, ",.10g") for v in o["value"]],
            cols[2]: o["indicator"].map(meta[f"unit_{lang}"]).to_numpy(),
            cols[3]: [quoted(n, lang) for n in o["note"].fillna("")],
        }
    )


def quoted(note: str, lang: str = "zh") -> str:
    """A data note for readers: the quote without English tags, remarks in ``lang``."""
    tags = re.compile(r"\s*\[([^\]]*)\]")
    kinds = []
    for tag in tags.findall(note):
        kinds.append(next((k for pat, k in _TAG_KINDS if pat in tag), "other"))
    quote = tags.sub("", note).strip()
    if not kinds:
        return quote
    marks = t("findings_baseline.mark_sep", lang).join(
        t(f"findings_baseline.mark.{k}", lang) for k in dict.fromkeys(kinds)
    )
    return t("findings_baseline.quote_marks", lang, quote=quote, marks=marks)


def county_structure(
    ds: Dataset, census_year: int = 2020, division_year: int = 2020, lang: str = "zh"
) -> pd.DataFrame:
    """County table: census population and urbanisation, NBS township and village-level units.

    One row per unit plus the top region (the total); columns labelled in ``lang``; numbers
    rounded, a dash where missing (``county_structure_values`` keeps the numbers).
    """
    return tidy(county_structure_values(ds, census_year, division_year, lang), 2)


def county_structure_values(
    ds: Dataset, census_year: int = 2020, division_year: int = 2020, lang: str = "zh"
) -> pd.DataFrame:
    """``county_structure`` with numeric columns (NaN where missing), for display tables."""
    wide = structure_values(ds, census_year, division_year)
    names = ds.names(lang)
    wide.index = [names[c] for c in wide.index]
    wide.index.name = t("baseline.region", lang)
    kinds = ds.indicators.set_index("id")["kind"]
    for col in wide.columns:
        if kinds.get(col) == "count" and wide[col].dropna().mod(1).eq(0).all():
            wide[col] = wide[col].astype("Int64")
    wide.columns = [t(f"baseline.structure.{i}", lang) for i in STRUCTURE]
    return wide


def urbanisation_summary(ds: Dataset, year: int = 2020, lang: str = "zh", n: int = 2) -> str:
    """One sentence naming the ``n`` most and least urbanised units (computed, not written in)."""
    urb = (
        ds.values(["urbanisation_rate"], year)["urbanisation_rate"]
        .dropna()
        .sort_values(ascending=False)
    )
    names = ds.names(lang)
    sep = t("baseline.sep", lang)

    d = indicator_decimals(ds, "urbanisation_rate")

    def items(part: pd.Series) -> str:
        return sep.join(
            t(
                "baseline.urb_item",
                lang,
                name=names[c],
                value=fmt(v, d),
            )
            for c, v in part.items()
        )

    return t("baseline.urbanisation", lang, year=year, hi=items(urb.head(n)), lo=items(urb.tail(n)))


def village_units_summary(ds: Dataset, lang: str = "zh") -> str:
    """How urban communities and villages of the top region changed across the division-code
    editions,
    and where the plan's own count of villages and communities falls among them."""
    top = ds.top
    panel = ds.obs(["resident_committees", "village_committees", "village_level_units"], top).pivot(
        index="year", columns="indicator", values="value"
    )
    if panel.empty:
        return ""
    first, last = int(panel.index.min()), int(panel.index.max())
    r, v = panel["resident_committees"], panel["village_committees"]
    plan = ds.obs("villages_communities", top)
    text = t(
        "baseline.divisions",
        lang,
        first=first,
        last=last,
        r0=fmt(r[first], 0, sep=False),
        r1=fmt(r[last], 0, sep=False),
        v0=fmt(v[first], 0, sep=False),
        v1=fmt(v[last], 0, sep=False),
    )
    if not plan.empty:
        y, total = int(plan["year"].iloc[0]), plan["value"].iloc[0]
        units = panel["village_level_units"]
        near = {e: units[e] for e in (y, y + 1) if e in units.index}
        editions = t("baseline.sep", lang).join(
            t("baseline.edition_item", lang, year=e, n=fmt(n, 0, sep=False))
            for e, n in near.items()
        )
        text += t(
            "baseline.plan_count", lang, year=y, total=fmt(total, 0, sep=False), editions=editions
        )
    return text
