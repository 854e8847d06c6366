"""Report 01, the baseline: sections in reading order (the plan's own baseline figures, the
units' population and division structure, urbanisation, the division counts over time)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.analyses import baseline
from analysis.present import captions, chapter, figures
from analysis.present.reports import page
from analysis.present.words import baseline as baseline_words
from analysis.present.words import baseline_findings as bf
from analysis.present.words import plan_text

KIND = "01_baseline"
DIVISIONS = ["resident_committees", "village_committees"]


@dataclass
class Baseline:
    pg: page.Page
    region: str
    base_year: int
    found: dict
    plan_obs: pd.DataFrame
    structure_obs: pd.DataFrame

    def page_text(self, key: str, **fields) -> str:
        return bf.page(key, self.pg.ds, self.pg.lang, **fields)


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    region_code: str = "",
    base_year: int = 2020,
    report_name: str = KIND,
    lang: str = "zh",
) -> Baseline:
    """Load the scope and compute the findings and the tables of the baseline year."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    region = region_code or ds.top
    ds.check_regions(region)
    found = bf.findings(ds, region, base_year, lang)
    plan_obs = baseline.baseline_obs(ds, region, base_year)
    structure_obs = baseline.structure_obs(ds, base_year, base_year)
    used = pd.concat([plan_obs, structure_obs, ds.obs(DIVISIONS, ds.top)])
    pg = page.open(KIND, ds, report_name or KIND, lang, obs=used)
    pg.write(plan_obs, "baseline")
    pg.write(structure_obs, "county_structure")
    return Baseline(pg, region, base_year, found, plan_obs, structure_obs)


def opening(r: Baseline) -> None:
    """Title and the findings."""
    chapter.paragraph("# " + r.page_text("title", year=r.base_year))
    r.pg.findings(r.found)


def plan_figures(r: Baseline) -> None:
    """The plan's own baseline figures (the plan text's numbers, with their sentences)."""
    pg, lang, year = r.pg, r.pg.lang, r.base_year
    head = plan_text.heading(r.page_text("details"), plan_text.next_number(r.found), lang)
    sub = plan_text.sub_heading(r.page_text("plan_figures"), 1, lang)
    if r.plan_obs.empty:
        chapter.paragraph(head, sub, r.page_text("plan_figures_none", year=year))
        return
    chapter.paragraph(head, sub, r.page_text("plan_figures_intro"))
    shown = baseline_words.baseline_table(pg.ds, r.region, year, lang)
    note = captions.source_note(pg.ds, r.plan_obs, lang=lang)
    pg.table(shown, r.page_text("plan_figures_table", year=year), note)


def structure(r: Baseline) -> None:
    """Population, urbanisation, households, age and divisions of every unit; the note says
    which of the whole region's figures are sums of its units (``baseline.summed_note``)."""
    pg, lang, year = r.pg, r.pg.lang, r.base_year
    chapter.paragraph(plan_text.sub_heading(r.page_text("structure"), 2, lang))
    shown = baseline_words.county_structure_values(pg.ds, year, year, lang)
    top = r.structure_obs[r.structure_obs["region_code"] == pg.ds.top]
    summed = sorted(set(top.loc[baseline.summed_from_units(top), "indicator"]))
    method = _summed_note(r, summed)
    note = captions.source_note(pg.ds, r.structure_obs, lang=lang, method=method)
    pg.table(shown, r.page_text("structure_table", year=year), note)


def _summed_note(r: Baseline, indicators: list[str]) -> str:
    """ "The whole region's X, Y: summed from its units" (empty without such figures)."""
    if not indicators:
        return ""
    ds, lang = r.pg.ds, r.pg.lang
    sep = r.pg.t("baseline.sep")
    listed = sep.join(ds.label(i, lang, unit=False) for i in indicators)
    return r.pg.t("baseline.summed_note", top=ds.name(ds.top, lang), listed=listed)


def urbanisation(r: Baseline) -> None:
    """The units' urbanisation rates, ranked, against the whole region's."""
    pg, ds, lang, year = r.pg, r.pg.ds, r.pg.lang, r.base_year
    ind = "urbanisation_rate"
    urb = ds.values([ind], year)[ind].rename(ds.names(lang))
    top = ds.obs(ind, ds.top, year)["value"]
    fig = figures.ranked_bar(
        urb,
        standard=float(top.iloc[0]) if len(top) else None,
        standard_label=ds.name(ds.top, lang),
        title=ds.label(ind, lang),
        xlabel=ds.label(ind, lang),
        lang=lang,
    )
    obs = ds.obs(ind, [*ds.unit_codes, ds.top], year)
    note = captions.source_note(ds, obs, lang=lang)
    pg.figure(fig, r.page_text("urbanisation_figure", year=year), note, obs=obs)


def divisions(r: Baseline) -> None:
    """The whole region's urban communities and villages over the years: its own counts, or
    the sum of its units in the editions where every unit has one (said in the note); with
    neither, a sentence naming the units without counts instead of a figure."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    chapter.paragraph(plan_text.sub_heading(r.page_text("divisions"), 3, lang))
    trend = baseline.division_trend(ds, tuple(DIVISIONS))
    have = trend.dropna(subset=["value"])
    if have.empty:
        chapter.paragraph(_no_trend(r, trend))
        return
    units = have.pivot(index="year", columns="indicator", values="value")
    units.columns = [ds.label(c, lang) for c in units.columns]
    fig = figures.trend_lines(
        units, title=ds.name(ds.top, lang), ylabel=pg.t("baseline.chart_units"), lang=lang
    )
    summed = have[have["summed"]]
    obs = ds.obs(DIVISIONS, ds.top)
    obs = obs[obs["year"].isin(have["year"])]
    if not summed.empty:  # the units' rows behind the sums
        below = ds.obs(DIVISIONS, ds.unit_codes)
        obs = pd.concat([obs, below[below["year"].isin(summed["year"])]], ignore_index=True)
    method = _summed_note(r, sorted(set(summed["indicator"])))
    left = sorted(set(trend["year"]) - set(have["year"]))
    if left:
        method = pg.t("baseline.sep").join(
            x for x in (method, pg.t("baseline.years_left_out", years=_years(r, left))) if x
        )
    note = captions.source_note(ds, obs, lang=lang, method=method)
    pg.figure(fig, r.page_text("divisions_figure"), note, obs=obs)


def _years(r: Baseline, years: list[int]) -> str:
    return r.pg.t("baseline.sep").join(str(y) for y in years)


def _no_trend(r: Baseline, trend: pd.DataFrame, shown: int = 5) -> str:
    """Why no trend is drawn: the whole region has no counts and no edition covers all of
    its units (each edition with the units it lacks, at most ``shown`` named)."""
    ds, lang = r.pg.ds, r.pg.lang
    sep = r.pg.t("baseline.sep")
    per_year = trend.groupby("year")["missing"].agg(lambda m: sorted(set().union(*m)))
    items = []
    for year, codes in per_year.items():
        names = sep.join(ds.name(c, lang) for c in codes[:shown])
        more = r.pg.t("baseline.more_units", n=len(codes)) if len(codes) > shown else ""
        items.append(r.pg.t("baseline.missing_item", year=year, names=names + more))
    return r.pg.t(
        "baseline.divisions_none",
        top=ds.name(ds.top, lang),
        items=r.pg.t("baseline.item_sep").join(items),
    )


def methods(r: Baseline) -> None:
    """The closing methods section."""
    chapter.methods(bf.methods(r.pg.ds, r.pg.lang), r.pg.lang)
