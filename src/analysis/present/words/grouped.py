"""County tables of a tree with an intermediate level (province -> prefecture -> county),
shared by reports 03, 05 and 06: units grouped by their region of the first level below the
top, each group followed by its own row as the subtotal, the top row last
(``analyses.levels.grouped``); the code-named frame gains the group's code (a column named
after the level, e.g. ``prefecture``) and ``row`` (``unit`` / ``subtotal`` / ``total``).

Without an intermediate level every function returns its input unchanged, so the pages of
a prefecture analysed by county read as before.

>>> import pandas as pd
>>> severity_order(pd.Series({"a": 1.0, "b": 3.0, "c": 3.0}))
['b', 'c', 'a']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses import levels
from analysis.data import Dataset
from analysis.data import words as region_words
from analysis.messages import t

ROW = "row"


def level(ds: Dataset) -> str | None:
    """The level units are grouped by (``levels.group_level``), None for a two-level tree."""
    return levels.group_level(ds)


def group_word(ds: Dataset, lang: str = "zh") -> str:
    """What the regions of the group level are called together (e.g. prefectures)."""
    lv = level(ds)
    return region_words.units_word(lv, (), lang) if lv else ""


def groups(ds: Dataset) -> list[str]:
    """The regions of the group level that hold units, by code (empty without one)."""
    lv = level(ds)
    return levels.codes_at(ds, lv) if lv else []


def members(ds: Dataset) -> dict[str, list[str]]:
    """Group code -> its units (in unit order)."""
    g = levels.group_of(ds)
    return {c: list(g.index[g == c]) for c in groups(ds)}


def arrange(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (one indicator; rows for the top, intermediate regions and units, column
    ``region_code``) grouped: units by group, each group's own row after its units, other
    intermediate rows (deeper trees) before the top row, the top last; with the group's
    code in a column ``<level>_code`` and ``row``. Unchanged without a level."""
    lv = level(ds)
    if lv is None:
        return frame
    out = levels.grouped(ds, frame)
    seen = set(out["region_code"])
    rest = frame[~frame["region_code"].astype(str).isin(seen)].copy()
    if len(rest):  # regions of a deeper intermediate level: kept, before the top
        rest["group"] = group_of_rows(ds, rest["region_code"])
        rest[ROW] = levels.SUBTOTAL
        out = pd.concat([out.iloc[:-1], rest, out.iloc[-1:]], ignore_index=True)
    return out.rename(columns={"group": f"{lv}_code"}).reset_index(drop=True)


def arrange_all(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """``arrange`` indicator by indicator (in the frame's order of indicators)."""
    if level(ds) is None:
        return frame
    parts = [arrange(ds, f) for _, f in frame.groupby("indicator", sort=False)]
    return pd.concat(parts, ignore_index=True)


def region_names(ds: Dataset, arranged: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Region names of an arranged frame: a group's row reads "<name> (subtotal)" and the
    top's "<name> (total)" (``targets.subtotal_name`` / ``targets.total_name``)."""
    names = ds.names(lang)
    if level(ds) is None or ROW not in arranged.columns:
        return [names[c] for c in arranged["region_code"]]
    key = {levels.SUBTOTAL: "targets.subtotal_name", levels.TOTAL: "targets.total_name"}
    return [
        t(key[r], lang, name=names[c]) if r in key else names[c]
        for c, r in zip(arranged["region_code"], arranged[ROW], strict=True)
    ]


def group_names(ds: Dataset, arranged: pd.DataFrame, lang: str = "zh") -> list[str]:
    """The group's name of each row of an arranged frame ("" for the top row)."""
    lv = level(ds)
    names = ds.names(lang)
    return [
        names.get(str(g), "") if isinstance(g, str) and g else "" for g in arranged[f"{lv}_code"]
    ]


def with_group_column(
    ds: Dataset, shown: pd.DataFrame, arranged: pd.DataFrame, lang: str = "zh", at: int = 1
) -> pd.DataFrame:
    """The reader's table ``shown`` (rows as ``arranged``) with the group's name as a column
    at position ``at`` (``targets.group_col``); unchanged without a level."""
    if level(ds) is None:
        return shown
    out = shown.copy()
    col = t("targets.group_col", lang, groups=group_word(ds, lang))
    out.insert(min(at, len(out.columns)), col, group_names(ds, arranged, lang))
    return out


def group_of_rows(ds: Dataset, codes) -> list[str]:
    """The code of each region's region of the group level: a unit's group, a group's own
    code, an intermediate region's ancestor at the level, "" for the top."""
    g = levels.group_of(ds)
    own = set(groups(ds))
    out = []
    for c in codes:
        c = str(c)
        if c in own:
            out.append(c)
        elif c in g.index:
            out.append(str(g[c]))
        else:
            out.append(next((a for a in ds.ancestors(c) if a in own), "") if c != ds.top else "")
    return out


def severity_order(severity: pd.Series) -> list[str]:
    """Index labels by ``severity`` (largest first), ties by label: the order every list
    of regions on a page follows."""
    s = severity.astype(float).fillna(-np.inf)
    frame = pd.DataFrame({"s": -s.to_numpy(), "k": [str(i) for i in s.index]}, index=s.index)
    return list(frame.sort_values(["s", "k"], kind="stable").index)
