"""Reader side of the target report (notebook 03): tables, figure inputs, titles and
sentences for a ``analyses.targets.TargetView`` in a language.

The view keeps the numbers (``projection_frame``, ``county_frame``, ``backtest_frame``,
``scenario_frame``, status codes); every function here takes the view and ``lang``::

    view = targets.prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
    projection_table(view, "zh")        # projected value, intervals, P(meet), status
    status_matrix(view, "zh")           # region names x indicator labels, status codes
    fan_inputs(view, "facility_area_per_100hh")   # history, forecast, target, title
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses.targets import TargetView, benchmarks
from analysis.data import Dataset
from analysis.errors import user_error
from analysis.messages import t
from analysis.methods import decompose, projection
from analysis.present.captions import localise
from analysis.present.numbers import fmt, missing
from analysis.present.words import grouped, periods, target_findings
from analysis.present.words.labels import (
    fallback_label,
    method_label,
    rule_label,
    status_with_risk,
)
from analysis.present.words.tidy import tidy


def _ind_labels(view: TargetView, lang: str) -> dict[str, str]:
    return {i: view.ds.label(i, lang) for i in view.indicators}


def _t(key: str, lang: str) -> str:
    return t(f"targets.{key}", lang)


# -- display helpers ---------------------------------------------------------------------------
def _percent_column(prob: pd.Series) -> np.ndarray:
    """Whole percents; a probability strictly between 0 and 1 shows as 1..99, so a table
    never says 0 or 100 where the findings say "<1%" or ">99%"."""
    pct = (prob * 100).round(0)
    inner = (prob > 0) & (prob < 1)
    pct = pct.where(~inner, pct.clip(lower=1, upper=99))
    return pct.astype("Int64").to_numpy()


def _targets_display(
    ds: Dataset, targets: pd.DataFrame, target_year: int, lang: str
) -> pd.DataFrame:
    units = ds.units_word(lang)
    kinds = target_findings.origin_kinds(ds, targets, target_year)
    return pd.DataFrame(
        {
            _t("indicator", lang): [ds.label(i, lang) for i in targets.index],
            _t("target", lang): targets["target_value"].to_numpy(),
            _t("attribute", lang): [_t(a, lang) for a in targets["attribute"]],
            _t("origin", lang): [
                target_findings.origin_label(kinds[i], lang) for i in targets.index
            ],
            _t("scope", lang): [
                t(f"findings_targets.scope_{s}", lang, whole=ds.whole_word(lang), units=units)
                for s in targets["scope"]
            ],
        }
    )


def source_titles(ds: Dataset, sources, lang: str = "zh") -> str:
    """The titles of target sources, each once, in order ("set by the report's parameters"
    for targets given as parameters)."""
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    if lang == "en" and "title_en" in ds.sources.columns:
        en = dict(zip(ds.sources["id"], ds.sources["title_en"].fillna(""), strict=True))
        titles = {k: en.get(k) or v for k, v in titles.items()}
    seen = [
        t("findings_targets.parameter_source", lang) if s == "parameter" else titles.get(s, s)
        for s in sources
    ]
    return t("chapter.sep", lang).join(dict.fromkeys(seen))


def county_display(ds: Dataset, frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """County target frame for reading: names, labelled headers, no NaN or -0.0."""
    names = ds.names(lang)
    keep = ["baseline_year", "baseline", "target", "standard", "increment", "share"]
    if frame["target_amount"].notna().any():
        keep += ["baseline_amount", "target_amount"]
    out = frame[keep].copy()
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    for col in ("baseline_amount", "target_amount"):  # persons, square metres: whole units,
        if col in out:  # a target amount rounded up (640.5 persons needed: 641)
            out[col] = np.ceil(out[col].round(6)).astype("Int64")
    del names
    out.index = pd.Index(grouped.region_names(ds, frame, lang), name=_t("region", lang))
    heads = {
        "baseline_year": _t("baseline_year", lang),
        "baseline": _t("baseline", lang),
        "target": t("targets.county_target", lang, units=ds.units_word(lang)),
        "standard": t("findings_targets.standard_col", lang, whole=ds.whole_word(lang)),
        "increment": _t("increment", lang),
        "share": t("findings_targets.share", lang, whole=ds.whole_word(lang)),
        "baseline_amount": _t("baseline_amount", lang),
        "target_amount": _t("target_amount", lang),
    }
    out = out.rename(columns=heads)
    if grouped.ROW in frame.columns:
        out = grouped.with_group_column(ds, out, frame, lang, at=0)
    return tidy(out, 1)


def county_frame(view: TargetView, indicator: str, rule: str | None = None) -> pd.DataFrame:
    """The plan's split of ``indicator`` (``TargetView.county_frame``); with an intermediate
    level the split top -> intermediate regions -> units (``county_targets`` with its
    levels: the same unit rows), arranged by ``grouped.arrange``."""
    frame = view.county_frame(indicator, rule)
    if grouped.level(view.ds) is None:
        return frame
    value = float(view.targets.loc[indicator, "target_value"])
    rule = decompose.check_rule(view.rule if rule is None else rule)
    full = ct.county_targets(
        view.ds, indicator, value, rule, view.basis_year, view.target_year, with_levels=True
    )
    return grouped.arrange(view.ds, full)


def still_short(view: TargetView, frame: pd.DataFrame) -> np.ndarray:
    """Rows of a county-target frame whose region's latest value (the view's, up to the
    as-of year) is still short of its target in the indicator's direction, or unknown."""
    s = view.summary.set_index(["indicator", "region_code"])["latest_value"]
    keys = list(zip(frame["indicator"], frame["region_code"].astype(str), strict=True))
    latest = s.reindex(pd.MultiIndex.from_tuples(keys)).to_numpy(float)
    sgn = np.array([ct.sign(view.ds, i) for i in frame["indicator"]], dtype=float)
    gap = sgn * (frame["target"].to_numpy(float) - latest)
    return ~(np.isfinite(gap) & (gap <= 1e-9))


def projection_attention(view: TargetView, observed: bool = True) -> np.ndarray:
    """Rows of ``projection_table`` needing attention: not met and not on track (behind, or
    no data since the base year), or a status the probability puts at risk; when nothing
    is ``observed`` after the base year (no status yet), a probability of meeting the
    target below ``target_findings.LIKELY``."""
    s = view.summary
    if not observed:
        prob = s["prob"].astype(float)
        return (prob.notna() & (prob < target_findings.LIKELY)).to_numpy(bool)
    ok = s["status"].isin(["met", "on_track"]) & s["risk"].astype(str).eq("")
    return (~ok).to_numpy(bool)


def with_groups(view: TargetView, frame: pd.DataFrame) -> pd.DataFrame:
    """A code-named frame with ``region_code`` and the code of each row's region of the
    group level (a column named after the level; the region itself for the group's own
    row, blank for the top); unchanged without an intermediate level."""
    lv = grouped.level(view.ds)
    if lv is None:
        return frame
    of = grouped.group_of_rows(view.ds, frame["region_code"])
    return frame.assign(**{f"{lv}_code": of})


def title(view: TargetView, lang: str = "zh") -> str:
    """Report title naming the plan period when the years are one (14th plan: 2020 -> 2025)."""
    period = periods.plan_name(view.base_year, view.target_year, lang)
    return t(
        "targets.title_projection",
        lang,
        period=period,
        base=view.base_year,
        target=view.target_year,
        as_of=view.as_of_year,
    )


def intro(view: TargetView, lang: str = "zh") -> str:
    """The opening paragraph under the title (catalogue ``findings_targets.intro``)."""
    return t(
        "findings_targets.intro",
        lang,
        period=periods.plan_name(view.base_year, view.target_year, lang),
        whole=view.ds.whole_word(lang),
        units=view.ds.units_word(lang),
        base=view.base_year,
        target=view.target_year,
        as_of=view.as_of_year,
    )


def targets_note(view: TargetView, lang: str = "zh") -> str:
    """The note under the targets table: where the targets come from, once."""
    return t(
        "findings_targets.targets_note",
        lang,
        titles=source_titles(view.ds, view.targets["source"], lang),
        units=view.ds.units_word(lang),
    )


def methods_text(view: TargetView, lang: str = "zh") -> str:
    """The closing methods section (catalogue ``findings_targets.methods``)."""
    return t(
        "findings_targets.methods",
        lang,
        unit=view.ds.units_word(lang),
        whole=view.ds.whole_word(lang),
        method=(
            t(f"findings_targets.method_{view.method}", lang)
            if view.method in projection.AUTO
            else method_label(view.method, lang)
        ),
        rule=rule_label(view.rule, lang),
        growth=f"{view.scenario_growth:.0%}",
    ).strip()


def plan_findings(view: TargetView, lang: str = "zh") -> dict[str, list[str]]:
    """Findings by section (``target_findings.plan_findings``)."""
    return target_findings.plan_findings(view, lang)


def status_caption(view: TargetView, lang: str = "zh") -> str:
    """Title of the status chart (``findings_targets.fig_status``)."""
    return t("findings_targets.fig_status", lang, units=view.ds.units_word(lang))


# -- tables and figure inputs of a view ------------------------------------------------
def targets_table(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """The targets in force for the period, with attribute, provenance and source."""
    return _targets_display(view.ds, view.targets, view.target_year, lang)


def benchmarks_table(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """Benchmarks for the target year (context only; empty when there are none)."""
    f = _targets_display(view.ds, benchmarks(view.ds, view.target_year), view.target_year, lang)
    return f.drop(columns=[_t("scope", lang)])  # context only: applies to no one


def projection_table(
    view: TargetView, lang: str = "zh", digits: int = 1, *, models: bool = False
) -> pd.DataFrame:
    """Projected value at the target year with 80 %/95 % intervals, probability of
    meeting the target and progress status, one row per indicator and region."""
    s = view.summary
    r = view.ds.names(lang)
    dash = missing(lang)

    def interval(lo: pd.Series, hi: pd.Series) -> list[str]:
        return [
            dash if np.isnan(a) else f"{fmt(a, digits, sep=False)}–{fmt(b, digits, sep=False)}"
            for a, b in zip(lo.round(digits), hi.round(digits), strict=True)
        ]

    out = pd.DataFrame(
        {
            _t("indicator", lang): [view.ds.label(i, lang) for i in s["indicator"]],
            _t("region", lang): s["region_code"].map(r).to_numpy(),
            localise(_t("base", lang) + f" ({view.base_year})", lang): s["base_value"].to_numpy(),
            _t("latest", lang): s["latest_value"].to_numpy(),
            _t("latest_year", lang): s["latest_year"].astype("Int64").to_numpy(),
            _t("target", lang): s["target"].to_numpy(),
            localise(_t("projected", lang) + f" ({view.target_year})", lang): s[
                "projected"
            ].to_numpy(),
            _t("pi80", lang): interval(s["lo80"], s["hi80"]),
            _t("pi95", lang): interval(s["lo95"], s["hi95"]),
            _t("prob", lang): _percent_column(s["prob"]),
            _t("status", lang): status_with_risk(s["status"], s["risk"], lang),
        }
    )
    if grouped.level(view.ds) is not None:
        col = t("targets.group_col", lang, groups=grouped.group_word(view.ds, lang))
        codes = grouped.group_of_rows(view.ds, s["region_code"])
        out.insert(2, col, [r.get(c, "") for c in codes])
    if models:  # the model of each series and why a simpler one replaced it
        out[_t("method", lang)] = [method_label(m, lang) for m in s["method"]]
        out[_t("fallback", lang)] = [fallback_label(c, lang) for c in s["fallback"]]
    return tidy(out, digits)


def fallback_table(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """Series whose model fell back to a simpler one, with the reason (may be empty)."""
    s = view.summary[view.summary["fallback"].astype(str) != ""]
    return pd.DataFrame(
        {
            _t("indicator", lang): [view.ds.label(i, lang) for i in s["indicator"]],
            _t("region", lang): s["region_code"].map(view.ds.names(lang)).to_numpy(),
            _t("method", lang): [method_label(m, lang) for m in s["method"]],
            _t("fallback", lang): [fallback_label(c, lang) for c in s["fallback"]],
        }
    )


def status_matrix(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """Status codes, rows = region names (aggregate first), columns = indicator labels."""
    m = view.summary.pivot(index="region_code", columns="indicator", values="status")
    m = m.reindex(index=view.regions, columns=view.indicators).fillna("no_data")
    m.index = [view.ds.names(lang)[c] for c in m.index]
    m.columns = [_ind_labels(view, lang)[i] for i in m.columns]
    return m


def backtest_table(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """``backtest_frame`` labelled for reading."""
    f = view.backtest_frame()
    out = pd.DataFrame(
        {
            _t("indicator", lang): [view.ds.label(i, lang) for i in f["indicator"]],
            _t("method", lang): [method_label(m, lang) for m in f["method"]],
            _t("mae", lang): f["mae"].to_numpy(),
            _t("mase", lang): f["mase"].to_numpy(),
            t("targets.chosen", lang, units=view.ds.units_word(lang)): f["chosen"].to_numpy(),
        }
    )
    return tidy(out, 3)


def fan_inputs(
    view: TargetView, indicator: str, region: str | None = None, lang: str = "zh"
) -> dict:
    """Keyword arguments for ``figures.fan_chart``: history, forecast (to the target
    year), target (year, value), title and ylabel."""
    view.ds.check_indicators([indicator])
    region = view.ds.top if region is None else view.ds.check_regions([region])[0]
    key = (indicator, region)
    if key not in view.forecast.keys:
        raise user_error("targets.not_projected", indicator=indicator)
    hist = view.history.loc[key].dropna()
    hist.index = hist.index.astype(int)
    fc = view.forecast.series(key)
    fc = fc[fc.index <= view.target_year]
    target = float(view.county_target_values.loc[region, indicator])
    name = view.ds.name(region, lang)
    return {
        "history": hist,
        "forecast": fc,
        "target": (view.target_year, target) if np.isfinite(target) else None,
        "title": localise(f"{name}: {view.ds.label(indicator, lang, unit=False)}", lang),
        "ylabel": view.ds.label(indicator, lang),
        "lang": lang,
    }


def county_table(
    view: TargetView, indicator: str, rule: str | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """County targets for reading: baseline, target, increment and share of the
    increment; the last row is the whole region (units grouped by the intermediate level
    with its subtotal rows, when there is one)."""
    return county_display(view.ds, county_frame(view, indicator, rule), lang)


def scenario_table(view: TargetView, lang: str = "zh") -> pd.DataFrame:
    """Display table: one row per indicator and region (aggregate first), the year the
    target is reached in each scenario (accelerated, business as usual, slow)."""
    horizon = int(view.forecast.years.max())

    def show(year: float, last_year: float, bounded: bool) -> str:
        if np.isnan(year):
            return _t("later", lang).format(y=horizon) if bounded else _t("never", lang)
        if year <= last_year:
            return _t("met", lang)
        return str(int(year))

    cols = ("accelerated", "bau", "slow")
    f = _scenario_rows(view)
    labels = _ind_labels(view, lang)
    names = view.ds.names(lang)
    out = pd.DataFrame(
        {
            _t("indicator", lang): [labels[i] for i in f["indicator"]],
            _t("region", lang): [names[r] for r in f["region_code"]],
        }
    )
    for c in cols:
        out[_t(c, lang)] = [
            show(y, ly, c != "accelerated")
            for y, ly in zip(f[f"{c}_year"], f["last_year"], strict=True)
        ]
    return out


def _scenario_rows(view: TargetView) -> pd.DataFrame:
    """``scenario_frame`` in the order of the scenario table (indicator, then region)."""
    f = view.scenario_frame()
    order = {r: k for k, r in enumerate(view.regions)}
    return f.assign(
        _i=f["indicator"].map({i: k for k, i in enumerate(view.indicators)}),
        _r=f["region_code"].map(order),
    ).sort_values(["_i", "_r"])


def scenario_attention(view: TargetView) -> np.ndarray:
    """Rows of ``scenario_table`` needing attention: on the business-as-usual path the target
    is not reached by the target year."""
    f = _scenario_rows(view)
    bau = f["bau_year"].to_numpy(float)
    return ~(np.isfinite(bau) & (bau <= view.target_year))
