"""The plan's figure and table set (notebook 04): built from a Dataset, written to
outputs/figures, outputs/tables and outputs/plan_figures.docx.

Each item carries a numbered caption with its unit and a source note generated from the
provenance of exactly the observations it shows (``captions.source_note``).  Computations
here are deliberately simple and stated in the notes: direction-adjusted min-max scores
for the heatmap (OECD/JRC Handbook on Constructing Composite Indicators, 2008), the
coefficient of variation across counties for σ-convergence, the CAGR-ratio progress status
(``analysis.methods.progress``) and linear-trend projections (``analysis.methods.projection``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from analysis import paths
from analysis.errors import check_choice
from analysis.io import write_bytes
from analysis.methods import composite, inequality
from analysis.present import captions, figures, maps, style
from analysis.present.documents import FigureItem, TableItem, write_docx
from analysis.present.tables import Table, write_csv, write_xlsx

FIGURE_SETS = ("all", "baseline", "trends")
MAIN_INDICATOR = "facility_area_per_100hh"
WORKER_INDICATOR = "workers_per_10k_urban"
MAX_PANELS = 12  # small multiples: at most 12 county panels (3 rows of 4) on one page


@dataclass
class PlanItem:
    """One figure or table of the plan set."""

    key: str  # file stem
    kind: str  # "figure" | "table"
    caption: str
    note: str
    figure: Figure | None = None
    table: Table | None = None
    width_cm: float = style.FULL_WIDTH_CM


def check_figure_set(name: str) -> str:
    return check_choice(name, FIGURE_SETS, "kinds.figure_set")


# -- helpers --------------------------------------------------------------------------
class _Ctx:
    """What every builder needs: data set, language, year, names, numbering."""

    def __init__(self, ds, lang: str, year: int, chapter):
        self.ds, self.lang, self.year = ds, lang, year
        self.names = ds.names(lang)
        self.units = ds.unit_codes
        self.num = captions.Numbering(chapter=chapter, lang=lang)
        self.zh = lang == "zh"

    def tr(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def label(self, ind: str, unit: bool = True) -> str:
        return self.ds.label(ind, self.lang, unit=unit)

    def unit(self, ind: str) -> str:
        return str(self.ds.indicator(ind)[f"unit_{self.lang}"] or "")

    def target(self, ind: str) -> pd.Series | None:
        """The first target row of ``ind`` for the top region (None when there is none)."""
        t = self.ds.targets_for(ind)
        t = t[t["region_code"] == self.ds.top]
        return None if t.empty else t.iloc[0]

    def note(
        self,
        obs: pd.DataFrame,
        extra: list[str] | None = None,
        method: str = "",
        schematic_map: bool = False,
    ) -> str:
        return captions.source_note(
            self.ds,
            obs,
            self.lang,
            extra_sources=extra or [],
            method=method,
            schematic_map=schematic_map,
        )

    def county_labels(self, codes) -> list[str]:
        return [self.names[c] for c in codes]


def default_year(ds) -> int:
    """The plan's base year: the base year of the targets, else the latest year of the main indicator."""
    if not ds.targets.empty:
        return int(ds.targets["base_year"].min())
    return int(ds.obs(MAIN_INDICATOR)["year"].max())


def _geo_file(ds) -> Path | None:
    geo = Path(ds.root) / "geo"
    files = sorted(geo.glob("*.geojson")) if geo.is_dir() else []
    for f in files:
        codes = set(maps.read_features(f)["code"])
        if set(ds.unit_codes) <= codes:
            return f
    return None


def _geo_source(ds) -> list[str]:
    """Source ids of boundary data (sources whose id or title mentions geo/边界)."""
    s = ds.sources
    hit = s["id"].str.contains("geo", case=False) | s["title"].str.contains(
        "边界|示意图", regex=True
    )
    return s.loc[hit, "id"].tolist()


def scores(values: pd.DataFrame, direction: pd.Series) -> pd.DataFrame:
    """Direction-adjusted min-max scores in [0, 1] per column: (x - min)/(max - min), reversed
    for lower-is-better; a constant column scores 1 (OECD/JRC Handbook 2008, §5.2)."""
    s = composite.normalise(values, direction, "minmax") / 100
    const = (
        values.max() == values.min()
    )  # the index scores these neutral; the heatmap shows them as level best
    return s.where(~const.to_numpy()[None, :] | values.isna(), 1.0).where(values.notna())


# -- figures --------------------------------------------------------------------------
def _ranked(c: _Ctx, ind: str) -> PlanItem:
    ds = c.ds
    obs = ds.obs(ind, c.units, c.year)
    v = ds.values([ind], c.year)[ind]
    tgt = c.target(ind)
    std = None if tgt is None else float(tgt["target_value"])
    top = ds.values([ind], c.year, [ds.top])[ind].iloc[0]
    series = pd.Series(v.to_numpy(), index=c.county_labels(v.index))
    lag = [
        series.index[i] for i in np.flatnonzero(v.to_numpy() < (std if std is not None else top))
    ]
    std_label = None
    if std is not None:
        std_label = c.tr(
            f"{tgt['target_year']}年目标 {figures._fmt(std)}",
            f"{tgt['target_year']} target {figures._fmt(std)}",
        )
    fig = figures.ranked_bar(
        series,
        standard=std,
        standard_label=std_label,
        highlight=lag,
        xlabel=c.label(ind),
        lang=c.lang,
    )
    title = c.tr(
        f"{c.year}年各县(市){c.label(ind, False)}", f"{c.label(ind, False)} by county, {c.year}"
    )
    method = c.tr(
        "橙色为低于目标(无目标时为低于全域水平)的县(市)",
        "orange bars: below the target (or below the aggregate when there is no target)",
    )
    extra = [str(tgt["source"])] if tgt is not None else []
    return PlanItem(
        f"bar_{ind}",
        "figure",
        c.num.figure(captions.with_unit(title, c.unit(ind), c.lang)),
        c.note(obs, extra, method),
        fig,
    )


def _heatmap(c: _Ctx, inds: list[str]) -> PlanItem:
    ds = c.ds
    vals = ds.values(inds, c.year)
    direction = ds.indicators.set_index("id")["direction"]
    sc = scores(vals, direction)
    labels = [c.label(i) for i in inds]
    matrix = pd.DataFrame(sc.to_numpy(), index=c.county_labels(vals.index), columns=labels)
    annot = pd.DataFrame(
        {lab: figures.format_values(vals[i]) for lab, i in zip(labels, inds, strict=True)}
    )
    annot.index = matrix.index
    fig = figures.heatmap(
        matrix,
        annot=annot,
        cbar_label=c.tr("标准化得分(1 = 最好)", "Score (1 = best)"),
        lang=c.lang,
    )
    title = c.tr(
        f"{c.year}年各县(市)社区服务发展指标对比",
        f"Community-service indicators by county, {c.year}",
    )
    method = c.tr(
        "格内为指标值,颜色为按方向调整的极差标准化得分(低者为优的指标已反向)",
        "cells show values; colours show direction-adjusted min-max scores (lower-is-better reversed)",
    )
    return PlanItem(
        "heatmap_indicators",
        "figure",
        c.num.figure(title),
        c.note(ds.obs(inds, c.units, c.year), method=method),
        fig,
    )


def _dot(c: _Ctx, inds: list[str], county: str) -> PlanItem | None:
    ds = c.ds
    rows = [(i, c.target(i)) for i in inds]
    rows = [(i, t) for i, t in rows if t is not None]
    if not rows:
        return None
    ids = [i for i, _ in rows]
    both = ds.values(ids, c.year, [county, ds.top])
    tv = np.array([float(t["target_value"]) for _, t in rows])
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
        xlabel=c.tr("占目标值的百分比(%)", "% of target"),
        lang=c.lang,
        series_labels={"county": c.names[county], "prefecture": c.names[ds.top]},
    )
    title = c.tr(
        f"{c.names[county]}与全域主要指标达标程度({c.year}年)",
        f"{c.names[county]} vs {c.names[ds.top]}: indicators as % of target, {c.year}",
    )
    obs = ds.obs(ids, [county, ds.top], c.year)
    extra = sorted({str(t["source"]) for _, t in rows})
    method = c.tr(
        "数值为指标值占目标值的百分比", "values are the indicator as a percentage of its target"
    )
    return PlanItem(
        f"dot_{county}",
        "figure",
        captions.with_unit(c.num.figure(title), "%", c.lang),
        c.note(obs, extra, method),
        fig,
    )


def _map(c: _Ctx, ind: str) -> PlanItem | None:
    geo = _geo_file(c.ds)
    if geo is None:
        return None
    ds = c.ds
    v = ds.values([ind], c.year)[ind]
    fig = maps.choropleth(
        v, geo, names={k: c.names[k] for k in v.index}, cbar_label=c.label(ind), lang=c.lang
    )
    title = c.tr(
        f"{c.year}年各县(市){c.label(ind, False)}分布",
        f"{c.label(ind, False)} by county, {c.year} (map)",
    )
    return PlanItem(
        f"map_{ind}",
        "figure",
        c.num.figure(captions.with_unit(title, c.unit(ind), c.lang)),
        c.note(ds.obs(ind, c.units, c.year), _geo_source(ds), schematic_map=True),
        fig,
        width_cm=fig.get_figwidth() * 2.54,
    )


def _small_multiples(c: _Ctx, ind: str) -> PlanItem:
    ds = c.ds
    units, shown_note = c.units, ""
    if (
        len(units) > MAX_PANELS
    ):  # show the lagging units: lowest latest value (highest if lower is better)
        last = ds.panel(ind, units).ffill(axis=1).iloc[:, -1]
        lower = ds.indicator(ind)["direction"] == "lower"
        units = last.sort_values(ascending=lower, kind="stable").index[:MAX_PANELS].tolist()
        shown_note = c.tr(
            f"仅显示最新值最落后的{MAX_PANELS}个县(市)",
            f"only the {MAX_PANELS} lagging counties are shown",
        )
    pan = ds.panel(ind, units + [ds.top])
    long = pan.stack().rename("value").reset_index()
    long.columns = ["region_code", "year", "value"]
    top_rows = long[long["region_code"] == ds.top]
    parts = []
    for code in units:  # one panel per county: the county and the aggregate
        a = long[long["region_code"] == code].assign(
            panel=c.names[code], series=c.tr("本县(市)", "County")
        )
        b = top_rows.assign(panel=c.names[code], series=c.names[ds.top])
        parts += [a, b]
    df = pd.concat(parts, ignore_index=True)[["panel", "series", "year", "value"]]
    tgt = c.target(ind)
    targets = (
        None
        if tgt is None
        else {c.names[k]: (int(tgt["target_year"]), float(tgt["target_value"])) for k in units}
    )
    fig = figures.small_multiples(df, targets=targets, ncols=4, lang=c.lang, sharey=True)
    years = sorted(long["year"].unique())
    title = c.tr(
        f"{years[0]}—{years[-1]}年各县(市){c.label(ind, False)}变化",
        f"{c.label(ind, False)} by county, {years[0]}–{years[-1]}",
    )
    extra = [str(tgt["source"])] if tgt is not None else []
    method = c.tr("星号为目标值", "stars mark the target") if tgt is not None else ""
    method = (
        ";".join(m for m in (method, shown_note) if m)
        if c.zh
        else "; ".join(m for m in (method, shown_note) if m)
    )
    return PlanItem(
        f"trends_{ind}",
        "figure",
        c.num.figure(captions.with_unit(title, c.unit(ind), c.lang)),
        c.note(ds.obs(ind, units + [ds.top]), extra, method),
        fig,
    )


def coefficient_of_variation(panel: pd.DataFrame) -> pd.Series:
    """σ-convergence measure per year: CV = population std (ddof=0) / mean across units
    (``analysis.methods.inequality.cv``; missing values skipped)."""
    return pd.Series(inequality.cv(panel.T.to_numpy(dtype=float)), index=panel.columns)


def _sigma(c: _Ctx, inds: list[str]) -> PlanItem:
    ds = c.ds
    targeted = [i for i in inds if c.target(i) is not None] or inds
    if len(targeted) < len(
        inds
    ):  # the indicators with targets, when there are some: a readable chart
        inds = targeted
    cv = pd.DataFrame({c.label(i, False): coefficient_of_variation(ds.panel(i)) for i in inds})
    cv = cv[
        cv.notna().sum(axis=1) >= max(1, cv.shape[1] / 2)
    ]  # years where most indicators are observed
    fig = figures.trend_lines(cv, ylabel=c.tr("变异系数", "Coefficient of variation"), lang=c.lang)
    title = c.tr("各县(市)间差距变化(σ收敛)", "Gaps between counties over time (σ-convergence)")
    method = c.tr(
        "变异系数 = 县级数值的标准差 / 均值(不加权),下降表示差距缩小",
        "CV = standard deviation / mean across counties (unweighted); falling = gaps narrowing",
    )
    return PlanItem(
        "sigma_convergence",
        "figure",
        c.num.figure(title),
        c.note(ds.obs(inds, c.units), method=method),
        fig,
    )


def _lorenz(c: _Ctx, ind: str) -> PlanItem:
    ds = c.ds
    meta = ds.indicator(ind)
    denom = str(meta["denominator"]) if str(meta["denominator"]) else None
    v = ds.values([ind], c.year)[ind]
    w = ds.values([denom], c.year)[denom] if denom else None
    fig = figures.lorenz(
        v,
        w,
        lang=c.lang,
        xlabel=(
            c.tr(
                f"{c.label(denom, False)}累计占比(%)",
                f"Cumulative share of {c.label(denom, False).lower()}, %",
            )
            if denom
            else None
        ),
    )
    title = c.tr(
        f"{c.year}年{c.label(ind, False)}的县际分布(洛伦兹曲线)",
        f"Distribution of {c.label(ind, False).lower()} across counties, {c.year} (Lorenz curve)",
    )
    method = c.tr(
        "县(市)按指标值由低到高排序" + (f",以{c.label(denom, False)}加权" if denom else ""),
        "counties sorted by value"
        + (f", weighted by {c.label(denom, False).lower()}" if denom else ""),
    )
    obs = ds.obs([ind] + ([denom] if denom else []), c.units, c.year)
    return PlanItem(
        f"lorenz_{ind}",
        "figure",
        c.num.figure(title),
        c.note(obs, method=method),
        fig,
        width_cm=style.HALF_WIDTH_CM,
    )


def _fan(c: _Ctx, ind: str) -> PlanItem | None:
    from analysis.methods import projection

    ds = c.ds
    tgt = c.target(ind)
    pan = ds.panel(ind, [ds.top]).dropna(axis=1)
    if pan.shape[1] < 4:
        return None
    last = int(pan.columns.max())
    end = max(int(tgt["target_year"]) if tgt is not None else last + 5, last + 1)
    years = list(range(last + 1, end + 1))
    meta = ds.indicator(ind)
    fc = projection.project(pan, years, method="linear", lower=meta["lower"], upper=meta["upper"])
    q = {
        k: fc.quantile(p)[0]
        for k, p in {"lo80": 0.1, "hi80": 0.9, "lo95": 0.025, "hi95": 0.975}.items()
    }
    forecast = pd.DataFrame({"mean": fc.median[0], **q}, index=years)
    history = pan.iloc[0]
    target = None if tgt is None else (int(tgt["target_year"]), float(tgt["target_value"]))
    fig = figures.fan_chart(history, forecast, target=target, ylabel=c.label(ind), lang=c.lang)
    title = c.tr(
        f"{c.names[ds.top]}{c.label(ind, False)}趋势外推",
        f"{c.label(ind, False)}, {c.names[ds.top]}: projection",
    )
    method = c.tr(
        "线性趋势外推(最小二乘),阴影为80%和95%预测区间",
        "linear trend (least squares); shading: 80% and 95% prediction intervals",
    )
    extra = [str(tgt["source"])] if tgt is not None else []
    return PlanItem(
        f"fan_{ind}",
        "figure",
        c.num.figure(captions.with_unit(title, c.unit(ind), c.lang)),
        c.note(ds.obs(ind, [ds.top]), extra, method),
        fig,
    )


def _status(c: _Ctx) -> PlanItem | None:
    from analysis.methods import progress

    ds = c.ds
    t = ds.targets[ds.targets["region_code"] == ds.top].drop_duplicates("indicator")
    if t.empty:
        return None
    inds = t["indicator"].tolist()
    o = ds.obs(inds, c.units)
    base = o[o["year"] == c.year].set_index(["region_code", "indicator"])["value"]
    later = o[o["year"] > c.year].sort_values("year").groupby(["region_code", "indicator"]).last()
    grid = pd.MultiIndex.from_product([c.units, inds], names=["region_code", "indicator"])
    tt = t.set_index("indicator")
    ind_level = grid.get_level_values("indicator")
    direction = ds.indicators.set_index("id")["direction"].reindex(ind_level).to_numpy()
    kind = ds.indicators.set_index("id")["kind"].reindex(ind_level).to_numpy()
    codes = progress.status(
        base.reindex(grid).to_numpy(),
        c.year,
        later["value"].reindex(grid).to_numpy(),
        later["year"].reindex(grid).to_numpy(dtype=float),
        tt["target_value"].reindex(ind_level).to_numpy(),
        tt["target_year"].reindex(ind_level).to_numpy(),
        direction=direction,
        absolute=kind == "rate",
    )
    st = pd.Series(codes, index=grid).unstack("indicator").reindex(index=c.units, columns=inds)
    st.index = c.county_labels(st.index)
    st.columns = [c.label(i) for i in inds]
    fig = figures.status_dashboard(st, lang=c.lang)
    last_year = int(later["year"].max()) if not later.empty else c.year
    title = c.tr(
        f"各县(市)目标进展状态({c.year}—{last_year}年)",
        f"Progress towards targets by county, {c.year}–{last_year}",
    )
    method = c.tr(
        "按实际年均增速与所需年均增速之比判定(≥0.95 进展顺利,≥0.60 进展一般,>0 进展有限);比率类指标用年均变化量",
        "ratio of observed to required annual growth (≥0.95 on track, ≥0.60 moderate, >0 limited); "
        "rates use absolute change",
    )
    return PlanItem(
        "status_targets",
        "figure",
        c.num.figure(title),
        c.note(o[o["year"] >= c.year], sorted(set(t["source"])), method),
        fig,
    )


# -- tables ---------------------------------------------------------------------------
def _with_top(ds, frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = [names[k] for k in frame.index]
    return frame


def _table_structure(c: _Ctx) -> PlanItem | None:
    ds = c.ds
    census_year = int(ds.obs("population")["year"].max())
    want = [
        "population",
        "urbanisation_rate",
        "households",
        "age_60plus_share",
        "resident_committees",
        "village_committees",
    ]
    inds = [i for i in want if i in set(ds.indicators["id"])]
    regions = c.units + [ds.top]
    vals = ds.values(inds, census_year, regions)
    obs = ds.obs(inds, regions, census_year)
    frame = _with_top(ds, vals, c.names)
    frame.columns = [c.label(i) for i in inds]
    frame.insert(0, c.tr("地区", "Region"), frame.index)
    fmts = {c.label(i): ("#,##0" if ds.indicator(i)["kind"] == "count" else "0.0") for i in inds}
    title = c.tr(
        f"{census_year}年各县(市)人口与村(社区)基本情况",
        f"Population and communities by county, {census_year}",
    )
    caption = c.num.table(title)
    return PlanItem(
        "table_structure",
        "table",
        caption,
        c.note(obs),
        table=Table(frame.reset_index(drop=True), caption, c.note(obs), fmts),
    )


def _table_indicators(c: _Ctx, inds: list[str]) -> PlanItem:
    ds = c.ds
    regions = c.units + [ds.top]
    vals = ds.values(inds, c.year, regions)
    frame = _with_top(ds, vals, c.names)
    std = {i: c.target(i) for i in inds}
    frame.loc[c.tr("目标值", "Target")] = [
        np.nan if std[i] is None else float(std[i]["target_value"]) for i in inds
    ]
    frame.columns = [c.label(i) for i in inds]
    frame.insert(0, c.tr("地区", "Region"), frame.index)
    fmts = {c.label(i): "0.0" for i in inds}
    title = c.tr(
        f"{c.year}年各县(市)社区服务主要指标",
        f"Main community-service indicators by county, {c.year}",
    )
    caption = c.num.table(title)
    extra = sorted({str(t["source"]) for t in std.values() if t is not None})
    note = c.note(ds.obs(inds, regions, c.year), extra)
    return PlanItem(
        "table_indicators",
        "table",
        caption,
        note,
        table=Table(frame.reset_index(drop=True), caption, note, fmts),
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
    (for the dot plot) defaults to the county with the lowest mean score.
    """
    check_figure_set(figure_set)
    style.check_lang(lang)
    style.use()
    year = default_year(ds) if year is None else int(year)
    c = _Ctx(ds, lang, year, chapter)
    inds = ds.indicators.loc[ds.indicators["in_index"] == 1, "id"].tolist()
    items: list[PlanItem | None] = []
    if figure_set in ("baseline", "all"):
        if county is None:
            sc = scores(ds.values(inds, year), ds.indicators.set_index("id")["direction"])
            county = str(sc.mean(axis=1).idxmin())
        else:
            ds.check_regions([county])
        items += [
            _ranked(c, MAIN_INDICATOR),
            _ranked(c, WORKER_INDICATOR),
            _heatmap(c, inds),
            _dot(c, inds, county),
            _map(c, MAIN_INDICATOR),
            _table_structure(c),
            _table_indicators(c, inds),
        ]
    if figure_set in ("trends", "all"):
        targeted = sorted(
            set(inds) | set(ds.targets["indicator"]), key=list(ds.indicators["id"]).index
        )
        items += [
            _small_multiples(c, MAIN_INDICATOR),
            _sigma(c, targeted),
            _lorenz(c, WORKER_INDICATOR),
            _fan(c, MAIN_INDICATOR),
            _status(c),
        ]
    return [i for i in items if i is not None]


def write(
    items: list[PlanItem],
    outputs: str | os.PathLike | None = None,
    *,
    lang: str = "zh",
    title: str = "",
    formats: tuple[str, ...] = style.FORMATS,
) -> dict[str, list[Path]]:
    """Write figures (PNG/SVG/PDF), tables (xlsx/csv, plus one workbook of all tables) and the docx."""
    out = paths.outputs_dir(outputs)
    sfx = "" if lang == "zh" else "_en"
    written: dict[str, list[Path]] = {"figures": [], "tables": [], "docx": []}
    doc_items = []
    tables = []
    for k, it in enumerate(items, start=1):
        stem = f"plan_{k:02d}_{it.key}{sfx}"
        if it.kind == "figure":
            png = style.to_bytes(it.figure, "png")
            for fmt in formats:
                data = png if fmt == "png" else style.to_bytes(it.figure, fmt)
                written["figures"].append(write_bytes(out / "figures" / f"{stem}.{fmt}", data))
            doc_items.append(FigureItem(png, it.caption, it.note, it.width_cm))
        else:
            written["tables"].append(write_xlsx(it.table, out / "tables" / f"{stem}.xlsx"))
            written["tables"].append(write_csv(it.table, out / "tables" / f"{stem}.csv"))
            tables.append(it.table)
            doc_items.append(TableItem(it.table))
    if tables:
        written["tables"].append(write_xlsx(tables, out / "tables" / f"plan_tables{sfx}.xlsx"))
    title = title or ("规划图表" if lang == "zh" else "Plan figures and tables")
    written["docx"].append(write_docx(doc_items, out / f"plan_figures{sfx}.docx", title=title))
    return written


def summary(items: list[PlanItem]) -> pd.DataFrame:
    """One row per item: caption and source note (for the notebook)."""
    return pd.DataFrame({"caption": [i.caption for i in items], "note": [i.note for i in items]})


def preview(item: PlanItem):
    """What to show for an item in a notebook: the figure, or the table's frame."""
    return item.figure if item.figure is not None else item.table.frame


def close(items: list[PlanItem]) -> None:
    """Release the figures' memory."""
    for i in items:
        if i.figure is not None:
            plt.close(i.figure)
