"""The one number formatter of every reader-facing number, and the one missing-value mark.

Tables (``display``, ``words.tidy``), findings sentences (``words.plan_text``,
``words.plan_words``), figure value labels (``figures``) and the xlsx/docx writers
(``tables``) format numbers here: ``fmt`` gives fixed decimals with thousands separators,
never "-0" (a value that rounds to zero shows as 0) and a missing value (None, NaN, NA,
±inf) as ``MISSING`` (catalogue ``common.missing``).

Decimals of an indicator's values come from its metadata, the ``decimals`` column of
``indicators.csv`` (display decimals kept beside the data, as Our World in Data's grapher
metadata carries ``numDecimalPlaces``); a blank cell, or a data set without the column,
falls back to 0 for counts and 1 otherwise (``indicator_decimals``). Numbers that are not
an indicator's values (an index score, a ratio of two values, a statistic) take their
decimals from their magnitude (``magnitude_decimals``: 0 from 100, 1 from 10, else 2, never
more than the values carry).

>>> fmt(12345.678, 1)
'12,345.7'
>>> fmt(-0.001, 2)
'0.00'
>>> fmt(float("nan"), 1) == MISSING
True
>>> magnitude_decimals([26.5, 3.0]), magnitude_decimals([1234.5]), magnitude_decimals([0.25])
(1, 0, 2)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.messages import t

MISSING = t("common.missing", "zh")  # the same mark in every language
COUNT_KINDS = ("count",)  # fallback: 0 decimals for counts, 1 for every other kind


def missing(lang: str = "zh") -> str:
    """The missing-value mark in ``lang`` (catalogue ``common.missing``)."""
    return t("common.missing", lang)


def is_missing(v: object) -> bool:
    """None, NA, NaN or an infinite number."""
    if v is None or v is pd.NA:
        return True
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        return not math.isfinite(float(v))
    return False


def fmt(v: object, decimals: int = 0, missing: str = MISSING, *, sep: bool = True) -> str:
    """``v`` with ``decimals`` fixed decimals (thousands separators unless ``sep`` is False);
    never "-0"; a missing value -> ``missing``."""
    if is_missing(v):
        return missing
    x = float(v)  # type: ignore[arg-type]
    if round(x, decimals) == 0:
        x = 0.0
    return f"{x:,.{decimals}f}" if sep else f"{x:.{decimals}f}"


def magnitude_decimals(values: Iterable[float] | float) -> int:
    """Decimals for values shown together: by the median magnitude (0 if >= 100, 1 if >= 10,
    else 2), but never more than the values carry (26.5 and 3.0 need only 1)."""
    a = np.abs(np.asarray(values, dtype=float)).ravel()
    a = a[np.isfinite(a)]
    if a.size == 0:
        return 0
    m = float(np.median(a))
    by_size = 0 if m >= 100 else 1 if m >= 10 else 2
    needed = next((d for d in (0, 1) if np.allclose(a, np.round(a, d), rtol=0, atol=1e-9)), 2)
    return min(by_size, needed)


def fallback_decimals(kind: str) -> int:
    """Decimals of an indicator without a ``decimals`` value: 0 for counts, 1 otherwise."""
    return 0 if kind in COUNT_KINDS else 1


def indicator_decimals(ds, indicator: str) -> int:
    """Display decimals of ``indicator`` (``decimals`` in indicators.csv, else by kind)."""
    row = ds.indicator(indicator)
    d = row.get("decimals") if hasattr(row, "get") else None
    if d is None or is_missing(d) or d == "":
        return fallback_decimals(str(row["kind"]))
    return int(d)
