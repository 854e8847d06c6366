"""Report 03, target projection and progress: sections in reading order.

The view comes from the results model, so the forecast, the probabilities and the statuses
are those every other artefact shows for the same horizon; for a period after the data's
plan periods (targets carried forward) the county targets are the next-period targets of
report 06, not a second split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis import results
from analysis.analyses import targets as tv
from analysis.present import captions, chapter, figures
from analysis.present.reports import page
from analysis.present.words import grouped
from analysis.present.words import next_period as npw
from analysis.present.words import targets as tw
from analysis.results import tables as rtables

KIND = "03_target_projection"


@dataclass
class Projection:
    pg: page.Page
    res: results.Results
    view: tv.TargetView
    rule: str
    method: str
    scenario_growth: float
    region_code: str
    note: str

    @property
    def observed_since_base(self) -> bool:
        """Any value observed after the base year (else no progress can be assessed)."""
        s = self.view.summary
        return bool((s["latest_year"] > self.view.base_year).any())

    def fan_obs(self, ind: str) -> pd.DataFrame:
        """The observations of the fan chart of ``ind`` (its region's, up to the as-of year)."""
        o = self.view.obs_used(ind)
        return o[o["region_code"] == (self.region_code or self.pg.ds.top)]

    @property
    def next_period(self) -> bool:
        """A period after the data's plan periods: its county targets are report 06's."""
        per = rtables.periods(self.pg.ds)
        return bool(per) and self.view.base_year >= per[-1][1]


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    base_year: int = 2020,
    target_year: int = 2025,
    as_of_year: int = 2024,
    indicators: Sequence[str] = (),
    method: str = "auto",
    scenario_growth: float = 0.08,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
    region_code: str = "",
    report_name: str = "",
    lang: str = "zh",
) -> Projection:
    """Load the scope, read the period's view from the results model, open the page."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    res = results.open(ds, method)
    view = res.target_view(
        base_year,
        target_year,
        as_of_year,
        indicators=list(indicators),
        scenario_growth=scenario_growth,
        target_values=target_values or None,
        rule=rule,
    )
    pg = page.open(KIND, ds, report_name or f"{KIND}_{target_year}", lang, obs=view.obs_used())
    note = captions.source_note(ds, view.obs_used(), lang=lang)
    return Projection(pg, res, view, rule, method, float(scenario_growth), region_code, note)


def opening(r: Projection) -> None:
    """Title, introduction and the findings (situation, problems, gaps, actions)."""
    r.pg.title("reports.projection.page_title")
    lang = r.pg.lang
    chapter.paragraph(chapter.title(tw.title(r.view, lang), lang), tw.intro(r.view, lang))
    r.pg.findings(tw.plan_findings(r.view, lang))


def targets(r: Projection) -> None:
    """The targets in force for the period, and benchmarks (context only)."""
    pg, view, lang = r.pg, r.view, r.pg.lang
    pg.heading("reports.projection.targets")
    title = pg.t("targets.table_targets", year=view.target_year)
    pg.table(
        tw.targets_table(view, lang),
        title,
        tw.targets_note(view, lang),
        data=view.targets.reset_index(),
        name="targets",
    )
    bench = tw.benchmarks_table(view, lang)
    if not bench.empty:
        pg.table(
            bench,
            pg.t("targets.table_benchmarks"),
            pg.t("targets.benchmark_note"),
            data=tv.benchmarks(pg.ds, view.target_year).reset_index(),
            name="benchmarks",
        )


def fans(r: Projection) -> None:
    """One fan chart per indicator (the region of ``region_code``, else the top region)."""
    pg, view = r.pg, r.view
    pg.heading("reports.projection.fans", pg.t("reports.projection.fans_intro"))
    for ind in view.indicators:
        fan = tw.fan_inputs(view, ind, r.region_code or None, pg.lang)
        pg.figure(figures.fan_chart(**fan), fan["title"], obs=r.fan_obs(ind))
    chapter.paragraph(r.note)


def status(r: Projection) -> None:
    """The status chart, or one sentence when nothing is observed after the base year."""
    pg, view = r.pg, r.view
    if not r.observed_since_base:
        pg.heading(
            "reports.projection.status",
            pg.t(
                "reports.projection.status_none",
                base=view.base_year,
                next=view.base_year + 1,
                target=view.target_year,
            ),
        )
        return
    pg.heading("reports.projection.status", pg.t("reports.projection.status_intro"))
    chart = figures.status_dashboard(tw.status_matrix(view, pg.lang), lang=pg.lang)
    pg.figure(chart, tw.status_caption(view, pg.lang), r.note, obs=view.obs_used())


def projection(r: Projection) -> None:
    """Projected value, intervals, probability and status of every indicator and region."""
    pg, view = r.pg, r.view
    intro = "projection.table_intro" if r.observed_since_base else "projection.table_intro_none"
    pg.heading("reports.projection.table", pg.t(f"reports.{intro}"))
    shown = tw.projection_table(view, pg.lang)
    if not r.observed_since_base:  # every status would read "no data since the base year"
        shown = shown.drop(columns=[pg.t("targets.status")])
    title = pg.t("targets.table_projection", year=view.target_year)
    pg.table(
        shown,
        title,
        r.note,
        data=tw.with_groups(view, view.projection_frame()),
        name="projection",
        attention=tw.projection_attention(view, r.observed_since_base),
    )


def county_targets(r: Projection) -> None:
    """Targets by area: the plan's split, or report 06's next-period targets."""
    pg, view, ds = r.pg, r.view, r.pg.ds
    if r.next_period:
        p = rtables.P
        pg.heading(
            "reports.projection.county",
            pg.t("reports.projection.county_next_intro", target=view.target_year, p=f"{p:.0%}"),
        )
        frame, _ = r.res.next_targets(view.base_year, view.target_year, p=p, rule=r.rule)
        for ind in view.indicators:
            one = grouped.arrange(ds, frame[frame["indicator"] == ind])
            title = pg.t(
                "evaluation.table_next", label=ds.label(ind, pg.lang), target=view.target_year
            )
            pg.table(
                npw.display(one, ds, p, pg.lang),
                title,
                r.note,
                data=one,
                name=f"county_targets_{ind}",
                attention=npw.attention(one, ds),
            )
        return
    pg.heading("reports.projection.county", pg.t("reports.projection.county_intro"))
    rule_name = tw.rule_label(r.rule, pg.lang)
    for ind in view.indicators:
        title = pg.t("targets.table_county", label=ds.label(ind, pg.lang), rule=rule_name)
        one = tw.county_frame(view, ind, r.rule)
        pg.table(
            tw.county_display(ds, one, pg.lang),
            title,
            r.note,
            data=one,
            name=f"county_targets_{ind}",
            attention=tw.still_short(view, one),
        )


def scenarios(r: Projection) -> None:
    """The year each scenario reaches the target."""
    pg = r.pg
    pg.heading("reports.projection.scenarios", pg.t("reports.projection.scenarios_intro"))
    title = pg.t("targets.table_scenarios", growth=f"{r.scenario_growth:.0%}")
    pg.table(
        tw.scenario_table(r.view, pg.lang),
        title,
        r.note,
        data=tw.with_groups(r.view, r.view.scenario_frame()),
        name="scenarios",
        attention=tw.scenario_attention(r.view),
    )


def methods(r: Projection) -> None:
    """The closing methods section: the methods, the back-test and the model fallbacks."""
    pg, view = r.pg, r.view
    chapter.methods(tw.methods_text(view, pg.lang), pg.lang)
    if r.method.startswith("auto"):
        pg.table(
            tw.backtest_table(view, pg.lang),
            pg.t("targets.table_backtest"),
            data=view.backtest_frame(),
            name="backtest",
            digits=3,
        )
    fallback = tw.fallback_table(view, pg.lang)
    if not fallback.empty:
        pg.table(fallback, pg.t("findings_targets.table_fallback"))


def frame(r: Projection) -> pd.DataFrame:
    """The projection's code-named table (for exploring in a notebook)."""
    return r.view.projection_frame()
