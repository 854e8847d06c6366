"""Reader side of the next-period targets (notebook 06): tables, titles and findings for
the frames of ``analyses.next_period`` in a language (catalogue ``evaluation.*``,
``findings_next.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses.next_period import facts
from analysis.data import Dataset, words
from analysis.messages import t
from analysis.present.findings import Sentence, flag
from analysis.present.numbers import fmt
from analysis.present.words import periods, plan_words
from analysis.present.words.labels import rule_label
from analysis.present.words.targets import source_titles
from analysis.present.words.tidy import tidy


def display(frame: pd.DataFrame, ds: Dataset, p: float, lang: str = "zh") -> pd.DataFrame:
    """One indicator's next-period table for reading."""
    names = ds.names(lang)
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
        index=pd.Index(frame["region_code"].map(names), name=t("targets.region", lang)),
    )
    return tidy(out, 1)


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
