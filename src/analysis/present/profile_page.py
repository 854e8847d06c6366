"""The county profile page: heading, summary, numbered figure and tables, source notes.

One builder serves both outputs: ``prepare`` (the data set and the notebook's parameters
-> a ``Context``), then ``build`` (one county -> a list of ``Block``), then

- in the notebook (notebooks/county_profile.ipynb): ``show``, each block displayed as
  Markdown, a figure or a table;
- in the runner's batch (``batch = "analysis.present.profile_page"`` in reports.toml,
  runner/batch.py): ``page_html``, a static HTML page, the figure as an embedded PNG.

Everything a page says comes from ``analysis.analyses.profile`` (one computation for all
units); the words come from the catalogue (``profile.*``), the region words from the data set
(``ds.whole_word``, ``ds.units_word``).

Usage::

    ctx = prepare(ds, lang="zh")    # once per data set, parameters and language
    blocks = build(ctx, code)        # one county (a unit code)
    show(blocks)                     # in a notebook
    page = page_html(ctx, code)      # or as a static page (the batch)
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.analyses import gaps
from analysis.analyses import profile as P
from analysis.messages import labels, t
from analysis.present import captions, display, figures, findings, style
from analysis.present.figures import decimals_for
from analysis.present.words import gaps as gap_words
from analysis.present.words.gap_text import header
from analysis.present.words.labels import tier_labels

FIGURE_DPI = 150  # the page shows the figure fitted to the column; a click shows its pixels
HTML_LANG = {"zh": "zh-CN", "en": "en"}  # the page's lang attribute
RIGHT_PAD_PT = 14.0  # right margin kept free for the last x tick label (figure_png)
# catalogue files whose words a page can show (batch.font_chars: checks, font benchmark)
CATALOGUES = ("profile", "gaps", "methods", "present", "findings", "data", "regions", "site")


@dataclass(frozen=True)
class Block:
    """One element of the page: kind is heading, banner, section, text, summary, figure, table,
    note."""

    kind: str
    text: str = ""  # heading/section/text/note text, or the caption of a figure/table
    table: pd.DataFrame | None = None  # display strings, headers in the reader's language
    figure: Callable[[], Figure] | None = None
    png: Callable[[], bytes] | None = None  # the figure for static pages (figure_png)
    summary: findings.Findings | None = None


@dataclass(frozen=True)
class Context:
    """What every page of one batch and language shares (computed once)."""

    batch: P.Batch
    lang: str
    whole: str
    units: str
    names: dict[str, str]
    names_zh: dict[str, str]
    label: dict[str, str]  # indicator -> label without unit
    label_unit: dict[str, str]  # indicator -> label with unit
    unit: dict[str, str]  # indicator -> unit
    decimals: dict[str, int]  # indicator -> decimals of its values among units
    note_indicators: str
    note_shortfall: str
    illustrative: bool
    tier_words: dict[str, str] = field(default_factory=dict)
    evaluation: pd.DataFrame | None = None  # the plan period's evaluation (results model)
    layouts: dict[str, Any] = field(default_factory=dict)  # figure_png's canonical layout


def prepare(
    ds: Any,
    *,
    year: int = 0,
    normalisation: str = "minmax",
    weighting: str | dict[str, float] = "equal",
    facility_cost_per_m2: float = 3000,
    worker_cost_per_year: float = 50000,
    lang: str = "zh",
    **_notebook_only: Any,
) -> Context:
    """The shared context of every page, from the data set and the profile notebook's
    parameters (the same names and defaults as its parameters cell; the notebook's other
    parameters, such as ``report_name``, do not change the page)."""
    style.use()
    costs = {"facility_area": facility_cost_per_m2, "urban_community_workers": worker_cost_per_year}
    return context(P.compute(ds, year, normalisation, weighting, costs), lang)


def context(batch: P.Batch, lang: str = "zh") -> Context:
    """Shared words, labels, precisions and source notes of every page of ``batch``."""
    style.check_lang(lang)
    ds = batch.ds
    ids = batch.ids
    ind = ds.indicators.set_index("id")
    obs = gaps.obs_used(ds, ids, batch.spec.year, top=True)
    short_ids = batch.shortfall["indicator"].unique()
    return Context(
        batch=batch,
        lang=lang,
        whole=ds.whole_word(lang),
        units=ds.units_word(lang),
        names=ds.names(lang),
        names_zh=ds.names("zh"),
        label={i: ds.label(i, lang, unit=False) for i in ids},
        label_unit={i: ds.label(i, lang) for i in ids},
        unit={i: str(ind.loc[i, f"unit_{lang}"] or "") for i in ids},
        decimals={i: decimals_for(batch.values[i].to_numpy(dtype=float)) for i in ids},
        note_indicators=captions.source_note(ds, obs, lang=lang),
        note_shortfall=captions.source_note(
            ds, gaps.obs_used(ds, short_ids, batch.spec.year), lang=lang
        ),
        illustrative=captions.is_illustrative(ds, obs),
        tier_words=tier_labels(lang),
        evaluation=_evaluation(ds),
    )


def _evaluation(ds: Any) -> pd.DataFrame | None:
    """The evaluation of the data set's last plan period (``results.open(ds).evaluation``,
    report 05's numbers), or None when the data set has no plan period."""
    from analysis import results
    from analysis.results import tables as rtables

    periods = rtables.periods(ds)
    if not periods:
        return None
    base, target = periods[-1]
    return results.open(ds).evaluation(base, target)


def advice(ctx: Context, code: str) -> list[str]:
    """The recommendations of one unit (``profile.advice``): the indicators below their
    standard, largest relative gap first (the first with its numbers), the lagging themes,
    and the plan targets missed; a unit with no gap is told so."""
    from analysis.present.words import plan_text
    from analysis.present.words.gap_text import theme_label
    from analysis.present.words.plan_text import mid

    b, lang = ctx.batch, ctx.lang
    a = P.advice(b, code, ctx.evaluation)
    if a.no_gap:
        return [captions.localise(t("profile.advice_none", lang, name=ctx.names[code]), lang)]
    out = []
    if a.below:
        first = a.below[0]
        fields = {
            "first": mid(ctx.label[first]),
            "value": _qty(ctx, first, b.values.loc[code, first]),
            "target": _qty(ctx, first, b.target[first]),
            "pct": display.number(P.profile(b, code).loc[first, "gap_pct"], 1),
        }
        labels_ = plan_text.names([mid(ctx.label[i]) for i in a.below], lang, ranked=False)
        key = "profile.advice_below" if len(a.below) > 1 else "profile.advice_below_one"
        out.append(t(key, lang, labels=labels_, **fields))
    else:
        out.append(t("profile.advice_no_gap", lang, k=a.n_standards))
    if a.lagging:
        themes = plan_text.names([mid(theme_label(d, lang)) for d in a.lagging], lang, ranked=False)
        out.append(t("profile.advice_lagging", lang, themes=themes, units=ctx.units))
    label = b.ds.label
    if a.unmet:
        unmet = plan_text.names(
            [mid(label(i, lang, unit=False)) for i in a.unmet], lang, ranked=False
        )
        out.append(t("profile.advice_unmet", lang, year=a.target_year, labels=unmet))
    elif a.met:
        out.append(t("profile.advice_all_met", lang, year=a.target_year, n=len(a.met)))
    return [captions.localise(s, lang) for s in out]


# --- text --------------------------------------------------------------------------------


def name(ctx: Context, code: str) -> str:
    """The county's name for the reader: Chinese, or Chinese and English in English pages."""
    if ctx.lang == "zh":
        return ctx.names_zh[code]
    return t("profile.bilingual_name", ctx.lang, name=ctx.names_zh[code], name_en=ctx.names[code])


def _num(ctx: Context, ind: str, v: float) -> str:
    return display.number(v, ctx.decimals.get(ind, 2), t("present.missing", ctx.lang))


def _qty(ctx: Context, ind: str, v: float) -> str:
    unit = ctx.unit.get(ind, "")
    text = _num(ctx, ind, v)
    return t("profile.quantity", ctx.lang, value=text, unit=unit) if unit else text


def summary(ctx: Context, code: str) -> findings.Findings:
    """Three to five sentences, every number from the batch's tables (``profile.facts``)."""
    b, lang = ctx.batch, ctx.lang
    f = P.facts(b, code)
    who = ctx.names[code]
    status = [
        t(
            "profile.sum_rank",
            lang,
            year=f.year,
            name=who,
            score=display.number(f.score, 1),
            whole=ctx.whole,
            n=f.n,
            units=ctx.units,
            rank=f.rank,
            tier=ctx.tier_words.get(f.tier, f.tier),
        )
    ]
    if f.group:
        status.append(
            t(
                "profile.sum_group",
                lang,
                name=who,
                group=ctx.names[f.group],
                rank=f.group_rank,
                n=f.group_n,
                units=ctx.units,
            )
        )
    for i in f.tied:
        v = b.values[i].dropna()
        status.append(
            t(
                "profile.sum_tied",
                lang,
                label=ctx.label[i],
                units=ctx.units,
                value=_qty(ctx, i, v.iloc[0]),
            )
        )
    if f.best and f.worst and f.best != f.worst:
        status.append(
            t(
                "profile.sum_best_worst",
                lang,
                best=ctx.label[f.best],
                best_rank=int(b.ranks.loc[code, f.best]),
                best_n=int(b.n[f.best]),
                worst=ctx.label[f.worst],
                worst_rank=int(b.ranks.loc[code, f.worst]),
                worst_n=int(b.n[f.worst]),
            )
        )
    sep = t("profile.list_sep", lang)
    if f.below:
        problems = [
            t(
                "profile.sum_below",
                lang,
                k=f.n_standards,
                m=len(f.below),
                labels=sep.join(ctx.label[i] for i in f.below),
            )
        ]
    else:
        problems = [t("profile.sum_none_below", lang, k=f.n_standards)]
    gap_lines = []
    if f.largest:
        i = f.largest
        gap_lines.append(
            t(
                "profile.sum_largest",
                lang,
                label=ctx.label[i],
                value=_qty(ctx, i, b.values.loc[code, i]),
                target=_qty(ctx, i, b.target[i]),
                pct=display.number(P.profile(b, code).loc[i, "gap_pct"], 1),
            )
        )

    def loc(s: str) -> str:  # every number is the county panel's: flagged when it is
        return findings.Sentence(captions.localise(s, lang), ctx.illustrative)

    return findings.Findings(
        status=[loc(s) for s in status],
        problems=[loc(s) for s in problems],
        gaps=[loc(s) for s in gap_lines],
    )


# --- tables ------------------------------------------------------------------------------


def position_table(ctx: Context, code: str) -> pd.DataFrame:
    """Table 1: score, rank and tier on the overall index and every theme (display strings)."""
    b = ctx.batch
    pos = gap_words.county_position(b.ds, code, b.index, b.tier, ctx.lang)
    return display.formatted(pos, lang=ctx.lang, decimals={pos.columns[1]: 1})


def _rank_text(ctx: Context, ind: str, rank: float, n: float) -> str:
    """ "3/12"; a rank shared with other units "=3/12" (tied); every unit equal: said so."""
    ranks = ctx.batch.ranks[ind].dropna()
    shared = int((ranks == rank).sum())
    if shared == len(ranks) and shared > 1:
        return t("profile.rank_all_equal", ctx.lang)
    key = "profile.rank_tied" if shared > 1 else "profile.rank_of"
    return t(key, ctx.lang, rank=int(rank), n=int(n))


def indicator_table(ctx: Context, code: str) -> pd.DataFrame:
    """Table 2: every indicator with the county's value, the whole region's, the units'
    median, the standard, rank, tier and gap; numbers to each indicator's precision."""
    lang = ctx.lang
    prof = P.profile(ctx.batch, code)
    missing = t("present.missing", lang)
    rows = []
    for i, r in prof.iterrows():
        ind = str(i)
        rank = _rank_text(ctx, ind, r["rank"], r["n"]) if pd.notna(r["rank"]) else missing
        rows.append(
            [
                ctx.label_unit[ind],
                _num(ctx, ind, r["value"]),
                _num(ctx, ind, r["prefecture"]),
                _num(ctx, ind, r["unit_median"]),
                _num(ctx, ind, r["target"]),
                rank,
                ctx.tier_words.get(str(r["tier"]), missing) if pd.notna(r["tier"]) else missing,
                _num(ctx, ind, r["gap"]),
                display.number(r["gap_pct"], 1, missing),
            ]
        )
    cols = [
        header("indicator", lang),
        header("value", lang),
        t("profile.col_top", lang, whole=ctx.whole),
        t("profile.col_median", lang, units=ctx.units),
        header("target", lang),
        header("rank", lang),
        header("tier", lang),
        header("gap", lang),
        header("gap_pct", lang),
    ]
    return pd.DataFrame(rows, columns=[captions.localise(c, lang) for c in cols])


def shortfall_table(ctx: Context, code: str) -> pd.DataFrame:
    """Table 3: the county's gaps to the standards with the quantity and cost to close them."""
    lang = ctx.lang
    short = P.shortfall(ctx.batch, code)
    missing = t("present.missing", lang)
    basis = labels("gaps.cost_basis", lang)
    ds = ctx.batch.ds
    rows = []
    for r in short.itertuples(index=False):
        ind = str(r.indicator)
        q = str(r.quantity_of) if isinstance(r.quantity_of, str) and r.quantity_of else ""
        rows.append(
            [
                ctx.label_unit.get(ind, ind),
                _num(ctx, ind, r.value),
                _num(ctx, ind, r.target),
                _num(ctx, ind, r.gap),
                display.number(r.gap_pct, 1, missing),
                display.number(r.quantity, 0, missing),
                ds.label(q, lang, unit=False) if q else missing,
                display.number(r.cost, 1, missing),
                basis.get(str(r.cost_basis), "") or missing,
            ]
        )
    cols = [
        header(c, lang)
        for c in (
            "indicator",
            "value",
            "target",
            "gap",
            "gap_pct",
            "quantity",
            "quantity_unit",
            "cost",
            "cost_basis",
        )
    ]
    return pd.DataFrame(rows, columns=[captions.localise(c, lang) for c in cols])


# --- the page ------------------------------------------------------------------------------


def _dots(ctx: Context, code: str) -> pd.DataFrame:
    """The dot plot's rows: county, whole region and standard as % of the units' median."""
    return gap_words.profile_dots(P.profile(ctx.batch, code), ctx.batch.ds, ctx.lang)


def _series_labels(ctx: Context, code: str) -> dict[str, str]:
    return {"county": ctx.names[code], "prefecture": ctx.whole}


def figure(ctx: Context, code: str) -> Figure:
    """The dot plot: county, whole region and standard as % of the units' median."""
    lang = ctx.lang
    fig = figures.dot_plot(
        _dots(ctx, code),
        title=ctx.names[code],
        xlabel=t("gaps.profile_xlabel", lang, units=ctx.units),
        lang=lang,
        series_labels=_series_labels(ctx, code),
    )
    return style.mark_illustrative(fig, lang) if ctx.illustrative else fig


def build(ctx: Context, code: str) -> list[Block]:
    """The page of one county, in reading order (raises a UserError for a non-unit code)."""
    code = P.check(ctx.batch, code)
    lang, year = ctx.lang, ctx.batch.spec.year
    who = ctx.names[code]
    words = {"whole": ctx.whole, "units": ctx.units}
    num = captions.Numbering(lang=lang)
    section = iter(range(1, 10))

    def sec(key: str) -> Block:
        text = t("findings.numbered", lang).format(
            number=t(f"findings.number.n{next(section)}", lang), title=t(key, lang, **words)
        )
        return Block("section", captions.localise(text, lang))

    blocks = [
        Block("heading", t("profile.heading", lang, name=name(ctx, code))),
        *([Block("banner", findings.banner_text(lang))] if ctx.illustrative else []),
        Block("text", captions.localise(t("profile.intro", lang, name=who, **words), lang)),
        Block("summary", t("profile.summary", lang), summary=summary(ctx, code)),
        sec("profile.section_position"),
        Block("table", num.table(t("profile.table_position", lang, name=who, year=year))),
        sec("profile.section_indicators"),
        Block("text", captions.localise(t("profile.indicators_text", lang, **words), lang)),
        Block(
            "figure",
            num.figure(t("profile.figure_title", lang, name=who, year=year, **words)),
            figure=lambda: figure(ctx, code),
            png=lambda: figure_png(ctx, code),
        ),
        Block("note", ctx.note_indicators),
        Block("table", num.table(t("profile.table_indicators", lang, name=who, year=year))),
        Block("note", ctx.note_indicators),
        sec("profile.section_shortfall"),
        Block("text", t("profile.costs_text", lang)),
    ]
    # tables are filled in here so each caption's number is handed out in reading order
    tables = iter([position_table(ctx, code), indicator_table(ctx, code)])
    blocks = [Block(b.kind, b.text, table=next(tables)) if b.kind == "table" else b for b in blocks]
    short = shortfall_table(ctx, code)
    if short.empty:
        blocks.append(Block("text", t("profile.no_shortfall", lang, name=who)))
    else:
        cap = num.table(t("profile.table_shortfall", lang, name=who, year=year))
        blocks += [Block("table", cap, table=short), Block("note", ctx.note_shortfall)]
    blocks.append(sec("profile.section_advice"))
    blocks += [Block("text", s) for s in advice(ctx, code)]
    return blocks


# --- output: notebook ------------------------------------------------------------------------


def summary_markdown(s: findings.Findings, lang: str = "zh") -> str:
    """The summary sentences as bullets, in the plan's order (situation, problems, gaps), each
    with its illustrative mark (``findings.text``)."""
    return "\n".join(f"- {findings.text(x, lang)}" for _, xs in s.sections() for x in xs)


def show(blocks: list[Block], lang: str = "zh") -> None:
    """Display the page in a notebook (Markdown, the figure, tables without index); strings
    from data escaped (``escape.markdown_text``)."""
    from IPython.display import display as ipy_display

    from analysis.present.escape import markdown as md

    for b in blocks:
        if b.kind == "heading":
            ipy_display(md(f"# {b.text}"))
        elif b.kind == "section":
            ipy_display(md(f"## {b.text}"))
        elif b.kind == "summary" and b.summary is not None:
            ipy_display(md(f"**{b.text}**\n\n{summary_markdown(b.summary, lang)}"))
        elif b.kind == "figure" and b.figure is not None:
            ipy_display(md(f"**{b.text}**"))
            ipy_display(b.figure())
        elif b.kind == "table" and b.table is not None:
            ipy_display(md(f"**{b.text}**"))
            ipy_display(display.show(b.table, lang=lang))
        elif b.kind == "note":
            ipy_display(md(f"*{b.text}*"))
        elif b.kind == "banner":
            ipy_display(md(f"**{b.text}**"))
        else:
            ipy_display(md(b.text))


# --- output: static HTML -------------------------------------------------------------------

CSS = """
body{margin:0;color:#222;line-height:1.6}
main{max-width:1100px;margin:0 auto;padding:0 1.2em 2em}
h1{font-size:1.5em;margin:.8em 0 .4em}h2{font-size:1.2em;margin:1.4em 0 .5em}
.caption{font-weight:bold;margin:1em 0 .3em;text-align:center}
.note{font-size:.88em;color:#555;margin:.3em 0 1em}
.summary{background:#f4f8fb;border-left:4px solid #0072B2;padding:.5em 1em .5em 1.4em}
.summary ul{margin:.2em 0;padding-left:1em}
.wrap{overflow-x:auto;max-width:100%}
table.data{border-collapse:collapse;margin:0 auto;font-size:.92em}
table.data th,table.data td{border-top:1px solid #999;border-bottom:1px solid #999;
padding:.3em .6em;text-align:right;white-space:nowrap}
table.data th{background:#f2f2f2;text-align:center}
table.data td:first-child{text-align:left;white-space:normal;min-width:10em}
figure{margin:.6em 0;text-align:center}
.illustrative-banner{background:#fff4d6;border:1px solid #e6b800;padding:.4em .8em}
"""


def table_html(frame: pd.DataFrame) -> str:
    """A display table as HTML (no index column; every cell escaped)."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'<div class="wrap"><table class="data">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table></div>"
    )


def _layout_key(fig: Figure) -> tuple:
    """What decides a figure's layout: size, row labels, axis labels, line counts of texts."""
    return (
        tuple(float(x) for x in fig.get_size_inches()),
        tuple(
            (
                tuple(t.get_text() for t in ax.get_yticklabels()),
                ax.get_xlabel(),
                ax.get_title(loc="left").count("\n"),
            )
            for ax in fig.axes
        ),
        tuple(t.get_text().count("\n") for t in fig.texts),
        tuple(len(leg.get_texts()) for leg in fig.legends),
    )


def _shared_canvas(ctx: Context, fig: Figure) -> None:
    """Draw ``fig`` on the batch's one Agg canvas: its renderer (kept while the figure size
    and resolution stay the same) is the key of matplotlib's text-size cache, so the labels
    every county's figure shares are measured once per batch, not once per page. The canvas
    clears its pixels before each draw: the same pixels as a canvas of its own."""
    canvas = ctx.layouts.get("canvas")
    if canvas is None:
        ctx.layouts["canvas"] = fig.canvas
        return
    canvas.figure = fig
    fig.set_canvas(canvas)


def figure_png(ctx: Context, code: str) -> bytes:
    """The county's figure as PNG bytes, without running the layout engine for every county
    and without making a new figure for every county.

    Constrained layout takes about half of a dot plot's drawing time, and its result is the
    same for every county whose figure has the same size, row labels and axis labels. So
    the layout of the first unit's figure (the canonical layout; computed once per
    ``Context``) is applied to every figure with the same layout key; any other figure gets
    its own layout. The first figure with the canonical layout is then kept as the batch's
    template: a later county with the same rows redraws it with its own values
    (``figures.redraw_dot_plot``: the pixels of a new figure, a test checks it), a county
    with other rows gets a new figure. A county's bytes therefore do not depend on which
    counties a worker rendered before it.
    """
    if "key" not in ctx.layouts:
        first = figure(ctx, ctx.batch.units[0])
        style.to_bytes(first, "png", dpi=FIGURE_DPI)  # the layout at the page's resolution
        ctx.layouts.update(
            key=_layout_key(first), positions=[ax.get_position(original=True) for ax in first.axes]
        )
    template = ctx.layouts.get("template")
    if template is not None:
        dots = _dots(ctx, code)
        if _rows_key(dots) == ctx.layouts["rows"]:
            figures.redraw_dot_plot(
                template,
                dots,
                title=ctx.names[code],
                lang=ctx.lang,
                series_labels=_series_labels(ctx, code),
            )
            if _layout_key(template) == ctx.layouts["key"]:  # e.g. a title on more lines
                _shared_canvas(ctx, template)  # the canvas may have drawn another figure
                style.no_layout_engine(template)  # savefig put back the style's engine
                return style.to_bytes(template, "png", dpi=FIGURE_DPI)
            ctx.layouts.pop("template")  # a new figure below, and the next template
    fig = figure(ctx, code)
    if _layout_key(fig) == ctx.layouts["key"]:
        style.no_layout_engine(fig)
        # room on the right for half of the last x tick label, which differs by county
        right = 1 - RIGHT_PAD_PT / (fig.get_figwidth() * 72)
        for ax, pos in zip(fig.axes, ctx.layouts["positions"], strict=True):
            ax.set_position((pos.x0, pos.y0, min(pos.x1, right) - pos.x0, pos.height))
        if "template" not in ctx.layouts:
            ctx.layouts.update(template=fig, rows=_rows_key(_dots(ctx, code)))
    _shared_canvas(ctx, fig)
    return style.to_bytes(fig, "png", dpi=FIGURE_DPI)


def _rows_key(dots: pd.DataFrame) -> tuple:
    """What a redrawn template must share with a county's figure: its rows and series."""
    return (tuple(dots.index), tuple(dots.columns), bool(dots["target"].notna().any()))


def figure_html(png_bytes: bytes, alt: str) -> str:
    """The figure as an embedded PNG."""
    png = base64.b64encode(png_bytes).decode("ascii")
    return (
        f'<div class="jp-RenderedImage"><img src="data:image/png;base64,{png}" '
        f'alt="{escape(alt)}"></div>'
    )


def page_html(ctx: Context, code: str, *, title: str = "", head: str = "") -> str:
    """One county's static page (the batch's output): ``build`` rendered by ``html``."""
    return html(build(ctx, code), ctx.lang, title=title, head=head)


def html(
    blocks: list[Block], lang: str = "zh", *, title: str = "", head: str = "", top: str = ""
) -> str:
    """A static, self-contained HTML page of ``blocks``.

    ``head`` is inserted at the end of ``<head>`` (e.g. the font and site styles), ``top``
    at the start of ``<body>`` (e.g. navigation); headings get ids ``s0``, ``s1`` ...
    """
    parts: list[str] = []
    n = 0
    for b in blocks:
        if b.kind in ("heading", "section"):
            tag = "h1" if b.kind == "heading" else "h2"
            parts.append(f'<{tag} id="s{n}">{escape(b.text)}</{tag}>')
            n += 1
        elif b.kind == "summary" and b.summary is not None:
            items = "".join(
                f"<li>{escape(findings.text(x, lang))}</li>"
                for _, sentences in b.summary.sections()
                for x in sentences
            )
            parts.append(
                f'<section class="summary"><h2 id="s{n}">{escape(b.text)}</h2><ul>{items}</ul>'
                "</section>"
            )
            n += 1
        elif b.kind == "figure" and b.png is not None:
            parts.append(
                f'<figure>{figure_html(b.png(), b.text)}<figcaption class="caption">'
                f"{escape(b.text)}</figcaption></figure>"
            )
        elif b.kind == "table" and b.table is not None:
            parts.append(f'<p class="caption">{escape(b.text)}</p>\n{table_html(b.table)}')
        elif b.kind == "note":
            parts.append(f'<p class="note">{escape(b.text)}</p>')
        elif b.kind == "banner":
            parts.append(f'<p class="illustrative-banner">{escape(b.text)}</p>')
        else:
            parts.append(f"<p>{escape(b.text)}</p>")
    page_title = title or next((b.text for b in blocks if b.kind == "heading"), "")
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(page_title)}</title>\n<style>{CSS}</style>\n{head}</head>\n<body>\n"
        f"{top}<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )
