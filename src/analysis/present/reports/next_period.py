"""Report 06, targets for the next plan period: sections in reading order. The value reached
with probability p is a quantile of the results model's forecast for the target year, the
one report 03 shows for the same horizon."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis import results
from analysis.analyses import national
from analysis.analyses import next_period as npd
from analysis.present import captions, chapter, figures
from analysis.present.reports import page
from analysis.present.words import grouped
from analysis.present.words import national as natw
from analysis.present.words import next_period as npw

KIND = "06_next_period_targets"
SERIES = "certified_social_workers"  # the real national series projected and back-tested


@dataclass
class NextPeriod:
    pg: page.Page
    frame: pd.DataFrame  # analyses.next_period.COLUMNS
    standards: pd.DataFrame
    summary: pd.DataFrame
    base_year: int
    target_year: int
    p: float
    rule: str
    note: str


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    base_year: int = 2025,
    target_year: int = 2030,
    p: float = 0.8,
    standards: Mapping[str, float] | None = None,
    rule: str = "gap",
    report_name: str = "",
    lang: str = "zh",
) -> NextPeriod:
    """Load the scope and read the next-period targets from the results model."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    frame, std = results.open(ds).next_targets(base_year, target_year, p, standards or None, rule)
    summ = npd.summary_frame(frame, std, ds)
    obs = ds.obs(list(summ["indicator"]), [ds.top, *ds.unit_codes])
    obs = obs[obs["year"] <= base_year]
    pg = page.open(KIND, ds, report_name or f"{KIND}_{target_year}", lang, obs=obs)
    note = captions.source_note(ds, obs, lang=lang)
    return NextPeriod(pg, frame, std, summ, base_year, target_year, float(p), rule, note)


def opening(r: NextPeriod) -> None:
    """Title, introduction and the findings."""
    r.pg.title("reports.next.page_title")
    ds, lang = r.pg.ds, r.pg.lang
    title = chapter.title(npw.title(r.base_year, r.target_year, lang), lang)
    chapter.paragraph(title, npw.intro(ds, r.base_year, r.target_year, r.p, lang))
    findings = npw.plan_findings(r.frame, r.standards, ds, r.base_year, r.target_year, r.p, lang)
    r.pg.findings(findings)


def proposed(r: NextPeriod) -> None:
    """The proposed target of the whole region for every indicator."""
    pg = r.pg
    pg.heading("reports.next.proposed")
    note = npw.standards_note(r.summary, pg.ds, r.base_year, pg.lang) + " " + r.note
    shown = npw.summary_display(r.summary, pg.ds, r.p, r.base_year, pg.lang)
    title = npw.summary_caption(pg.ds, r.target_year, pg.lang)
    pg.table(shown, title, note, data=r.summary, name="summary")


def groups(r: NextPeriod) -> None:
    """The target of each region of the intermediate level (prefectures), top row last, with
    the units raised to the standard (nothing without an intermediate level)."""
    pg = r.pg
    gf = npw.group_frame(r.frame, pg.ds)
    if gf.empty:
        return
    word = grouped.group_word(pg.ds, pg.lang)
    pg.heading(
        "findings_next.heading_groups",
        pg.t("findings_next.groups_intro", groups=word),
        groups=word,
    )
    pg.table(
        npw.group_display(gf, r.frame, pg.ds, r.p, pg.lang),
        npw.group_caption(pg.ds, r.target_year, pg.lang),
        r.note,
        data=gf,
        name=f"targets_by_{grouped.level(pg.ds)}",
        attention=npw.group_attention(gf),
    )


def by_area(r: NextPeriod) -> None:
    """One table per indicator: every region's proposed target and its basis (units grouped
    by the intermediate level with its subtotal rows, when there is one)."""
    pg = r.pg
    pg.heading("reports.next.by_area")
    for ind in r.summary["indicator"]:
        one = grouped.arrange(pg.ds, r.frame[r.frame["indicator"] == ind])
        title = pg.t("evaluation.table_next", label=pg.ds.label(ind, pg.lang), target=r.target_year)
        shown = npw.display(one, pg.ds, r.p, pg.lang)
        pg.table(
            shown,
            title,
            r.note,
            data=one,
            name=f"county_targets_{ind}",
            attention=npw.attention(one, pg.ds),
        )


def national_series(r: NextPeriod) -> national.SeriesProjection:
    """A real national series projected to the target year and back-tested."""
    pg, lang = r.pg, r.pg.lang
    nat = national.project_series(SERIES, r.target_year)
    pg.heading("reports.next.national")
    title = pg.t("evaluation.series_table", label=natw.label(nat, lang))
    pg.table(
        natw.series_table(nat, lang),
        title,
        pg.t("evaluation.series_caveat"),
        data=nat.series,
        name="national_series",
    )
    pg.figure(figures.fan_chart(**natw.fan_inputs(nat, lang)), natw.title(nat, lang))
    pg.write(nat.forecast, "national_forecast")
    chapter.paragraph(natw.summary(nat, lang))
    return nat


def methods(r: NextPeriod, nat: national.SeriesProjection) -> None:
    """The closing methods section, with the national series' accuracy and back-test."""
    pg, lang = r.pg, r.pg.lang
    chapter.methods(npw.methods_text(pg.ds, r.base_year, r.p, r.rule, lang), lang)
    title = pg.t("evaluation.accuracy_table", h=national.HORIZON)
    pg.table(
        natw.accuracy_table(nat, lang), title, data=nat.accuracy, name="national_accuracy", digits=3
    )
    title = pg.t("evaluation.national_backtest", method=natw.method_label(nat.method, lang))
    pg.table(
        natw.backtest_table(nat, lang), title, data=nat.backtest, name="national_backtest", digits=0
    )
