"""Reader side of the next-period targets (notebook 06): tables, titles and findings for
the frames of ``analyses.next_period`` in a language (catalogue ``evaluation.*``,
``findings_next.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses.next_period import facts
from analysis.data import Dataset, words
from analysis.messages import t
from analysis.present.findings import Sentence, flag
from analysis.present.numbers import fmt
from analysis.present.words import grouped, periods, plan_words
from analysis.present.words.labels import rule_label
from analysis.present.words.targets import source_titles
from analysis.present.words.tidy import tidy


def display(frame: pd.DataFrame, ds: Dataset, p: float, lang: str = "zh") -> pd.DataFrame:
    """One indicator's next-period table for reading (an arranged frame with its subtotal
    and total rows marked and the group of every row, ``grouped.arrange``)."""
    basis = {
        "standard": t("evaluation.basis_standard", lang),
        "trend": t("evaluation.basis_trend", lang),
        "current": t("evaluation.basis_current", lang),
        "aggregate": t("evaluation.basis_aggregate", lang, **words.fields(ds, lang)),
        "": "",
    }
    out = pd.DataFrame(
        {
            t("targets.baseline_year", lang): frame["baseline_year"].astype("Int64").to_numpy(),
            t("targets.baseline", lang): frame["baseline"].to_numpy(),
            t("evaluation.projected_p", lang, p=f"{p:.0%}"): frame["projected_p"].to_numpy(),
            t("evaluation.standard", lang): frame["standard"].to_numpy(),
            t("evaluation.proposed", lang): frame["target"].to_numpy(),
            t("evaluation.basis", lang): frame["basis"].map(basis).to_numpy(),
            t("targets.increment", lang): frame["increment"].to_numpy(),
            t("findings_targets.share", lang, whole=ds.whole_word(lang)): frame["share"].to_numpy(),
        },
        index=pd.Index(grouped.region_names(ds, frame, lang), name=t("targets.region", lang)),
    )
    if grouped.ROW in frame.columns:
        out = grouped.with_group_column(ds, out, frame, lang, at=0)
    return tidy(out, 1)


def raised(frame: pd.DataFrame, ds: Dataset) -> pd.Series:
    """Rows whose target is raised to the standard (basis ``standard``, above the baseline in
    the indicator's direction): the units that need more than their trend."""
    sgn = frame["indicator"].map(lambda i: ct.sign(ds, i))
    up = sgn * (frame["target"] - frame["baseline"]) > 1e-9
    return (frame["basis"].eq("standard") & up).fillna(False).astype(bool)


def attention(frame: pd.DataFrame, ds: Dataset) -> np.ndarray:
    """Rows needing attention in a next-period table: targets raised to the standard."""
    return raised(frame, ds).to_numpy(bool)


GROUP_COLUMNS = (
    "indicator",
    "region_code",
    "baseline_year",
    "baseline",
    "target_year",
    "projected_p",
    "standard",
    "target",
    "basis",
    "increment",
    "units",
    "units_raised",
)


def group_frame(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per indicator, the next-period target of each region of the group level
    (prefectures; the results model's own rows) in code order, the top row last, with the
    number of its units and of those whose target is raised to the standard. Empty
    without an intermediate level."""
    members = grouped.members(ds)
    if not members:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    up = frame.assign(_raised=raised(frame, ds).to_numpy())
    parts = []
    for _, f in up.groupby("indicator", sort=False):
        f = f.set_index("region_code")
        rows = f.loc[[*members, ds.top]].reset_index()
        rows["units"] = [len(members.get(c, ds.unit_codes)) for c in rows["region_code"]]
        rows["units_raised"] = [
            int(f.loc[members.get(c, ds.unit_codes), "_raised"].sum()) for c in rows["region_code"]
        ]
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)[list(GROUP_COLUMNS)]


def group_display(
    gf: pd.DataFrame, frame: pd.DataFrame, ds: Dataset, p: float, lang: str = "zh"
) -> pd.DataFrame:
    """``group_frame`` for reading, with the units raised to the standard named (most
    raised first, from ``frame``)."""
    names = ds.names(lang)
    members = grouped.members(ds)
    w = {"units": ds.units_word(lang), "groups": grouped.group_word(ds, lang)}
    basis = {
        "standard": t("evaluation.basis_standard", lang),
        "trend": t("evaluation.basis_trend", lang),
        "aggregate": t("evaluation.basis_aggregate", lang, **words.fields(ds, lang)),
        "": "",
    }
    out = pd.DataFrame(
        {
            t("targets.indicator", lang): [ds.label(i, lang) for i in gf["indicator"]],
            t("targets.region", lang): [
                t("targets.total_name", lang, name=names[c]) if c == ds.top else names[c]
                for c in gf["region_code"]
            ],
            t("targets.baseline", lang): gf["baseline"].to_numpy(),
            t("evaluation.projected_p", lang, p=f"{p:.0%}"): gf["projected_p"].to_numpy(),
            t("evaluation.standard", lang): gf["standard"].to_numpy(),
            t("evaluation.proposed", lang): gf["target"].to_numpy(),
            t("evaluation.basis", lang): gf["basis"].map(basis).to_numpy(),
            t("findings_next.col.group_raised", lang, **w): [
                plan_words.name_list(
                    ds, raised_units(frame, ds, i, members.get(c, ds.unit_codes)), lang
                )
                if k
                else None
                for i, c, k in zip(
                    gf["indicator"], gf["region_code"], gf["units_raised"], strict=True
                )
            ],
        }
    )
    return tidy(out, 1)


def raised_units(frame: pd.DataFrame, ds: Dataset, ind: str, codes) -> list[str]:
    """The units among ``codes`` whose target of ``ind`` is raised to the standard, the
    largest rise first."""
    f = frame[(frame["indicator"] == ind) & frame["region_code"].isin(list(codes))]
    f = f[raised(f, ds).to_numpy()]
    rise = (f["target"] - f["baseline"]).abs() * -1.0
    return list(f.assign(_r=rise.to_numpy()).sort_values(["_r", "region_code"])["region_code"])


def group_attention(gf: pd.DataFrame) -> np.ndarray:
    """Rows of ``group_frame`` needing attention: regions with a unit raised to the standard."""
    return (gf["units_raised"] > 0).to_numpy(bool)


def group_caption(ds: Dataset, target_year: int, lang: str = "zh") -> str:
    """Title of the per-group targets table (``findings_next.table_groups``)."""
    return t(
        "findings_next.table_groups", lang, groups=grouped.group_word(ds, lang), target=target_year
    )


def group_sentences(frame: pd.DataFrame, ds: Dataset, ind: str, lab: str, lang: str = "zh"):
    """Where the units raised to the standard are, by region of the group level (most
    first), and the region with the most (``findings_next.problem.groups``); none without
    an intermediate level or when no unit is raised."""
    members = grouped.members(ds)
    if not members:
        return []
    up = {g: raised_units(frame, ds, ind, us) for g, us in members.items()}
    count = pd.Series({g: len(v) + len(v) / len(members[g]) / 2 for g, v in up.items()})
    hit = [g for g in grouped.severity_order(count) if up[g]]
    if not hit:
        return []
    most = hit[0]
    tied = sum(len(up[g]) == len(up[most]) for g in hit) > 1
    return [
        t(
            "findings_next.problem.groups_even" if tied else "findings_next.problem.groups",
            lang,
            label=lab,
            groups=grouped.group_word(ds, lang),
            n=len(members),
            k=len(hit),
            names=plan_words.name_list(ds, hit, lang),
            most=ds.name(most, lang),
            m=len(members[most]),
            b=len(up[most]),
            units=ds.units_word(lang),
        )
    ]


def summary_display(
    summ: pd.DataFrame, ds: Dataset, p: float, base_year: int, lang: str = "zh"
) -> pd.DataFrame:
    """``summary_frame`` for reading."""
    out = pd.DataFrame(
        {
            t("targets.indicator", lang): [ds.label(i, lang) for i in summ["indicator"]],
            t("evaluation.standard", lang): summ["standard"].to_numpy(),
            t("targets.baseline", lang): summ["baseline"].to_numpy(),
            t("evaluation.projected_p", lang, p=f"{p:.0%}"): summ["projected_p"].to_numpy(),
            t("evaluation.proposed", lang): summ["target"].to_numpy(),
        }
    )
    return tidy(out, 1)


def title(base_year: int, target_year: int, lang: str = "zh") -> str:
    """Report title naming the plan period (the 15th plan for 2025 -> 2030)."""
    period = periods.plan_name(base_year, target_year, lang)
    return t("evaluation.next_title", lang, period=period, base=base_year, target=target_year)


def _origin(f: dict, base_year: int, titles: dict, lang: str) -> str:
    if f["carried"]:
        return t("findings_next.origin_carried", lang, year=base_year)
    if f["source"] == "parameter":
        return t("findings_next.origin_parameter", lang)
    return t("findings_next.origin_data", lang, title=titles.get(f["source"], f["source"]))


def plan_findings(
    frame: pd.DataFrame,
    std: pd.DataFrame,
    ds: Dataset,
    base_year: int,
    target_year: int,
    p: float,
    lang: str = "zh",
) -> dict:
    """Findings of the next-period targets by section (``present.findings.Findings(**...)``)."""
    key = "findings_next.{}".format
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    w = {
        "whole": ds.whole_word(lang),
        "units": ds.units_word(lang),
        "base": base_year,
        "year": target_year,
        "p": plan_words.pct(p, lang),
    }
    inds = list(dict.fromkeys(frame["indicator"]))
    all_facts = {i: facts(frame, std, ds, i, base_year) for i in inds}
    ill = {i: _illustrative(ds, i, base_year) for i in inds}
    status: list[str] = [Sentence(t(key("overview"), lang, n=len(inds), **w), any(ill.values()))]
    problems: list[str] = []
    gaps: list[str] = []
    actions: list[str] = []
    for ind, f in all_facts.items():
        lab = plan_words.label(ds, ind, lang)
        collected: tuple[list[str], ...] = (status, problems, gaps, actions)
        n_before = [len(x) for x in collected]
        q = plan_words.qty_of(ds, ind, lang)

        verb = plan_words.direction_word(ds, ind, lang)
        status.append(
            t(
                key("status_line"),
                lang,
                label=lab,
                baseline=q(f["baseline"]),
                projected=q(f["projected_p"]),
                standard=q(f["standard"]),
                origin=_origin(f, base_year, titles, lang),
                **w,
            )
        )
        if f["raised"]:
            problems.append(
                t(
                    key("problem.raised"),
                    lang,
                    label=lab,
                    k=len(f["raised"]),
                    names=plan_words.name_list(ds, f["raised"], lang),
                    standard=q(f["standard"]),
                    **w,
                )
            )
        problems.extend(group_sentences(frame, ds, ind, lab, lang))
        hist = f["top_history"]
        if round(f["top_required"], plan_words.decimals(ds, ind)) <= 0:
            gap_key = "gap.top_hold"
        else:
            gap_key = "gap.top" if np.isfinite(hist) else "gap.top_nohistory"
        gaps.append(
            t(
                key(gap_key),
                lang,
                label=lab,
                target=q(f["target"]),
                baseline=q(f["baseline"]),
                verb=verb,
                required=q(max(f["top_required"], 0.0), True),
                first=int(f["top_first_year"]) if np.isfinite(hist) else base_year,
                history=q(hist, True),
                **w,
            )
        )
        if f["raised"]:
            wh = f["worst_history"]
            gaps.append(
                t(
                    key("gap.worst" if np.isfinite(wh) else "gap.worst_nohistory"),
                    lang,
                    label=lab,
                    name=ds.name(f["worst"], lang),
                    baseline=q(f["worst_baseline"]),
                    target=q(f["worst_target"]),
                    verb=verb,
                    required=q(f["worst_required"], True),
                    first=int(f["worst_first_year"]) if np.isfinite(wh) else base_year,
                    history=q(wh, True),
                    **w,
                )
            )
        actions.append(
            t(
                key("action.target"),
                lang,
                label=lab,
                target=q(f["target"]),
                standard=q(f["standard"]),
                **w,
            )
        )
        if f["raised"]:
            actions.append(
                t(
                    key("action.raised"),
                    lang,
                    label=lab,
                    names=plan_words.name_list(ds, f["raised"], lang),
                    share=fmt(f["raised_share"], 0) + "%",
                    **w,
                )
            )
        if f["trend"]:
            actions.append(t(key("action.trend"), lang, label=lab, k=len(f["trend"]), **w))
        for lst, n in zip(collected, n_before, strict=True):
            flag(lst, n, ill[ind])
    if not problems:
        problems.append(Sentence(t(key("problem.none"), lang, **w), any(ill.values())))
    return {"status": status, "problems": problems, "gaps": gaps, "actions": actions}


def _illustrative(ds: Dataset, ind: str, base_year: int) -> bool:
    """Whether the observations of ``ind`` up to the base year (the whole region's and the
    units') are illustrative: the flag of its sentences (``findings.Sentence``)."""
    obs = ds.obs(ind, [ds.top, *ds.unit_codes])
    return ds.is_illustrative(obs[obs["year"] <= base_year])


def standards_note(summ: pd.DataFrame, ds: Dataset, base_year: int, lang: str = "zh") -> str:
    """Where the standards come from, each source once (``findings_next.standards_note``)."""
    carried = [s for s in summ["standard_source"] if s == "carried"]
    parts = [t("evaluation.carried_forward", lang, year=base_year)] if carried else []
    others = [s for s in summ["standard_source"] if s != "carried"]
    if others:
        parts.append(source_titles(ds, others, lang))
    return t("findings_next.standards_note", lang, titles=t("chapter.sep", lang).join(parts))


def intro(ds: Dataset, base_year: int, target_year: int, p: float, lang: str = "zh") -> str:
    """The opening paragraph under the title (``findings_next.intro``)."""
    return t(
        "findings_next.intro",
        lang,
        period=periods.plan_name(base_year, target_year, lang),
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        base=base_year,
        target=target_year,
        p=plan_words.pct(p, lang),
    )


def methods_text(ds: Dataset, base_year: int, p: float, rule: str, lang: str = "zh") -> str:
    """The closing methods section (``findings_next.methods``)."""

    return t(
        "findings_next.methods",
        lang,
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        base=base_year,
        p=f"{p:g}",
        rule=rule_label(rule, lang),
    ).strip()


def summary_caption(ds: Dataset, target_year: int, lang: str = "zh") -> str:
    """Title of the table of proposed targets (``findings_next.table_summary``)."""
    return t("findings_next.table_summary", lang, whole=ds.whole_word(lang), target=target_year)
