"""Final evaluation of a plan period: each target's status in the final year, county by county.

For every target in force for ``target_year`` (benchmarks excluded, see ``targets``) and
every region, with the value in the final year (the latest observation up to
``target_year``; its year is shown):

- the target each region is held to: the standard for rate/ratio/mean targets, the county
  share (floored at the baseline) for totals (``county_targets``);
- ``difference`` = final - target (higher is better) or target - final (lower is better):
  positive = exceeded by, negative = short by; ``difference_pct`` = difference / target;
- ``met`` (difference >= 0 up to rounding) and ``status``: once the final value is of the
  target year (or later) the final status ``met`` / ``not_met`` (``analyses.status``);
  before that, the progress status over the period so far (``progress.status``, Open SDG
  rule).

Columns are code names (``COLUMNS``), stable for CSV export.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses import periods, plan_words
from analysis.analyses import status as status_rules
from analysis.analyses import targets as tg
from analysis.analyses.tidy import tidy
from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.messages import t
from analysis.methods import progress

COLUMNS = (
    "region_code",
    "indicator",
    "baseline_year",
    "baseline",
    "final_year",
    "final",
    "target_year",
    "target",
    "difference",
    "difference_pct",
    "met",
    "status",
)


def evaluate(
    ds: Dataset,
    base_year: int = 2020,
    target_year: int = 2025,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
) -> pd.DataFrame:
    """One row per (indicator, region): the final evaluation (module docstring)."""
    base_year, target_year, _ = tg.check_period(base_year, target_year, base_year)
    targets = tg.targets_in_force(ds, target_year, target_values)
    inds = tg.select_indicators(ds, targets, None, target_year)
    held = tg.held_targets(ds, targets.loc[inds], rule, base_year, target_year)
    regions = [ds.top, *ds.unit_codes]
    parts = []
    for ind in inds:
        meta = ds.indicator(ind)
        base = ct.latest(ds, ind, regions, base_year)
        base = base.where(base["year"] == base_year)
        final = ct.latest(ds, ind, regions, target_year)
        final = final.where(final["year"] > base_year)
        if np.isnan(final.loc[ds.top, "value"]):
            final.loc[ds.top] = _aggregate(ds, ind, target_year)
        target = held[ind].reindex(regions).astype(float)
        sign = 1.0 if meta["direction"] == "higher" else -1.0
        diff = sign * (final["value"] - target)
        codes = progress.status(
            base["value"].to_numpy(float),
            base_year,
            final["value"].to_numpy(float),
            final["year"].to_numpy(float),
            target.to_numpy(float),
            target_year,
            meta["direction"],
            meta["unit_en"] == "%",
        )
        # after the target year the status is final (met / not met), not a progress grade
        closed = final["year"].to_numpy(float) >= target_year
        final_codes = status_rules.final_status(
            final["value"].to_numpy(float), target.to_numpy(float), meta["direction"]
        )
        parts.append(
            pd.DataFrame(
                {
                    "region_code": regions,
                    "indicator": ind,
                    "baseline_year": base["year"].to_numpy(),
                    "baseline": base["value"].to_numpy(),
                    "final_year": final["year"].to_numpy(),
                    "final": final["value"].to_numpy(),
                    "target_year": target_year,
                    "target": target.to_numpy(),
                    "difference": diff.to_numpy(),
                    "difference_pct": (diff / target.abs() * 100).to_numpy(),
                    "met": np.where(final["value"].notna(), np.asarray(codes) == "met", False),
                    "status": np.where(closed, final_codes, codes),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)[list(COLUMNS)]
    return out.astype({"baseline_year": "Int64", "final_year": "Int64"})


def _aggregate(ds: Dataset, ind: str, year: int) -> tuple[float, float]:
    """(value, year) of the top region from its counties when it has no row of its own:
    sum of numerators over sum of denominators (x scale) for ratios, the sum for counts."""
    meta = ds.indicator(ind)
    units = ds.unit_codes
    if meta["numerator"]:
        num = ct.latest(ds, meta["numerator"], units, year)
        den = denominators(ds, meta["denominator"], [year]).reindex(units)[year]
        ok = num["value"].notna() & den.notna() & (num["year"] == year)
        if ok.any() and ok.all():
            value = num["value"][ok].sum() / den[ok].sum() * float(meta["scale"])
            return float(value), float(year)
    elif meta["kind"] == "count":
        cur = ct.latest(ds, ind, units, year)
        if (cur["year"] == year).all():
            return float(cur["value"].sum()), float(year)
    return np.nan, np.nan


def summary(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per indicator: prefecture status, counties met / with data, largest shortfall."""
    rows = []
    for ind, f in frame.groupby("indicator", sort=False):
        units = f[f["region_code"].isin(ds.unit_codes)]
        known = units[units["final"].notna()]
        top = f[f["region_code"] == ds.top].iloc[0]
        worst = known.sort_values("difference").iloc[0] if len(known) else None
        rows.append(
            {
                "indicator": ind,
                "status": top["status"],
                "final": top["final"],
                "target": top["target"],
                "counties_met": int(known["met"].sum()),
                "counties": len(known),
                "largest_shortfall_region": (
                    worst["region_code"] if worst is not None and worst["difference"] < 0 else ""
                ),
                "largest_shortfall": (
                    worst["difference"] if worst is not None and worst["difference"] < 0 else 0.0
                ),
            }
        )
    return pd.DataFrame(rows)


def display(frame: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """The evaluation of one indicator (or all) for reading: names, labels, no NaN."""
    names = ds.names(lang)
    out = pd.DataFrame(
        {
            t("targets.region", lang): frame["region_code"].map(names).to_numpy(),
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
            t("targets.status", lang): progress.status_labels(frame["status"], lang).to_numpy(),
        }
    )
    if frame["indicator"].nunique() == 1:  # the caption names the indicator
        out = out.drop(columns=[t("targets.indicator", lang)])
    return tidy(out, 1)


def summary_display(summ: pd.DataFrame, ds: Dataset, lang: str = "zh") -> pd.DataFrame:
    """``summary`` for reading."""
    names = ds.names(lang)
    w = {"whole": ds.whole_word(lang), "units": ds.units_word(lang)}
    out = pd.DataFrame(
        {
            t("targets.indicator", lang): [ds.label(i, lang) for i in summ["indicator"]],
            t("findings_evaluation.col.top_status", lang, **w): progress.status_labels(
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


# -- plan-language findings (catalogue ``findings_evaluation.*``) -----------------------------
def facts(frame: pd.DataFrame, ds: Dataset, ind: str) -> dict:
    """The computed values behind the findings of one indicator."""
    f = frame[frame["indicator"] == ind].set_index("region_code")
    top = f.loc[ds.top]
    units = f.loc[ds.unit_codes]
    known = units[units["final"].notna()]
    short = known[~known["met"].astype(bool)].sort_values("difference")
    out = {
        "final": float(top["final"]),
        "final_year": top["final_year"],
        "target": float(top["target"]),
        "difference": float(top["difference"]),
        "top_met": bool(top["met"]),
        "status": str(top["status"]),
        "n_units": len(known),
        "units_met": int(known["met"].astype(bool).sum()),
        "short": list(short.index),
    }
    if len(short):
        w = short.iloc[0]
        out.update(
            worst=short.index[0],
            worst_final=float(w["final"]),
            worst_target=float(w["target"]),
            worst_gap=float(-w["difference"]),
            worst_pct=float(-w["difference_pct"]),
        )
    return out


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
    for ind, f in all_facts.items():
        lab = plan_words.label(ds, ind, lang)

        q = plan_words.qty_of(ds, ind, lang)

        final_year = int(f["final_year"]) if pd.notna(f["final_year"]) else target_year
        status.append(
            t(
                key("status_line"),
                lang,
                label=lab,
                final_year=final_year,
                final=q(f["final"]),
                target=q(f["target"]),
                status=progress.status_label(f["status"], lang),
                k=f["units_met"],
                n=f["n_units"],
                **{k: v for k, v in w.items() if k != "year"},
            )
        )
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
                    pct=f"{f['worst_pct']:.0f}%",
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
        elif f["top_met"]:
            done.append(lab)
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
    if not problems:
        problems.append(t(key("problem.none"), lang, **w))
    if done:
        actions.append(t(key("action.raise"), lang, labels=t("chapter.sep", lang).join(done), **w))
    return {"status": status, "problems": problems, "gaps": gaps, "actions": actions}


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


def methods_text(ds: Dataset, rule: str, lang: str = "zh") -> str:
    """The closing methods section (``findings_evaluation.methods``)."""
    from analysis.methods import decompose

    return t(
        "findings_evaluation.methods",
        lang,
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        rule=decompose.rule_label(rule, lang),
    ).strip()


def counties_caption(ds: Dataset, ind: str, target_year: int, lang: str = "zh") -> str:
    """Title of the table of one indicator, area by area (``findings_evaluation.table_units``)."""
    return t(
        "findings_evaluation.table_units",
        lang,
        label=ds.label(ind, lang),
        units=ds.units_word(lang),
        year=target_year,
    )
