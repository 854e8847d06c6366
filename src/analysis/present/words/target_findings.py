"""Plan-language findings of the target report (status, problems, gaps, actions).

The status and the probability are read together, so the words never contradict the
numbers: a region that meets the target now but whose probability of still meeting it at
the target year is below ``LIKELY`` is named as at risk of slipping back; one that does not
meet it and is below ``LIKELY`` is named as unlikely to meet it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.messages import t
from analysis.present.findings import Sentence, flag
from analysis.present.numbers import fmt, missing
from analysis.present.words import plan_words
from analysis.present.words.labels import status_label

LIKELY = 0.5
BEHIND = ("moderate", "limited", "backwards")


def verdict(status: str, prob: float) -> str:
    """The verdict of one (status, probability) pair: ``met_likely``, ``met_at_risk`` (met now,
    may slip back), ``progress_likely``, ``progress_at_risk``, ``prob_unknown`` or
    ``no_data``; at-risk exactly when the probability is below ``LIKELY``."""
    if status == "no_data":
        return "no_data"
    known = prob is not None and np.isfinite(prob)
    if status == "met":
        return "met_likely" if not known or prob >= LIKELY else "met_at_risk"
    if not known:
        return "prob_unknown"
    return "progress_likely" if prob >= LIKELY else "progress_at_risk"


# -- plan-language findings (status / problems / gaps / actions) ---------------------------------
# Catalogue ``findings_targets.*``; every number comes from ``facts`` (computed from the
# view's summary and history), so tests can recompute each one by hand.

TOL = 1e-9


def _annual_change(hist: pd.Series, sign: float) -> tuple[float, float]:
    """(first year, average annual change in the good direction) of an observed series."""
    h = hist.dropna()
    if len(h) < 2:
        return np.nan, np.nan
    years = h.index.astype(int)
    span = int(years.max() - years.min())
    return float(years.min()), sign * float(h.iloc[-1] - h.iloc[0]) / span


def facts(view: Any, ind: str) -> dict[str, Any]:
    """The computed values behind the findings of one indicator (see module comment)."""
    ds = view.ds
    s = view.summary[view.summary["indicator"] == ind].set_index("region_code")
    sgn = plan_words.sign(ds, ind)
    top = s.loc[ds.top]
    units = s.loc[ds.unit_codes]
    known = units[units["latest_value"].notna()]
    short = sgn * (known["target"] - known["latest_value"])  # > 0: below the target now
    below = short[short > TOL].sort_values(ascending=False)
    prob = units["prob"]
    finite = prob.notna() & np.isfinite(prob.astype(float))
    low = finite & (prob < LIKELY)
    unlikely = units.index[low & (units["status"] != "met")]
    slipping = units.index[low & (units["status"] == "met")]
    behind = units.index[units["status"].isin(BEHIND)]
    out: dict[str, Any] = {
        "target": float(top["target"]),
        "latest": float(top["latest_value"]),
        "latest_year": top["latest_year"],
        "projected": float(top["projected"]),
        "lo80": float(top["lo80"]),
        "hi80": float(top["hi80"]),
        "prob": float(top["prob"]),
        "status": str(top["status"]),
        "top_met_now": bool(sgn * (top["latest_value"] - top["target"]) >= -TOL),
        "n_units": len(known),
        "units_met_now": int((short <= TOL).sum()),
        "status_counts": {
            "met": int((units["status"] == "met").sum()),
            "on_track": int((units["status"] == "on_track").sum()),
            "behind": len(behind),
            "no_data": int((units["status"] == "no_data").sum()),
        },
        "behind": _by_severity(units, behind, short),
        "unlikely": _by_severity(units, unlikely, short),
        "slipping": _by_severity(units, slipping, short),
        "below": list(below.index),
    }
    fy, hist_top = _annual_change(view.history.loc[(ind, ds.top)], sgn)
    years_left = view.target_year - top["latest_year"]  # NaN when never observed
    out["top_required"] = max(0.0, sgn * (out["target"] - out["latest"])) / years_left
    out["top_history"], out["top_first_year"] = hist_top, fy
    if len(below):
        worst = below.index[0]
        w = units.loc[worst]
        fy, hist = _annual_change(view.history.loc[(ind, worst)], sgn)
        out.update(
            worst=worst,
            worst_latest=float(w["latest_value"]),
            worst_year=int(w["latest_year"]),
            worst_gap=float(below.iloc[0]),
            worst_required=float(below.iloc[0]) / (view.target_year - int(w["latest_year"])),
            worst_history=hist,
            worst_first_year=fy,
        )
    return out


def _by_severity(units: pd.DataFrame, codes, short: pd.Series) -> list[str]:
    """``codes`` most severe first: the lowest probability of meeting the target, then the
    largest shortfall from it now, then by code (never the order of the region codes
    alone: many units share a probability below 1 %)."""
    codes = list(codes)
    if not codes:
        return []
    prob = units.loc[codes, "prob"].astype(float).round(6)
    f = pd.DataFrame(
        {
            "p": prob.fillna(np.inf).to_numpy(),
            "g": -short.reindex(codes).astype(float).fillna(-np.inf).to_numpy(),
            "c": [str(c) for c in codes],
        },
        index=codes,
    )
    return list(f.sort_values(["p", "g", "c"], kind="stable").index)


def _key(name: str) -> str:
    return f"findings_targets.{name}"


ORIGIN_ORDER = ("national", "national_param", "own", "param", "elsewhere")


def origin_kinds(ds: Any, targets: pd.DataFrame, target_year: int) -> pd.Series:
    """How each target was set: ``national``/``own``/``elsewhere`` (its ``origin`` in the
    data), ``national_param`` (given as a parameter and equal to an earlier national target
    of the same region: a national standard carried forward) or ``param``."""
    earlier = ds.targets[
        (ds.targets["target_year"] < target_year) & (ds.targets["region_code"] == ds.top)
    ]
    kinds = {}
    for ind, row in targets.iterrows():
        if row["source"] != "parameter":
            kinds[ind] = str(row["origin"])
            continue
        old = earlier[earlier["indicator"] == ind]
        national = (
            old["origin"].eq("national") if "origin" in old else old["attribute"] != "benchmark"
        )
        same = np.isclose(old["target_value"].astype(float), float(row["target_value"]))
        kinds[ind] = "national_param" if bool((national & same).any()) else "param"
    return pd.Series(kinds, dtype=object)


def origin_label(kind: str, lang: str = "zh") -> str:
    """Reader's words for an ``origin_kinds`` value."""
    if kind in ("national_param", "param"):
        return t(f"findings_targets.origin_label.{kind}", lang)
    return t(f"targets.origin_{kind}", lang)


def _provenance(view: Any, lang: str) -> str:
    """How the targets were set, e.g. "3 national standards (set by the parameters)"."""
    counts = origin_kinds(view.ds, view.targets, view.target_year).value_counts()
    parts = [t(_key(f"origin.{k}"), lang, n=int(counts[k])) for k in ORIGIN_ORDER if k in counts]
    return t("chapter.sep", lang).join(parts)


def plan_findings(view: Any, lang: str = "zh") -> dict[str, list[str]]:
    """Findings of the target report by section (``status``, ``problems``, ``gaps``,
    ``actions``), every number from ``facts``; ``present.findings.Findings(**...)``."""
    ds = view.ds
    w = {"whole": ds.whole_word(lang), "units": ds.units_word(lang)}
    year, lim = view.target_year, plan_words.pct(LIKELY, lang)
    all_facts = {ind: facts(view, ind) for ind in view.indicators}
    ill = {i: ds.is_illustrative(ds.obs(i, [ds.top, *ds.unit_codes])) for i in all_facts}
    met_top = sum(f["top_met_now"] for f in all_facts.values())
    status = [
        t(
            _key("overview"),
            lang,
            n=len(view.indicators),
            year=year,
            origin=_provenance(view, lang),
            as_of=view.as_of_year,
            met=met_top,
            **w,
        )
    ]
    status[0] = Sentence(status[0], any(ill.values()))
    problems: list[str] = []
    gaps: list[str] = []
    actions: list[str] = []
    fine: list[str] = []
    for ind, f in all_facts.items():
        lab = plan_words.label(ds, ind, lang)
        q = plan_words.qty_of(ds, ind, lang)
        verb = plan_words.direction_word(ds, ind, lang)
        collected = (status, problems, gaps, actions)
        n_before = [len(x) for x in collected]
        c = f["status_counts"]
        if c["no_data"] == len(ds.unit_codes):
            progress_clause = t(_key("status_pending"), lang, base=view.base_year)
        else:
            progress_clause = t(
                _key("status_counts"),
                lang,
                met=c["met"],
                on_track=c["on_track"],
                behind=c["behind"],
            )
        status.append(
            t(
                _key("status_line"),
                lang,
                label=lab,
                latest_year=int(f["latest_year"]),
                latest=q(f["latest"]),
                target=q(f["target"]),
                met_word=t(_key("met_now" if f["top_met_now"] else "not_met_now"), lang),
                k=f["units_met_now"],
                n=f["n_units"],
                progress=progress_clause,
                **w,
            )
        )
        # problems
        before = len(problems)
        if np.isfinite(f["prob"]) and f["prob"] < LIKELY:
            key = verdict(f["status"], f["prob"]) if f["status"] != "no_data" else "unlikely_top"
            problems.append(
                t(
                    _key(f"problem.{key}"),
                    lang,
                    label=lab,
                    year=year,
                    p=plan_words.pct(f["prob"], lang),
                    status=status_label(f["status"], lang),
                    **w,
                )
            )
        if f["behind"]:
            problems.append(
                t(
                    _key("problem.behind"),
                    lang,
                    label=lab,
                    k=len(f["behind"]),
                    names=plan_words.name_list(ds, f["behind"], lang),
                    **w,
                )
            )
        if f["unlikely"]:
            lowest = f["unlikely"][0]
            p_low = float(
                view.summary.set_index(["indicator", "region_code"]).loc[(ind, lowest), "prob"]
            )
            problems.append(
                t(
                    _key("problem.unlikely"),
                    lang,
                    label=lab,
                    year=year,
                    lim=lim,
                    k=len(f["unlikely"]),
                    names=plan_words.name_list(ds, f["unlikely"], lang),
                    lowest=ds.name(lowest, lang),
                    p=plan_words.pct(p_low, lang),
                    **w,
                )
            )
        if f["slipping"]:
            problems.append(
                t(
                    _key("problem.slipping"),
                    lang,
                    label=lab,
                    year=year,
                    lim=lim,
                    names=plan_words.name_list(ds, f["slipping"], lang),
                    **w,
                )
            )
        had_problem = len(problems) > before
        # gaps
        d = plan_words.decimals(ds, ind)
        ahead = plan_words.sign(ds, ind) * (round(f["projected"], d) - round(f["target"], d))
        where = "at" if abs(ahead) < TOL else ("above" if ahead > 0 else "below")
        gaps.append(
            t(
                _key(f"gap.projection_{where}"),
                lang,
                label=lab,
                year=year,
                projected=q(f["projected"]),
                lo=fmt(f["lo80"], plan_words.decimals(ds, ind), missing(lang)),
                hi=fmt(f["hi80"], plan_words.decimals(ds, ind), missing(lang)),
                target=q(f["target"]),
                diff=plan_words.qty(ds, ind, abs(ahead), lang, change=True),
                p=plan_words.pct(f["prob"], lang),
                **w,
            )
        )
        if f["below"]:
            gaps.append(_worst_sentence(view, ind, f, lab, verb, q, lang, w))
        else:
            gaps.append(t(_key("gap.none_below"), lang, label=lab, **w))
        # actions
        focus = list(dict.fromkeys([*f["below"], *f["unlikely"], *f["behind"]]))
        if focus:
            scope = view.targets.loc[ind, "scope"]
            actions.append(
                t(
                    _key(f"action.focus_{scope}"),
                    lang,
                    label=lab,
                    names=plan_words.name_list(ds, focus, lang),
                    year=year,
                    target=q(f["target"]),
                    **w,
                )
            )
        if np.isfinite(f["prob"]) and f["prob"] < LIKELY:
            key = "action.top_keep" if f["top_met_now"] else "action.top_speed"
            actions.append(
                t(
                    _key(key),
                    lang,
                    label=lab,
                    year=year,
                    verb=verb,
                    required=plan_words.qty(ds, ind, f["top_required"], lang, change=True),
                    target=q(f["target"]),
                    **w,
                )
            )
        if f["slipping"]:
            actions.append(
                t(
                    _key("action.slipping"),
                    lang,
                    label=lab,
                    names=plan_words.name_list(ds, f["slipping"], lang),
                )
            )
        if not had_problem and not focus:
            fine.append(lab)
        for lst, n in zip(collected, n_before, strict=True):
            flag(lst, n, ill[ind])
    if not problems:
        problems.append(Sentence(t(_key("problem.none"), lang, **w), any(ill.values())))
    if fine:
        keep = t(_key("action.keep"), lang, labels=t("chapter.sep", lang).join(fine), **w)
        labs = {plan_words.label(ds, i, lang): i for i in all_facts}
        actions.append(Sentence(keep, any(ill[labs[x]] for x in fine)))
    actions.append(t(_key("action.monitor"), lang, lim=lim, **w))
    return {"status": status, "problems": problems, "gaps": gaps, "actions": actions}


def _worst_sentence(
    view: Any, ind: str, f: dict, lab: str, verb: str, q: Any, lang: str, w: dict
) -> str:
    ds = view.ds
    fields = dict(
        label=lab,
        k=len(f["below"]),
        latest_year=f["worst_year"],
        name=ds.name(f["worst"], lang),
        latest=q(f["worst_latest"]),
        gap=plan_words.qty(ds, ind, f["worst_gap"], lang, change=True),
        year=view.target_year,
        verb=verb,
        required=plan_words.qty(ds, ind, f["worst_required"], lang, change=True),
        **w,
    )
    hist = f["worst_history"]
    if not np.isfinite(hist):
        return t(_key("gap.worst"), lang, **fields)
    fields.update(
        first=int(f["worst_first_year"]),
        history=plan_words.qty(ds, ind, abs(hist), lang, change=True),
    )
    if hist <= TOL:
        return t(_key("gap.worst_no_progress"), lang, **fields)
    ratio = f["worst_required"] / hist
    return t(_key("gap.worst_history"), lang, ratio=fmt(ratio, 1), **fields)
