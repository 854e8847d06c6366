"""The documents an office files, built from the results model (report 07_documents):

- ``evaluation(ds, base, target)``: the final evaluation report of a plan period, in the
  order such reports use: overall implementation, the main targets
  (indicator, unit, attribute, baseline, target, actual, result), the results of each unit
  (one table per target, a map of the targets each unit meets), main problems and
  recommendations. Numbers come from ``results.open(ds).evaluation(...)``, sentences from
  the findings of ``words.evaluation`` (the same as report 05).
- ``next_period(ds, base, target, p)``: the indicator chapter of the next plan: the table of
  main indicators (baseline, target, attribute, the basis of each target: the standard, the
  trend at probability p, or the current value; a carried-forward standard is named), one
  paragraph per indicator on how its target was set, and the annex splitting every target
  between the units. Numbers come from ``results.open(ds).next_targets(...)``, as in report 06.

Each ``Document`` holds its docx items and the code-named twin of every table
(``data``: name -> frame with ``region_code``, ``indicator`` and quantity columns named as
in the results tables), written as CSV beside the report's other tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import results
from analysis.data import Dataset, words
from analysis.io import write_bytes
from analysis.messages import t
from analysis.present import captions, maps, style
from analysis.present.documents import (
    FigureItem,
    HeadingItem,
    Item,
    ParagraphItem,
    TableItem,
    docx_bytes,
)
from analysis.present.numbers import fmt, indicator_decimals
from analysis.present.tables import Table
from analysis.present.words import evaluation as ew
from analysis.present.words import grouped, periods, plan_words
from analysis.present.words import next_period as npw
from analysis.present.words.labels import status_label

EVAL_COLUMNS = (
    "region_code",
    "indicator",
    "attribute",
    "baseline_year",
    "baseline",
    "target_year",
    "target",
    "final_year",
    "final",
    "difference",
    "final_status",
)
NEXT_COLUMNS = (
    "region_code",
    "indicator",
    "attribute",
    "baseline_year",
    "baseline",
    "target_year",
    "projected_p",
    "standard",
    "next_target",
    "basis",
    "carried",
)


@dataclass
class Document:
    """One office document: file stem, title, docx items and the twin tables (code-named)."""

    name: str
    title: str
    items: list[Item] = field(default_factory=list)
    data: dict[str, pd.DataFrame] = field(default_factory=dict)

    def docx(self) -> bytes:
        return docx_bytes(self.items, title=self.title)

    def write(self, folder) -> str:
        """Write ``<folder>/<name>.docx`` atomically; the path."""
        return str(write_bytes(folder / f"{self.name}.docx", self.docx()))


class _Doc:
    """What the builders share: data set, language, words, numbering."""

    def __init__(self, ds: Dataset, lang: str):
        self.ds, self.lang = ds, lang
        self.w = words.fields(ds, lang)
        self.num = captions.Numbering(chapter=None, lang=lang)
        self.items: list[Item] = []

    def tr(self, key: str, **fields) -> str:
        return t(f"documents.{key}", self.lang, **{**self.w, **fields})

    def head(self, text: str, level: int = 1) -> None:
        self.items.append(HeadingItem(text, level))

    def para(self, *texts: str) -> None:
        for text in texts:
            self.items.append(ParagraphItem(captions.localise(text, self.lang)))

    def decimals(self, ind: str) -> int:
        return indicator_decimals(self.ds, ind)

    def value(self, ind: str, v) -> str:
        """A value of ``ind`` as every table shows it (``numbers.fmt``, indicator decimals)."""
        return fmt(v, self.decimals(ind))

    def unit(self, ind: str) -> str:
        return str(self.ds.indicator(ind)[f"unit_{self.lang}"] or "")

    def table(
        self,
        frame: pd.DataFrame,
        title: str,
        obs: pd.DataFrame,
        method: str = "",
        wrap: tuple[str, ...] = (),
    ) -> str:
        """Append a numbered table (marked illustrative when any value is); its number. The
        cells of the ``wrap`` columns (names, reasons) may take two lines in Word."""
        caption = self.num.table(title)
        ill = captions.is_illustrative(self.ds, obs)
        note = captions.source_note(self.ds, obs, self.lang, method=method)
        tab = Table(frame.reset_index(drop=True), caption, note, {}, ill, self.lang)
        shown = Table(tab.frame, tab.title, note, {}, ill, self.lang, wrap=wrap)
        self.items.append(TableItem(shown))
        return self.number("table")

    def text_columns(self) -> tuple[str, ...]:
        """The columns of long text in the indicator tables (may wrap onto two lines)."""
        return (self.tr("col.indicator"), self.tr("col.basis"))

    def number(self, kind: str) -> str:
        return str(self.num.counts[kind])


def _attribute(ds: Dataset, ind: str, year: int, lang: str) -> tuple[str, str]:
    """(code, label) of the target's attribute (expected / binding) in ``targets.csv``."""
    tg = ds.targets
    row = tg[(tg["indicator"] == ind) & (tg["region_code"] == ds.top) & (tg["target_year"] == year)]
    row = row[row["attribute"] != "benchmark"]
    code = str(row["attribute"].iloc[0]) if len(row) else "expected"
    return code, t(f"documents.attribute.{code}", lang)


def _regions_last_top(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The units in their order, then the whole region (the total row) last; with an
    intermediate level, units grouped under it with each group's subtotal row
    (``grouped.arrange``, as on pages 05 and 06)."""
    if grouped.level(ds) is not None:
        return grouped.arrange(ds, frame)
    order = {c: k for k, c in enumerate([*ds.unit_codes, ds.top])}
    keep = frame[frame["region_code"].isin(order)]
    return keep.sort_values("region_code", key=lambda s: s.map(order), kind="stable")


def _region_column(d: _Doc, one: pd.DataFrame) -> dict[str, list[str]]:
    """The region column of a unit table, and the group's column when there is a level."""
    out = {d.tr("col.region"): grouped.region_names(d.ds, one, d.lang)}
    if grouped.level(d.ds) is not None:
        col = t("targets.group_col", d.lang, groups=grouped.group_word(d.ds, d.lang))
        out[col] = grouped.group_names(d.ds, one, d.lang)
    return out


def _groups_table(d: _Doc, frame: pd.DataFrame, obs: pd.DataFrame, year: int) -> pd.DataFrame:
    """The intermediate level's results, page 05's table (``group_frame`` shown by
    ``group_display``) with the indicator decimals of the Word tables; empty without."""
    gf = ew.group_frame(frame, d.ds)
    if gf.empty:
        return gf
    shown = ew.group_display(gf, frame, d.ds, d.lang, value=d.value)
    title = ew.group_caption(d.ds, year, d.lang)
    d.table(shown, title, obs, wrap=(str(shown.columns[0]), str(shown.columns[-1])))
    return gf


# -- the final evaluation --------------------------------------------------------------
def evaluation_data(ds: Dataset, base_year: int, target_year: int, rule: str = "gap"):
    """The evaluation of the period (results model) with the targets' attributes, in
    ``EVAL_COLUMNS``."""
    frame = results.open(ds).evaluation(base_year, target_year, rule=rule)
    out = frame.rename(columns={"status": "final_status"}).copy()
    out["attribute"] = [_attribute(ds, i, target_year, "zh")[0] for i in out["indicator"]]
    return out[list(EVAL_COLUMNS)]


def evaluation(
    ds: Dataset, base_year: int = 2020, target_year: int = 2025, lang: str = "zh", rule: str = "gap"
) -> Document:
    """The final evaluation report of ``base_year`` -> ``target_year`` (module docstring)."""
    style.use()
    d = _Doc(ds, lang)
    period = periods.plan_name(base_year, target_year, lang)
    data = evaluation_data(ds, base_year, target_year, rule)
    frame = results.open(ds).evaluation(base_year, target_year, rule=rule)
    inds = list(dict.fromkeys(data["indicator"]))
    find = ew.plan_findings(frame, ds, target_year, lang)
    top = data[data["region_code"] == ds.top].set_index("indicator")
    obs_all = ds.obs(inds, [ds.top, *ds.unit_codes])
    obs_all = obs_all[obs_all["year"] <= target_year]

    d.head(d.tr("eval.h1"))
    d.para(ew.intro(ds, base_year, target_year, lang), *find["status"])

    d.head(d.tr("eval.h2"))
    nxt = str(d.num.counts["table"] + 1)
    d.para(d.tr("eval.indicator_intro", period=period, n=len(inds), table=nxt, target=target_year))
    rows = []
    late = []
    for k, ind in enumerate(inds, start=1):
        r = top.loc[ind]
        rows.append(
            {
                d.tr("col.number"): str(k),
                d.tr("col.indicator"): plan_words.label(ds, ind, lang),
                d.tr("col.unit"): d.unit(ind),
                d.tr("col.attribute"): _attribute(ds, ind, target_year, lang)[1],
                d.tr("col.baseline", year=base_year): d.value(ind, r["baseline"]),
                d.tr("col.target", year=target_year): d.value(ind, r["target"]),
                d.tr("col.final", year=target_year): d.value(ind, r["final"]),
                d.tr("col.status"): status_label(str(r["final_status"]), lang),
            }
        )
        if pd.notna(r["final_year"]) and int(r["final_year"]) != target_year:
            late.append(
                d.tr(
                    "eval.final_year_note",
                    label=rows[-1][d.tr("col.indicator")],
                    year=int(r["final_year"]),
                )
            )
    top_obs = obs_all[obs_all["region_code"] == ds.top]
    method = t("present.note_sep", lang).join([d.tr("eval.attribute_source"), *late])
    title = d.tr("eval.indicator_title", period=period)
    d.table(pd.DataFrame(rows), title, top_obs, method, wrap=d.text_columns())

    d.head(d.tr("eval.h3"))
    first = d.num.counts["table"] + 1
    has_map = _map_possible(ds)
    fig_no = d.num.counts["figure"] + 1
    intro_key = "eval.units_intro" if has_map else "eval.units_intro_nomap"
    d.para(d.tr(intro_key, first=first, last=first + len(inds) - 1, figure=fig_no))
    groups = _groups_table(d, frame, obs_all, target_year)
    arranged = {}
    for ind in inds:
        one = _regions_last_top(ds, data[data["indicator"] == ind])
        arranged[ind] = one
        shown = pd.DataFrame(
            {
                **_region_column(d, one),
                d.tr("col.baseline", year=base_year): [d.value(ind, v) for v in one["baseline"]],
                d.tr("col.final", year=target_year): [d.value(ind, v) for v in one["final"]],
                d.tr("col.target", year=target_year): [d.value(ind, v) for v in one["target"]],
                d.tr("col.difference"): [d.value(ind, v) for v in one["difference"]],
                d.tr("col.status"): [status_label(str(s), lang) for s in one["final_status"]],
            }
        )
        title = captions.with_unit(
            d.tr("eval.units_title", label=plan_words.label(ds, ind, lang), year=target_year),
            d.unit(ind),
            lang,
        )
        d.table(shown, title, obs_all[obs_all["indicator"] == ind])
    if has_map:
        _met_map(d, data, inds, obs_all, target_year)
    d.para(d.tr("eval.gaps_intro"), *find["gaps"])

    d.head(d.tr("eval.h4"))
    d.para(*find["problems"])
    d.head(d.tr("eval.h5"))
    d.para(*find["actions"])

    top_name = ds.name(ds.top, lang)
    doc = Document(
        f"final_evaluation_{target_year}",
        d.tr("eval.title", top=top_name, period=period),
        d.items,
        {"evaluation_indicators": data[data["region_code"] == ds.top].reset_index(drop=True)},
    )
    for ind in inds:
        doc.data[f"evaluation_units_{ind}"] = arranged[ind].reset_index(drop=True)
    if not groups.empty:
        doc.data["evaluation_groups"] = groups.reset_index(drop=True)
    return doc


def _geo(ds: Dataset):
    folder = ds.root / "geo"
    files = sorted(folder.glob("*.geojson")) if folder.is_dir() else []
    return files[0] if files else None


def _map_possible(ds: Dataset) -> bool:
    geo = _geo(ds)
    return geo is not None and set(ds.unit_codes) <= set(maps.read_features(geo)["code"])


def _met_map(d: _Doc, data: pd.DataFrame, inds: list[str], obs: pd.DataFrame, year: int) -> None:
    """A map of the number of targets each unit meets."""
    ds, lang = d.ds, d.lang
    units = data[data["region_code"].isin(ds.unit_codes)]
    met = (units["final_status"] == "met").groupby(units["region_code"]).sum().astype(float)
    met = met.reindex(ds.unit_codes)
    ill = captions.is_illustrative(ds, obs)
    fig = maps.choropleth(
        met,
        _geo(ds),
        names=ds.names(lang),
        cbar_label=d.tr("eval.map_legend", n=len(inds)),
        lang=lang,
        illustrative=ill,
        **maps.group_args(ds, lang),
    )
    geo_src = ds.sources.loc[ds.sources["id"].str.contains("geo", case=False), "id"].tolist()
    note = captions.source_note(
        ds,
        obs,
        lang,
        schematic_map=True,
        extra_sources=geo_src,
        method=d.tr("eval.map_note"),
    )
    caption = d.num.figure(d.tr("eval.map_title", year=year))
    png = style.to_bytes(fig, "png")
    from matplotlib import pyplot as plt

    plt.close(fig)
    d.items.append(
        FigureItem(png, caption, note, min(style.FULL_WIDTH_CM, fig.get_figwidth() * 2.54))
    )


# -- the next plan's indicator chapter ----------------------------------------------------
def next_data(ds: Dataset, base_year: int, target_year: int, p: float, rule: str = "gap"):
    """The next-period targets (results model) with attribute and carried flag, in
    ``NEXT_COLUMNS``."""
    frame, std = results.open(ds).next_targets(base_year, target_year, p, rule=rule)
    out = frame.rename(columns={"target": "next_target"}).copy()
    out["carried"] = [bool(std.loc[i, "carried"]) for i in out["indicator"]]
    out["attribute"] = [str(std.loc[i, "attribute"]) for i in out["indicator"]]
    return out[list(NEXT_COLUMNS)], frame, std


def _basis(d: _Doc, code: str, carried: bool, source: str, base_year: int, p: float) -> str:
    if not code:
        return ""
    basis = d.tr(f"next.basis.{code}", p=plan_words.pct(p, d.lang))
    if carried:
        return d.tr("next.basis_carried", basis=basis, year=base_year)
    titles = dict(zip(d.ds.sources["id"], d.ds.sources["title"], strict=True))
    if source in titles:
        return d.tr("next.basis_source", basis=basis, title=titles[source])
    return basis


def next_period(
    ds: Dataset,
    base_year: int = 2025,
    target_year: int = 2030,
    p: float = 0.8,
    lang: str = "zh",
    rule: str = "gap",
) -> Document:
    """The indicator chapter of the next plan period (module docstring)."""
    style.use()
    d = _Doc(ds, lang)
    period = periods.plan_name(base_year, target_year, lang)
    data, frame, std = next_data(ds, base_year, target_year, p, rule)
    inds = list(dict.fromkeys(data["indicator"]))
    top = data[data["region_code"] == ds.top].set_index("indicator")
    obs = ds.obs(inds, [ds.top, *ds.unit_codes])
    obs = obs[obs["year"] <= base_year]
    pw = plan_words.pct(p, lang)

    d.head(d.tr("next.h1"))
    d.para(
        npw.intro(ds, base_year, target_year, p, lang),
        d.tr("next.intro_table", period=period, table=d.num.counts["table"] + 1),
    )
    rows = []
    for k, ind in enumerate(inds, start=1):
        r = top.loc[ind]
        src = str(std.loc[ind, "source"])
        rows.append(
            {
                d.tr("col.number"): str(k),
                d.tr("col.indicator"): plan_words.label(ds, ind, lang),
                d.tr("col.unit"): d.unit(ind),
                d.tr("col.baseline", year=base_year): d.value(ind, r["baseline"]),
                d.tr("col.target", year=target_year): d.value(ind, r["next_target"]),
                d.tr("col.attribute"): t(f"documents.attribute.{r['attribute']}", lang),
                d.tr("col.basis"): _basis(
                    d, str(r["basis"]), bool(r["carried"]), src, base_year, p
                ),
            }
        )
    top_obs = obs[obs["region_code"] == ds.top]
    d.table(
        pd.DataFrame(rows), d.tr("next.table_title", period=period), top_obs, wrap=d.text_columns()
    )

    d.head(d.tr("next.h2"))
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    for ind in inds:
        r = top.loc[ind]
        q = plan_words.qty_of(ds, ind, lang)
        f = {"carried": bool(r["carried"]), "source": str(std.loc[ind, "source"])}
        units = data[(data["indicator"] == ind) & data["region_code"].isin(ds.unit_codes)]
        d.para(
            d.tr(
                "next.paragraph",
                label=plan_words.label(ds, ind, lang),
                base=base_year,
                year=target_year,
                baseline=q(r["baseline"]),
                projected=q(r["projected_p"]),
                standard=q(r["standard"]),
                target=q(r["next_target"]),
                p=pw,
                origin=npw._origin(f, base_year, titles, lang),
                basis=d.tr(f"next.basis.{r['basis'] or 'current'}", p=pw),
            )
            + d.tr(
                "next.paragraph_units",
                n=len(units),
                k_standard=int((units["basis"] == "standard").sum()),
                k_trend=int((units["basis"] == "trend").sum()),
                k_current=int((units["basis"] == "current").sum()),
            )
        )

    d.head(d.tr("next.annex"))
    arranged = {}
    for ind in inds:
        one = _regions_last_top(ds, data[data["indicator"] == ind])
        arranged[ind] = one
        shown = pd.DataFrame(
            {
                **_region_column(d, one),
                d.tr("col.baseline", year=base_year): [d.value(ind, v) for v in one["baseline"]],
                d.tr("col.projected", year=target_year, p=pw): [
                    d.value(ind, v) for v in one["projected_p"]
                ],
                d.tr("col.standard"): [d.value(ind, v) for v in one["standard"]],
                d.tr("col.target", year=target_year): [d.value(ind, v) for v in one["next_target"]],
                d.tr("col.basis"): [
                    d.tr(f"next.basis.{b}", p=pw) if b else "" for b in one["basis"]
                ],
            }
        )
        title = captions.with_unit(
            d.tr("next.units_title", label=plan_words.label(ds, ind, lang), year=target_year),
            d.unit(ind),
            lang,
        )
        d.table(shown, title, obs[obs["indicator"] == ind])

    top_name = ds.name(ds.top, lang)
    doc = Document(
        f"next_period_indicators_{target_year}",
        d.tr("next.title", top=top_name, period=period),
        d.items,
        {"next_indicators": data[data["region_code"] == ds.top].reset_index(drop=True)},
    )
    for ind in inds:
        doc.data[f"next_units_{ind}"] = arranged[ind].reset_index(drop=True)
    del frame
    return doc
