"""Report 04, the plan's figures and tables as a plan page: what the set holds, the list of
figures and tables with their download links, each figure and table with its caption and
source note, the documents to download, and the methods last (``present.plan_figures``
builds and writes the set)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.present import chapter, plan_figures
from analysis.present.escape import markdown_text
from analysis.present.reports import page
from analysis.present.tables import display_value
from analysis.results import tables as rtables

KIND = "04_plan_figures"
FORMATS = ("png", "svg", "pdf")


@dataclass
class PlanPage:
    pg: page.Page
    items: list[plan_figures.PlanItem]
    written: dict


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    figure_set: str = "all",
    lang: str = "zh",
) -> PlanPage:
    """Load the scope, build the set and write its files (figures, tables, docx, CSVs)."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    items = plan_figures.build(ds, figure_set, lang)
    written = plan_figures.write(items, lang=lang)
    return PlanPage(page.open(KIND, ds, KIND, lang), items, written)


def _md(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def _links(r: PlanPage, item: plan_figures.PlanItem) -> str:
    """Download links of an item (relative to the page in html/)."""
    stem = plan_figures.stem(item, r.pg.lang)
    if item.kind == "figure":
        return " ".join(f"[{f.upper()}](../figures/{stem}.{f})" for f in FORMATS)
    return f"[Excel](../tables/{stem}.xlsx) [CSV](../tables/{stem}.csv)"


def opening(r: PlanPage) -> None:
    """Title and what the set holds."""
    pg, ds = r.pg, r.pg.ds
    pg.title("reports.plan_figures.page_title")
    per = rtables.periods(ds)
    nxt = rtables.next_period(ds)
    base = plan_figures.default_year(ds)
    target = per[-1][1] if per else base
    chapter.paragraph(
        pg.t("reports.plan_figures.intro", base=base, target=target, next=nxt[1] if nxt else "")
    )


def catalogue(r: PlanPage) -> None:
    """The list of figures and tables: number, caption, download links."""
    pg = r.pg
    pg.heading("reports.plan_figures.catalogue")
    head = [pg.t(f"reports.plan_figures.col_{k}") for k in ("caption", "files")]
    lines = [f"| {head[0]} | {head[1]} |", "| --- | --- |"]
    for it in r.items:
        lines.append(f"| {markdown_text(it.caption)} | {_links(r, it)} |")
    _md("\n".join(lines))


def figures(r: PlanPage) -> None:
    """Every figure with its caption and source note."""
    from IPython.display import display

    r.pg.heading("reports.plan_figures.figures")
    for it in r.items:
        if it.figure is None:
            continue
        chapter.caption(it.caption)
        display(it.figure)
        chapter.paragraph(it.note)


def shown(item: plan_figures.PlanItem) -> pd.DataFrame:
    """A table as the documents print it: every number formatted with its column's (or
    row's) format, thousands separators, missing values as a dash."""
    tab = item.table
    assert tab is not None
    f = tab.frame
    return pd.DataFrame(
        {
            col: [display_value(v, tab.format_of(i, col)) for i, v in enumerate(f[col])]
            for col in f.columns
        }
    )


def tables(r: PlanPage) -> None:
    """Every table with its caption and source note."""
    from IPython.display import display

    from analysis.present import display as disp

    r.pg.heading("reports.plan_figures.tables")
    for it in r.items:
        if it.table is None:
            continue
        chapter.caption(it.caption)
        display(disp.show(shown(it), None, r.pg.lang))
        chapter.paragraph(it.note)


def files(r: PlanPage) -> None:
    """The Word document and the workbook of all tables."""
    pg = r.pg
    pg.heading("reports.plan_figures.files")
    sfx = "" if pg.lang == "zh" else f"_{pg.lang}"
    _md(
        pg.t(
            "reports.plan_figures.files_text",
            docx=f"plan_figures{sfx}.docx",
            xlsx=f"plan_tables{sfx}.xlsx",
        )
    )


def methods(r: PlanPage) -> None:
    """The closing methods section, last."""
    chapter.methods(r.pg.t("reports.plan_figures.methods").strip(), r.pg.lang)
    plan_figures.close(r.items)
