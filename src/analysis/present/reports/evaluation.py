"""Report 05, final evaluation of a plan period: sections in reading order, from the
results model (the final values are the next period's base values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis import results
from analysis.analyses import evaluation as ev
from analysis.present import captions, chapter
from analysis.present.reports import page
from analysis.present.words import evaluation as ew
from analysis.present.words import grouped

KIND = "05_final_evaluation"


@dataclass
class Evaluation:
    pg: page.Page
    frame: pd.DataFrame  # one row per indicator and region (analyses.evaluation.COLUMNS)
    summary: pd.DataFrame
    base_year: int
    target_year: int
    rule: str
    note: str


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    base_year: int = 2020,
    target_year: int = 2025,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
    report_name: str = "",
    lang: str = "zh",
) -> Evaluation:
    """Load the scope and read the period's final evaluation from the results model."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    frame = results.open(ds).evaluation(base_year, target_year, target_values or None, rule)
    summ = ev.summary(frame, ds)
    obs = ds.obs(list(summ["indicator"]), [ds.top, *ds.unit_codes])
    pg = page.open(KIND, ds, report_name or f"{KIND}_{target_year}", lang, obs=obs)
    note = captions.source_note(ds, obs, lang=lang)
    return Evaluation(pg, frame, summ, base_year, target_year, rule, note)


def opening(r: Evaluation) -> None:
    """Title, introduction and the findings."""
    r.pg.title("reports.evaluation.page_title")
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    title = chapter.title(ew.title(r.base_year, r.target_year, lang), lang)
    chapter.paragraph(title, ew.intro(ds, r.base_year, r.target_year, lang))
    pg.findings(ew.plan_findings(r.frame, ds, r.target_year, lang))
    del pg


def summary(r: Evaluation) -> None:
    """Each target at the end of the period (the top region, units met)."""
    pg = r.pg
    pg.heading("reports.evaluation.summary")
    title = pg.t("evaluation.table_summary", year=r.target_year)
    shown = ew.summary_display(r.summary, pg.ds, pg.lang)
    pg.table(shown, title, r.note, data=r.summary, name="summary")


def groups(r: Evaluation) -> None:
    """Each region of the intermediate level (prefectures): its final result per indicator
    and how many of its units met the target, most severe first (nothing without one)."""
    pg = r.pg
    gf = ew.group_frame(r.frame, pg.ds)
    if gf.empty:
        return
    pg.heading("findings_evaluation.heading_groups", groups=grouped.group_word(pg.ds, pg.lang))
    pg.table(
        ew.group_display(gf, r.frame, pg.ds, pg.lang),
        ew.group_caption(pg.ds, r.target_year, pg.lang),
        r.note,
        data=gf,
        name=f"by_{grouped.level(pg.ds)}",
        attention=ew.group_attention(gf),
    )


def by_area(r: Evaluation) -> None:
    """One table per indicator: every region's final value, target and difference (units
    grouped by the intermediate level with its subtotal rows, when there is one)."""
    pg = r.pg
    pg.heading("reports.evaluation.by_area")
    for ind in r.summary["indicator"]:
        one = grouped.arrange(pg.ds, r.frame[r.frame["indicator"] == ind])
        title = ew.counties_caption(pg.ds, ind, r.target_year, pg.lang)
        pg.table(
            ew.display(one, pg.ds, pg.lang),
            title,
            r.note,
            data=one,
            name=f"counties_{ind}",
            attention=ew.attention(one),
        )


def methods(r: Evaluation) -> None:
    """The closing methods section."""
    chapter.methods(ew.methods_text(r.pg.ds, r.rule, r.pg.lang, frame=r.frame), r.pg.lang)
