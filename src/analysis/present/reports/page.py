"""What every report page shares: the data set of the run's scope, the language, automatic
figure and table numbers, the CSV folder of its tables, and one way to show a heading, a
table (with its CSV), a figure and a paragraph.

Usage::

    pg = page.open("05_final_evaluation", report="05_final_evaluation_2025", lang="zh")
    pg.heading("reports.evaluation.summary")
    pg.table(display_frame, "Title", note, data=code_frame, name="summary")
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import paths
from analysis.data import Dataset, load, words
from analysis.messages import t
from analysis.present import captions, chapter, datatables, style


@dataclass
class Page:
    """One report page being shown: its data set, language, numbering and CSV folder."""

    ds: Dataset
    lang: str
    report: str
    num: captions.Numbering

    def t(self, key: str, **fields) -> str:
        """Catalogue message ``key`` with the data set's ``{units}``/``{whole}`` words."""
        return t(key, self.lang, **{**words.fields(self.ds, self.lang), **fields})

    def title(self, key: str, **fields) -> None:
        """The page title (catalogue ``key``), the one first-level heading of the page."""
        chapter.paragraph(f"# {self.t(key, **fields)}")

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
    ) -> None:
        """A numbered table with its note; ``data`` (code-named) is written as ``name``.csv."""
        chapter.table(
            frame, self.ds, self.lang, caption=self.num.table(title), note=note, digits=digits
        )
        if data is not None:
            self.write(data, name)

    def figure(self, fig, title: str, note: str = "") -> None:
        """A numbered figure with its note."""
        from IPython.display import display

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


def open(kind: str, ds: Dataset, report: str, lang: str = "zh") -> Page:  # noqa: A001
    """A page of report ``kind`` (its chapter number from ``captions.REPORT_CHAPTERS``)."""
    return Page(ds, lang, report, captions.report_numbering(kind, lang))
