"""Findings of the county gap report in plan language (``findings.status`` ... ``actions``).

Every number in a sentence comes from the results of ``gaps.run`` (index, tiers,
inequality, beta convergence, shortfall): counts of units below a standard, ranks, the
largest gap ratio, Gini and CV, costs. Sentences are catalogue templates
(``findings_gaps.*``); region words come from the data set. The recommendations follow
from the results: the units furthest below a standard (largest gap as a share of the
standard) come first, then the lagging units and their lagging dimensions, the indicator
with the widest spread, the money needed at the assumed unit costs.

``findings(results, ds, spec, lang)`` returns ``{section: [sentences]}`` for
``analysis.present.findings.Findings(**...)``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from analysis.analyses import levels
from analysis.analyses.gap_params import Spec, meta, targets
from analysis.analyses.gaps import TIER_K
from analysis.data import Dataset
from analysis.data import words as region_words
from analysis.messages import has, t
from analysis.methods import composite
from analysis.present.findings import Sentence, flag
from analysis.present.numbers import indicator_decimals, magnitude_decimals
from analysis.present.words.gap_text import convergence_counts, theme_label
from analysis.present.words.plan_text import (
    cap,
    mid,
    names,
    num,
    numeral,
    paragraphs,
    ratio,
    region_text,
    worst_first,
)

PRIORITY_N = 3  # shortfalls named in the first recommendation
SIGNIFICANT = 0.05
EVEN = 10.0  # percentage points from half: a Theil split within this is stated as even


def standard_word(ds: Dataset, ind: str, lang: str) -> str:
    """ "national standard" for a national target, "reference target" otherwise."""
    tg = ds.targets[(ds.targets["region_code"] == ds.top) & (ds.targets["indicator"] == ind)]
    origin = str(tg["origin"].iloc[-1]) if "origin" in tg.columns and len(tg) else ""
    return t(f"findings_gaps.standard_{'national' if origin == 'national' else 'other'}", lang)


def illustrative(ds: Dataset, indicators, year: int | None = None) -> bool:
    """Whether the units' observations of ``indicators`` (in ``year``, else every year) are
    illustrative: the flag of a sentence built from them (``findings.Sentence``)."""
    return ds.is_illustrative(ds.obs(list(indicators), ds.unit_codes, year))


def widening(beta: pd.DataFrame) -> list[str]:
    """Indicators whose differences between units grow: a significant positive beta
    (divergence), counted as in ``gap_text.convergence_counts``."""
    est = beta["reason"].fillna("").isin(["", "not_significant", "no_convergence"])
    div = est & (beta["p_value"] < SIGNIFICANT) & (beta["beta"] > 0)
    return list(beta.index[div.to_numpy()])


def _status(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    idx, tier = results["index"], results["tiers"]
    nm, units = ds.names(lang), ds.units_word(lang)
    d = magnitude_decimals(idx["index"])
    counts = tier["index"].value_counts()
    out: list[str] = [
        t(
            "findings_gaps.index",
            lang,
            year=spec.year,
            n=len(idx),
            units=units,
            first=nm[idx.index[0]],
            v1=num(idx["index"].iloc[0], d),
            last=nm[idx.index[-1]],
            vn=num(idx["index"].iloc[-1], d),
            lead=int(counts.get("leading", 0)),
            mid=int(counts.get("middle", 0)),
            lag=int(counts.get("lagging", 0)),
        )
    ]
    out[0] = Sentence(out[0], illustrative(ds, spec.indicators, spec.year))
    short = results["shortfall"]
    for ind, std in targets(ds).items():
        v = ds.values([ind], spec.year)[ind].dropna()
        if v.empty:
            continue
        below = int((short["indicator"] == ind).sum())
        unit = ds.indicator(ind)[f"unit_{lang}"]
        dd = indicator_decimals(ds, ind)
        n = len(out)
        out.append(
            t(
                f"findings_gaps.standard_status{'' if below else '_all'}",
                lang,
                label=ds.label(ind, lang, unit=False),
                n=len(v),
                units=units,
                ok=len(v) - below,
                below=below,
                standard=standard_word(ds, ind, lang),
                std=num(std, magnitude_decimals([std])),
                unit=unit,
                median=num(v.median(), dd),
            )
        )
        if below:
            out += _by_group(
                ds,
                ind,
                std,
                set(short.loc[short["indicator"] == ind, "region_code"]),
                spec.year,
                lang,
            )
        flag(out, n, illustrative(ds, [ind], spec.year))
    return out


def _by_group(ds: Dataset, ind: str, std: float, below: set, year: int, lang: str) -> list[str]:
    """The intermediate regions (prefectures) against a standard: how many are below it as a
    whole (their own value, aggregated from their counties when the data set is loaded),
    most lagging first, and the one with the most units below it."""
    groups = levels.group_of(ds)
    if groups.empty:
        return []
    level = levels.group_level(ds)
    if level is None:
        return []
    word = region_words.units_word(level, (), lang)
    codes = levels.codes_at(ds, level)
    own = ds.values([ind], year, codes)[ind]
    sgn = 1.0 if ds.indicator(ind)["direction"] == "higher" else -1.0
    gap = (sgn * (std - own)).dropna()
    low = worst_first(gap[gap > 0].to_dict())
    nm = ds.names(lang)
    count = {g: sum(1 for u in groups.index[groups == g] if u in below) for g in codes}
    most = worst_first({g: float(k) for g, k in count.items()})[0]
    return [
        t(
            "findings_gaps.group_status" if low else "findings_gaps.group_status_all",
            lang,
            label=mid(ds.label(ind, lang, unit=False)),
            n=len(codes),
            groups=word,
            k=len(low),
            names=names([nm[g] for g in low], lang),
            most=nm[most],
            m=int((groups == most).sum()),
            b=count[most],
            units=ds.units_word(lang),
        )
    ]


def _lagging_items(tier: pd.DataFrame, ds: Dataset, lang: str, index: pd.DataFrame) -> list[str]:
    nm = ds.names(lang)
    dims = [c for c in tier.columns if c != "index"]
    lag = _lagging_order(tier, index)
    count = (tier.loc[lag, dims] == "lagging").sum(axis=1).astype(int)
    return [
        t("findings_gaps.lag_item", lang, name=nm[c], k=int(count[c]), m=len(dims)) for c in lag
    ]


def _lagging_order(tier: pd.DataFrame, index: pd.DataFrame | None = None) -> list[str]:
    """The units of the lagging index tier, most lagging first: by the number of lagging
    dimensions, then by the development index (lowest first), then by code."""
    dims = [c for c in tier.columns if c != "index"]
    lag = list(tier.index[tier["index"] == "lagging"])
    count = (tier.loc[lag, dims] == "lagging").sum(axis=1).astype(int).to_dict()
    score = {c: 0.0 for c in lag}
    if index is not None:
        score = index["index"].reindex(lag).astype(float).to_dict()
    return sorted(lag, key=lambda c: (-count[c], score[c], str(c)))


def _lagging_groups(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    """Where the lagging units are, by the intermediate level (the prefectures): the groups
    with the most lagging units first (then the largest share of their units)."""
    groups = levels.group_of(ds)
    level = levels.group_level(ds)
    lag = _lagging_order(results["tiers"], results["index"])
    if groups.empty or level is None or not lag:
        return []
    nm = ds.names(lang)
    size = groups.value_counts()
    count = groups.reindex(lag).value_counts()
    order = sorted(count.index, key=lambda g: (-count[g], -count[g] / size[g], str(g)))
    items = [
        t("findings_gaps.group_lag_item", lang, name=nm[g], m=int(size[g]), k=int(count[g]))
        for g in order
    ]
    text = t(
        "findings_gaps.group_lagging",
        lang,
        k=len(lag),
        units=ds.units_word(lang),
        n=len(order),
        groups=region_words.units_word(level, (), lang),
        items=names(items, lang),
    )
    return [Sentence(text, illustrative(ds, spec.indicators, spec.year))]


def _group_theil(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    """How much of the differences in the indicator with the widest spread lies between the
    regions of the intermediate level (population-weighted Theil T decomposition), when the
    units are grouped by that level."""
    level = levels.group_level(ds)
    s = spread(results, ds, spec)
    if level is None or spec.grouping != level or s is None:
        return []
    ineq = results["inequality"]
    row = ineq[
        (ineq["year"] == spec.year)
        & (ineq["weighting"] == "population")
        & (ineq["indicator"] == s["indicator"])
    ]
    if row.empty or pd.isna(row["theil_t_between_share"].iloc[0]):
        return []
    share = float(row["theil_t_between_share"].iloc[0]) * 100
    side = "even" if abs(share - 50) < EVEN else "between" if share > 50 else "within"
    text = t(
        f"findings_gaps.group_theil_{side}",
        lang,
        groups=region_words.units_word(level, (), lang),
        units=ds.units_word(lang),
        label=mid(ds.label(s["indicator"], lang, unit=False)),
        between=num(share, 1),
        within=num(100 - share, 1),
    )
    return [Sentence(text, illustrative(ds, [s["indicator"]], spec.year))]


def _group_actions(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    """The regions of the intermediate level below a standard as a whole, most lagging
    first, for support from the whole (one sentence per indicator)."""
    level = levels.group_level(ds)
    if level is None:
        return []
    codes = levels.codes_at(ds, level)
    nm = ds.names(lang)
    out: list[str] = []
    for ind, std in targets(ds).items():
        own = ds.values([ind], spec.year, codes)[ind]
        sgn = 1.0 if ds.indicator(ind)["direction"] == "higher" else -1.0
        gap = (sgn * (float(std) - own)).dropna()
        low = worst_first(gap[gap > 0].to_dict())
        if not low:
            continue
        text = t(
            "findings_gaps.act_groups",
            lang,
            label=mid(ds.label(ind, lang, unit=False)),
            names=names([nm[g] for g in low], lang),
            whole=ds.whole_word(lang),
            units=ds.units_word(lang),
        )
        out.append(Sentence(text, illustrative(ds, [ind], spec.year)))
    return out


def spread(results: dict, ds: Dataset, spec: Spec) -> dict | None:
    """The indicator with the largest coefficient of variation between units in the year,
    with its Gini and its best and worst unit (in the indicator's direction)."""
    ineq = results["inequality"]
    e = ineq[(ineq["year"] == spec.year) & (ineq["weighting"] == "equal")]
    e = e[e["indicator"].isin(spec.indicators)].dropna(subset=["cv"])
    if e.empty:
        return None
    row = e.loc[e["cv"].idxmax()]
    ind = str(row["indicator"])
    v = ds.values([ind], spec.year)[ind].dropna().sort_values(ascending=False, kind="stable")
    if len(v) < 2:
        return None
    lower = meta(ds, [ind]).loc[ind, "direction"] == "lower"
    best, worst = (v.index[-1], v.index[0]) if lower else (v.index[0], v.index[-1])
    return {
        "indicator": ind,
        "cv": float(row["cv"]),
        "gini": float(row["gini"]),
        "hi": v.index[0],
        "hv": float(v.iloc[0]),
        "lo": v.index[-1],
        "lv": float(v.iloc[-1]),
        "best": best,
        "worst": worst,
    }


def _problems(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    units = ds.units_word(lang)
    out: list[str] = []
    items = _lagging_items(results["tiers"], ds, lang, results["index"])
    if items:
        out.append(
            t(
                "findings_gaps.lagging",
                lang,
                k=len(items),
                units=units,
                items=names(items, lang),
            )
        )
        out[-1] = Sentence(out[-1], illustrative(ds, spec.indicators, spec.year))
        out += _lagging_groups(results, ds, spec, lang)
    s = spread(results, ds, spec)
    if s:
        nm = ds.names(lang)
        d = indicator_decimals(ds, s["indicator"])
        r = ratio(s["hv"], s["lv"])
        common = {
            "label": mid(ds.label(s["indicator"], lang, unit=False)),
            "cv": num(s["cv"], 2),
            "gini": num(s["gini"], 2),
            "hi": nm[s["hi"]],
            "hv": num(s["hv"], d),
            "lo": nm[s["lo"]],
            "lv": num(s["lv"], d),
            "units": units,
        }
        if r is not None:
            out.append(t("findings_gaps.spread_ratio", lang, ratio=num(r, 1), **common))
        else:
            diff = num(s["hv"] - s["lv"], d)
            out.append(t("findings_gaps.spread_diff", lang, diff=diff, **common))
        out[-1] = Sentence(out[-1], illustrative(ds, [s["indicator"]], spec.year))
        out += _group_theil(results, ds, spec, lang)
    wide = widening(results["beta"])
    if wide:
        labels = [mid(ds.label(i, lang, unit=False)) for i in wide]
        text = t(
            "findings_gaps.widening", lang, labels=names(labels, lang, ranked=False), units=units
        )
        out.append(Sentence(text, illustrative(ds, wide)))
    return out


def _gaps(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    nm, units = ds.names(lang), ds.units_word(lang)
    short = results["shortfall"]
    out: list[str] = []
    for ind, rows in short.groupby("indicator", sort=False):
        n = len(out)
        worst = rows.sort_values("gap_pct", ascending=False, kind="stable").iloc[0]
        d = indicator_decimals(ds, str(ind))
        numerator = str(ds.indicator(str(ind))["numerator"] or "")
        fields = {
            "label": mid(ds.label(str(ind), lang, unit=False)),
            "k": len(rows),
            "units": units,
            "standard": standard_word(ds, str(ind), lang),
            "std": num(worst["target"], 0 if float(worst["target"]) % 1 == 0 else 1),
            "unit": ds.indicator(str(ind))[f"unit_{lang}"],
            "name": nm[worst["region_code"]],
            "value": num(worst["value"], d),
            "pct": num(worst["gap_pct"], 1),
        }
        qty = rows["quantity"].sum(min_count=1)
        q_of = rows["quantity_of"].dropna()
        if pd.notna(qty) and len(q_of):
            q_ind = ds.indicator(str(q_of.iloc[0]))
            kind = "qty" if str(q_of.iloc[0]) == numerator else "base"
            out.append(
                t(
                    f"findings_gaps.shortfall_{kind}",
                    lang,
                    qty=num(qty),
                    qty_label=mid(str(q_ind[f"name_{lang}"])),
                    qty_unit=q_ind[f"unit_{lang}"],
                    **fields,
                )
            )
        else:
            out.append(t("findings_gaps.shortfall", lang, **fields))
        out[n] = Sentence(out[n], illustrative(ds, [str(ind)], spec.year))
    conv, div, na = convergence_counts(results["beta"])
    k = len(results["beta"])
    out.append(
        t(
            "findings_gaps.convergence",
            lang,
            k=k,
            conv=conv,
            div=div,
            rest=k - conv - div,
            na=na,
            units=units,
        )
    )
    out[-1] = Sentence(out[-1], illustrative(ds, results["beta"].index))
    cost = costs(results["shortfall_totals"])
    key = cost_key(cost)
    if key:
        text = t(
            f"findings_gaps.cost_{key}", lang, once=num(cost["once"]), yearly=num(cost["yearly"])
        )
        out.append(Sentence(text, illustrative(ds, short["indicator"].unique(), spec.year)))
    return out


def cost_key(cost: dict[str, float | None]) -> str:
    """ "both", "once", "yearly" or "" (no cost) for the cost sentences."""
    once, yearly = cost["once"] is not None, cost["yearly"] is not None
    return "both" if once and yearly else "once" if once else "yearly" if yearly else ""


def costs(totals: pd.DataFrame) -> dict[str, float | None]:
    """One-off and yearly cost (10k yuan) over all shortfalls; None where there is none."""
    out: dict[str, float | None] = {}
    for key, basis in (("once", "once"), ("yearly", "per_year")):
        v: Any = totals.loc[totals["cost_basis"] == basis, "cost"].sum(min_count=1)
        out[key] = float(v) if pd.notna(v) else None
    return out


def priorities(short: pd.DataFrame, n: int = PRIORITY_N) -> pd.DataFrame:
    """The ``n`` shortfalls furthest below their standard (gap as a share of the standard)."""
    return short.sort_values(["gap_pct", "rank"], ascending=[False, True], kind="stable").head(n)


def _actions(results: dict, ds: Dataset, spec: Spec, lang: str) -> list[str]:
    nm, units, whole = ds.names(lang), ds.units_word(lang), ds.whole_word(lang)
    out: list[str] = []
    top = priorities(results["shortfall"])
    if len(top):
        items = [
            t(
                "findings_gaps.priority_item",
                lang,
                name=nm[r["region_code"]],
                label=mid(ds.label(r["indicator"], lang, unit=False)),
                pct=num(r["gap_pct"], 1),
            )
            for _, r in top.iterrows()
        ]
        text = t("findings_gaps.act_priority", lang, items=names(items, lang))
        out.append(Sentence(text, illustrative(ds, top["indicator"].unique(), spec.year)))
    out += _group_actions(results, ds, spec, lang)
    tier = results["tiers"]
    lag = _lagging_order(tier, results["index"])
    if lag:
        dims = [c for c in tier.columns if c != "index"]
        count = Counter(d for c in lag for d in dims if tier.loc[c, d] == "lagging")
        themes = [theme_label(d, lang) for d, _ in count.most_common(3)]
        out.append(
            t(
                "findings_gaps.act_lagging",
                lang,
                names=names([nm[c] for c in lag], lang),
                themes=names(themes, lang, limit=3, ranked=False),
            )
        )
        out[-1] = Sentence(out[-1], illustrative(ds, spec.indicators, spec.year))
    s = spread(results, ds, spec)
    if s:
        out.append(
            t(
                "findings_gaps.act_spread",
                lang,
                label=mid(ds.label(s["indicator"], lang, unit=False)),
                whole=whole,
                best=nm[s["best"]],
                worst=nm[s["worst"]],
                units=units,
            )
        )
        out[-1] = Sentence(out[-1], illustrative(ds, [s["indicator"]], spec.year))
    cost = costs(results["shortfall_totals"])
    key = cost_key(cost)
    if key:
        money = {"once": num(cost["once"]), "yearly": num(cost["yearly"])}
        text = t(f"findings_gaps.act_budget_{key}", lang, **money)
        out.append(
            Sentence(text, illustrative(ds, results["shortfall"]["indicator"].unique(), spec.year))
        )
    if ds.is_illustrative(ds.obs(spec.indicators, ds.unit_codes, spec.year)):
        out.append(t("findings_gaps.act_illustrative", lang, units=ds.units_word(lang)))
    return [cap(s) for s in out]


def findings(results: dict, ds: Dataset, spec: Spec, lang: str = "zh") -> dict:
    """``{status, problems, gaps, actions}``: lists of sentences computed from ``results``."""
    return {
        "status": [cap(s) for s in _status(results, ds, spec, lang)],
        "problems": [cap(s) for s in _problems(results, ds, spec, lang)],
        "gaps": [cap(s) for s in _gaps(results, ds, spec, lang)],
        "actions": _actions(results, ds, spec, lang),
    }


# -- page text ----------------------------------------------------------------------------
def page(key: str, ds: Dataset, lang: str = "zh", **fields) -> str:
    """Page text ``findings_gaps.page.<key>`` with the data set's region words."""
    return region_text(f"findings_gaps.page.{key}", ds, lang, **fields)


def title(ds: Dataset, lang: str = "zh") -> str:
    """The report title with the data set's units (``page.title_<unit level>`` if there is
    one, e.g. "county", else ``page.title``)."""
    key = f"findings_gaps.page.title_{ds.unit_level}"
    return region_text(key if has(key) else "findings_gaps.page.title", ds, lang)


def methods(
    ds: Dataset, spec: Spec, lang: str = "zh", facility_cost: float = 0, worker_cost: float = 0
) -> str:
    """The closing methods section's paragraphs: scope and parameters, index, tiers,
    inequality, convergence, shortfall and the assumed unit costs."""
    w = spec.weighting if isinstance(spec.weighting, str) else "user"
    sep = t("plan_text.sep", lang)
    scope = page(
        "methods_scope",
        ds,
        lang,
        year=spec.year,
        n=len(ds.unit_codes),
        normalisation=t(f"gaps.normalisation.{spec.normalisation}", lang),
        weighting=t(f"gaps.weighting.{w}", lang),
        k=len(spec.indicators),
        labels=sep.join(ds.label(i, lang, unit=False) for i in spec.indicators),
    )
    dropped = ""
    if spec.dropped:
        labels = sep.join(ds.label(i, lang, unit=False) for i in spec.dropped)
        dropped = page("methods_dropped", ds, lang, year=spec.year, labels=labels)
    return paragraphs(
        scope + dropped,
        page(
            "methods_index",
            ds,
            lang,
            n_norm=numeral(len(composite.NORMALISATIONS), lang),
            norms=sep.join(t(f"gaps.normalisation.{n}", lang) for n in composite.NORMALISATIONS),
            n_weight=numeral(len(composite.WEIGHTINGS), lang),
            weights=sep.join(t(f"gaps.weighting.{w}", lang) for w in composite.WEIGHTINGS),
        ),
        page("methods_tiers", ds, lang, k=f"{TIER_K:g}"),
        page("methods_inequality", ds, lang),
        page("methods_convergence", ds, lang, p=f"{SIGNIFICANT:g}"),
        page("methods_shortfall", ds, lang, facility=num(facility_cost), worker=num(worker_cost)),
    )
