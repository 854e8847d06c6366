"""Report 07, the documents an office files: the final evaluation report of the plan period
and the indicator chapter of the next plan, written as Word files (``present.plan_documents``)
from the results model, with the code-named twin CSV of every table they hold. The page
lists each document's sections and tables with a download link."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.io import give_back_memory
from analysis.present import chapter, plan_documents
from analysis.present.documents import FigureItem, HeadingItem, TableItem
from analysis.present.escape import markdown_text
from analysis.present.reports import page
from analysis.results import tables as rtables

KIND = "07_documents"
FOLDER = "documents"  # under the outputs folder; the page links ../documents/<file>.docx


@dataclass
class Documents:
    pg: page.Page
    base_year: int
    target_year: int
    next_year: int
    p: float
    rule: str


def open(  # noqa: A001
    *,
    data_dir: str = "",
    top: str = "",
    level: str = "",
    outputs_dir: str = "",
    base_year: int = 0,
    target_year: int = 0,
    p: float = rtables.P,
    rule: str = "gap",
    report_name: str = "",
    lang: str = "zh",
) -> Documents:
    """Load the scope; the period defaults to the data set's last plan period
    (``results.tables.periods``) and the next one (``next_period``)."""
    ds = page.dataset(data_dir, top, level, outputs_dir)
    if not (base_year and target_year):
        base_year, target_year = rtables.periods(ds)[-1]
    pg = page.open(KIND, ds, report_name or KIND, lang)
    return Documents(pg, int(base_year), int(target_year), int(target_year) + 5, float(p), rule)


def opening(r: Documents) -> None:
    """Title and what the documents are."""
    r.pg.title("reports.documents.page_title")
    chapter.paragraph(r.pg.t("reports.documents.intro"))


def _show(r: Documents, doc: plan_documents.Document, key: str) -> Path:
    """Write ``doc`` and its twin CSVs; show its title, link, sections and tables."""
    pg = r.pg
    folder = paths.publish_dir() / FOLDER
    path = Path(doc.write(folder))
    for name, frame in doc.data.items():
        pg.write(frame, name)
    pg.heading(key)
    lines = [
        pg.t(
            "reports.documents.download",
            title=markdown_text(doc.title),
        )
        + f" [{path.name}](../{FOLDER}/{path.name})",
        "",
    ]
    for it in doc.items:
        if isinstance(it, HeadingItem):
            lines.append(f"- {markdown_text(it.text)}")
        elif isinstance(it, TableItem | FigureItem):
            lines.append(f"    - {markdown_text(it.caption)}")
    from IPython.display import Markdown, display

    display(Markdown("\n".join(lines)))
    return path


def evaluation(r: Documents) -> Path:
    """The final evaluation report of the period."""
    doc = plan_documents.evaluation(r.pg.ds, r.base_year, r.target_year, r.pg.lang, rule=r.rule)
    path = _show(r, doc, "reports.documents.evaluation")
    give_back_memory()  # a national document's XML tree is gone
    return path


def next_period(r: Documents) -> Path:
    """The indicator chapter of the next plan."""
    doc = plan_documents.next_period(
        r.pg.ds, r.target_year, r.next_year, r.p, r.pg.lang, rule=r.rule
    )
    path = _show(r, doc, "reports.documents.next")
    give_back_memory()
    return path
