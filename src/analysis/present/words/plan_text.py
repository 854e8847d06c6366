"""Small helpers for sentences in plan language: numbers, name lists, section headings.

Numbers in a sentence are formatted by ``present.numbers.fmt`` (``num``: thousands
separators, fixed decimals, never "-0", a dash when missing), names are joined with the
catalogue's separator (``plan_text.sep``) and capped at ``limit`` with "and N more"
(``plan_text.more``), so a list of 88 counties stays readable.
Section headings continue the numbering of the findings (``findings.numbered``).

>>> num(12345.678, 1)
'12,345.7'
>>> num(-0.001, 2)
'0.00'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.messages import has, t
from analysis.present.findings import like
from analysis.present.numbers import MISSING as MISSING
from analysis.present.numbers import fmt


def num(value: float | int | None, decimals: int = 0) -> str:
    """``value`` with ``decimals`` decimals and thousands separators; missing -> a dash."""
    return fmt(value, decimals)


SHOWN = 6  # a longer list names this many and counts the others
SLACK = 2  # a list at most this much longer than the limit is named in full


def names(items: Sequence[str], lang: str = "zh", limit: int = SHOWN, ranked: bool = True) -> str:
    """``items`` joined by the catalogue separator; beyond ``limit`` (at most ``SHOWN``) the
    first ones and "N in all, the most lagging named" (``plan_text.more``). A list that
    would leave out only ``SLACK`` names or fewer is named in full ("7 in all, the 6 worst
    named, 1 left out" reads worse than the seven names). Callers give ``items`` most
    severe first (``worst_first``), so a shortened list names the worst; ``ranked=False``
    for lists that are not units ranked by severity (indicators, themes)."""
    items = list(items)
    if not items:
        return t("plan_text.none", lang)
    limit = max(1, min(int(limit), SHOWN))
    if len(items) <= limit + SLACK:
        return t("plan_text.sep", lang).join(items)
    key = "plan_text.more_ranked" if ranked else "plan_text.more"
    more = t(key, lang, n=len(items) - limit, total=len(items), k=limit)
    return t("plan_text.sep", lang).join(items[:limit]) + more


def worst_first(severity: Mapping[str, float], codes: Sequence[str] | None = None) -> list[str]:
    """``codes`` (default: every key) ordered by ``severity``, largest first (ties by code);
    the one order every list of units in a sentence follows."""
    keys = list(severity) if codes is None else list(codes)

    def key(c: str) -> tuple[float, str]:
        v = severity.get(c, float("nan"))
        return (-(v if v == v else float("-inf")), str(c))

    return sorted(keys, key=key)


def cap(text: str) -> str:
    """``text`` with its first letter upper-cased (English sentence starts; CJK unchanged),
    keeping its illustrative flag (``findings.Sentence``)."""
    return like(text, text[:1].upper() + text[1:])


def mid(text: str) -> str:
    """``text`` for the middle of a sentence: an initial capital lower-cased unless the word
    is an acronym ("CV"); CJK text unchanged."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def heading(title: str, number: int | None, lang: str = "zh", level: int = 2) -> str:
    """A Markdown heading, numbered like the findings sections when ``number`` (1-5) is given."""
    if number is not None:
        title = t("findings.numbered", lang).format(
            number=t(f"findings.number.n{number}", lang), title=title
        )
    return f"{'#' * level} {title}"


def numeral(n: int, lang: str = "zh") -> str:
    """A small count as a word-like numeral (``findings.number.n<k>``), else digits."""
    key = f"findings.number.n{n}"
    return t(key, lang) if has(key) else str(n)


def sub_heading(title: str, number: int, lang: str = "zh", level: int = 3) -> str:
    """A numbered sub-section heading (``plan_text.sub_numbered``: (1), (2) ...)."""
    shown = numeral(number, lang)
    return f"{'#' * level} " + t("plan_text.sub_numbered", lang, number=shown, title=title)


def ratio(hi: float, lo: float) -> float | None:
    """``hi / lo`` when both are positive, else None (no ratio of a zero or negative)."""
    if lo is None or hi is None or not (lo > 0 and hi > 0):
        return None
    return float(hi) / float(lo)


def next_number(sections: dict) -> int:
    """The number of the section after the findings (non-empty sections + 1)."""
    return sum(1 for v in sections.values() if v) + 1


def region_text(key: str, ds, lang: str = "zh", **fields) -> str:
    """Catalogue text ``key`` with the data set's region words as ``whole`` and ``units``."""
    return t(key, lang, whole=ds.whole_word(lang), units=ds.units_word(lang), **fields)


def paragraphs(*parts: str) -> str:
    """Markdown paragraphs (empty parts left out)."""
    return "\n\n".join(p for p in parts if p)
