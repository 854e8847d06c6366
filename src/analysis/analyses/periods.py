"""Plan periods: which five-year plan a (base year, target year) pair is, and its name.

China's five-year plans ran 1953-1957 (1st) and 1958-1962 (2nd); after the 1963-1965
adjustment years, plan k (k >= 3) runs from 1951 + 5 k to 1955 + 5 k: 1966-1970 (3rd),
2021-2025 (14th), 2026-2030 (15th). So a pair with target year T and base year T - 5 (the
year before the period starts) is plan k = (T - 1955) / 5 when that is a whole number >= 3.
Any other pair is named by its years.
"""

from __future__ import annotations

from analysis.errors import check_lang
from analysis.messages import t


def plan_number(base_year: int, target_year: int) -> int | None:
    """The plan's ordinal (14 for 2020 -> 2025), or None when the years are not a plan."""
    if target_year - base_year != 5 or (target_year - 1955) % 5:
        return None
    k = (target_year - 1955) // 5
    return k if 3 <= k <= 99 else None


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
