"""What every report page shares: the data set of the run's scope, the language, automatic
figure and table numbers, the CSV folder of its tables, and one way to show a heading, a
table (with its CSV), a figure and a paragraph.

Illustrative data is marked where it is read: the page's opening shows the illustrative-data
banner (``findings.banner``) when the observations the page uses include an illustrative
series (``illustrative``), and a figure built from such observations carries the illustrative-data
mark in its corner (``style.mark_illustrative``).

Usage::

    pg = page.open("05_final_evaluation", report="05_final_evaluation_2025", lang="zh")
    pg.heading("reports.evaluation.summary")
    pg.table(display_frame, "Title", note, data=code_frame, name="summary")
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import paths
from analysis.data import Dataset, load, words
from analysis.messages import t
from analysis.present import captions, chapter, datatables, style
from analysis.present import findings as _findings


@dataclass
class Page:
    """One report page being shown: its data set, language, numbering and CSV folder."""

    ds: Dataset
    lang: str
    report: str
    num: captions.Numbering
    illustrative: bool = field(default=False)  # any illustrative series used on the page

    def t(self, key: str, **fields) -> str:
        """Catalogue message ``key`` with the data set's ``{units}``/``{whole}`` words."""
        return t(key, self.lang, **{**words.fields(self.ds, self.lang), **fields})

    def title(self, key: str, **fields) -> None:
        """The page title (catalogue ``key``), the one first-level heading of the page."""
        chapter.paragraph(f"# {self.t(key, **fields)}")

    def findings(self, sections: dict[str, list[str]]) -> None:
        """The opening findings, the illustrative-data banner first when the page uses an
        illustrative series or any sentence is flagged (once, above the findings)."""
        flagged = _findings.Findings(**sections).illustrative()
        if self.illustrative or flagged:
            chapter.paragraph(_findings.banner(self.lang))
        chapter.findings(sections, self.lang, with_banner=False)

    def heading(self, key: str, *paragraphs: str, **fields) -> None:
        """A section heading (catalogue ``key``) and its introduction."""
        chapter.paragraph(f"## {self.t(key, **fields)}", *paragraphs)

    def table(
        self,
        frame: pd.DataFrame,
        title: str,
        note: str = "",
        *,
        data: pd.DataFrame | None = None,
        name: str = "",
        digits: int = 1,
        attention=None,
    ) -> None:
        """A numbered table with its note; ``data`` (code-named) is written as ``name``.csv.

        A table of more than ``chapter.LONG`` rows shows the rows flagged in ``attention``
        (one boolean per row) and folds the whole table, with a link to the CSV.
        """
        csv = f"../data/{self.report}/{name}.csv" if data is not None and name else ""
        chapter.table(
            frame,
            self.ds,
            self.lang,
            caption=self.num.table(title),
            note=note,
            digits=digits,
            attention=attention,
            csv=csv,
        )
        if data is not None:
            self.write(data, name)

    def figure(self, fig, title: str, note: str = "", *, obs: pd.DataFrame | None = None) -> None:
        """A numbered figure with its note; the illustrative-data mark in its corner when
        ``obs`` (the observations it is drawn from) include an illustrative value."""
        from IPython.display import display

        if obs is not None and captions.is_illustrative(self.ds, obs):
            style.mark_illustrative(fig, self.lang)
        chapter.caption(self.num.figure(title))
        display(fig)
        if note:
            chapter.paragraph(note)

    def write(self, frame: pd.DataFrame, name: str) -> None:
        """Write a code-named table as ``<outputs>/data/<report>/<name>.csv``."""
        datatables.write_table(frame, self.report, name)


def dataset(data_dir: str = "", top: str = "", level: str = "", outputs_dir: str = "") -> Dataset:
    """The run's data set and scope; publishes where the runner says (by hand: scratch)."""
    style.use()
    ds = load(data_dir or None, top=top or None, unit_level=level or None)
    paths.use_outputs(outputs_dir)
    return ds


def open(  # noqa: A001
    kind: str, ds: Dataset, report: str, lang: str = "zh", obs: pd.DataFrame | None = None
) -> Page:
    """A page of report ``kind`` (its chapter number from ``captions.REPORT_CHAPTERS``);
    ``obs``, the observations the page uses, decide the illustrative-data banner."""
    ill = obs is not None and captions.is_illustrative(ds, obs)
    return Page(ds, lang, report, captions.report_numbering(kind, lang), ill)
