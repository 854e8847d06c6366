"""Report 02, the gaps between units: sections in reading order (standards, development
index and map, tiers, inequality and convergence, shortfall and its cost, methods)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.analyses import gaps
from analysis.present import captions, chapter, figures, maps
from analysis.present.reports import page
from analysis.present.words import gap_findings as gf
from analysis.present.words import gaps as gw
from analysis.present.words import plan_text

KIND = "02_county_gaps"


@dataclass
class Gaps:
    pg: page.Page
    spec: gaps.Spec
    results: dict[str, pd.DataFrame]
    inequality: pd.DataFrame
    found: dict
    note: str
    facility_cost_per_m2: float
    worker_cost_per_year: float

    def page_text(self, key: str, **fields) -> str:
        return gf.page(key, self.pg.ds, self.pg.lang, **fields)

    def used(self, indicators, year: int | None = None) -> pd.DataFrame:
        """The units' observations behind a figure (for the illustrative-data mark)."""
        return gaps.obs_used(self.pg.ds, list(indicators), year)

    def source(self, indicators, year: int | None = None, **kw) -> str:
        obs = gaps.obs_used(self.pg.ds, indicators, year)
        return captions.source_note(self.pg.ds, obs, lang=self.pg.lang, **kw)


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    year: int = 0,
    indicators: Sequence[str] = (),
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    grouping: str | Mapping[str, str] = "auto",
    facility_cost_per_m2: float = 3000,
    worker_cost_per_year: float = 50000,
    report_name: str = KIND,
    lang: str = "zh",
) -> Gaps:
    """Load the scope, run the gap analysis and write its tables."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    spec = gaps.resolve(ds, year, list(indicators), normalisation, weighting, grouping)
    costs = {"facility_area": facility_cost_per_m2, "urban_community_workers": worker_cost_per_year}
    res = gaps.run(ds, spec.year, spec.indicators, normalisation, weighting, grouping)
    res["shortfall"] = gaps.shortfall_table(ds, spec.year, unit_costs=costs)
    res["shortfall_totals"] = gaps.shortfall_totals(res["shortfall"])
    ineq = gaps.inequality_latest(res["inequality"], spec.year)
    pg = page.open(KIND, ds, report_name or KIND, lang, obs=gaps.obs_used(ds, spec.indicators))
    found = gf.findings(res, ds, spec, lang)
    note = captions.source_note(ds, gaps.obs_used(ds, spec.indicators, spec.year), lang=lang)
    written = {
        "index": res["index"],
        "weights": res["weights"],
        "tiers": res["tiers"].rename_axis("region_code"),
        "inequality": ineq,
        "beta": res["beta"],
        "shortfall": res["shortfall"],
        "shortfall_totals": res["shortfall_totals"],
    }
    for name, frame in written.items():
        pg.write(frame, name)
    return Gaps(
        pg, spec, res, ineq, found, note, float(facility_cost_per_m2), float(worker_cost_per_year)
    )


def opening(r: Gaps) -> None:
    """Title and the findings."""
    chapter.paragraph("# " + gf.title(r.pg.ds, r.pg.lang))
    r.pg.findings(r.found)


def standards(r: Gaps) -> None:
    """Every unit against each standard (ranked bars)."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    head = plan_text.heading(r.page_text("details"), plan_text.next_number(r.found), lang)
    sub = plan_text.sub_heading(r.page_text("standards"), 1, lang)
    chapter.paragraph(head, sub, r.page_text("standards_intro"))
    inds = gaps.standard_indicators(ds, r.spec)
    for ind in inds:
        fig = figures.ranked_bar(**gw.ranked_input(ds, ind, r.spec.year, lang))
        pg.figure(fig, ds.label(ind, lang, unit=False), obs=r.used([ind], r.spec.year))
    chapter.paragraph(r.source(inds, r.spec.year))


def index(r: Gaps) -> None:
    """The composite development index, table and map."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    sub = plan_text.sub_heading(r.page_text("index"), 2, lang)
    chapter.paragraph(sub, r.page_text("index_intro"))
    pg.table(gw.reading(r.results["index"], ds, lang), pg.t("gaps.table_index"), r.note)
    geo = gw.map_input(ds, r.results["index"], lang)
    if geo:
        note = r.source(r.spec.indicators, r.spec.year, schematic_map=True)
        used = r.used(r.spec.indicators, r.spec.year)
        pg.figure(maps.choropleth(**geo), geo["title"], note, obs=used)


def tiers(r: Gaps) -> None:
    """Tiers of every unit on every dimension (heatmap and table)."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    chapter.paragraph(
        plan_text.sub_heading(r.page_text("tiers"), 3, lang), r.page_text("tiers_intro")
    )
    hm = gw.heatmap_input(ds, r.spec, r.results["index"], lang)
    pg.figure(
        figures.heatmap(**hm), hm["title"], r.note, obs=r.used(r.spec.indicators, r.spec.year)
    )
    pg.table(gw.tier_reading(r.results["tiers"], ds, lang), pg.t("gaps.table_tiers"), r.note)


def trend(r: Gaps) -> None:
    """Inequality (CV, Gini, Theil and its decomposition), Lorenz curve, σ and β convergence."""
    pg, ds, lang, spec = r.pg, r.pg.ds, r.pg.lang, r.spec
    chapter.paragraph(
        plan_text.sub_heading(r.page_text("trend"), 4, lang), r.page_text("trend_intro")
    )
    method = pg.t("present.note_sep").join(
        [pg.t("gaps.method_population_weights"), gw.grouping_note(ds, spec, lang)]
    )
    note = r.source(spec.indicators, spec.year, method=method)
    title = pg.t("gaps.table_inequality", year=spec.year)
    pg.table(gw.reading(r.inequality, ds, lang), title, note)
    first = (gaps.standard_indicators(ds, spec) or spec.indicators)[0]
    lz = gw.lorenz_input(ds, first, spec.year, lang)
    pg.figure(figures.lorenz(**lz), lz["title"], obs=r.used([first], spec.year))
    sg = gw.sigma_input(r.results["inequality"], ds, lang)
    pg.figure(figures.trend_lines(**sg), sg["title"], obs=r.used(spec.indicators))
    pg.table(
        gw.reading(r.results["beta"], ds, lang), pg.t("gaps.table_beta"), r.source(spec.indicators)
    )


def shortfall(r: Gaps) -> None:
    """What it takes to bring every unit to the standard: quantities and cost."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    sub = plan_text.sub_heading(r.page_text("shortfall"), 5, lang)
    chapter.paragraph(sub, r.page_text("shortfall_intro"))
    short = r.results["shortfall"]
    pg.table(gw.reading(short, ds, lang), pg.t("gaps.table_shortfall"))
    method = pg.t(
        "gaps.method_unit_costs",
        facility=fmt_cost(r.facility_cost_per_m2),
        worker=fmt_cost(r.worker_cost_per_year),
    )
    note = r.source(short["indicator"].unique(), r.spec.year, method=method)
    pg.table(
        gw.reading(r.results["shortfall_totals"], ds, lang),
        pg.t("gaps.table_shortfall_totals"),
        note,
    )


def fmt_cost(v: float) -> float:
    """A unit cost as typed (3000, not 3000.0)."""
    return int(v) if float(v).is_integer() else v


def methods(r: Gaps) -> None:
    """The closing methods section, with the weights of the index."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    text = gf.methods(
        ds, r.spec, lang, fmt_cost(r.facility_cost_per_m2), fmt_cost(r.worker_cost_per_year)
    )
    chapter.methods(text, lang)
    pg.table(gw.reading(r.results["weights"], ds, lang), r.page_text("weights_table"), r.note)
