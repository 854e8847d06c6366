"""Names of plan periods ("the 15th Five-Year Plan"), from ``analyses.periods.plan_number``.

A pair of years that is not a plan period is named by its years ("2025-2030").
"""

from __future__ import annotations

from analysis.analyses.periods import plan_number
from analysis.errors import check_lang
from analysis.messages import t


def _zh_number(k: int) -> str:
    """Chinese numeral of 1..99 (digits from the catalogue: ``targets.numerals``)."""
    digits, ten = t("targets.numerals.digits", "zh"), t("targets.numerals.ten", "zh")
    tens, ones = divmod(k, 10)
    head = "" if tens == 0 else ("" if tens == 1 else digits[tens]) + ten
    return head + (digits[ones] if ones else "")


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def plan_name(base_year: int, target_year: int, lang: str = "zh") -> str:
    """ "the 15th Five-Year Plan" style name, or "2025-2030" when not a plan period."""
    k = plan_number(base_year, target_year)
    if k is None:
        return t("targets.period_years", lang, base=base_year, target=target_year)
    number = {"zh": _zh_number, "en": _ordinal}[check_lang(lang)](k)
    return t("targets.period_plan", lang, number=number)
