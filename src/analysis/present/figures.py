"""Plan figures, one function per figure type; each returns a matplotlib Figure.

Inputs are plain pandas objects that already carry display labels (county names,
indicator labels with units): callers do the data work, these functions only draw.
Chinese labels by default, English with ``lang="en"``.  Colours follow the
colour-blind-safe Okabe-Ito palette (``analysis.present.style``); shapes and line styles
repeat the colour information so the figures also read in black and white.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.errors import user_error
from analysis.messages import t
from analysis.present import style
from analysis.present.numbers import MISSING, fmt, magnitude_decimals
from analysis.present.words.labels import status_label as _status_label

REF = "reference"  # gid of reference lines (standard, target): no text may cross them

# Progress status (SDG progress-report categories) -> (marker, face colour); the reader-facing
# name is catalogue message ``methods.status.<code>``.
_GRADED = ("met", "on_track", "moderate", "limited", "backwards")
STATUS: dict[str, tuple[str, str]] = {
    "met": ("o", style.GREEN),
    "on_track": ("^", style.SKY),
    "moderate": ("D", style.ORANGE),
    "limited": ("v", style.VERMILLION),
    "backwards": ("X", style.BLACK),
    "not_met": ("X", style.VERMILLION),  # final status after the target year
    "no_data": ("", style.LIGHT_GREY),
    # indicators without a target: observed growth graded by Open SDG's no-target rule
    "no_target_substantial": ("P", style.SKY),
    "no_target_moderate": ("s", style.ORANGE),
    "no_target_limited": ("v", style.VERMILLION),
    "no_target_deterioration": ("X", style.BLACK),
}


def flabel(key: str, lang: str = "zh") -> str:
    """Figure label ``figures.<key>`` in ``lang``."""
    return t(f"figures.{key}", style.check_lang(lang))


def status_label(code: str, lang: str = "zh") -> str:
    """Reader-facing name of progress status ``code`` (catalogue ``methods.status.<code>``)."""
    return _status_label(code, style.check_lang(lang))


decimals_for = magnitude_decimals  # decimals of values shown together (``numbers``)


def _fmt(v: float, decimals: int | None = None) -> str:
    """Number for value labels with thousands separators; ``decimals`` None = by magnitude."""
    d = decimals_for([v]) if decimals is None else decimals
    return fmt(v, d, missing="")


def format_values(values) -> list[str]:
    """Labels for values shown together, with one number of decimals (``decimals_for``)."""
    d = decimals_for(values)
    return [_fmt(v, d) for v in np.asarray(values, dtype=float)]


MAX_HEIGHT_CM = 22.0  # an A4 page's text block is about 24.7 cm tall; leave room for the caption
MIN_FONT_PT = 6.0  # no row label below this at print size (Word pages: ``min_font``)
PAGE_FONT_PT = 8.0  # the default: row labels of page figures, shown at print size (96 px/in)
PANEL_ROWS = 40  # ranked bars: at most this many units in one panel
MAX_FULL_PANELS = 3  # ... and up to this many panels side by side (120 units drawn in full)
EXTREMES = 40  # beyond that: the highest and the lowest units, the full ranking in the table
HEATMAP_ROWS = 60  # heatmap and status chart: rows drawn in full up to twice this, else ends


def _rows(
    n: int,
    fixed_cm: float,
    per_row_cm: float,
    min_cm: float = 5.0,
    min_font: float = MIN_FONT_PT,
) -> tuple[float, float]:
    """Figure height (cm) for ``n`` rows and the row-label font size (pt): rows shrink so the
    figure fits one A4 page, but never below ``min_font`` (the figure grows instead).

    A label of ``f`` pt needs a row of ``f / 0.75`` pt; height = ``fixed_cm + n * row``;
    font = ``clip(row * 0.75, min_font, max(7.5, min_font))``."""
    least = min_font / 0.75 / 72 * 2.54  # row height (cm) that holds a min_font label
    per_row = max(least, min(per_row_cm, (MAX_HEIGHT_CM - fixed_cm) / max(n, 1)))
    font = float(min(max(7.5, min_font), max(min_font, per_row / 2.54 * 72 * 0.75)))
    return max(min_cm, fixed_cm + per_row * n), font


def rank_panels(
    n: int,
    per_panel: int = PANEL_ROWS,
    max_panels: int = MAX_FULL_PANELS,
    extremes: int = EXTREMES,
) -> list[range]:
    """Positions (0 = first in rank order) drawn in each panel of a ranked chart of ``n`` units:
    all of them in up to ``max_panels`` equal panels of at most ``per_panel``; beyond that the
    first and the last ``extremes`` (the rest stays in the table)."""
    if n <= per_panel:
        return [range(n)]
    if n <= per_panel * max_panels:
        k = -(-n // per_panel)
        size = -(-n // k)
        return [range(i, min(i + size, n)) for i in range(0, n, size)]
    return [range(extremes), range(n - extremes, n)]


def _panel_title(ax: Axes, rows: range, lang: str) -> None:
    ax.set_title(
        t("scale.ranks", style.check_lang(lang), first=rows.start + 1, last=rows.stop),
        loc="left",
        fontsize=7.5,
    )


def fit_text(text: str, width_pt: float, size_pt: float) -> str:
    """Wrap ``text`` to lines no wider than ``width_pt`` at ``size_pt`` (CJK 1 em, other 0.55 em);
    English breaks at spaces."""
    limit = max(4.0, width_pt / size_pt)
    lines, cur, w = [], "", 0.0
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        tw = sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in token)
        if cur and w + tw > limit and not token.isspace():
            lines.append(cur.rstrip())
            cur, w = "", 0.0
        if not (token.isspace() and not cur):
            cur, w = cur + token, w + tw
    lines.append(cur.rstrip())
    return "\n".join(lines)


def _title(fig: Figure, ax: Axes | None, title: str) -> None:
    """Title at the top left, wrapped to the figure width."""
    if not title:
        return
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    on_axes = ax is not None and not ax.get_ylabel()
    # measured at the size it is drawn at: the axes title's or the figure title's
    size = mpl.rcParams["axes.titlesize" if on_axes else "figure.titlesize"]
    size = FontProperties(size=size).get_size_in_points()
    text = fit_text(title, fig.get_figwidth() * 72 * 0.92, float(size))
    if on_axes:
        assert ax is not None
        ax.set_title(text, loc="left")
    else:  # above a horizontal y label (``_ylabel``) the title goes to the figure
        fig.suptitle(text, x=0.02, ha="left")


def colorbar_below(fig: Figure, mappable, ax: Axes | list[Axes], text: str):
    """A horizontal colour bar under ``ax`` with its label written below it: a label rotated
    along a vertical bar is misread in Chinese, and a title above one collides with its top
    tick label."""
    cb = fig.colorbar(mappable, ax=ax, location="bottom", shrink=0.6, aspect=35, pad=0.02)
    cb.outline.set_visible(False)
    cb.ax.tick_params(labelsize=7)
    if text:
        cb.set_label(text, fontsize=7.5)
    return cb


def _ylabel(ax: Axes, text: str) -> None:
    """The y label written horizontally above the axis: a rotated Chinese label or unit
    (a unit such as "ge" on its side) is misread."""
    if not text:
        return
    ax.set_ylabel(text, rotation=0, ha="left", va="bottom")
    ax.yaxis.set_label_coords(0.0, 1.02)


def _what(key: str) -> str:
    """Name of an input in both languages, for bilingual errors ("zh / en")."""
    return f"{t(f'figures.{key}', 'zh')} / {t(f'figures.{key}', 'en')}"


def _check_columns(frame: pd.DataFrame, required: Iterable[str], what: str) -> None:
    required = list(required)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise user_error(
            "figures.missing_columns",
            what=_what(what),
            missing=", ".join(missing),
            required=", ".join(required),
        )


def _non_empty(obj: pd.Series | pd.DataFrame, what: str) -> None:
    if obj.empty or (isinstance(obj, pd.Series) and obj.dropna().empty):
        raise user_error("figures.no_data_to_draw", what=_what(what))


# -- ranked bar -----------------------------------------------------------------------
def ranked_bar(
    values: pd.Series,
    *,
    standard: float | None = None,
    standard_label: str | None = None,
    highlight: Iterable[str] | None = None,
    lower_is_better: bool = False,
    title: str = "",
    xlabel: str = "",
    lang: str = "zh",
    min_font: float = PAGE_FONT_PT,
) -> Figure:
    """Horizontal bars sorted from largest (top) to smallest, with an optional standard line.

    ``values`` is indexed by display label; labels in ``highlight`` are drawn in orange. By
    default (``highlight=None``) with a standard, the units short of it are the orange ones
    (below it, or above it with ``lower_is_better``; ``behind_standard``), named in the
    legend as short of the standard; ``highlight=()`` draws every bar in blue.
    Missing values are listed as ``figures.no_data`` at the bottom. Many units are split into
    side-by-side panels of at most ``PANEL_ROWS`` (``rank_panels``); beyond
    ``PANEL_ROWS * MAX_FULL_PANELS`` only the first and last ``EXTREMES`` are drawn, with a
    note that the full ranking is in the table. Row labels are never below ``min_font``
    (default ``PAGE_FONT_PT``, for pages; ``MIN_FONT_PT`` for a Word page).
    """
    style.check_lang(lang)
    _non_empty(values, "what_ranked_bar")
    v = values.astype(float)
    order = v.dropna().sort_values(ascending=True)
    missing = [str(i) for i in v.index[v.isna()]]
    # top to bottom: largest first, the units without data last
    labels = ([str(i) for i in missing] + [str(i) for i in order.index])[::-1]
    vals = np.r_[np.zeros(len(missing)), order.to_numpy()][::-1]
    nodata = np.r_[np.ones(len(missing), bool), np.zeros(len(order), bool)][::-1]
    n = len(labels)
    panels = rank_panels(n)
    rows = max(len(p) for p in panels)
    several = len(panels) > 1
    height, font = _rows(rows, 1.6 + (0.6 if several else 0.0), 0.48, min_font=min_font)
    fig = style.new_figure("full", height_cm=height)
    axes = list(fig.subplots(1, len(panels), squeeze=False, sharex=True)[0])
    level = float("nan") if standard is None else float(standard)
    behind = highlight is None and bool(np.isfinite(level))
    if highlight is None:  # by default: the units short of the standard
        highlight = behind_standard(v, level, lower_is_better) if behind else ()
    hl = {str(h) for h in highlight}
    span = np.nanmax(np.abs(np.r_[vals, [standard or 0.0]])) or 1.0
    std = float(standard) if standard is not None else float("nan")
    has_std = bool(np.isfinite(std))
    decimals = decimals_for(vals[~nodata]) if (~nodata).any() else 0
    texts_by_ax = []
    for ax, rng in zip(axes, panels, strict=True):
        pos = list(rng)[::-1]  # bottom to top
        y = np.arange(len(pos))
        pv = vals[pos]
        colours = [style.ORANGE if labels[k] in hl else style.BLUE for k in pos]
        ax.barh(y, pv, color=colours, height=0.65, zorder=2)
        ax.set_yticks(y, [labels[k] for k in pos], fontsize=font)
        ax.set_ylim(-0.6 + (len(pos) - rows), len(pos) - 0.4)  # same bar height in every panel
        texts = []
        for yi, k in zip(y, pos, strict=True):
            val = vals[k]
            text = flabel("no_data", lang) if nodata[k] else _fmt(val, decimals)
            texts.append(
                ax.text(
                    val + span * 0.01 if val >= 0 else val - span * 0.01,
                    float(yi),
                    text,
                    va="center",
                    ha="left" if val >= 0 else "right",
                    fontsize=min(7, font),
                    color="#333333",
                )
            )
        texts_by_ax.append(texts)
        if has_std:
            ax.axvline(std, color=style.BLACK, linestyle="--", linewidth=1.0, zorder=3, gid=REF)
        ax.xaxis.grid(True, zorder=0)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        if several:
            _panel_title(ax, rng, lang)
    handles = []
    if has_std:
        label = standard_label or f"{flabel('standard', lang)} {_fmt(std)}"
        handles.append(
            Line2D([], [], color=style.BLACK, linestyle="--", linewidth=1.0, label=label)
        )
    drawn = {labels[k] for rng in panels for k in rng}
    if hl & drawn:
        if behind:
            ref = standard_label or flabel("standard", lang)
            key = "above_ref" if lower_is_better else "below_ref"
            hl_label = t(f"figures.{key}", lang, ref=ref)
        else:
            hl_label = flabel("highlight", lang)
        handles.append(Line2D([], [], color=style.ORANGE, linewidth=6, label=hl_label))
    axes[0].set_xlim(min(0.0, np.nanmin(vals) * 1.12), max(span * 1.12, (standard or 0) * 1.05))
    omitted = n - len(drawn)
    if omitted:  # in the legend row: a figure copied out of its report still says it
        handles.append(Line2D([], [], linestyle="none", label=t("scale.omitted", lang, n=omitted)))
    shared = ""  # several panels: one axis label under all of them, never wider than the figure
    from matplotlib.font_manager import FontProperties

    size = float(FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points())
    if xlabel and several:
        shared = fit_text(xlabel, fig.get_figwidth() * 72 * 0.9, size)
    elif xlabel:
        axes[0].set_xlabel(xlabel)
    if handles:  # below the axes: never on the standard line, a bar or the title; the
        # shared axis label heads the legend, so the two never overlap
        fig.legend(
            handles=handles,
            loc=cast(Any, "outside lower center"),
            ncol=len(handles),
            title=shared or None,
            title_fontsize=size,
        )
    elif shared:
        fig.supxlabel(shared, fontsize=size)
    _title(fig, None if several else axes[0], title)
    if has_std:
        _clear_line(fig, list(zip(axes, texts_by_ax, strict=True)), std, span)
    return fig


def behind_standard(values: pd.Series, standard: float, lower_is_better: bool = False) -> list:
    """Labels of ``values`` short of ``standard``: below it, or above it when lower is
    better (missing values are not counted)."""
    v = values.astype(float)
    short = v > standard if lower_is_better else v < standard
    return [str(k) for k in v.index[short.to_numpy()]]


def _clear_line(fig: Figure, panels: list, x_line: float, span: float) -> None:
    """Move value labels that the vertical line at ``x_line`` would strike through to just right
    of the line, widening the axis when a moved label would leave it; ``panels`` are
    (axes, labels) pairs sharing their x axis, checked together after one layout pass."""
    for _ in range(4):  # widening the axis shrinks the scale: check again
        fig.draw_without_rendering()  # the layout and the text boxes, no pixels
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        moved = False
        for ax, texts in panels:
            to_data = ax.transData.inverted()
            xd = ax.transData.transform((x_line, 0))[0]
            right = ax.get_xlim()[1]
            for txt in texts:
                box = txt.get_window_extent(renderer)
                if box.x0 - 1 <= xd <= box.x1 + 1:
                    txt.set_x(x_line + span * 0.01)
                    txt.set_horizontalalignment("left")
                    moved = True
                    width = to_data.transform((box.x1, 0))[0] - to_data.transform((box.x0, 0))[0]
                    right = max(right, x_line + span * 0.01 + width * 1.15)
            if right > ax.get_xlim()[1]:
                ax.set_xlim(ax.get_xlim()[0], right)
        if not moved:
            return


# -- dot plot -------------------------------------------------------------------------
def dot_plot(
    frame: pd.DataFrame,
    *,
    title: str = "",
    xlabel: str = "",
    lang: str = "zh",
    series_labels: dict[str, str] | None = None,
) -> Figure:
    """County vs prefecture (vs target) per indicator: rows = indicator labels.

    Columns "county", "prefecture" and optional "target", on one scale per figure
    (e.g. % of the standard). ``series_labels`` overrides the legend names.
    """
    style.check_lang(lang)
    _check_columns(frame, ["county", "prefecture"], "what_dot_plot")
    _non_empty(frame, "what_dot_plot")
    names = {k: flabel(k, lang) for k in ("county", "prefecture", "target")} | dict(
        series_labels or {}
    )
    f = frame.iloc[::-1]  # first row on top
    n = len(f)
    height, font = _rows(n, 2.0, 0.6)
    fig = style.new_figure("full", height_cm=height)
    ax = fig.add_subplot()
    y = np.arange(n)
    _dot_series(fig, ax, f, names)
    ax.set_yticks(y, [str(i) for i in f.index], fontsize=font)
    ax.set_ylim(-0.7, n - 0.3)
    ax.xaxis.grid(True, zorder=0)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel)
    _title(fig, ax, title)
    return fig


def _dot_series(fig: Figure, ax: Axes, f: pd.DataFrame, names: dict[str, str]) -> None:
    """The data of a dot plot (rows of ``f`` bottom up): the county-to-prefecture bars, the
    three series and the legend below the axes."""
    y = np.arange(len(f))
    c, p = f["county"].astype(float).to_numpy(), f["prefecture"].astype(float).to_numpy()
    ax.hlines(y, np.fmin(c, p), np.fmax(c, p), color=style.LIGHT_GREY, linewidth=2.5, zorder=1)
    ax.scatter(c, y, marker="o", s=34, color=style.BLUE, label=names["county"], zorder=4)
    ax.scatter(
        p,
        y,
        marker="D",
        s=30,
        facecolor="white",
        edgecolor=style.GREY,
        linewidth=1.2,
        label=names["prefecture"],
        zorder=3,
    )
    if "target" in f.columns and f["target"].notna().any():
        ax.scatter(
            f["target"].astype(float),
            y,
            marker="|",
            s=160,
            linewidth=1.8,
            color=style.VERMILLION,
            label=names["target"],
            zorder=5,
        )
    fig.legend(loc="outside lower center", ncol=3)


def redraw_dot_plot(
    fig: Figure,
    frame: pd.DataFrame,
    *,
    title: str = "",
    lang: str = "zh",
    series_labels: dict[str, str] | None = None,
) -> None:
    """``fig``, a ``dot_plot`` with the rows of ``frame``, redrawn with the values of
    ``frame``: data, legend, data limits and title made again by the calls of ``dot_plot``;
    axes, ticks, axis labels and positions kept. It draws the pixels of a new ``dot_plot``
    of ``frame`` placed like ``fig``, in a fraction of the time (one figure per page of a
    batch: ``profile_page.figure_png``)."""
    from matplotlib.transforms import Bbox

    names = {k: flabel(k, lang) for k in ("county", "prefecture", "target")} | dict(
        series_labels or {}
    )
    ax = fig.axes[0]
    for artist in [*ax.collections, *fig.legends]:
        artist.remove()
    ax.dataLim = Bbox.null()
    ax.ignore_existing_data_limits = True
    _dot_series(fig, ax, frame.iloc[::-1], names)
    _title(fig, ax, title)


# -- heatmap --------------------------------------------------------------------------
_UNIT = re.compile(r"^(.*?)\s*([(\uff08][^()\uff08\uff09]*[)\uff09])$")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def words(text: str) -> list[str]:
    """Break points of a label: Chinese words (``rjieba``, the Rust port of jieba), a single
    character joined to its neighbour, a bracketed unit kept whole; other text on spaces."""
    import rjieba

    m = _UNIT.match(text)
    name, unit = (m.group(1), m.group(2)) if m else (text, "")
    if not _CJK.search(name):
        tokens = name.split()
        return tokens + ([unit] if unit else [])
    out: list[str] = []
    pending = ""
    for tok in rjieba.cut(name):
        if len(tok) == 1 and not tok.isalnum() and out and not pending:
            out[-1] += tok  # punctuation (slash, enumeration comma) stays with the word before it
            continue
        if len(tok) == 1 and _CJK.match(tok):
            pending += tok  # one character: keep it with the next word (or the previous at the end)
            continue
        out.append(pending + tok)
        pending = ""
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return out + ([unit] if unit else [])


def _width(s: str) -> float:
    """Width in em: CJK and full-width characters 1, others 0.55."""
    return sum(1.0 if _CJK.match(ch) else 0.55 for ch in s)


def _split_wide(token: str, width: int) -> list[str]:
    """A token wider than ``width`` em (a long unit in full-width brackets) cut into pieces
    that fit, after a "/" where there is one, else between characters; others unchanged."""
    if _width(token) <= width or not _CJK.search(token) or token[:1] not in "(\uff08":
        return [token]
    cut = token.find("/") + 1
    if 0 < cut < len(token) and _width(token[:cut]) <= width:
        return [token[:cut], *_split_wide(token[cut:], width)]
    pieces, cur = [], ""
    for ch in token:
        if cur and _width(cur + ch) > width:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    return [*pieces, cur] if cur else pieces


def _wrap(label: str, width: int = 9) -> str:
    """Break a label into lines of at most about ``width`` em, only between words (``words``):
    a Chinese word, a unit in brackets or an English word is never split."""
    tokens = [piece for tok in words(label) for piece in _split_wide(tok, width)]
    ascii_text = not _CJK.search(label)
    sep = " " if ascii_text else ""
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        cand = f"{cur}{sep}{tok}" if cur else tok
        if cur and _width(cand) > width:
            lines.append(cur)
            cur = tok
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def _grid_panel(
    ax, columns: list, rows: list, omitted: int | None, font: float, lang: str, grid: tuple
) -> None:
    """Axes of one panel of a cell grid (heatmap, status chart): column labels on the first
    panel, on later ones a title saying how many rows between the panels are not drawn
    (``omitted``); row labels; no spines; cell borders in ``grid`` = (colour, width)."""
    nc, nrows = len(columns), len(rows)
    if omitted is None:
        _column_labels(ax, [str(c) for c in columns], lang)
    else:
        ax.set_xticks([])
        ax.set_title(t("scale.rows_omitted", lang, n=omitted), loc="left", fontsize=7)
    ax.set_yticks(np.arange(nrows), [str(i) for i in rows], fontsize=font)
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    ax.set_xticks(np.arange(nc + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(nrows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color=grid[0], linewidth=grid[1])
    ax.tick_params(which="minor", length=0)


def _column_labels(ax: Axes, labels: list[str], lang: str) -> None:
    """Column labels on top, horizontal, wrapped between words to the column width."""
    nc = len(labels)
    ax.xaxis.tick_top()
    fig = cast(Figure, ax.get_figure(root=True))
    col_pt = fig.get_figwidth() * 72 * 0.72 / max(nc, 1)
    size = 7.0  # readable at print size in Word (at least 7 pt), more lines when narrow
    width = max(3, int(col_pt / size))
    ax.set_xticks(np.arange(nc), [_wrap(c, width) for c in labels], fontsize=size)


def heatmap(
    matrix: pd.DataFrame,
    *,
    annot: pd.DataFrame | None = None,
    title: str = "",
    cbar_label: str = "",
    lang: str = "zh",
    cmap: str | None = None,
    max_rows: int = 2 * HEATMAP_ROWS,
    vmin: float | None = None,
    vmax: float | None = None,
    min_font: float = PAGE_FONT_PT,
) -> Figure:
    """County x indicator matrix as coloured cells (rows = counties, columns = indicators).

    Up to ``max_rows`` rows are drawn in full (the figure grows, row labels stay >=
    ``min_font``); beyond, the first and the last ``max_rows // 2`` with a note that the table
    has them all. One colour scale for every panel: ``vmin``..``vmax``, by default the range
    of ``matrix`` (a figure drawn in parts passes the range of the whole).

    ``annot`` (same shape) is written in the cells, e.g. the raw values when the colour
    shows a normalised score. Missing cells are light grey, marked "—".
    """
    style.check_lang(lang)
    _non_empty(matrix, "what_heatmap")
    m = matrix.astype(float)
    nr, nc = m.shape
    parts = row_parts(nr, max_rows // 2)
    shown = sum(len(p) for p in parts)
    fixed = 3.6 if nc <= 6 else 6.0
    height, font = _rows(shown + 2 * (len(parts) - 1), fixed, 0.5, 6.0, min_font)
    fig = style.new_figure("full", height_cm=height)
    axes = list(
        fig.subplots(len(parts), 1, squeeze=False, height_ratios=[len(p) for p in parts])[:, 0]
    )
    import matplotlib as mpl

    cm = mpl.colormaps[cmap or style.SEQUENTIAL_CMAP].with_extremes(bad=style.LIGHT_GREY)
    full = m.to_numpy()
    lo, hi = (np.nanmin(full), np.nanmax(full)) if np.isfinite(full).any() else (0.0, 1.0)
    lo, hi = (lo if vmin is None else float(vmin)), (hi if vmax is None else float(vmax))
    norm = mpl.colors.Normalize(lo, hi)
    a = annot.reindex(index=m.index, columns=m.columns) if annot is not None else None
    src = a if a is not None else m
    col_dec = [decimals_for(pd.to_numeric(src.iloc[:, j], errors="coerce")) for j in range(nc)]
    write = annot is not None or shown * nc <= 400
    im = None
    for k, (ax, rows) in enumerate(zip(axes, parts, strict=True)):
        sub = m.iloc[list(rows)]
        im = ax.imshow(
            np.ma.masked_invalid(sub.to_numpy()),
            cmap=cm,
            norm=norm,
            aspect="auto",
            interpolation="nearest",
        )
        omitted = None if k == 0 else nr - shown
        _grid_panel(ax, list(m.columns), list(sub.index), omitted, font, lang, ("white", 1.0))
        if not write:
            continue
        for i, r in enumerate(rows):
            for j in range(nc):
                raw = m.iat[r, j]
                if np.isnan(raw):
                    txt, colour = MISSING, "#333333"
                else:
                    cell = a.iat[r, j] if a is not None else raw
                    txt = cell if isinstance(cell, str) else _fmt(cell, col_dec[j])
                    # cividis: dark low, light high
                    colour = "black" if hi > lo and (raw - lo) / (hi - lo) > 0.55 else "white"
                ax.text(j, i, txt, ha="center", va="center", fontsize=min(6.5, font), color=colour)
    colorbar_below(fig, im, axes, cbar_label)
    _title(fig, None, title)
    return fig


def row_parts(n: int, rows: int = HEATMAP_ROWS) -> list[range]:
    """Rows of a heatmap or status chart drawn: all up to ``2 * rows``, else the first and the
    last ``rows`` (the table has them all)."""
    return [range(n)] if n <= 2 * rows else [range(rows), range(n - rows, n)]


# -- small multiples ------------------------------------------------------------------
def small_multiples(
    long: pd.DataFrame,
    *,
    targets: dict | None = None,
    ncols: int = 3,
    lang: str = "zh",
    sharey: bool = False,
) -> Figure:
    """One panel per ``panel`` value, one line per ``series``, target marked as a star.

    ``long`` has columns panel, series, year, value; ``targets`` maps panel -> (year, value).
    Series keep the same colour and line style in every panel; one legend below.
    """
    style.check_lang(lang)
    _check_columns(long, ["panel", "series", "year", "value"], "what_small_multiples")
    _non_empty(long, "what_small_multiples")
    if ncols < 1:
        raise user_error("figures.ncols_positive", ncols=ncols)
    panels = list(dict.fromkeys(long["panel"]))
    series = list(dict.fromkeys(long["series"]))
    ncols = min(ncols, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    fig = style.new_figure(
        "full",
        height_cm=1.0 + nrows * (11.0 / ncols + 0.9) + (0.6 if len(series) > 1 or targets else 0),
    )
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=sharey)
    look = {
        s: (
            style.PALETTE[k % len(style.PALETTE)],
            style.LINESTYLES[(k // len(style.PALETTE)) % 4],
            style.MARKERS[k % len(style.MARKERS)],
        )
        for k, s in enumerate(series)
    }
    targets = targets or {}
    for ax, panel in zip(axes.flat, panels, strict=False):
        d = long[long["panel"] == panel]
        for s, g in d.groupby("series", sort=False):
            g = g.sort_values("year")
            colour, ls, marker = look[s]
            ax.plot(
                g["year"],
                g["value"],
                color=colour,
                linestyle=ls,
                marker=marker,
                markersize=2.5,
                linewidth=1.1,
                label=str(s),
            )
        if panel in targets:
            ty, tv = targets[panel]
            ax.plot(
                [ty],
                [tv],
                marker="*",
                markersize=8,
                color=style.VERMILLION,
                linestyle="none",
                zorder=5,
            )
            ax.axhline(tv, color=style.VERMILLION, linestyle=":", linewidth=0.8, gid=REF)
        ax.set_title(_wrap(str(panel), 14), fontsize=8, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.yaxis.grid(True)
        ax.tick_params(labelsize=6.5)
        ax.tick_params(axis="x", labelbottom=True)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    handles = (
        [
            Line2D([], [], color=c, linestyle=cast(Any, ls), marker=mk, markersize=3, label=str(s))
            for s, (c, ls, mk) in look.items()
        ]
        if len(series) > 1
        else []
    )
    tvals = {v for _, v in targets.values()}
    if targets:
        label = flabel("target", lang) + (f" {_fmt(next(iter(tvals)))}" if len(tvals) == 1 else "")
        handles.append(
            Line2D(
                [], [], color=style.VERMILLION, linestyle=":", marker="*", markersize=7, label=label
            )
        )
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 6))
    return fig


# -- fan chart ------------------------------------------------------------------------
def fan_chart(
    history: pd.Series,
    forecast: pd.DataFrame,
    *,
    target: tuple[int, float] | None = None,
    title: str = "",
    ylabel: str = "",
    lang: str = "zh",
) -> Figure:
    """Observed series, projected mean and 80%/95% prediction bands, target as a star.

    ``history`` is indexed by year; ``forecast`` by year with columns mean, lo80, hi80, lo95, hi95.
    """
    style.check_lang(lang)
    _check_columns(forecast, ["mean", "lo80", "hi80", "lo95", "hi95"], "what_forecast")
    _non_empty(history, "what_fan_chart")
    fig = style.new_figure("full", aspect=0.5)
    ax = fig.add_subplot()
    h = history.dropna().sort_index()
    f = forecast.sort_index()
    # join the forecast to the last observation so the fan starts from it
    fx = (
        np.r_[h.index[-1], f.index.to_numpy()]
        if h.index[-1] < f.index.min()
        else f.index.to_numpy()
    )

    def ext(col: str) -> np.ndarray:
        return np.r_[h.iloc[-1], f[col].to_numpy()] if len(fx) > len(f) else f[col].to_numpy()

    for level, alpha in (("95", 0.25), ("80", 0.55)):  # outer band first, inner on top
        ax.fill_between(
            fx,
            ext(f"lo{level}"),
            ext(f"hi{level}"),
            color=style.SKY,
            alpha=alpha,
            linewidth=0,
            label=flabel(f"pi{level}", lang),
        )
    ax.plot(
        fx,
        ext("mean"),
        color=style.BLUE,
        linestyle="--",
        linewidth=1.4,
        label=flabel("forecast", lang),
    )
    ax.plot(
        h.index,
        h.to_numpy(),
        color=style.BLACK,
        marker="o",
        markersize=3,
        linewidth=1.4,
        label=flabel("history", lang),
        zorder=6,  # the observed points over the target star (2025 observed and targeted)
    )
    if target is not None:
        ty, tv = target
        ax.plot(
            [ty],
            [tv],
            marker="*",
            markersize=11,
            color=style.VERMILLION,
            linestyle="none",
            label=t("figures.target_at", lang, year=ty, value=_fmt(tv)),
            zorder=5,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))  # 2014, not 2,014
    # values in the unit of the axis label, thousands separated: no "1e6" offset over it
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{decimals_for([v])}f}"))
    ax.yaxis.grid(True)
    _ylabel(ax, ylabel)
    fig.legend(loc="outside lower center", ncol=3)
    _title(fig, ax, title)
    return fig


# -- Lorenz curve ---------------------------------------------------------------------
def lorenz_points(
    values: pd.Series, weights: pd.Series | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve points (0,0)..(1,1): units sorted by ``values`` ascending.

    x = cumulative share of weight, y = cumulative share of values*weights
    (values are per-weight levels, e.g. workers per 10k residents with population weights).
    """
    v = values.astype(float)
    w = pd.Series(1.0, index=v.index) if weights is None else weights.reindex(v.index).astype(float)
    ok = v.notna() & w.notna() & (w > 0)
    v, w = v[ok].to_numpy(), w[ok].to_numpy()
    if v.size == 0 or (v * w).sum() <= 0:
        raise user_error("figures.lorenz_positive")
    if (v < 0).any():
        raise user_error("figures.lorenz_negative")
    o = np.argsort(v, kind="stable")
    x = np.r_[0.0, np.cumsum(w[o]) / w.sum()]
    y = np.r_[0.0, np.cumsum((v * w)[o]) / (v * w).sum()]
    return x, y


def gini_from_lorenz(x: np.ndarray, y: np.ndarray) -> float:
    """Gini = 1 - sum (x_k - x_{k-1}) (y_k + y_{k-1}) (trapezoid area under the Lorenz curve)."""
    return float(1.0 - np.sum(np.diff(x) * (y[1:] + y[:-1])))


def lorenz(
    values: pd.Series,
    weights: pd.Series | None = None,
    *,
    title: str = "",
    lang: str = "zh",
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Lorenz curve of ``values`` across units (optionally population-weighted), with the Gini."""
    style.check_lang(lang)
    x, y = lorenz_points(values, weights)
    g = gini_from_lorenz(x, y)
    fig = style.new_figure("half", aspect=1.0)
    ax = fig.add_subplot()
    ax.plot(
        [0, 100],
        [0, 100],
        color=style.GREY,
        linestyle="--",
        linewidth=0.9,
        label=flabel("equality", lang),
    )
    ax.fill_between(x * 100, y * 100, x * 100, color=style.SKY, alpha=0.3, linewidth=0)
    ax.plot(
        x * 100, y * 100, color=style.BLUE, marker="o", markersize=2.5, label=flabel("lorenz", lang)
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel or flabel("lorenz_x_w" if weights is not None else "lorenz_x", lang))
    _ylabel(ax, ylabel or flabel("lorenz_y", lang))
    ax.text(
        0.04,
        0.96,
        f"{flabel('gini', lang)} G = {g:.3f}",
        transform=ax.transAxes,
        va="top",
        fontsize=7.5,
    )
    ax.legend(loc="lower right", fontsize=6.5)
    _title(fig, ax, title)
    return fig


def _status_cells(ax: Axes, cells: pd.DataFrame, size: float, font: float) -> None:
    """The status symbols of ``cells`` (rows top to bottom) on ``ax``."""
    for key, (marker, colour) in STATUS.items():
        rr, cc = np.nonzero(cells.to_numpy() == key)
        if key == "no_data":
            ax.scatter(
                cc,
                rr,
                marker="s",
                s=size * 0.75,
                facecolor="white",
                edgecolor=style.GREY,
                linewidth=0.6,
            )
            for r, c in zip(rr, cc, strict=True):
                ax.text(
                    float(c),
                    float(r),
                    MISSING,
                    ha="center",
                    va="center",
                    fontsize=min(7, font),
                    color=style.GREY,
                )
        else:
            edge = "white" if key != "backwards" else style.BLACK
            ax.scatter(
                cc, rr, marker=marker, s=size, color=colour, edgecolor=edge, linewidth=0.5, zorder=3
            )


# -- status dashboard -----------------------------------------------------------------
def status_dashboard(
    status: pd.DataFrame,
    *,
    title: str = "",
    lang: str = "zh",
    max_rows: int = 2 * HEATMAP_ROWS,
    min_font: float = PAGE_FONT_PT,
) -> Figure:
    """Progress status per region (rows) and indicator (columns): a symbol on a coloured disc.

    Cells take one of met, on_track, moderate, limited, backwards, no_data (the CAGR-ratio
    categories of SDG progress reports); shapes differ, so it reads in black and white.
    Row labels are never below ``min_font`` (the figure grows; ``MIN_FONT_PT`` for Word).
    """
    style.check_lang(lang)
    _non_empty(status, "what_status")
    cells = status.fillna("no_data").astype(str)
    bad = sorted(set(cells.to_numpy().ravel()) - set(STATUS))
    if bad:
        raise user_error("figures.unknown_status", bad=", ".join(bad), valid=", ".join(STATUS))
    nr, nc = cells.shape
    parts = row_parts(nr, max_rows // 2)
    drawn = sum(len(p) for p in parts)
    fixed = 4.4 if nc <= 6 else 6.8
    height, font = _rows(drawn + 2 * (len(parts) - 1), fixed, 0.55, 6.0, min_font)
    fig = style.new_figure("full", height_cm=height)
    size = 95 * min(1.0, font / 7.5) ** 2
    axes = list(
        fig.subplots(len(parts), 1, squeeze=False, height_ratios=[len(p) for p in parts])[:, 0]
    )
    for k, (ax, rows) in enumerate(zip(axes, parts, strict=True)):
        sub = cells.iloc[list(rows)]
        _status_cells(ax, sub, size, font)
        ax.set_xlim(-0.6, nc - 0.4)
        ax.set_ylim(len(rows) - 0.4, -0.6)
        omitted = None if k == 0 else nr - drawn
        grid = (style.LIGHT_GREY, 0.6)
        _grid_panel(ax, list(cells.columns), list(sub.index), omitted, font, lang, grid)
    shown = set(cells.to_numpy().ravel())
    final = shown <= {"met", "not_met", "no_data"} and "not_met" in shown
    handles = [
        Line2D(
            [],
            [],
            marker=mk or "s",
            linestyle="none",
            markersize=6,
            markerfacecolor=col if key != "no_data" else "white",
            markeredgecolor=style.GREY if key == "no_data" else col,
            label=status_label(key, lang),
        )
        for key, (mk, col) in STATUS.items()
        # the five graded categories always (the scale), others only where they occur; a
        # chart of final statuses (met / not met) shows only those
        if key in shown or (key in _GRADED and not final)
    ]
    fig.legend(
        handles=handles, loc="outside lower center", ncol=3, handletextpad=0.3, columnspacing=1.0
    )
    _title(fig, None, title)
    return fig


# -- trend lines ----------------------------------------------------------------------
def trend_lines(
    frame: pd.DataFrame, *, title: str = "", ylabel: str = "", lang: str = "zh"
) -> Figure:
    """One line per column over the year index (e.g. coefficient of variation per indicator)."""
    style.check_lang(lang)
    _non_empty(frame, "what_trend")
    fig = style.new_figure("full", aspect=0.5)
    ax = fig.add_subplot()
    f = frame.sort_index()
    for k, col in enumerate(f.columns):
        s = f[col].dropna()
        ax.plot(
            s.index,
            s.to_numpy(),
            color=style.PALETTE[k % len(style.PALETTE)],
            linestyle=style.LINESTYLES[(k // len(style.PALETTE)) % 4],
            marker=style.MARKERS[k % len(style.MARKERS)],
            markersize=3,
            label=str(col),
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.grid(True)
    ax.set_xlabel(flabel("year", lang))
    _ylabel(ax, ylabel)
    if f.shape[1] > 1:
        fig.legend(loc="outside lower center", ncol=min(3, f.shape[1]))
    _title(fig, ax, title)
    return fig
