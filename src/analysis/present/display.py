"""Tables for reading in a notebook or an HTML page: numbers to each column's precision,
missing values as a dash (``present.missing``), no "-0.0", no index column, headers in the
reader's language.

Usage::

    show(frame, ds, "zh")            # a pandas Styler without the index
    formatted(frame, ds, "zh")       # the same cells as strings (for tests and exports)

Precision: an indicator's column its display decimals (``numbers.indicator_decimals``: the
``decimals`` column of indicators.csv, else 0 for counts and 1 otherwise), other columns by
magnitude (``numbers.magnitude_decimals``: 0 from 100, 1 from 10, else 2, never more than
the values carry); ``decimals`` overrides per column. Every cell goes through
``numbers.fmt`` (no "-0", missing values as ``numbers.MISSING``).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import pandas as pd

from analysis.messages import t
from analysis.present import style
from analysis.present.numbers import fmt, indicator_decimals, magnitude_decimals, missing


def _indicator_ids(ds) -> set[str]:
    return set(ds.indicators["id"]) if ds is not None else set()


def column_decimals(frame: pd.DataFrame, ds=None, decimals: Mapping[str, int] | None = None):
    """Decimals per numeric column (see the module docstring)."""
    ids = _indicator_ids(ds)
    out: dict[str, int] = {}
    for col in frame.columns:
        s = frame[col]
        if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
            continue
        if decimals and col in decimals:
            out[col] = int(decimals[col])
        elif col in ids:
            out[col] = indicator_decimals(ds, col)
        else:
            out[col] = magnitude_decimals(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float))
    return out


number = fmt  # ``v`` with ``d`` decimals and thousands separators (``numbers.fmt``)


def formatted(
    frame: pd.DataFrame,
    ds=None,
    lang: str = "zh",
    *,
    decimals: Mapping[str, int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``frame`` as display strings with a 0..n-1 index (not shown by ``show``).

    Indicator ids among the columns become their labels with units (``ds.label``), region
    codes in a ``region_code`` column become names; ``headers`` renames other columns.
    """
    style.check_lang(lang)
    dash = missing(lang)
    f = frame.reset_index(drop=not _named_index(frame))
    dec = column_decimals(f, ds, decimals)
    out = pd.DataFrame(index=range(len(f)))
    for col in f.columns:
        s = f[col]
        if col in dec:
            out[col] = [fmt(v, dec[col], dash) for v in s.tolist()]
        else:
            out[col] = [dash if _isna(v) else str(v) for v in s.tolist()]
    if ds is not None and "region_code" in out.columns:
        names = ds.names(lang)
        out["region_code"] = [names.get(c, c) for c in f["region_code"].astype(str)]
    out.columns = [_header(c, ds, lang, headers) for c in f.columns]
    return out


_NUMBER = r"^\s*(-?[\d,]+(\.\d+)?%?|\u2014)?\s*$"  # a formatted number, a dash or nothing


def show(frame: pd.DataFrame, ds=None, lang: str = "zh", **kw):
    """A pandas Styler of ``formatted(frame, ...)`` without the index column, every cell and
    header HTML-escaped.

    Decimals given in ``frame.attrs["decimals"]`` (by column) apply unless ``decimals`` is
    passed.
    """
    if "decimals" not in kw and frame.attrs.get("decimals"):
        kw["decimals"] = frame.attrs["decimals"]
    out = formatted(frame, ds, lang, **kw)
    # cells and headers hold names from data: escaped (a Styler does not escape by default)
    styler = out.style.format(escape="html").format_index(escape="html", axis=1)
    styler = styler.hide(axis="index")
    text = _text_columns(out)
    if text and out.columns.is_unique:  # words read from the left, numbers from the right
        styler = styler.set_properties(subset=list(out.columns[text]), **{"text-align": "left"})
        heads = [{"selector": f"th.col{i}", "props": "text-align: left"} for i in text]
        styler = styler.set_table_styles(heads, overwrite=False)
    return styler


def _text_columns(out: pd.DataFrame) -> list[int]:
    """Positions of the columns read as words (not every cell a number, dash or blank)."""
    # astype(str): an empty table's columns are not strings (no AttributeError from .str)
    return [
        i for i in range(out.shape[1]) if not out.iloc[:, i].astype(str).str.match(_NUMBER).all()
    ]


def html_table(frame: pd.DataFrame, ds=None, lang: str = "zh", **kw) -> str:
    """The cells of ``show(frame, ...)`` as a plain HTML table: the same headers and strings,
    escaped, words aligned left, without a Styler's per-cell ids and CSS rules. For tables
    of thousands of rows (a national folded table), where a Styler's rendering takes seconds
    and its per-cell rules most of the page's bytes."""
    if "decimals" not in kw and frame.attrs.get("decimals"):
        kw["decimals"] = frame.attrs["decimals"]
    out = formatted(frame, ds, lang, **kw)
    left = set(_text_columns(out))
    attr = [' style="text-align: left"' if i in left else "" for i in range(out.shape[1])]
    head = "".join(f"<th{a}>{escape(str(c))}</th>" for a, c in zip(attr, out.columns, strict=True))
    rows = "".join(
        "<tr>"
        + "".join(f"<td{a}>{escape(v)}</td>" for a, v in zip(attr, row, strict=True))
        + "</tr>"
        for row in out.itertuples(index=False, name=None)
    )
    return f'<table class="plain-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def markdown(*parts: str):
    """Markdown paragraphs as an IPython display object (the text a notebook shows in its
    page: rendered in JupyterLab and in the HTML report, unlike ``print``); strings from data
    are escaped (``escape.markdown_text``)."""
    from analysis.present.escape import markdown as escaped

    return escaped("\n\n".join(p for p in parts if p))


def caption(text: str):
    """A figure or table caption (bold) as an IPython Markdown object."""
    return markdown(f"**{text}**")


def _named_index(frame: pd.DataFrame) -> bool:
    return frame.index.name is not None or any(n is not None for n in frame.index.names[1:])


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _header(col, ds, lang: str, headers: Mapping[str, str] | None) -> str:
    if headers and col in headers:
        return str(headers[col])
    if ds is not None and col in _indicator_ids(ds):
        return str(ds.label(col, lang))
    if col == "region_code" and ds is not None:
        return t("plan.region", lang)
    return str(col)
