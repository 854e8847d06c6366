"""Reader side of the final evaluation (notebook 05): tables, titles and findings for the
frames of ``analyses.evaluation`` in a language (catalogue ``evaluation.*``,
``findings_evaluation.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses.evaluation import facts
from analysis.data import Dataset
from analysis.messages import t
from analysis.present.findings import Sentence
from analysis.present.numbers import fmt, missing
from analysis.present.words import grouped, periods, plan_words
from analysis.present.words.labels import rule_label, status_label, status_labels
from analysis.present.words.tidy import tidy


def display(frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """The evaluation of one indicator (or all) for reading: names, labels, no NaN; a frame
    arranged by ``grouped.arrange`` shows its subtotal and total rows as such and the
    group of every row."""
    out = pd.DataFrame(
        {
            t("targets.region", lang): grouped.region_names(ds, frame, lang),
            t("targets.indicator", lang): [ds.label(i, lang) for i in frame["indicator"]],
            t("targets.baseline", lang): frame["baseline"].to_numpy(),
            t("evaluation.final_year", lang): frame["final_year"].astype("Int64").to_numpy(),
            t("evaluation.final", lang): frame["final"].to_numpy(),
            t("targets.target", lang): frame["target"].to_numpy(),
            t("evaluation.difference", lang): frame["difference"].to_numpy(),
            t("evaluation.difference_pct", lang): frame["difference_pct"].to_numpy(),
            t("evaluation.met", lang): [
                t("evaluation.yes" if m else "evaluation.no", lang) for m in frame["met"]
            ],
            t("targets.status", lang): status_labels(frame["status"], lang).to_numpy(),
        }
    )
    if frame["indicator"].nunique() == 1:  # the caption names the indicator
        out = out.drop(columns=[t("targets.indicator", lang)])
    if grouped.ROW in frame.columns:
        out = grouped.with_group_column(ds, out, frame, lang)
    return tidy(out, 1)


def attention(frame: pd.DataFrame) -> np.ndarray:
    """Rows needing attention in a table of final results: the target not met (or no final
    value), or a status that flips under the census-held population."""
    flips = frame["flips"].astype(bool) if "flips" in frame.columns else False
    return (~frame["met"].astype(bool) | flips).to_numpy(bool)


GROUP_COLUMNS = (
    "indicator",
    "region_code",
    "final_year",
    "final",
    "target_year",
    "target",
    "difference",
    "difference_pct",
    "met",
    "status",
    "units",
    "units_met",
    "units_short",
    "units_no_data",
)


def group_frame(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per indicator, each region of the group level (prefectures) with its final value,
    target, status (the results model's own row) and how many of its units met the target,
    fell short or have no final value; most severe first (not met by the largest share of
    the target, then the largest share of units short, then code), the top row last.
    Empty without an intermediate level."""
    members = grouped.members(ds)
    if not members:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    parts = []
    for _, f in frame.groupby("indicator", sort=False):
        f = f.set_index("region_code")
        rows = f.loc[[*members, ds.top]].reset_index()
        counts = []
        for code in rows["region_code"]:
            us = f.loc[members.get(code, ds.unit_codes)]
            known = us["final"].notna()
            met = int((us["met"].astype(bool) & known).sum())
            counts.append((len(us), met, int(known.sum()) - met, int((~known).sum())))
        rows[["units", "units_met", "units_short", "units_no_data"]] = counts
        pref = rows.iloc[:-1]
        missed = ~pref["met"].astype(bool).to_numpy()
        gap = np.where(missed, -pref["difference_pct"].fillna(0.0).to_numpy(float), 0.0)
        share = (pref["units_short"] / pref["units"]).to_numpy(float)
        severity = pd.Series(missed * 1e6 + gap * 1e3 + share, index=pref["region_code"].to_numpy())
        order = grouped.severity_order(severity)
        parts.append(
            pd.concat([pref.set_index("region_code").loc[order].reset_index(), rows.iloc[-1:]])
        )
    return pd.concat(parts, ignore_index=True)[list(GROUP_COLUMNS)]


def group_display(
    gf: pd.DataFrame, frame: pd.DataFrame, ds: Dataset, lang: str = "zh", value=None
) -> pd.DataFrame:
    """``group_frame`` for reading: each region's final value, target, result and its units
    met (k/n), with its units short of the target (``frame``, the evaluation) named most
    severe first. ``value(indicator, x)``, when given, writes each number as a string (the
    Word table's indicator decimals); else numbers stay numbers for the page."""

    def cell(col: pd.Series):
        if value is None:
            return col.to_numpy()
        return [value(i, v) for i, v in zip(gf["indicator"], col, strict=True)]

    names = ds.names(lang)
    members = grouped.members(ds)
    w = {"units": ds.units_word(lang), "groups": grouped.group_word(ds, lang)}
    out = pd.DataFrame(
        {
            t("targets.indicator", lang): [ds.label(i, lang) for i in gf["indicator"]],
            t("targets.region", lang): [
                t("targets.total_name", lang, name=names[c]) if c == ds.top else names[c]
                for c in gf["region_code"]
            ],
            t("evaluation.final", lang): cell(gf["final"]),
            t("targets.target", lang): cell(gf["target"]),
            t("evaluation.difference", lang): cell(gf["difference"]),
            t("findings_evaluation.col.result", lang): status_labels(gf["status"], lang).to_numpy(),
            t("findings_evaluation.col.group_units_met", lang, **w): [
                f"{m}/{n}" for m, n in zip(gf["units_met"], gf["units"], strict=True)
            ],
            t("findings_evaluation.col.group_units_short", lang, **w): [
                plan_words.name_list(ds, short_units(frame, i, members.get(c, ds.unit_codes)), lang)
                if k
                else None
                for i, c, k in zip(
                    gf["indicator"], gf["region_code"], gf["units_short"], strict=True
                )
            ],
        }
    )
    return tidy(out, 1) if value is None else out.where(out.notna(), missing(lang))


def short_units(frame: pd.DataFrame, ind: str, codes) -> list[str]:
    """The units among ``codes`` whose final value misses the target of ``ind``, most severe
    first (the largest shortfall as a share of the target)."""
    f = frame[(frame["indicator"] == ind) & frame["region_code"].isin(list(codes))]
    f = f[f["final"].notna() & ~f["met"].astype(bool)]
    return list(f.sort_values(["difference_pct", "region_code"])["region_code"])


def group_attention(gf: pd.DataFrame) -> np.ndarray:
    """Rows of ``group_frame`` needing attention: the region misses the target, or one of
    its units misses it or has no final value."""
    return (~gf["met"].astype(bool) | (gf["units_short"] > 0) | (gf["units_no_data"] > 0)).to_numpy(
        bool
    )


def group_caption(ds: Dataset, target_year: int, lang: str = "zh") -> str:
    """Title of the per-group results table (``findings_evaluation.table_groups``)."""
    return t(
        "findings_evaluation.table_groups",
        lang,
        groups=grouped.group_word(ds, lang),
        year=target_year,
    )


def summary_display(summ: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """``summary`` for reading."""
    names = ds.names(lang)
    w = {"whole": ds.whole_word(lang), "units": ds.units_word(lang)}
    out = pd.DataFrame(
        {
            t("targets.indicator", lang): [ds.label(i, lang) for i in summ["indicator"]],
            t("findings_evaluation.col.top_status", lang, **w): status_labels(
                summ["status"], lang
            ).to_numpy(),
            t("evaluation.final", lang): summ["final"].to_numpy(),
            t("targets.target", lang): summ["target"].to_numpy(),
            t("findings_evaluation.col.units_met", lang, **w): [
                f"{m}/{n}" for m, n in zip(summ["counties_met"], summ["counties"], strict=True)
            ],
            t("findings_evaluation.col.largest_shortfall", lang, **w): [
                names.get(c, "") for c in summ["largest_shortfall_region"]
            ],
            t("evaluation.shortfall", lang): summ["largest_shortfall"].to_numpy(),
        }
    )
    return tidy(out, 1)


def title(base_year: int, target_year: int, lang: str = "zh") -> str:
    """Report title naming the plan period (e.g. the 14th plan for 2020 -> 2025)."""
    period = periods.plan_name(base_year, target_year, lang)
    return t("evaluation.title", lang, period=period, base=base_year, target=target_year)


def plan_findings(frame: pd.DataFrame, ds: Dataset, target_year: int, lang: str = "zh") -> dict:
    """Findings of the final evaluation by section (``present.findings.Findings(**...)``)."""
    key = "findings_evaluation.{}".format
    w = {"whole": ds.whole_word(lang), "units": ds.units_word(lang), "year": target_year}
    inds = list(dict.fromkeys(frame["indicator"]))
    all_facts = {i: facts(frame, ds, i) for i in inds}
    status = [
        t(
            key("overview"),
            lang,
            n=len(inds),
            met=sum(f["top_met"] for f in all_facts.values()),
            full=sum(f["units_met"] == f["n_units"] and f["top_met"] for f in all_facts.values()),
            **w,
        )
    ]
    problems: list[str] = []
    gaps: list[str] = []
    actions: list[str] = []
    done: list[str] = []
    flips: list[str] = []
    done_ids: list[str] = []
    for ind, f in all_facts.items():
        lab = plan_words.label(ds, ind, lang)
        collected = (status, problems, gaps, actions, flips)
        n_before = [len(x) for x in collected]

        q = plan_words.qty_of(ds, ind, lang)

        final_year = int(f["final_year"]) if pd.notna(f["final_year"]) else target_year
        line = t(
            key("status_line"),
            lang,
            label=lab,
            final_year=final_year,
            final=q(f["final"]),
            target=q(f["target"]),
            status=status_label(f["status"], lang),
            k=f["units_met"],
            n=f["n_units"],
            **{k: v for k, v in w.items() if k != "year"},
        )
        status.append(with_basis(line, f, lang))
        flips.extend(_flip_sentences(frame, ds, ind, lab, q, final_year, lang))
        if not f["top_met"] and np.isfinite(f["final"]):
            problems.append(
                t(key("problem.top"), lang, label=lab, gap=q(-f["difference"], True), **w)
            )
            actions.append(t(key("action.top"), lang, label=lab, target=q(f["target"]), **w))
        if f["short"]:
            names = plan_words.name_list(ds, f["short"], lang)
            problems.append(
                t(key("problem.short"), lang, label=lab, k=len(f["short"]), names=names, **w)
            )
            gaps.append(
                t(
                    key("gap.worst"),
                    lang,
                    label=lab,
                    name=ds.name(f["worst"], lang),
                    final=q(f["worst_final"]),
                    target=q(f["worst_target"]),
                    gap=q(f["worst_gap"], True),
                    pct=fmt(f["worst_pct"], 0) + "%",
                    **w,
                )
            )
            scope = "standard" if ds.indicator(ind)["kind"] in ct.STANDARD_KINDS else "total"
            actions.append(
                t(
                    key(f"action.short_{scope}"),
                    lang,
                    label=lab,
                    names=names,
                    target=q(f["target"]),
                    **w,
                )
            )
        problems.extend(group_sentences(frame, ds, ind, lab, lang))
        if not f["short"] and f["top_met"]:
            done.append(lab)
            done_ids.append(ind)
        if np.isfinite(f["difference"]):
            d = plan_words.decimals(ds, ind)
            diff = round(f["difference"], d)
            where = "at" if diff == 0 else ("above" if diff > 0 else "below")
            gaps.insert(
                len(gaps) - (1 if f["short"] else 0),
                t(
                    key(f"gap.top_{where}"),
                    lang,
                    label=lab,
                    diff=q(abs(f["difference"]), True),
                    target=q(f["target"]),
                    **w,
                ),
            )
        if f["illustrative"]:  # the one place the flag of the facts marks the sentences
            for lst, n in zip(collected, n_before, strict=True):
                lst[n:] = [Sentence(x, True) for x in lst[n:]]
    if flips:
        status.extend(flips)
    elif any(f["basis"] == "estimated" for f in all_facts.values()):
        status.append(Sentence(t(key("flip_none"), lang), False))
    any_ill = any(f["illustrative"] for f in all_facts.values())
    status[0] = Sentence(status[0], any_ill)
    if not problems:
        problems.append(Sentence(t(key("problem.none"), lang, **w), any_ill))
    if done:
        ill = any(all_facts[i]["illustrative"] for i in done_ids)
        raise_ = t(key("action.raise"), lang, labels=t("chapter.sep", lang).join(done), **w)
        actions.append(Sentence(raise_, ill))
    return {"status": status, "problems": problems, "gaps": gaps, "actions": actions}


def group_sentences(frame: pd.DataFrame, ds: Dataset, ind: str, lab: str, lang: str = "zh"):
    """The regions of the group level (prefectures) against the target of ``ind``: how many
    miss it as a whole (named, most severe first) and the one with the most units short
    (``findings_evaluation.problem.groups`` / ``problem.groups_all``); none when every unit
    met it or there is no intermediate level."""
    members = grouped.members(ds)
    if not members:
        return []
    f = frame[frame["indicator"] == ind].set_index("region_code")
    short = {g: short_units(frame, ind, us) for g, us in members.items()}
    if not any(short.values()):
        return []
    prefs = f.loc[list(members)]
    missed = prefs[prefs["final"].notna() & ~prefs["met"].astype(bool)]
    low = list(missed.sort_values(["difference_pct"]).index)
    count = pd.Series({g: len(v) + len(v) / len(members[g]) / 2 for g, v in short.items()})
    most = grouped.severity_order(count)[0]
    tied = sum(len(v) == len(short[most]) for v in short.values()) > 1
    key = "findings_evaluation.problem.groups" + ("" if low else "_all") + ("_even" if tied else "")
    return [
        t(
            key,
            lang,
            label=lab,
            n=len(members),
            groups=grouped.group_word(ds, lang),
            k=len(low),
            names=plan_words.name_list(ds, low, lang),
            most=ds.name(most, lang),
            m=len(members[most]),
            b=len(short[most]),
            units=ds.units_word(lang),
        )
    ]


def with_basis(sentence: str, f: dict, lang: str = "zh") -> str:
    """``sentence`` (ending in a full stop) with the one phrase saying its rate divides by an
    estimated population (``findings_evaluation.basis_estimated``) and, when the status
    flips under the census-held population, "depends on the population estimate"."""
    marks = ""
    if f.get("basis") == "estimated":
        marks += t("findings_evaluation.basis_estimated", lang)
    if f.get("flips"):
        marks += t("findings_evaluation.depends", lang)
    if not marks:
        return sentence
    stop = "\u3002" if sentence.endswith("\u3002") else ("." if sentence.endswith(".") else "")
    body = sentence[: len(sentence) - len(stop)] if stop else sentence
    return body + marks + stop


def _flip_sentences(frame, ds, ind, lab, q, year, lang) -> list[str]:
    """One sentence per region whose status flips under the census-held population."""
    if "flips" not in frame.columns:
        return []
    f = frame[(frame["indicator"] == ind) & frame["flips"].astype(bool)]
    order = {c: k for k, c in enumerate([ds.top, *ds.unit_codes])}
    f = f.sort_values("region_code", key=lambda c: c.map(order))
    return [
        t(
            "findings_evaluation.flip",
            lang,
            label=lab,
            name=ds.name(r["region_code"], lang),
            year=int(r["final_year"]) if pd.notna(r["final_year"]) else year,
            final=q(r["final"]),
            status=status_label(r["status"], lang),
            final_alt=q(r["final_alt"]),
            status_alt=status_label(r["status_alt"], lang),
        )
        for _, r in f.iterrows()
    ]


def sensitivity_note(frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> str:
    """The closing note on the population assumption: the final status of the whole area
    under both assumptions for every rate on an estimated stock, and the statuses that flip
    (every region); "" when no final value rests on an estimated stock."""
    if "flips" not in frame.columns:
        return ""
    est = frame[frame["denominator_basis"].eq("estimated")]
    if est.empty:
        return ""
    w = {"whole": ds.whole_word(lang)}
    lines = [t("findings_evaluation.sensitivity_head", lang, **w)]
    for ind in dict.fromkeys(est["indicator"]):
        f = facts(frame, ds, ind)
        q = plan_words.qty_of(ds, ind, lang)
        lines.append(
            t(
                "findings_evaluation.sensitivity_line",
                lang,
                label=plan_words.label(ds, ind, lang),
                final=q(f["final"]),
                status=status_label(f["status"], lang),
                final_alt=q(f["final_alt"]),
                status_alt=status_label(f["status_alt"], lang),
                mark=t("findings_evaluation.depends", lang) if f["flips"] else "",
            )
        )
    flipped = frame[frame["flips"].astype(bool)]
    if len(flipped):
        names = t("chapter.sep", lang).join(
            t(
                "findings_evaluation.flip_item",
                lang,
                label=plan_words.label(ds, r["indicator"], lang),
                name=ds.name(r["region_code"], lang),
            )
            for _, r in flipped.iterrows()
        )
        tail = t("findings_evaluation.sensitivity_flips", lang, names=names)
    else:
        tail = t("findings_evaluation.sensitivity_no_flips", lang)
    return "\n".join(lines) + "\n\n" + tail


def intro(ds: Dataset, base_year: int, target_year: int, lang: str = "zh") -> str:
    """The opening paragraph under the title (``findings_evaluation.intro``)."""
    return t(
        "findings_evaluation.intro",
        lang,
        period=periods.plan_name(base_year, target_year, lang),
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        base=base_year,
        target=target_year,
    )


def methods_text(
    ds: Dataset, rule: str, lang: str = "zh", frame: pd.DataFrame | None = None
) -> str:
    """The closing methods section (``findings_evaluation.methods``), followed by the note
    on the population assumption (``sensitivity_note``) when the evaluation ``frame`` is
    given."""
    text = t(
        "findings_evaluation.methods",
        lang,
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        rule=rule_label(rule, lang),
    ).strip()
    note = sensitivity_note(frame, ds, lang) if frame is not None else ""
    return f"{text}\n\n{note}" if note else text


def counties_caption(ds: Dataset, ind: str, target_year: int, lang: str = "zh") -> str:
    """Title of the table of one indicator, area by area (``findings_evaluation.table_units``)."""
    return t(
        "findings_evaluation.table_units",
        lang,
        label=ds.label(ind, lang),
        units=ds.units_word(lang),
        year=target_year,
    )
