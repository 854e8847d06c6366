"""Captions and source notes generated from provenance.

Every figure and table in the plan carries a number (figure 2-1 / table 3-2), a title with its
unit, and a source note that lists the titles of every source behind the values shown, adding
the illustrative-data note (``present.illustrative_note``) when any value is illustrative and
the schematic-map note (``present.schematic_note``) on maps. Chinese text uses full-width
punctuation (``zh_punctuation``).

>>> n = Numbering(chapter=2, lang="en")
>>> n.figure("Facility area by county")
'Figure 2-1 Facility area by county'

A report takes its chapter from ``REPORT_CHAPTERS`` (report kind = notebook name), so no
notebook types a chapter number and two kinds never share one; within a report one
``Numbering`` hands out every number, so no two artefacts share one:

>>> n = report_numbering("03_target_projection_2030", "en")
>>> n.table("Targets"), n.table("Projection"), n.figure("Status")
('Table 4-1 Targets', 'Table 4-2 Projection', 'Figure 4-1 Status')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.errors import user_error
from analysis.messages import t
from analysis.present import style

_CJK = r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]"


def zh_punctuation(text: str) -> str:
    """Chinese text with full-width brackets, colons and semicolons (GB/T 15834-2011);
    a comma becomes full-width only between Chinese characters (1,431 stays as it is),
    and a half-width ``:``/``;``/``,`` loses the space after it."""
    out = re.sub(r"\s*\(\s*", "\uff08", text)
    out = re.sub(r"\s*\)", "\uff09", out)
    out = re.sub(r"(?<!\d):(?!//)\s*|:(?!\d|//)\s*", "\uff1a", out)
    out = re.sub(r";\s*", "\uff1b", out)
    out = re.sub(rf"(?<={_CJK}),\s*|,\s*(?={_CJK})", "\uff0c", out)
    return out


def _sources(ds, obs: pd.DataFrame, extra_sources: Sequence[str] = ()) -> pd.DataFrame:
    src = ds.sources_of(obs)
    if extra_sources:
        more = ds.sources[ds.sources["id"].isin(list(extra_sources))]
        src = pd.concat([src, more]).drop_duplicates("id").sort_values("id")
    return src


def is_illustrative(ds, obs: pd.DataFrame, extra_sources: Sequence[str] = ()) -> bool:
    """Whether any value in ``obs`` (or any source in ``extra_sources``) is illustrative."""
    return bool((_sources(ds, obs, extra_sources)["kind"] == "illustrative").any())


def _titles(
    ds, obs: pd.DataFrame, extra_sources: Sequence[str] = (), lang: str = "zh"
) -> tuple[list[str], bool]:
    src = _sources(ds, obs, extra_sources)
    title = src["title"].astype(str)
    if lang == "en" and "title_en" in src.columns:  # English title where sources.csv has one
        title = src["title_en"].fillna("").astype(str).where(lambda t: t.str.strip() != "", title)
    titles = list(dict.fromkeys(title))
    return titles, bool((src["kind"] == "illustrative").any())


_PUNCTUATION = {"zh": zh_punctuation}  # languages whose punctuation differs from ASCII


def localise(text: str, lang: str) -> str:
    """``text`` with the punctuation of ``lang`` (full-width for Chinese)."""
    return _PUNCTUATION.get(lang, str)(text)


def source_note(
    ds,
    obs: pd.DataFrame,
    lang: str = "zh",
    *,
    schematic_map: bool = False,
    extra_sources: Sequence[str] = (),
    method: str = "",
) -> str:
    """Source note for the values in ``obs`` (rows of ``ds.obs``), in Chinese or English.

    ``present.source`` with the source titles, then ``present.note`` with ``method`` (how the
    values were computed), the estimated-denominator phrase when any rate divides by a stock
    estimated after the census (``denominator_basis``), the illustrative-data note when any
    source is illustrative and the schematic-map note for maps. Source ids in
    ``extra_sources`` (e.g. the map boundaries) are listed too.
    """
    style.check_lang(lang)
    titles, illustrative = _titles(ds, obs, extra_sources, lang)
    notes = [method] if method else []
    if "denominator_basis" in obs.columns and obs["denominator_basis"].eq("estimated").any():
        notes.append(t("present.estimated_denominator_note", lang))
    if illustrative:
        notes.append(t("present.illustrative_note", lang))
    if schematic_map:
        notes.append(t("present.schematic_note", lang))
    sep = t("present.source_sep", lang)
    listed = sep.join(titles) if titles else t("present.source_none", lang)
    text = t("present.source", lang, titles=listed)
    if notes:
        joined = t("present.note_sep", lang).join(n.rstrip("\u3002.") for n in notes)
        text += t("present.note", lang, notes=joined)
    return localise(text, lang)


@dataclass
class Numbering:
    """Hands out figure and table numbers: figure 2-1, table 2-1 (chapter given) or 1, 2 ...

    The prefixes are ``present.figure_prefix`` / ``present.table_prefix``. Each kind counts
    separately.
    """

    chapter: int | str | None = None
    lang: str = "zh"
    counts: dict[str, int] = field(default_factory=lambda: {"figure": 0, "table": 0})

    def __post_init__(self) -> None:
        style.check_lang(self.lang)

    def next(self, kind: str) -> str:
        """The next number of ``kind`` ("figure" or "table"), e.g. "Figure 2-3"."""
        if kind not in self.counts:
            raise user_error("present.unknown_numbering", kind=kind)
        self.counts[kind] += 1
        k = self.counts[kind]
        prefix = t(f"present.{kind}_prefix", self.lang)
        return f"{prefix}{self.chapter}-{k}" if self.chapter not in (None, "") else f"{prefix}{k}"

    def figure(self, title: str = "") -> str:
        """Next figure caption: number, space, title."""
        return localise(f"{self.next('figure')} {title}".strip(), self.lang)

    def table(self, title: str = "") -> str:
        """Next table caption: number, space, title."""
        return localise(f"{self.next('table')} {title}".strip(), self.lang)


# The chapter of each report kind in the plan (the notebook's name; a report name such as
# "03_target_projection_2025" is of the kind it starts with). Chapter 1 is the plan's
# introduction; 04_plan_figures numbers by figure set (``plan_figures.build``).
REPORT_CHAPTERS: dict[str, int] = {
    "01_baseline": 2,
    "02_county_gaps": 3,
    "03_target_projection": 4,
    "05_final_evaluation": 5,
    "06_next_period_targets": 6,
}


def report_chapter(report: str) -> int | None:
    """The chapter of ``report`` (a kind in ``REPORT_CHAPTERS`` or a name starting with one
    followed by "_"), None for a report of no kind (numbers without a chapter)."""
    for kind, chapter in REPORT_CHAPTERS.items():
        if report == kind or report.startswith(kind + "_"):
            return chapter
    return None


def report_numbering(report: str, lang: str = "zh") -> Numbering:
    """The one ``Numbering`` of a report: figures and tables of its chapter."""
    return Numbering(chapter=report_chapter(report), lang=lang)


def with_unit(title: str, unit: str, lang: str = "zh") -> str:
    """Title with the unit (``present.with_unit``): "Community workers (unit: persons)"."""
    if not unit:
        return title
    return localise(t("present.with_unit", lang, title=title, unit=unit), lang)
