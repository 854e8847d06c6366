"""Plan figure style: CJK font shipped with pip, A4 Word sizes, colour-blind-safe palette,
deterministic PNG/SVG/PDF output.

The Chinese font is Noto Sans CJK SC from the ``noto-cjk-sans-otc`` wheel (its SC face,
``analysis.present.cjk_font``), registered directly with matplotlib's font manager, so no
system font is needed.  Palette: Okabe & Ito
(2008), "Color Universal Design", with grey for context.

Usage::

    use()
    fig = new_figure("full")
    save(fig, outputs_dir() / "figures" / "fig2_1")   # .png (300 dpi), .svg, .pdf
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib
from cycler import cycler
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from analysis.errors import UserError, check_choice, check_lang, user_error  # noqa: F401
from analysis.io import write_bytes
from analysis.messages import pair, t

FULL_WIDTH_CM = 16.0
HALF_WIDTH_CM = 7.8
CM = 1 / 2.54  # inches per cm
DPI = 300
FONT_NAME = "Noto Sans CJK SC"
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib; only for glyphs Noto lacks

# Okabe-Ito colour-blind-safe palette (blue, orange, bluish green, vermillion,
# reddish purple, sky blue, yellow); black and grey for reference and context.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
BLUE, ORANGE, GREEN, VERMILLION, SKY = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[5]
BLACK = "#000000"
GREY = "#8C8C8C"
LIGHT_GREY = "#D9D9D9"
SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-blind safe
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
FORMATS = ("png", "svg", "pdf")
LANGS = ("zh", "en")

_registered = False


def font_path() -> Path:
    """Path of the Noto Sans CJK SC font file, copied once out of the collection in the
    ``noto-cjk-sans-otc`` wheel (see ``analysis.present.cjk_font``)."""
    from analysis.present import cjk_font

    path = cjk_font.font_file()
    if path is None:  # pragma: no cover - a dependency
        raise user_error("figures.font_package_missing")
    if not path.is_file():  # pragma: no cover
        raise user_error("figures.font_file_missing", path=path)
    return path


def register_font() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    global _registered
    if not _registered:
        font_manager.fontManager.addfont(str(font_path()))
        _registered = True
    return FONT_NAME


def rc_params() -> dict:
    """The plan's rcParams (sizes in points for A4 Word pages, body text 10.5 pt)."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [register_font(), FALLBACK_FONT],
        "axes.unicode_minus": False,
        "mathtext.fontset": "dejavusans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "figure.titlesize": 10,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "axes.edgecolor": "#333333",
        "axes.grid": False,
        "grid.color": LIGHT_GREY,
        "grid.linewidth": 0.5,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "lines.linewidth": 1.4,
        "lines.markersize": 4,
        "figure.dpi": 100,
        "savefig.dpi": DPI,
        "figure.constrained_layout.use": True,
        "svg.hashsalt": "analysis-plan-figures",
        "svg.fonttype": "path",  # glyphs as outlines: SVG shows right without the font
        "pdf.fonttype": 3,
        "image.cmap": SEQUENTIAL_CMAP,
    }


def use() -> None:
    """Apply the plan style to matplotlib (idempotent); in IPython, plan figures show through
    their own ``_repr_png_`` (full resolution) even under ``%matplotlib inline``."""
    matplotlib.rcParams.update(rc_params())
    _show_in_ipython()


def _show_in_ipython() -> None:
    """Register ``PlanFigure._repr_png_`` as the PNG printer of plan figures: the inline
    backend's printer for every Figure (100 dpi, cropped) would otherwise win."""
    import sys

    if "IPython" not in sys.modules:  # not in a kernel or shell: nothing to register
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(PlanFigure, PlanFigure._repr_png_)


def size(width: str | float = "full", aspect: float = 0.62) -> tuple[float, float]:
    """Figure size in inches: ``width`` is "full" (16 cm), "half" (7.8 cm) or cm;
    height = width * aspect."""
    if isinstance(width, str):
        widths = {"full": FULL_WIDTH_CM, "half": HALF_WIDTH_CM}
        if width not in widths:
            raise user_error("figures.unknown_width", width=width)
        width = widths[width]
    return (width * CM, width * aspect * CM)


SCREEN_DPI = 200  # pixels per inch of figures shown in notebooks and HTML pages
CSS_PX_PER_INCH = 96  # the display width: print size in CSS pixels


class PlanFigure(Figure):
    """A Figure that shows itself in Jupyter (``_repr_png_``) at print size, with or without
    ``%matplotlib inline``; not managed by pyplot, so it is shown once and never leaks.

    The PNG has ``SCREEN_DPI`` pixels per inch (about twice the display width), so a page that
    shows it at its print width (``width`` = inches x 96) can zoom in on real detail."""

    def _repr_png_(self):
        width = round(self.get_figwidth() * CSS_PX_PER_INCH)
        return to_bytes(self, "png", dpi=SCREEN_DPI), {"width": width}


def new_figure(
    width: str | float = "full", height_cm: float | None = None, aspect: float = 0.62, **kw
) -> Figure:
    """A new figure in the plan style (constrained layout); height in cm overrides ``aspect``."""
    use()
    w, h = size(width, aspect)
    if height_cm is not None:
        h = height_cm * CM
    fig = PlanFigure(figsize=(w, h), layout="constrained", **kw)
    FigureCanvasAgg(fig)  # not managed by pyplot: no implicit display, nothing to close
    return fig


MARK_PT = 6.0  # size of the illustrative-data mark
MARK_GID = "illustrative-mark"


def mark_illustrative(fig: Figure, lang: str = "zh") -> Figure:
    """Write a small illustrative-data mark (``figures.illustrative_mark``) in the top right
    corner of ``fig``, in a strip the constrained layout keeps free, so the image says it even when
    copied out of its document."""
    text = t("figures.illustrative_mark", check_lang(lang))
    if any(x.get_gid() == MARK_GID for x in fig.texts):
        return fig
    strip = (MARK_PT * 1.6) / (fig.get_figheight() * 72)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):  # keeps a strip reserved at the bottom
        x0, y0, w, h = engine.get()["rect"]
        engine.set(rect=(x0, y0, w, min(y0 + h, 1.0 - strip) - y0))
    fig.text(
        0.995,
        0.997,
        text,
        ha="right",
        va="top",
        fontsize=MARK_PT,
        color="#666666",
        gid=MARK_GID,
    )
    return fig


def _metadata(fmt: str) -> dict:
    """Metadata without dates or software versions, so reruns give identical bytes."""
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Format": None, "Type": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
    return {}


def to_bytes(fig: Figure, fmt: str = "png", dpi: int = DPI) -> bytes:
    """Render ``fig`` to bytes deterministically (no timestamps, fixed SVG ids)."""
    check_choice(fmt, FORMATS, "kinds.figure_format")
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "analysis-plan-figures"}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return buf.getvalue()


def no_layout_engine(fig: Figure) -> None:
    """Remove ``fig``'s layout engine altogether. ``set_layout_engine("none")`` leaves a
    placeholder engine, and ``savefig`` draws a figure with any engine twice (once without
    rendering, for the layout); ``set_layout_engine(None)`` alone would take the style's
    constrained engine again from the rc parameters. (``savefig`` itself puts back the
    style's constrained engine when it is done.)"""
    with matplotlib.rc_context(
        {"figure.autolayout": False, "figure.constrained_layout.use": False}
    ):
        fig.set_layout_engine(None)


def to_formats(fig: Figure, formats: Sequence[str] = FORMATS, dpi: int = DPI) -> dict[str, bytes]:
    """``to_bytes`` of ``fig`` in each of ``formats`` at ``dpi``, laid out once: the layout
    engine runs for the first format (the PNG) and its positions are kept for the others,
    so the PNG, SVG and PDF of a figure have the same geometry (a layout per format would
    differ by fractions of a point, text being measured by each format's renderer) for one
    layout pass instead of three."""
    engine = fig.get_layout_engine()
    out: dict[str, bytes] = {}
    try:
        for k, fmt in enumerate(formats):
            if k:
                no_layout_engine(fig)
            out[fmt] = to_bytes(fig, fmt, dpi)
    finally:  # the figure's own engine again (None stays None, not the rc's engine)
        if engine is None:
            no_layout_engine(fig)
        else:
            fig.set_layout_engine(engine)
    return out


def save(
    fig: Figure, path_without_suffix: str | os.PathLike, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Write ``fig`` as PNG (300 dpi), SVG and PDF side by side, atomically; return the paths."""
    base = Path(path_without_suffix)
    return [
        write_bytes(base.with_name(f"{base.name}.{fmt}"), data)
        for fmt, data in to_formats(fig, formats).items()
    ]


class MissingGlyphError(UserError):
    """A label uses a character the plan font cannot draw."""


@contextlib.contextmanager
def strict_glyphs() -> Iterator[None]:
    """Turn matplotlib's 'Glyph … missing from font(s)' warnings into MissingGlyphError."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise MissingGlyphError(
            *pair("figures.missing_glyphs", detail="; ".join(sorted(set(missing))))
        )
    for w in caught:  # re-emit the others
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def check_glyphs(fig: Figure) -> Figure:
    """Draw ``fig`` and raise MissingGlyphError if any label has a glyph the font lacks."""
    with strict_glyphs():
        fig.canvas.draw()
    return fig
