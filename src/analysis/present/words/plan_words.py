"""Words and numbers shared by the plan-language findings of the target reports.

Every number that enters a findings sentence is formatted here from a computed value:
``qty`` (a value with its indicator's unit and display decimals, ``numbers.indicator_decimals``:
the ``decimals`` column of indicators.csv, else 0 for counts and 1 otherwise), ``pct``
(a probability as a whole percent), ``name_list`` (region names, shortened to the first
few and a count for long lists). Templates are in the catalogue (``chapter.*``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from analysis.analyses.county_targets import sign as sign
from analysis.data import Dataset
from analysis.messages import t
from analysis.present.numbers import fmt, indicator_decimals, is_missing, missing

NAMES_SHOWN = 6  # a list of more regions names the first few and the count


def decimals(ds: Dataset, ind: str) -> int:
    """Display decimals of an indicator (``numbers.indicator_decimals``)."""
    return indicator_decimals(ds, ind)


def qty(ds: Dataset, ind: str, v: float, lang: str = "zh", *, change: bool = False) -> str:
    """A value of ``ind`` with its unit (``chapter.qty``), e.g. "34.2 m²"; a ``change``
    of a percentage is in percentage points (``chapter.points``)."""
    row = ds.indicator(ind)
    unit = str(row[f"unit_{lang}"] or "")
    value = fmt(v, decimals(ds, ind), missing(lang))
    if change and str(row["unit_en"]) == "%":
        return t("chapter.points", lang, value=value)
    return t("chapter.qty", lang, value=value, unit=unit).strip()


def qty_of(ds: Dataset, ind: str, lang: str = "zh") -> Callable[..., str]:
    """``qty`` bound to one indicator: ``q(v)`` or ``q(v, change=True)``."""
    return lambda v, change=False: qty(ds, ind, v, lang, change=change)


def pct(p: float, lang: str = "zh") -> str:
    """A probability as a whole percent ("—" when unknown)."""
    if is_missing(p):
        return missing(lang)
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return fmt(p * 100, 0) + "%"


def label(ds: Dataset, ind: str, lang: str = "zh") -> str:
    """The indicator's name without unit."""
    return ds.label(ind, lang, unit=False)


def name_list(ds: Dataset, codes: Sequence[str], lang: str = "zh") -> str:
    """Region names (``codes`` most severe first) as ``plan_text.names`` joins them: a long
    list names the first few (the most severe) and the count."""
    from analysis.present.words import plan_text

    nm = ds.names(lang)
    return plan_text.names([nm.get(c, c) for c in codes], lang, NAMES_SHOWN)


def direction_word(ds: Dataset, ind: str, lang: str = "zh") -> str:
    """ "raise" or "lower" by the indicator's direction (``chapter.verb_<direction>``)."""
    return t(f"chapter.verb_{ds.indicator(ind)['direction']}", lang)


def join_sentences(parts: Sequence[str], lang: str = "zh") -> str:
    """Clauses joined with the clause separator (``chapter.clause_sep``)."""
    return t("chapter.clause_sep", lang).join(p for p in parts if p)
