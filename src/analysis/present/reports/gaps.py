"""Report 02, the gaps between units: sections in reading order (standards, the
intermediate level's regions against them, development index and map, tiers, inequality and
convergence, shortfall and its cost, methods).

For a tree with an intermediate level (province -> prefecture -> county) the page adds the
prefectures: a section of prefecture tables and ranked bars (each prefecture's own value,
the aggregate of its counties), the Theil decomposition between and within prefectures
named as such, a prefecture column in the county tables and the shortfalls grouped by
prefecture with subtotals. Without one (a prefecture's own data) none of this appears and
the sub-sections keep their numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.analyses import gaps
from analysis.present import captions, chapter, figures, maps
from analysis.present.reports import page
from analysis.present.words import gap_findings as gf
from analysis.present.words import gap_groups as gg
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
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)  # gaps.group_standards
    sections: int = 0  # sub-sections shown so far: (1), (2) ...

    def sub(self, key: str, **fields) -> str:
        """The next numbered sub-section heading, text ``page.<key>``."""
        self.sections += 1
        return plan_text.sub_heading(self.page_text(key, **fields), self.sections, self.pg.lang)

    def lagging(self, codes) -> list[bool]:
        """One flag per unit of ``codes``: the unit is in the lagging tier of the index (the
        rows a long county table shows before its folded whole)."""
        tier = self.results["tiers"]["index"]
        return [tier.get(c) == "lagging" for c in codes]

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
    groups = gaps.group_standards(ds, spec.year, gaps.standard_indicators(ds, spec))
    written = {
        "index": gg.with_group_codes(res["index"], ds),
        "weights": res["weights"],
        "tiers": gg.with_group_codes(res["tiers"].rename_axis("region_code"), ds),
        "inequality": ineq,
        "beta": res["beta"],
        "shortfall": res["shortfall"],
        "shortfall_totals": res["shortfall_totals"],
    }
    between = gg.level(ds)
    if between is not None:  # the intermediate level's tables, code-named (pivot on them)
        written[f"{between}_standards"] = groups
        written[f"shortfall_by_{between}"] = gaps.shortfall_by_group(ds, res["shortfall"])
    for name, frame in written.items():
        pg.write(frame, name)
    return Gaps(
        pg,
        spec,
        res,
        ineq,
        found,
        note,
        float(facility_cost_per_m2),
        float(worker_cost_per_year),
        groups,
    )


def opening(r: Gaps) -> None:
    """Title and the findings."""
    chapter.paragraph("# " + gf.title(r.pg.ds, r.pg.lang))
    r.pg.findings(r.found)


def standards(r: Gaps) -> None:
    """Every unit against each standard (ranked bars)."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    head = plan_text.heading(r.page_text("details"), plan_text.next_number(r.found), lang)
    chapter.paragraph(head, r.sub("standards"), r.page_text("standards_intro"))
    inds = gaps.standard_indicators(ds, r.spec)
    for ind in inds:
        fig = figures.ranked_bar(**gw.ranked_input(ds, ind, r.spec.year, lang))
        pg.figure(fig, ds.label(ind, lang, unit=False), obs=r.used([ind], r.spec.year))
    chapter.paragraph(r.source(inds, r.spec.year))


def groups(r: Gaps) -> None:
    """The regions of the intermediate level (the prefectures of a province) against each
    standard: a table of their own values (the aggregate of their counties), units and
    units below the standard, and their ranked bars; nothing without such a level."""
    pg, ds, lang, year = r.pg, r.pg.ds, r.pg.lang, r.spec.year
    if gg.level(ds) is None or r.groups.empty:
        return
    word = gg.groups_word(ds, lang)
    chapter.paragraph(r.sub("groups", groups=word), r.page_text("groups_intro", groups=word))
    used = r.used(r.groups["indicator"].unique(), year)
    for ind in dict.fromkeys(r.groups["indicator"]):
        f = r.groups[r.groups["indicator"] == ind]
        title = gg.standards_title(ds, ind, float(f["target"].iloc[0]), year, lang)
        pg.table(gg.standards_reading(r.groups, ds, ind, lang), title)
        fig = figures.ranked_bar(**gg.ranked_input(r.groups, ds, ind, year, lang))
        caption = pg.t("gaps.groups.caption", groups=word, label=ds.label(ind, lang, unit=False))
        pg.figure(fig, caption, obs=used)
    method = r.page_text("groups_method", groups=word)
    chapter.paragraph(r.source(r.groups["indicator"].unique(), year, method=method))


def index(r: Gaps) -> None:
    """The composite development index, table and map."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    chapter.paragraph(r.sub("index"), r.page_text("index_intro"))
    idx = r.results["index"]
    pg.table(
        gg.with_group(gw.reading(idx, ds, lang), idx.index, ds, lang),
        pg.t("gaps.table_index"),
        r.note,
        data=gg.with_group_codes(idx, ds),
        name="index",
        attention=r.lagging(idx.index),
    )
    geo = gw.map_input(ds, r.results["index"], lang)
    if geo:
        note = r.source(r.spec.indicators, r.spec.year, schematic_map=True)
        used = r.used(r.spec.indicators, r.spec.year)
        pg.figure(maps.choropleth(**geo), geo["title"], note, obs=used)


def tiers(r: Gaps) -> None:
    """Tiers of every unit on every dimension (heatmap and table)."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    chapter.paragraph(r.sub("tiers"), r.page_text("tiers_intro"))
    hm = gw.heatmap_input(ds, r.spec, r.results["index"], lang)
    pg.figure(
        figures.heatmap(**hm), hm["title"], r.note, obs=r.used(r.spec.indicators, r.spec.year)
    )
    tier = r.results["tiers"]
    pg.table(
        gg.with_group(gw.tier_reading(tier, ds, lang), tier.index, ds, lang),
        pg.t("gaps.table_tiers"),
        r.note,
        data=gg.with_group_codes(tier.rename_axis("region_code"), ds),
        name="tiers",
        attention=r.lagging(tier.index),
    )


def trend(r: Gaps) -> None:
    """Inequality (CV, Gini, Theil and its decomposition), Lorenz curve, σ and β convergence."""
    pg, ds, lang, spec = r.pg, r.pg.ds, r.pg.lang, r.spec
    chapter.paragraph(r.sub("trend"), r.page_text("trend_intro"))
    method = pg.t("present.note_sep").join(
        [pg.t("gaps.method_population_weights"), gw.grouping_note(ds, spec, lang)]
    )
    note = r.source(spec.indicators, spec.year, method=method)
    title = pg.t("gaps.table_inequality", year=spec.year)
    table = gw.reading(r.inequality, ds, lang)
    if gg.by_level(ds, spec):  # the between-group share names its groups
        share = gw.header("theil_t_between_share", lang, ds)
        table = table.rename(columns={share: gg.share_header(ds, lang)})
        table.attrs["decimals"] = {
            gg.share_header(ds, lang) if k == share else k: v
            for k, v in table.attrs.get("decimals", {}).items()
        }
    pg.table(table, title, note)
    if gg.by_level(ds, spec):
        decomposition(r)
    first = (gaps.standard_indicators(ds, spec) or spec.indicators)[0]
    lz = gw.lorenz_input(ds, first, spec.year, lang)
    pg.figure(figures.lorenz(**lz), lz["title"], obs=r.used([first], spec.year))
    sg = gw.sigma_input(r.results["inequality"], ds, lang)
    pg.figure(figures.trend_lines(**sg), sg["title"], obs=r.used(spec.indicators))
    pg.table(
        gw.reading(r.results["beta"], ds, lang), pg.t("gaps.table_beta"), r.source(spec.indicators)
    )


def decomposition(r: Gaps) -> None:
    """The population-weighted Theil T of every indicator split between and within the
    regions of the intermediate level (the prefectures), the grouping named in the headers."""
    pg, ds, lang, spec = r.pg, r.pg.ds, r.pg.lang, r.spec
    word = gg.groups_word(ds, lang)
    chapter.paragraph(r.page_text("theil_intro", groups=word))
    f = gg.decomposition(r.results["inequality"], spec.year, spec.indicators)
    title = pg.t("gaps.groups.table_theil", groups=word, year=spec.year)
    note = r.source(spec.indicators, spec.year, method=gw.grouping_note(ds, spec, lang))
    pg.table(gg.decomposition_reading(f, ds, lang), title, note, digits=3)


def shortfall(r: Gaps) -> None:
    """What it takes to bring every unit to the standard: quantities and cost; with an
    intermediate level, the units grouped by it with subtotals (folded when long)."""
    pg, ds, lang = r.pg, r.pg.ds, r.pg.lang
    chapter.paragraph(r.sub("shortfall"), r.page_text("shortfall_intro"))
    short = r.results["shortfall"]
    level = gg.level(ds)
    if level is None or short.empty:
        pg.table(gw.reading(short, ds, lang), pg.t("gaps.table_shortfall"))
    else:
        word = gg.groups_word(ds, lang)
        by = gaps.shortfall_by_group(ds, short)
        chapter.paragraph(r.page_text("shortfall_groups_intro", groups=word))
        pg.table(
            gg.shortfall_groups_reading(by, ds, lang),
            pg.t("gaps.groups.table_shortfall_groups", groups=word),
        )
        pg.table(
            gg.shortfall_reading(by, ds, lang),
            pg.t("gaps.groups.table_shortfall", groups=word),
            data=by,
            name=f"shortfall_by_{level}",
        )
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
