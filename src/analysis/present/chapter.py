"""Report pages that read as a plan chapter: captions, tables with their source note, and
generated paragraphs as Markdown (never ``print``), so a page shows prose, not monospace.

Usage::

    table(frame, ds, lang, caption=num.table(title), note=source_note)   # caption, table, note
    paragraph(t("chapter.intro_targets", lang, whole=ds.whole_word(lang)))

Tables from the analyses' display functions are shown through ``display.show`` (no index
column, numbers to ``digits`` decimals, missing values as a dash); columns holding
numbers stored as objects (rounded values and dashes) are turned back into numbers first.
"""

from __future__ import annotations

import html
import numbers

import numpy as np
import pandas as pd

from analysis.messages import t
from analysis.present import display as _display
from analysis.present import escape as _escape
from analysis.present import findings as _findings
from analysis.present.numbers import MISSING


def _markdown(text: str):
    """Markdown with the strings from data escaped (``escape.markdown_text``)."""
    return _escape.markdown(text)


def _show(obj) -> None:
    from IPython.display import display

    display(obj)


def _is_float(v) -> bool:
    return isinstance(v, float | np.floating) and not isinstance(v, bool)


def reader_frame(frame: pd.DataFrame, lang: str = "zh", missing: str | None = None) -> pd.DataFrame:
    """``frame`` with every column of float values (and dashes) as a float column, NaN for
    the dash; named indexes become columns; columns flattened to one level."""
    dash = MISSING if missing is None else missing
    f = frame.reset_index() if frame.index.name is not None else frame.reset_index(drop=True)
    if isinstance(f.columns, pd.MultiIndex):
        f.columns = [t("chapter.col_join", lang, a=a, b=b) if b else str(a) for a, b in f.columns]
    out = f.copy()
    for col in f.columns:
        s = f[col]
        if s.dtype != object:
            continue
        vals = [v for v in s.tolist() if not (isinstance(v, str) and v == dash) and v is not None]
        if (
            vals
            and all(_is_float(v) or isinstance(v, numbers.Integral) for v in vals)
            and any(_is_float(v) for v in vals)
        ):
            out[col] = pd.to_numeric(s.where(s != dash), errors="coerce").astype(float)
    return out


LONG = 30  # rows above which a page table shows what needs attention, the rest folded


def table(
    frame: pd.DataFrame,
    ds=None,
    lang: str = "zh",
    *,
    caption: str = "",
    note: str = "",
    digits: int = 1,
    attention=None,
    csv: str = "",
    limit: int = LONG,
) -> None:
    """Show ``caption`` (bold), the table (``display.show``) and ``note`` below it.

    A table longer than ``limit`` rows reads at 88 units and more: the rows flagged in
    ``attention`` (a boolean sequence, one per row: below the standard, a change of status)
    are shown, with a sentence saying how many of how many; the whole table follows folded
    in a ``<details>`` element (one click away), with a link to its CSV (``csv``, relative
    to the page) when given. Without ``attention`` a long table is shown folded as a whole.
    """
    f = reader_frame(frame, lang)
    decimals = {c: digits for c in f.columns if pd.api.types.is_float_dtype(f[c])}
    given = frame.attrs.get("decimals") or {}  # per column (``gap_text.reading``) wins
    decimals.update({c: d for c, d in given.items() if c in decimals})
    if caption:
        _show(_markdown(f"**{caption}**"))
    if len(f) <= limit:
        _show(_display.show(f, ds, lang, decimals=decimals))
    else:
        _long_table(f, ds, lang, decimals, attention, csv)
    if note:
        _show(_markdown(note))


def _long_table(f: pd.DataFrame, ds, lang: str, decimals, attention, csv: str) -> None:
    """The rows needing attention, then the whole table folded (see ``table``)."""
    from IPython.display import HTML

    n = len(f)
    if attention is not None:
        mask = np.asarray(attention, dtype=bool)
        if mask.shape != (n,):
            raise ValueError(f"attention has {mask.shape} values for {n} rows")
        k = int(mask.sum())
        key = "chapter.attention_rows" if k else "chapter.attention_none"
        _show(_markdown(t(key, lang, shown=k, rows=n)))
        if k:  # plain HTML as the folded table: at national scale thousands of rows too
            part = f[mask].reset_index(drop=True)
            _show(HTML(_display.html_table(part, ds, lang, decimals=decimals)))
        summary = t("chapter.full_table", lang, rows=n)
    else:
        summary = t("chapter.full_table_only", lang, rows=n)
    link = (
        f' <a href="{html.escape(csv)}" download>{t("chapter.csv_link", lang)}</a>' if csv else ""
    )
    body = _display.html_table(f, ds, lang, decimals=decimals)
    _show(
        HTML(
            f'<details class="full-table"><summary>{html.escape(summary)}</summary>'
            f"{body}</details>{link}"
        )
    )


def title(text: str, lang: str = "zh") -> str:
    """A report's subtitle line in bold, with the punctuation of ``lang``."""
    from analysis.present.captions import localise

    return f"**{localise(text, lang)}**"


def caption(text: str) -> None:
    """A figure or table caption in bold."""
    _show(_markdown(f"**{text}**"))


def paragraph(*texts: str) -> None:
    """One or more generated paragraphs."""
    _show(_markdown("\n\n".join(x for x in texts if x)))


def findings(sections: dict[str, list[str]], lang: str = "zh", *, with_banner: bool = True) -> None:
    """The opening findings (``present.findings``) from an analysis' sections."""
    _show(_findings.show(_findings.Findings(**sections), lang, with_banner=with_banner))


def methods(text: str, lang: str = "zh") -> None:
    """The closing methods section: its heading (``findings.methods_heading``) and text."""
    _show(_markdown(f"{_findings.methods_heading(lang)}\n\n{text}"))
