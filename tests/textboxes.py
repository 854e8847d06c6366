"""Text-collision checks on rendered figures, with the renderer's own bounding boxes
(``fig.canvas.get_renderer()``, ``Text.get_window_extent``): test helpers, not package code."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from analysis.present.figures import REF

PAD = 0.5  # pixels: boxes that merely touch do not count


def _hidden_tick_labels(fig: Figure) -> set[int]:
    """Tick labels that matplotlib keeps but does not draw: their tick lies outside the view."""
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not lo - eps <= tick.get_loc() <= hi + eps:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def visible_texts(fig: Figure) -> list[Text]:
    """Every text drawn in ``fig`` (titles, labels, ticks, legends, notes)."""
    fig.canvas.draw()
    hidden = _hidden_tick_labels(fig)
    out = []
    for txt in fig.findobj(Text):
        if id(txt) in hidden:
            continue
        if not txt.get_visible() or not txt.get_text().strip():
            continue
        ax = txt.axes
        if ax is not None and not ax.get_visible():
            continue
        out.append(txt)
    return out


def _box(txt: Text, renderer) -> Bbox:
    b = txt.get_window_extent(renderer)
    return Bbox.from_extents(b.x0 + PAD, b.y0 + PAD, b.x1 - PAD, b.y1 - PAD)


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap."""
    texts = visible_texts(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [_box(t, renderer) for t in texts]
    out = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if boxes[i].overlaps(boxes[j]):
                out.append((texts[i].get_text(), texts[j].get_text()))
    return out


def texts_on_reference_lines(fig: Figure) -> list[str]:
    """Texts that a reference line (gid ``figures.REF``: standard, target) runs through."""
    texts = visible_texts(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    lines = [ln for ln in fig.findobj(Line2D) if ln.get_gid() == REF and ln.get_visible()]
    out = []
    for ln in lines:
        path = ln.get_transform().transform_path(ln.get_path())
        for txt in texts:
            if path.intersects_bbox(_box(txt, renderer), filled=False):
                out.append(txt.get_text())
    return out


def map_label_overlaps(fig: Figure) -> int:
    """Overlapping pairs among the county labels of a map (zorder 4 texts of the map axes)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_zorder() == 4]
    return sum(
        boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
    )


def overlapping_among(fig: Figure, texts: list[Text]) -> list[tuple[str, str]]:
    """Pairs of ``texts`` (drawn in ``fig``) whose boxes overlap: a cheaper check than
    ``overlapping_texts`` when a figure has thousands of texts (heatmap cells)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    shown = [x for x in texts if x.get_visible() and x.get_text().strip()]
    boxes = [_box(x, renderer) for x in shown]
    return [
        (shown[i].get_text(), shown[j].get_text())
        for i in range(len(shown))
        for j in range(i + 1, len(shown))
        if boxes[i].overlaps(boxes[j])
    ]
