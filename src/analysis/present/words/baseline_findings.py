"""Findings of the baseline report in plan language (catalogue ``findings.status`` ... ``actions``).

Every number in a sentence is computed here from the data set: the plan's published
baseline figures, the census (population, urbanisation, ageing) and the statistical
division codes (communities and villages). Sentences are catalogue templates
(``findings_baseline.*``); region words come from the data set (``ds.whole_word``,
``ds.units_word``), so a province data set reads "the province".

Derived measures (one per unit, same year):

- urban residents per urban community = urban population / resident committees;
- rural residents per village = (population - urban population) / village committees.

``findings(ds, region_code, year, lang)`` returns ``{section: [sentences]}`` for
``analysis.present.findings.Findings(**...)`` (the present layer lays it out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import baseline
from analysis.data import Dataset
from analysis.messages import t
from analysis.present.findings import Sentence
from analysis.present.words.plan_text import cap, mid, names, num, paragraphs, ratio, region_text

# Headline figures of the plan's baseline, in this order when the data set has them; figures
# recorded as a lower bound ("more than N") are left out of sentences.
HEADLINE = (
    "villages_communities",
    "community_workers",
    "grids",
    "social_organisations",
    "registered_volunteers",
)
TOP_N = 2  # units named as the highest / lowest in a recommendation


# -- data ------------------------------------------------------------------------------
def structure(ds: Dataset, year: int) -> pd.DataFrame:
    """Census and division figures of the units and the top region (rows), by indicator id."""
    o = baseline.structure_obs(ds, year, year)
    wide = o.pivot_table(index="region_code", columns="indicator", values="value", aggfunc="last")
    return wide.reindex(index=[*ds.unit_codes, ds.top], columns=list(baseline.STRUCTURE))


def unit_measures(ds: Dataset, year: int) -> pd.DataFrame:
    """Per unit: urbanisation, ageing, urban residents per community, rural residents per
    village (NaN where a figure is missing or a count is zero)."""
    w = structure(ds, year).reindex(ds.unit_codes)
    rural = w["population"] - w["urban_population"]
    communities = w["resident_committees"].where(w["resident_committees"] > 0)
    villages = w["village_committees"].where(w["village_committees"] > 0)
    return pd.DataFrame(
        {
            "urbanisation_rate": w["urbanisation_rate"],
            "age_60plus_share": w["age_60plus_share"],
            "per_community": w["urban_population"] / communities,
            "per_village": rural / villages,
            "population": w["population"],
        }
    )


def top_value(ds: Dataset, year: int, ind: str) -> float:
    """The top region's figure, else the sum of the units (counts) when every unit has one
    -- NaN otherwise (a partial sum would understate the total)."""
    w = structure(ds, year)
    v = w.loc[ds.top, ind]
    if pd.notna(v):
        return float(v)
    units = w.loc[ds.unit_codes, ind]
    return float(units.sum()) if units.notna().all() else float("nan")


def top_rate(ds: Dataset, year: int) -> float:
    """The top region's urbanisation rate, else urban / total population x 100."""
    rate = structure(ds, year).loc[ds.top, "urbanisation_rate"]
    if pd.notna(rate):
        return float(rate)
    pop, urb = top_value(ds, year, "population"), top_value(ds, year, "urban_population")
    return urb / pop * 100 if np.isfinite(pop) and pop > 0 and np.isfinite(urb) else np.nan


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Population-weighted mean over units with both figures (NaN if none)."""
    ok = values.notna() & weights.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    return float(np.average(values[ok], weights=weights[ok]))


def _extremes(s: pd.Series) -> tuple[str, float, str, float] | None:
    s = s.dropna()
    if len(s) < 2:
        return None
    s = s.sort_values(ascending=False, kind="stable")
    return s.index[0], float(s.iloc[0]), s.index[-1], float(s.iloc[-1])


# -- sections ----------------------------------------------------------------------------
def _headline(ds: Dataset, code: str, year: int, lang: str) -> str | None:
    o = baseline.baseline_obs(ds, code, year)
    o = o[~o["note"].fillna("").str.contains("lower bound", regex=False)]
    if o.empty:
        return None
    by = o.drop_duplicates("indicator").set_index("indicator")["value"]
    ids = [i for i in HEADLINE if i in by.index] or list(by.index[:5])
    meta = ds.indicators.set_index("id")
    items = [
        t(
            "findings_baseline.item",
            lang,
            name=mid(str(meta.loc[i, f"name_{lang}"])),
            value=format(float(by[i]), ",.10g"),
            unit=meta.loc[i, f"unit_{lang}"],
        )
        for i in ids
    ]
    return t(
        "findings_baseline.headline",
        lang,
        year=year,
        whole=ds.whole_word(lang, code),
        items=t("plan_text.sep", lang).join(items),
    )


def _population(ds: Dataset, year: int, lang: str) -> str | None:
    pop, urb = top_value(ds, year, "population"), top_value(ds, year, "urban_population")
    if not np.isfinite(pop) or pop <= 0:
        return None
    rate = top_rate(ds, year)
    return cap(
        t(
            "findings_baseline.population",
            lang,
            year=year,
            whole=ds.whole_word(lang),
            pop=people(pop, lang),
            urb=people(urb, lang),
            rate=num(rate, 2),
        )
    )


def people(n: float, lang: str = "zh") -> str:
    """A number of people in the language's large unit: 10k in Chinese, millions in English
    (``findings_baseline.people.*``), 2 decimals."""
    scale = float(t("findings_baseline.people.scale", lang))
    return t("findings_baseline.people.amount", lang, n=num(n / scale, 2))


def _divisions(ds: Dataset, year: int, lang: str) -> str | None:
    vals = {i: top_value(ds, year, i) for i in baseline.STRUCTURE[5:]}
    if not all(np.isfinite(v) for v in vals.values()):
        return None
    return cap(
        t(
            "findings_baseline.divisions",
            lang,
            year=year,
            whole=ds.whole_word(lang),
            **{k: num(v) for k, v in vals.items()},
        )
    )


def division_change(ds: Dataset) -> dict | None:
    """First and last edition of the division codes with the top region's counts."""
    panel = ds.obs(["resident_committees", "village_committees"], ds.top).pivot_table(
        index="year", columns="indicator", values="value", aggfunc="last"
    )
    if panel.shape[0] < 2 or panel.shape[1] < 2:
        return None
    first, last = int(panel.index.min()), int(panel.index.max())
    r, v = panel["resident_committees"], panel["village_committees"]
    return {
        "first": first,
        "last": last,
        "r0": r[first],
        "r1": r[last],
        "v0": v[first],
        "v1": v[last],
    }


def _change_word(a: float, b: float, lang: str) -> str:
    key = "up" if b > a else "down" if b < a else "same"
    return t(f"findings_baseline.change_{key}", lang)


def _division_change(ds: Dataset, lang: str) -> str | None:
    c = division_change(ds)
    if c is None:
        return None
    return t(
        "findings_baseline.division_change",
        lang,
        first=c["first"],
        last=c["last"],
        r0=num(c["r0"]),
        r1=num(c["r1"]),
        v0=num(c["v0"]),
        v1=num(c["v1"]),
        r_change=_change_word(c["r0"], c["r1"], lang),
        v_change=_change_word(c["v0"], c["v1"], lang),
    )


def plan_count_gap(ds: Dataset) -> dict | None:
    """The plan's count of villages and communities against the division codes' count of
    village-level units in the same year's edition (None if either is missing)."""
    plan = ds.obs("villages_communities", ds.top)
    units = ds.obs("village_level_units", ds.top)
    if plan.empty or units.empty:
        return None
    year = int(plan["year"].iloc[0])
    edition = units[units["year"] == year]
    if edition.empty:
        return None
    p, n = float(plan["value"].iloc[0]), float(edition["value"].iloc[0])
    return {"year": year, "plan": p, "codes": n, "diff": p - n}


def _problems(ds: Dataset, m: pd.DataFrame, year: int, lang: str) -> list[str]:
    nm = ds.names(lang)
    whole, units = ds.whole_word(lang), ds.units_word(lang)
    out = []
    rate = top_rate(ds, year)
    urb = m["urbanisation_rate"].dropna()
    if len(urb) >= 2 and np.isfinite(rate):
        below = urb[urb < float(rate)].sort_values()
        out.append(
            t(
                "findings_baseline.urban_below",
                lang,
                n=len(urb),
                units=units,
                k=len(below),
                whole=whole,
                rate=num(float(rate), 1),
                names=names([nm[c] for c in below.index], lang),
            )
        )
    age = m["age_60plus_share"]
    avg = weighted_mean(age, m["population"])
    ext = _extremes(age)
    if ext and np.isfinite(avg):
        hi, hv, _, _ = ext
        above = age[age > avg].dropna()
        out.append(
            t(
                "findings_baseline.ageing",
                lang,
                hi=nm[hi],
                hv=num(hv, 1),
                k=len(above),
                units=units,
                avg=num(avg, 1),
            )
        )
    pc = m["per_community"]
    total = top_value(ds, year, "urban_population") / top_value(ds, year, "resident_committees")
    if pc.notna().sum() >= 2 and np.isfinite(total):
        above = pc[pc > total].dropna().sort_values(ascending=False)
        out.append(
            t(
                "findings_baseline.community_load",
                lang,
                avg=num(total),
                k=len(above),
                units=units,
                names=names([nm[c] for c in above.index], lang),
            )
        )
    return out


def _gaps(ds: Dataset, m: pd.DataFrame, lang: str) -> list[str]:
    nm = ds.names(lang)
    out = []
    ext = _extremes(m["urbanisation_rate"])
    if ext:
        hi, hv, lo, lv = ext
        out.append(
            t(
                "findings_baseline.gap_urban",
                lang,
                hi=nm[hi],
                hv=num(hv, 1),
                lo=nm[lo],
                lv=num(lv, 1),
                diff=num(hv - lv, 1),
            )
        )
    for key, col in (("gap_community", "per_community"), ("gap_village", "per_village")):
        ext = _extremes(m[col])
        r = ratio(ext[1], ext[3]) if ext else None
        if ext and r is not None:
            hi, hv, lo, lv = ext
            out.append(
                t(
                    f"findings_baseline.{key}",
                    lang,
                    hi=nm[hi],
                    hv=num(hv),
                    lo=nm[lo],
                    lv=num(lv),
                    ratio=num(r, 1),
                )
            )
    g = plan_count_gap(ds)
    if g and g["diff"] != 0:
        out.append(
            t(
                "findings_baseline.gap_plan_count",
                lang,
                year=g["year"],
                plan=num(g["plan"]),
                codes=num(g["codes"]),
                diff=num(abs(g["diff"])),
                more_less=t(f"findings_baseline.{'more' if g['diff'] > 0 else 'less'}", lang),
            )
        )
    return out


def _actions(ds: Dataset, m: pd.DataFrame, lang: str, n: int = TOP_N) -> list[str]:
    nm = ds.names(lang)
    out = []
    pc = m["per_community"].dropna().sort_values(ascending=False, kind="stable")
    if len(pc) >= 2:
        out.append(
            t(
                "findings_baseline.act_community",
                lang,
                names=names([nm[c] for c in pc.index[:n]], lang),
            )
        )
    urb = m["urbanisation_rate"].dropna().sort_values(kind="stable")
    if len(urb) >= 2:
        lowest = names([nm[c] for c in urb.index[:n]], lang)
        out.append(t("findings_baseline.act_rural", lang, names=lowest))
    age = m["age_60plus_share"].dropna().sort_values(ascending=False, kind="stable")
    if len(age) >= 2:
        oldest = names([nm[c] for c in age.index[:n]], lang)
        out.append(t("findings_baseline.act_ageing", lang, names=oldest))
    g = plan_count_gap(ds)
    if g and g["diff"] != 0:
        out.append(t("findings_baseline.act_plan_count", lang, year=g["year"]))
    c = division_change(ds)
    if c is not None and (c["r1"] != c["r0"] or c["v1"] != c["v0"]):
        out.append(t("findings_baseline.act_divisions", lang, last=c["last"]))
    return out


def findings(ds: Dataset, region_code: str = "", year: int = 2020, lang: str = "zh") -> dict:
    """``{status, problems, gaps, actions}``: lists of sentences computed from the data, each
    flagged illustrative (``findings.Sentence``) when the observations it rests on are: the
    headline on the plan's baseline figures, the rest on the census and division codes."""
    code = ds.top if not region_code else ds.check_regions(region_code)[0]
    y = int(year)
    m = unit_measures(ds, y)
    plan_ill = ds.is_illustrative(baseline.baseline_obs(ds, code, y))
    obs = ds.obs(["resident_committees", "village_committees"], ds.top)
    ill = ds.is_illustrative(baseline.structure_obs(ds, y, y)) or ds.is_illustrative(obs)

    def marked(sentences) -> list[Sentence]:
        return [Sentence(s, ill) for s in sentences if s]

    headline = _headline(ds, code, y, lang)
    status = [Sentence(headline, plan_ill)] if headline else []
    status += marked([_population(ds, y, lang), _divisions(ds, y, lang)])
    status += marked([_division_change(ds, lang)])
    return {
        "status": status,
        "problems": marked(_problems(ds, m, y, lang)),
        "gaps": marked(_gaps(ds, m, lang)),
        "actions": marked(_actions(ds, m, lang)),
    }


# -- page text ----------------------------------------------------------------------------
def page(key: str, ds: Dataset, lang: str = "zh", **fields) -> str:
    """Page text ``findings_baseline.page.<key>`` with the data set's region words."""
    return region_text(f"findings_baseline.page.{key}", ds, lang, **fields)


def methods(ds: Dataset, lang: str = "zh") -> str:
    """The closing methods section's paragraphs (data notes and derived measures)."""
    return paragraphs(
        page("methods_data", ds, lang),
        page("methods_quotes", ds, lang),
        page("methods_measures", ds, lang),
        page("methods_plan_count", ds, lang) if plan_count_gap(ds) else "",
    )
