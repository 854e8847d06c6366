"""The plan's figure and table set (notebook 04): built from a Dataset, written to
outputs/figures, outputs/tables and outputs/plan_figures.docx.

Every figure input comes from the same builder as in the analysis notebooks: ranked bar,
heatmap (0-100 min-max scores), Lorenz curve, sigma-convergence lines and the index map from
``analysis.analyses.gaps``; the fan chart, progress status and county targets from
``analysis.analyses.targets``; the baseline tables from ``analysis.analyses.baseline``. Each
item carries a numbered caption with its unit and a source note generated from the provenance
of exactly the observations it shows (``captions.source_note``); a note names every
difference between a county sum and a published total. Files are numbered as their captions
(figure 6 is ``plan_fig06_*``, table 2 ``plan_tab02_*``).

Periods: the base year of the plan (the 2020 baseline), the final results of the plan period
(``results.open(ds).evaluation``: the statuses of report 05) and the next period's targets
(``results.open(ds).next_targets``: the targets of report 06), the periods coming from the
data (``results.tables.periods`` / ``next_period``). Every table that states a result also
carries its code-named twin (``PlanItem.data``), written as CSV under
``<outputs>/data/04_plan_figures/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from analysis import paths, results
from analysis.analyses import baseline, evaluation, gaps, next_period, targets
from analysis.data import Dataset, words
from analysis.data.denominators import census_years
from analysis.errors import check_choice
from analysis.io import give_back_memory, write_bytes
from analysis.messages import t
from analysis.present import captions, display, figures, maps, style
from analysis.present.datatables import write_table
from analysis.present.documents import FigureItem, TableItem, write_docx
from analysis.present.numbers import fmt, indicator_decimals
from analysis.present.tables import Table, write_csv, write_xlsx
from analysis.present.words import baseline as baseline_words
from analysis.present.words import gaps as gap_words
from analysis.present.words import targets as target_words
from analysis.present.words.labels import method_label, status_label
from analysis.results import tables as rtables

FIGURE_SETS = ("all", "baseline", "trends")
REPORT = "04_plan_figures"  # the folder of the twin CSVs under <outputs>/data/
# the next-period columns of a twin CSV: report 06's, without its increment and share
NEXT_TWIN = [c for c in next_period.COLUMNS if c not in ("increment", "share")]
# the final-evaluation columns of a twin CSV: report 05's, up to the target
EVAL_TWIN = list(evaluation.COLUMNS[: evaluation.COLUMNS.index("target") + 1])
MAIN_INDICATOR = "facility_area_per_100hh"
WORKER_INDICATOR = "workers_per_10k_urban"
MAX_PANELS = 12  # small multiples: at most 12 county panels (3 rows of 4) on one page


@dataclass
class PlanItem:
    """One figure or table of the plan set; ``number`` is its caption number."""

    key: str  # file stem after the number
    kind: str  # "figure" | "table"
    caption: str
    note: str
    figure: Figure | None = None
    table: Table | None = None
    width_cm: float = style.FULL_WIDTH_CM
    number: int = 0
    data: pd.DataFrame | None = None  # code-named twin of a results table (CSV)


def check_figure_set(name: str) -> str:
    return check_choice(name, FIGURE_SETS, "kinds.figure_set")


class _Ctx:
    """What every builder needs: data set, language, year, names, numbering, the gap analysis."""

    def __init__(self, ds, lang: str, year: int, chapter):
        self.ds, self.lang, self.year = ds, lang, year
        self.names = ds.names(lang)
        self.words = words.fields(ds, lang)  # {units}, {whole}
        self.units = ds.unit_codes
        self.num = captions.Numbering(chapter=chapter, lang=lang)
        self._spec: gaps.Spec | None = None
        self._index: pd.DataFrame | None = None
        self._view: targets.TargetView | None = None
        per = rtables.periods(ds)
        self.period = per[-1] if per else None  # (base, target) of the plan period
        self.next = rtables.next_period(ds)
        self._eval: pd.DataFrame | None = None
        self._next: tuple[pd.DataFrame, pd.DataFrame] | None = None

    def tr(self, key: str, **fields) -> str:
        """Message ``plan.<key>`` with the data set's words for ``{units}`` and ``{whole}``."""
        return t(f"plan.{key}", self.lang, **{**self.words, **fields})

    def label(self, ind: str, unit: bool = True) -> str:
        return self.ds.label(ind, self.lang, unit=unit)

    def unit(self, ind: str) -> str:
        return str(self.ds.indicator(ind)[f"unit_{self.lang}"] or "")

    @property
    def top_name(self) -> str:
        return self.names[self.ds.top]

    @property
    def spec(self) -> gaps.Spec:
        """The gap analysis of notebook 02 in the plan year (equal weights, min-max)."""
        if self._spec is None:
            self._spec = gaps.resolve(self.ds, self.year, grouping=None)
        return self._spec

    @property
    def index(self) -> pd.DataFrame:
        if self._index is None:
            self._index = gaps.development_index(self.ds, self.spec)
        return self._index

    @property
    def view(self) -> targets.TargetView:
        """The target projection of report 03 for the plan period (data up to the latest
        year)."""
        if self._view is None:
            assert self.period is not None
            self._view = results.open(self.ds).target_view(*self.period)
        return self._view

    @property
    def evaluation(self) -> pd.DataFrame:
        """The final evaluation of the plan period (report 05)."""
        if self._eval is None:
            assert self.period is not None
            self._eval = results.open(self.ds).evaluation(*self.period)
        return self._eval

    @property
    def next_targets(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The next period's targets and standards (report 06)."""
        if self._next is None:
            assert self.next is not None
            self._next = results.open(self.ds).next_targets(*self.next, p=rtables.P)
        return self._next

    def decimals(self, ind: str) -> int:
        return indicator_decimals(self.ds, ind)

    def target(self, ind: str) -> pd.Series | None:
        """The first target row of ``ind`` for the top region (None when there is none)."""
        tg = self.ds.targets_for(ind)
        tg = tg[(tg["region_code"] == self.ds.top) & (tg["attribute"] != "benchmark")]
        return None if tg.empty else tg.iloc[0]

    def note(self, obs, extra=None, method: str = "", schematic_map: bool = False) -> str:
        return captions.source_note(
            self.ds,
            obs,
            self.lang,
            extra_sources=extra or [],
            method=method,
            schematic_map=schematic_map,
        )

    def illustrative(self, obs, extra=None) -> bool:
        return captions.is_illustrative(self.ds, obs, extra or [])

    def figure(self, key, title, obs, fig, *, extra=None, method="", unit="", **kw) -> PlanItem:
        """A figure item: caption, note, and the illustrative-data mark when it applies."""
        if self.illustrative(obs, extra):
            style.mark_illustrative(fig, self.lang)
        caption = self.num.figure(captions.with_unit(title, unit, self.lang) if unit else title)
        note = self.note(obs, extra, method, kw.pop("schematic_map", False))
        number = self.num.counts["figure"]
        return PlanItem(key, "figure", caption, note, fig, number=number, **kw)

    def table(
        self, key, title, frame, obs, fmts, *, extra=None, method="", data=None, rows=None, wrap=()
    ) -> PlanItem:
        """A table item: caption, note (with the sum check), Excel formats (``rows``: the
        decimals of each row when rows hold different indicators), the twin ``data``; the
        cells of the ``wrap`` columns may take two lines in Word."""
        caption = self.num.table(title)
        note = self.note(obs, extra, method)
        tab = Table(
            frame.reset_index(drop=True),
            caption,
            note,
            fmts,
            illustrative=self.illustrative(obs, extra),
            lang=self.lang,
            row_decimals=rows,
            wrap=tuple(wrap),
        )
        number = self.num.counts["table"]
        return PlanItem(key, "table", caption, note, table=tab, number=number, data=data)

    def join(self, *parts: str) -> str:
        return t("present.note_sep", self.lang).join(p for p in parts if p)


def default_year(ds) -> int:
    """The plan's base year: the base year of the targets, else the latest year of the main
    indicator."""
    if not ds.targets.empty:
        return int(ds.targets["base_year"].min())
    years = ds.obs(MAIN_INDICATOR)["year"]
    if years.empty:  # a new data set without observations: say which, never a NaN year
        raise words.user_error(ds, "gaps.no_county_data", ids=MAIN_INDICATOR)
    return int(years.max())


def _covers(geo: Path, codes: list[str]) -> bool:
    return set(codes) <= set(maps.read_features(geo)["code"])


def _geo_source(ds) -> list[str]:
    """Source ids of boundary data (sources whose id mentions "geo")."""
    s = ds.sources
    return s.loc[s["id"].str.contains("geo", case=False), "id"].tolist()


# -- figures --------------------------------------------------------------------------
def _ranked(c: _Ctx, ind: str) -> PlanItem:
    kw = gap_words.ranked_input(c.ds, ind, c.year, c.lang)
    kw.pop("title")  # the caption carries the title
    values, std = kw["values"], kw["standard"]
    lower = kw["lower_is_better"]
    # short of the standard (the default of ranked_bar, as on page 02); without one, short of
    # the whole region's value
    top = c.ds.values([ind], c.year, [c.ds.top])[ind].iloc[0]
    hl = None if std is not None else figures.behind_standard(values, top, lower)
    fig = figures.ranked_bar(highlight=hl, **kw)
    tg = c.target(ind)
    return c.figure(
        f"bar_{ind}",
        c.tr("bar_title", year=c.year, indicator=c.label(ind, False)),
        c.ds.obs(ind, c.units, c.year),
        fig,
        extra=[str(tg["source"])] if tg is not None else [],
        method=c.tr("bar_method"),
        unit=c.unit(ind),
    )


PAGE_ROWS = 60  # rows of a heatmap or status chart on one A4 page (labels >= 6 pt)


def row_chunks(n: int, per_page: int = PAGE_ROWS, max_pages: int = 3) -> list[range]:
    """Rows of each page of a long heatmap or status chart in the document: one page up to
    ``per_page`` rows, up to ``max_pages`` equal pages, beyond that one page with the first
    and last rows (the figure itself shows the ends; the table has every row)."""
    if n <= per_page or n > per_page * max_pages:
        return [range(n)]
    k = -(-n // per_page)
    size = -(-n // k)
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def _pages(c: _Ctx, title: str, rows: range, chunks: list[range]) -> str:
    if len(chunks) == 1:
        return title
    k = chunks.index(rows) + 1
    return t("scale.part_title", c.lang, title=title, part=k, parts=len(chunks))


def _heatmap(c: _Ctx) -> list[PlanItem]:
    kw = gap_words.heatmap_input(c.ds, c.spec, c.index, c.lang)
    kw.pop("title")
    matrix, annot = kw.pop("matrix"), kw.pop("annot")
    chunks = row_chunks(len(matrix))
    # one colour scale for every page: the range of the whole matrix
    full = matrix.to_numpy(dtype=float)
    ok = np.isfinite(full)
    lo, hi = (float(full[ok].min()), float(full[ok].max())) if ok.any() else (None, None)
    out = []
    for rows in chunks:
        sub = matrix.iloc[list(rows)]
        fig = figures.heatmap(
            sub,
            annot=annot.iloc[list(rows)],
            max_rows=PAGE_ROWS,
            min_font=figures.MIN_FONT_PT,  # a Word page: split, rows fit one A4 page
            vmin=lo,
            vmax=hi,
            **kw,
        )
        codes = [k for k, name in c.names.items() if name in set(sub.index)]
        out.append(
            c.figure(
                "heatmap_indicators",
                _pages(c, c.tr("heatmap_title", year=c.year), rows, chunks),
                c.ds.obs(c.spec.indicators, [u for u in c.units if u in set(codes)], c.year),
                fig,
                method=c.tr("heatmap_method"),
            )
        )
    return out


def _dot(c: _Ctx, county: str) -> PlanItem | None:
    ds = c.ds
    rows = [(i, tg) for i in c.spec.indicators if (tg := c.target(i)) is not None]
    if not rows:
        return None
    ids = [i for i, _ in rows]
    both = ds.values(ids, c.year, [county, ds.top])
    tv = np.array([float(tg["target_value"]) for _, tg in rows])
    frame = pd.DataFrame(
        {
            "county": both.loc[county].to_numpy() / tv * 100,
            "prefecture": both.loc[ds.top].to_numpy() / tv * 100,
            "target": 100.0,
        },
        index=[c.label(i) for i in ids],
    )
    fig = figures.dot_plot(
        frame,
        xlabel=c.tr("dot_axis"),
        lang=c.lang,
        series_labels={"county": c.names[county], "prefecture": c.top_name},
    )
    return c.figure(
        f"dot_{county}",
        c.tr("dot_title", county=c.names[county], top=c.top_name, year=c.year),
        ds.obs(ids, [county, ds.top], c.year),
        fig,
        extra=sorted({str(tg["source"]) for _, tg in rows}),
        method=c.tr("dot_method"),
        unit="%",
    )


def _map(c: _Ctx) -> PlanItem | None:
    kw = gap_words.map_input(c.ds, c.index, c.lang)
    if kw is None or not _covers(kw["geojson_path"], c.units):
        return None
    kw.pop("title")
    obs = c.ds.obs(c.spec.indicators, c.units, c.year)
    fig = maps.choropleth(**kw, illustrative=c.illustrative(obs))  # outlines: map_input
    return c.figure(
        "map_index",
        c.tr("map_title", year=c.year),
        obs,
        fig,
        extra=_geo_source(c.ds),
        method=c.tr("map_method"),
        schematic_map=True,
        width_cm=fig.get_figwidth() * 2.54,
    )


def lagging(latest: pd.Series, *, lower_is_better: bool = False, n: int = MAX_PANELS) -> list:
    """The ``n`` most lagging units: the lowest latest values, or the highest when lower is
    better; ties keep the input order, units without a value come last."""
    order = latest.astype(float).sort_values(
        ascending=not lower_is_better, kind="stable", na_position="last"
    )
    return order.index[:n].tolist()


def _small_multiples(c: _Ctx, ind: str) -> PlanItem:
    ds = c.ds
    units, shown_note = c.units, ""
    if len(units) > MAX_PANELS:
        last = ds.panel(ind, units).ffill(axis=1).iloc[:, -1]
        lower = ds.indicator(ind)["direction"] == "lower"
        units = lagging(last, lower_is_better=lower, n=MAX_PANELS)
        shown_note = t("scale.trends_shown", c.lang, n=MAX_PANELS, units=ds.units_word(c.lang))
    pan = ds.panel(ind, units + [ds.top])
    long = pan.stack().rename("value").reset_index()
    long.columns = ["region_code", "year", "value"]
    top_rows = long[long["region_code"] == ds.top]
    parts = []
    for code in units:  # one panel per county: the county and the aggregate
        a = long[long["region_code"] == code].assign(
            panel=c.names[code], series=c.tr("county_series")
        )
        b = top_rows.assign(panel=c.names[code], series=c.top_name)
        parts += [a, b]
    df = pd.concat(parts, ignore_index=True)[["panel", "series", "year", "value"]]
    tg = c.target(ind)
    tgts = (
        None
        if tg is None
        else {c.names[k]: (int(tg["target_year"]), float(tg["target_value"])) for k in units}
    )
    fig = figures.small_multiples(df, targets=tgts, ncols=4, lang=c.lang, sharey=True)
    years = sorted(long["year"].unique())
    stars = c.tr("trends_stars") if tg is not None else ""
    return c.figure(
        f"trends_{ind}",
        c.tr("trends_title", first=years[0], last=years[-1], indicator=c.label(ind, False)),
        ds.obs(ind, units + [ds.top]),
        fig,
        extra=[str(tg["source"])] if tg is not None else [],
        method=c.join(stars, shown_note),
        unit=c.unit(ind),
    )


def _sigma(c: _Ctx) -> PlanItem:
    ids = c.spec.indicators
    ineq = gaps.inequality_table(c.ds, ids)
    kw = gap_words.sigma_input(ineq, c.ds, c.lang)
    kw.pop("title")
    fig = figures.trend_lines(**kw)
    return c.figure(
        "sigma_convergence",
        c.tr("sigma_title"),
        c.ds.obs(ids, c.units),
        fig,
        method=c.tr("sigma_method"),
    )


def _lorenz(c: _Ctx, ind: str) -> PlanItem:
    kw = gap_words.lorenz_input(c.ds, ind, c.year, c.lang)
    kw.pop("title")
    fig = figures.lorenz(**kw)
    obs = c.ds.obs([ind, "population"], c.units)
    obs = obs[(obs["indicator"] == ind) & (obs["year"] == c.year) | (obs["indicator"] != ind)]
    return c.figure(
        f"lorenz_{ind}",
        c.tr("lorenz_title", year=c.year, indicator=c.label(ind, False)),
        obs,
        fig,
        method=c.tr("lorenz_method"),
        width_cm=style.HALF_WIDTH_CM,
    )


def _fan(c: _Ctx, ind: str) -> PlanItem | None:

    view = c.view
    if view is None or ind not in view.indicators:
        return None
    kw = target_words.fan_inputs(view, ind, lang=c.lang)
    kw.pop("title")
    if kw["history"].dropna().size < 4:  # too short a series for a trend of the whole region
        return None
    fig = figures.fan_chart(**kw)
    key = (ind, c.ds.top)
    method = view.summary.set_index(["indicator", "region_code"]).loc[key, "method"]
    tg = c.target(ind)
    return c.figure(
        f"fan_{ind}",
        c.tr("fan_title", top=c.top_name, indicator=c.label(ind, False)),
        view.obs_used(ind).query("region_code == @c.ds.top"),
        fig,
        extra=[str(tg["source"])] if tg is not None else [],
        method=c.tr("fan_method", method=method_label(str(method), c.lang)),
        unit=c.unit(ind),
    )


def final_matrix(c: _Ctx) -> pd.DataFrame:
    """Final status codes of the plan period (report 05): rows = region names (the whole
    region first), columns = indicator labels."""
    ev = c.evaluation
    inds = list(dict.fromkeys(ev["indicator"]))
    regions = [c.ds.top, *c.units]
    m = ev.pivot(index="region_code", columns="indicator", values="status")
    m = m.reindex(index=regions, columns=inds).fillna("no_data")
    m.index = [c.names[k] for k in m.index]
    m.columns = [c.label(i) for i in inds]
    return m


def _eval_obs(c: _Ctx) -> pd.DataFrame:
    assert c.period is not None
    base, target = c.period
    ev = c.evaluation
    obs = c.ds.obs(sorted(set(ev["indicator"])), [c.ds.top, *c.units])
    return obs[(obs["year"] >= base) & (obs["year"] <= target)]


def _target_sources(c: _Ctx, inds) -> list[str]:
    # each indicator once: ``inds`` is an indicator column, one entry per region
    return sorted({str(tg["source"]) for i in set(inds) if (tg := c.target(i)) is not None})


def _status(c: _Ctx) -> list[PlanItem]:
    if c.period is None:
        return []
    matrix = final_matrix(c)
    chunks = row_chunks(len(matrix))
    title = c.tr("final_status_title", target_year=c.period[1])
    out = []
    for rows in chunks:
        fig = figures.status_dashboard(
            matrix.iloc[list(rows)], lang=c.lang, max_rows=PAGE_ROWS, min_font=figures.MIN_FONT_PT
        )
        out.append(
            c.figure(
                "final_status",
                _pages(c, title, rows, chunks),
                _eval_obs(c),
                fig,
                extra=_target_sources(c, c.evaluation["indicator"]),
                method=c.tr("final_status_method"),
            )
        )
    return out


# -- tables ---------------------------------------------------------------------------
def _sum_notes(c: _Ctx, frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """One sentence per count column whose county sum differs from the top region's row."""
    units = frame.iloc[:-1]
    total_row = frame.iloc[-1]
    out = []
    for col in columns:
        s = pd.to_numeric(units[col], errors="coerce").sum(min_count=1)
        tot = pd.to_numeric(pd.Series([total_row[col]]), errors="coerce").iloc[0]
        if pd.isna(s) or pd.isna(tot) or np.isclose(s, tot, rtol=0, atol=0.5):
            continue
        out.append(
            c.tr(
                "sum_differs",
                column=col,
                sum=fmt(s, 0),
                top=c.top_name,
                total=fmt(tot, 0),
                diff=fmt(abs(tot - s), 0),
            )
        )
    return out


def _plan_count_note(c: _Ctx, division_year: int) -> str:
    """Why the division-code count of urban communities and villages differs from the plan's
    count of villages and communities (both for the top region)."""
    ds = c.ds
    top = ds.top
    div = ds.obs(["resident_committees", "village_committees"], top, division_year)
    plan = ds.obs("villages_communities", top)
    if len(div) < 2 or plan.empty:
        return ""
    urban = float(div.loc[div["indicator"] == "resident_committees", "value"].iloc[0])
    rural = float(div.loc[div["indicator"] == "village_committees", "value"].iloc[0])
    total = float(plan["value"].iloc[0])
    if total == urban + rural:
        return ""
    return c.tr(
        "plan_count_differs",
        urban=fmt(urban, 0),
        rural=fmt(rural, 0),
        year=division_year,
        sum=fmt(urban + rural, 0),
        plan_year=int(plan["year"].iloc[0]),
        plan=fmt(total, 0),
        diff=fmt(abs(total - urban - rural), 0),
    )


def _table_structure(c: _Ctx) -> PlanItem:
    ds = c.ds
    # the last census, not a later bulletin figure of a few regions
    census_year = census_years(ds.obs("population"), ds.regions)[-1]
    frame = baseline_words.county_structure(ds, census_year, c.year, c.lang)
    region = c.tr("region")
    frame = frame.reset_index(names=region)
    kinds = ds.indicators.set_index("id")["kind"]
    ids = list(baseline.STRUCTURE)
    counts = [col for col, i in zip(frame.columns[1:], ids, strict=True) if kinds[i] == "count"]
    fmts = {col: "#,##0" if col in counts else "0.00" for col in frame.columns[1:]}
    method = c.join(*_sum_notes(c, frame, counts), _plan_count_note(c, c.year))
    return c.table(
        "structure",
        c.tr("structure_title", year=census_year),
        frame,
        baseline.structure_obs(ds, census_year, c.year),
        fmts,
        method=method,
    )


def _table_baseline(c: _Ctx) -> PlanItem | None:
    ds = c.ds
    obs = baseline.baseline_obs(ds, "", c.year)
    if obs.empty:
        return None
    frame = baseline_words.baseline_table(ds, "", c.year, c.lang).iloc[:, :3]
    values = obs["value"].astype(float).to_numpy()
    frame[frame.columns[1]] = values  # numbers, not text (xlsx cells hold numbers)
    frame.insert(1, frame.columns[2], frame.pop(frame.columns[2]))
    # each value with the decimals it is published with (at most 2)
    rows = [next((d for d in (0, 1) if round(v, d) == v), 2) for v in values]
    return c.table(
        "baseline",
        c.tr("baseline_title", top=c.top_name, year=c.year),
        frame,
        obs,
        {frame.columns[2]: "#,##0"},
        method=c.tr("baseline_note", top=c.top_name),
        rows=rows,
    )


def _table_indicators(c: _Ctx) -> PlanItem:
    ds = c.ds
    inds = c.spec.indicators
    regions = c.units + [ds.top]
    frame = ds.values(inds, c.year, regions)
    frame.index = [c.names[k] for k in frame.index]
    std = {i: tg for i in inds if (tg := c.target(i)) is not None}
    frame.loc[c.tr("target_row")] = [
        float(std[i]["target_value"]) if i in std else np.nan for i in inds
    ]
    frame.columns = [c.label(i) for i in inds]
    frame.insert(0, c.tr("region"), frame.index)
    fmts = {c.label(i): "0.0" for i in inds}
    extra = sorted({str(tg["source"]) for tg in std.values() if tg is not None})
    return c.table(
        "indicators",
        c.tr("indicators_title", year=c.year),
        frame,
        ds.obs(inds, regions, c.year),
        fmts,
        extra=extra,
    )


def _table_gaps(c: _Ctx) -> PlanItem:
    ds = c.ds
    idx = c.index
    tier = gaps.tier_table(idx, ds, c.spec)
    themes = [col for col in tier.columns if col != "index"]
    frame = pd.DataFrame(
        {
            c.tr("region"): [c.names[k] for k in idx.index],
            gap_words.display(idx[["index"]], ds, c.lang).columns[-1]: idx["index"].to_numpy(),
            gap_words.display(idx[["rank"]], ds, c.lang).columns[-1]: idx["rank"].to_numpy(),
        }
    )
    shown = gap_words.tier_display(tier, ds, c.lang).reindex([c.names[k] for k in idx.index])
    head = gap_words.display(idx[["rank"]].assign(tier=""), ds, c.lang).columns[-1]
    frame[head] = shown.iloc[:, 0].to_numpy()
    for col, theme in zip(shown.columns[1:], themes, strict=True):
        frame[col] = idx[theme].to_numpy()
    fmts = {col: "0.0" for col in frame.columns[1:] if col != head}
    fmts[frame.columns[2]] = "0"
    return c.table(
        "gaps_tiers",
        c.tr("gaps_title", year=c.year),
        frame,
        ds.obs(c.spec.indicators, c.units, c.year),
        fmts,
        method=c.tr("gaps_method"),
    )


def intermediate(ds: Dataset) -> dict[str, str]:
    """Unit code -> its region one level below the top (a county's prefecture in a province);
    empty when the units lie directly below the top (no intermediate level)."""
    parent = dict(
        zip(
            ds.regions["code"].astype(str),
            ds.regions["parent_code"].fillna("").astype(str),
            strict=True,
        )
    )
    out = {}
    for unit in ds.unit_codes:
        up, seen = unit, set()
        while parent.get(up, "") not in ("", ds.top) and up not in seen:
            seen.add(up)
            up = parent[up]
        out[unit] = up
    return out if any(u != g for u, g in out.items()) else {}


def shortfall_rows(short: pd.DataFrame) -> pd.DataFrame:
    """The shortfall rows by severity: largest gap as % of the target first, then larger
    cost, then region code (``gap_pct`` compares indicators of different units)."""
    return short.sort_values(
        ["gap_pct", "cost", "region_code", "indicator"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


def _table_shortfall(c: _Ctx) -> PlanItem | None:
    """Units below a standard (benchmarks excluded by ``gaps.shortfall_table``), most severe
    first, with region code, the intermediate region (a county's prefecture) when there is
    one, and a total row of the costs."""
    ds = c.ds
    short = gaps.shortfall_table(ds, c.year)
    if short.empty:
        return None
    short = shortfall_rows(short)
    keep = ["region_code", "indicator", "value", "target", "gap", "gap_pct", "quantity", "cost"]
    shown = gap_words.display(short[keep], ds, c.lang)
    # a short header: the Word table's narrow numeric column (gap as % of the target)
    shown = shown.rename(columns={shown.columns[6]: c.tr("gap_pct_short")})
    fmts = {col: "0.0" for col in shown.columns[3:]}
    fmts[shown.columns[-2]] = "#,##0"
    fmts[shown.columns[-1]] = "#,##0.0"
    group = intermediate(ds)
    if group:
        regs = ds.regions.set_index("code")
        word = words.units_word(
            str(regs.loc[next(iter(group.values())), "level"]),
            regs.loc[sorted(set(group.values())), "name_zh"],
            c.lang,
        )
        shown.insert(
            1, word[:1].upper() + word[1:], short["region_code"].map(group).map(c.names).to_numpy()
        )
    # the shortfall quantities are of different units (m², persons ...): a unit column
    units = [
        str(ds.indicator(q)[f"unit_{c.lang}"] or "") if isinstance(q, str) and q else ""
        for q in short["quantity_of"]
    ]
    shown.insert(len(shown.columns) - 1, c.tr("quantity_unit"), units)
    total: dict[str, object] = {col: "" for col in shown.columns}
    total[shown.columns[0]] = c.tr("total")
    total[shown.columns[-1]] = float(pd.to_numeric(shown.iloc[:, -1], errors="coerce").sum())
    for col in list(fmts)[:-1]:  # no sum across indicators of different units
        total[col] = np.nan
    shown = pd.concat([shown, pd.DataFrame([total])], ignore_index=True)
    ids = sorted(set(short["indicator"]))
    extra = sorted({str(tg["source"]) for i in ids if (tg := c.target(i)) is not None})
    return c.table(
        "shortfall",
        c.tr("shortfall_title", year=c.year),
        shown,
        ds.obs(ids, c.units, c.year),
        fmts,
        extra=extra,
        method=c.tr(
            "shortfall_method",
            year=c.year,
            area_cost=fmt(gaps.DEFAULT_UNIT_COSTS["facility_area"], 0),
            worker_cost=fmt(gaps.DEFAULT_UNIT_COSTS["urban_community_workers"], 0),
        ),
    )


def _table_status(c: _Ctx) -> PlanItem | None:
    """Final status of every target, region by region (the statuses of report 05)."""
    if c.period is None:
        return None
    m = final_matrix(c)
    frame = m.apply(lambda col: col.map(lambda code: status_label(code, c.lang)))
    frame.insert(0, c.tr("region"), frame.index)
    ev = c.evaluation
    data = ev[["region_code", "indicator", "final_year", "final", "target_year", "target"]].copy()
    data = data.rename(columns={"target": "held_target"})
    data["final_status"] = ev["status"].to_numpy()
    return c.table(
        "final_status",
        c.tr("final_status_title", target_year=c.period[1]),
        frame,
        _eval_obs(c),
        {},
        extra=_target_sources(c, ev["indicator"]),
        method=c.tr("final_status_method"),
        data=data,
    )


def _table_final(c: _Ctx) -> PlanItem | None:
    """The main targets of the plan period: unit, baseline, target, final value, result
    (rows of different units: a unit column, decimals by row)."""
    if c.period is None:
        return None
    base, target = c.period
    ev = c.evaluation
    top = ev[ev["region_code"] == c.ds.top]
    inds = list(top["indicator"])
    frame = pd.DataFrame(
        {
            c.tr("indicator"): [c.label(i, False) for i in inds],
            c.tr("unit"): [c.unit(i) for i in inds],
            c.tr("baseline_col", year=base): top["baseline"].to_numpy(float),
            c.tr("target_col", year=target): top["target"].to_numpy(float),
            c.tr("final_col", year=target): top["final"].to_numpy(float),
            c.tr("result"): [status_label(s, c.lang) for s in top["status"]],
        }
    )
    fmts = {col: "#,##0.0" for col in frame.columns[2:5]}
    data = top[EVAL_TWIN].rename(columns={"target": "held_target"})
    data = data.assign(final_status=top["status"].to_numpy()).reset_index(drop=True)
    return c.table(
        "final_results",
        c.tr("final_title", top=c.top_name, target_year=target),
        frame,
        _eval_obs(c).query("region_code == @c.ds.top"),
        fmts,
        extra=_target_sources(c, inds),
        data=data,
        rows=[c.decimals(i) for i in inds],
    )


def _basis_label(c: _Ctx, code: str, carried: bool, year: int) -> str:
    if not code:
        return ""
    basis = t(f"documents.next.basis.{code}", c.lang, p=f"{rtables.P:.0%}", **c.words)
    return t("documents.next.basis_carried", c.lang, basis=basis, year=year) if carried else basis


def _table_next(c: _Ctx) -> PlanItem | None:
    """The next period's main indicators: unit, baseline, target, basis (report 06)."""
    if c.next is None:
        return None
    base, target = c.next
    frame_all, std = c.next_targets
    top = frame_all[frame_all["region_code"] == c.ds.top]
    inds = list(top["indicator"])
    frame = pd.DataFrame(
        {
            c.tr("indicator"): [c.label(i, False) for i in inds],
            c.tr("unit"): [c.unit(i) for i in inds],
            c.tr("baseline_col", year=base): top["baseline"].to_numpy(float),
            c.tr("target_col", year=target): top["target"].to_numpy(float),
            c.tr("basis"): [
                _basis_label(c, b, bool(std.loc[i, "carried"]), base)
                for b, i in zip(top["basis"], inds, strict=True)
            ],
        }
    )
    fmts = {col: "#,##0.0" for col in frame.columns[2:4]}
    data = top[NEXT_TWIN]
    data = data.rename(columns={"target": "next_target"}).reset_index(drop=True)
    obs = c.ds.obs(inds, c.ds.top)
    return c.table(
        "next_targets",
        c.tr("next_title", top=c.top_name, target_year=target),
        frame,
        obs[obs["year"] <= base],
        fmts,
        method=c.tr("next_method", year=base, p=f"{rtables.P:.0%}"),
        data=data,
        rows=[c.decimals(i) for i in inds],
        wrap=(c.tr("indicator"), c.tr("basis")),
    )


def _table_county_targets(c: _Ctx, ind: str) -> PlanItem | None:
    """The next period's target of ``ind`` for every unit, the whole region as the total row
    (report 06)."""
    if c.next is None:
        return None
    base, target = c.next
    frame_all, std = c.next_targets
    if ind not in set(frame_all["indicator"]):
        return None
    one = frame_all[frame_all["indicator"] == ind]
    order = {k: n for n, k in enumerate([*c.units, c.ds.top])}
    one = one.sort_values("region_code", key=lambda s: s.map(order), kind="stable")
    frame = pd.DataFrame(
        {
            c.tr("region"): [c.names[k] for k in one["region_code"]],
            c.tr("baseline_col", year=base): one["baseline"].to_numpy(float),
            c.tr("projected_col", year=target, p=f"{rtables.P:.0%}"): one["projected_p"].to_numpy(
                float
            ),
            c.tr("standard"): one["standard"].to_numpy(float),
            c.tr("target_col", year=target): one["target"].to_numpy(float),
            c.tr("basis"): [_basis_label(c, b, False, base) for b in one["basis"]],
        }
    )
    d = c.decimals(ind)
    fmts = {col: "#,##0" + ("." + "0" * d if d else "") for col in frame.columns[1:5]}
    data = one[NEXT_TWIN]
    data = data.rename(columns={"target": "next_target"}).reset_index(drop=True)
    obs = c.ds.obs(ind, [c.ds.top, *c.units])
    return c.table(
        f"next_targets_{ind}",
        captions.with_unit(
            c.tr("county_targets_title", indicator=c.label(ind, False), target_year=target),
            c.unit(ind),
            c.lang,
        ),
        frame,
        obs[obs["year"] <= base],
        fmts,
        extra=[str(std.loc[ind, "source"])]
        if str(std.loc[ind, "source"]) in set(c.ds.sources["id"])
        else [],
        method=c.tr("next_method", year=base, p=f"{rtables.P:.0%}"),
        data=data,
    )


# -- the set --------------------------------------------------------------------------
def build(
    ds,
    figure_set: str = "all",
    lang: str = "zh",
    *,
    year: int | None = None,
    county: str | None = None,
    chapter: int | str | None = None,
) -> list[PlanItem]:
    """Build the plan's figures and tables from ``ds``.

    ``figure_set``: "baseline" (the base-year picture), "trends" (change over time,
    projection, progress) or "all". ``year`` defaults to the targets' base year; ``county``
    (for the dot plot) defaults to the county with the lowest development index.
    """
    check_figure_set(figure_set)
    style.check_lang(lang)
    style.use()
    year = default_year(ds) if year is None else int(year)
    c = _Ctx(ds, lang, year, chapter)
    items: list[PlanItem | None] = []
    if figure_set in ("baseline", "all"):
        if county is None:
            county = str(c.index["index"].idxmin())
        else:
            ds.check_regions([county])
        items += [
            _ranked(c, MAIN_INDICATOR),
            _ranked(c, WORKER_INDICATOR),
            *_heatmap(c),
            _dot(c, county),
            _map(c),
            _table_baseline(c),
            _table_structure(c),
            _table_indicators(c),
            _table_gaps(c),
            _table_shortfall(c),
        ]
    if figure_set in ("trends", "all"):
        items += [
            _small_multiples(c, MAIN_INDICATOR),
            _sigma(c),
            _lorenz(c, WORKER_INDICATOR),
            _fan(c, MAIN_INDICATOR),
            *_status(c),
            _table_final(c),
            _table_status(c),
            _table_next(c),
            _table_county_targets(c, MAIN_INDICATOR),
        ]
    return [i for i in items if i is not None]


def _suffix(lang: str) -> str:
    """File-name suffix of a language: none for Chinese (the default), "_en" for English."""
    return {"zh": ""}.get(lang, f"_{lang}")


def stem(item: PlanItem, lang: str = "zh") -> str:
    """File stem numbered as the caption: ``plan_fig06_status_targets`` for figure 6."""
    kind = "fig" if item.kind == "figure" else "tab"
    return f"plan_{kind}{item.number:02d}_{item.key}{_suffix(lang)}"


def write(
    items: list[PlanItem],
    outputs: str | os.PathLike | None = None,
    *,
    lang: str = "zh",
    title: str = "",
    formats: tuple[str, ...] = style.FORMATS,
) -> dict[str, list[Path]]:
    """Write figures (PNG/SVG/PDF), tables (xlsx/csv, plus one workbook of all tables) and
    the docx."""
    out = paths.outputs_dir(outputs)
    sfx = _suffix(lang)
    written: dict[str, list[Path]] = {"figures": [], "tables": [], "docx": []}
    doc_items: list[FigureItem | TableItem] = []
    tables = []
    for it in items:
        name = stem(it, lang)
        if it.figure is not None:
            files = style.to_formats(it.figure, ("png", *[f for f in formats if f != "png"]))
            png = files["png"]
            for fmt in formats:
                data = files[fmt]
                written["figures"].append(write_bytes(out / "figures" / f"{name}.{fmt}", data))
            doc_items.append(FigureItem(png, it.caption, it.note, it.width_cm))
        elif it.table is not None:
            if it.data is not None:  # the code-named twin of a results table
                written["tables"].append(write_table(it.data, REPORT, it.key, out))
            written["tables"].append(write_xlsx(it.table, out / "tables" / f"{name}.xlsx"))
            written["tables"].append(write_csv(it.table, out / "tables" / f"{name}.csv"))
            tables.append(it.table)
            doc_items.append(TableItem(it.table))
    if tables:
        written["tables"].append(write_xlsx(tables, out / "tables" / f"plan_tables{sfx}.xlsx"))
    title = title or t("plan.doc_title", lang)
    written["docx"].append(write_docx(doc_items, out / f"plan_figures{sfx}.docx", title=title))
    give_back_memory()  # the document's XML tree (a national set: 1 GB) is gone
    return written


def summary(items: list[PlanItem]) -> pd.DataFrame:
    """One row per item: caption and source note (for the notebook)."""
    return pd.DataFrame({"caption": [i.caption for i in items], "note": [i.note for i in items]})


def preview(item: PlanItem):
    """What to show for an item in a notebook: the figure, or the table formatted as in the
    documents (each column's Excel number format -> decimals, missing values as a dash, no
    index column)."""
    if item.figure is not None:
        return item.figure
    assert item.table is not None
    tab = item.table
    decimals = {
        col: len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
        for col, fmt in tab.formats.items()
    }
    return display.show(tab.frame, None, tab.lang, decimals=decimals)


def close(items: list[PlanItem]) -> None:
    """Release the figures' memory."""
    for i in items:
        if i.figure is not None:
            plt.close(i.figure)
