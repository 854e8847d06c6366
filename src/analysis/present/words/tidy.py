"""Reader-facing number hygiene shared by the analyses' display tables.

``tidy(frame, digits)`` rounds every numeric column, turns -0.0 into 0.0 (``x + 0.0``
after rounding: IEEE 754 gives +0.0 for -0.0 + 0.0) and shows a missing value as
``missing`` (default the catalogue's dash) instead of NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.present.numbers import MISSING


def clean_number(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` with no negative zero."""
    return float(np.round(x, digits)) + 0.0


def tidy(frame: pd.DataFrame, digits: int = 1, missing: str | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with rounded numbers, no -0.0 and no NaN (see module docstring)."""
    dash = MISSING if missing is None else missing
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_bool_dtype(col):
            continue
        if pd.api.types.is_integer_dtype(col):
            out[c] = col.astype(object).where(col.notna(), dash)
        elif pd.api.types.is_numeric_dtype(col):
            r = col.astype(float).round(digits) + 0.0
            out[c] = r.astype(object).where(r.notna(), dash)
        else:
            out[c] = col.where(col.notna(), dash)
    return out
