"""Plan periods: which five-year plan a (base year, target year) pair is.

Its name is worded in ``analysis.present.words.periods``.

China's five-year plans ran 1953-1957 (1st) and 1958-1962 (2nd); after the 1963-1965
adjustment years, plan k (k >= 3) runs from 1951 + 5 k to 1955 + 5 k: 1966-1970 (3rd),
2021-2025 (14th), 2026-2030 (15th). So a pair with target year T and base year T - 5 (the
year before the period starts) is plan k = (T - 1955) / 5 when that is a whole number >= 3.
"""

from __future__ import annotations


def plan_number(base_year: int, target_year: int) -> int | None:
    """The plan's ordinal (14 for 2020 -> 2025), or None when the years are not a plan."""
    if target_year - base_year != 5 or (target_year - 1955) % 5:
        return None
    k = (target_year - 1955) // 5
    return k if 3 <= k <= 99 else None
