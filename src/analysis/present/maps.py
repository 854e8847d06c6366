"""Choropleth county maps from GeoJSON with shapely + matplotlib (no geopandas).

Boundaries are schematic: every map says so on its face (``figures.schematic``), and
``captions.source_note(..., schematic_map=True)`` says so in the note.  County names
are placed at each feature's label point (``label_lon``/``label_lat`` properties, or
shapely's representative point) and pushed apart until no two labels overlap,
with a thin leader line when a label had to move far.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from analysis.errors import unknown, user_error
from analysis.messages import t
from analysis.present import style


def _t(key: str, lang: str) -> str:
    """Map label ``figures.<key>`` (schematic, no_data, north)."""
    return t(f"figures.{key}", lang)


@lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> pd.DataFrame:
    with open(path, encoding="utf-8") as fh:
        gj = json.load(fh)
    feats = gj.get("features", [])
    if not feats:
        raise user_error("figures.map_no_features", path=path)
    props = pd.DataFrame([f.get("properties") or {} for f in feats])
    if "code" not in props.columns:
        raise user_error("figures.map_no_code", path=path)
    props["code"] = props["code"].astype(str)
    props["geometry"] = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats])
    if {"label_lon", "label_lat"} <= set(props.columns):
        lon, lat = props["label_lon"].astype(float), props["label_lat"].astype(float)
    else:
        pts = shapely.point_on_surface(props["geometry"].to_numpy())
        lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    props["label_x"], props["label_y"] = np.asarray(lon, float), np.asarray(lat, float)
    return props


def read_features(geojson_path: str | os.PathLike) -> pd.DataFrame:
    """GeoJSON features as a frame: properties (code, name_zh, ...) + shapely ``geometry``,
    ``label_x``/``label_y``."""
    p = Path(geojson_path)
    if not p.is_file():
        raise user_error("figures.map_not_found", path=p)
    return _read(str(p.resolve()), p.stat().st_mtime).copy()


def _mpl_path(geom) -> MplPath:
    """A (multi)polygon as one compound matplotlib Path, holes included."""
    rings = []
    for poly in shapely.get_parts(geom):
        rings.append(np.asarray(poly.exterior.coords))
        rings.extend(np.asarray(r.coords) for r in poly.interiors)
    verts = np.concatenate(rings)
    codes = np.concatenate(
        [
            np.r_[MplPath.MOVETO, np.full(len(r) - 2, MplPath.LINETO), MplPath.CLOSEPOLY]
            for r in rings
        ]
    )
    return MplPath(verts, codes.astype(np.uint8))


def _repel(
    texts,
    ax,
    fig,
    anchors_disp: np.ndarray,
    iters: int = 200,
    pad: float = 2.0,
    fixed: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> np.ndarray:
    """Push overlapping text boxes apart (display pixels); returns new centres in display coords.

    ``fixed`` boxes (rows cx, cy, w, h: small areas that a label must not hide) push labels
    away and do not move; ``bounds`` (x0, y0, x1, y1) keeps the labels inside."""
    renderer = fig.canvas.get_renderer()
    boxes = np.array([t.get_window_extent(renderer).bounds for t in texts])  # x0, y0, w, h
    w, h = boxes[:, 2] + pad, boxes[:, 3] + pad
    c = np.c_[boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2]
    f = np.zeros((0, 4)) if fixed is None else fixed
    idx = np.arange(len(c))
    tie = np.sign(idx[:, None] - idx[None, :])
    for _ in range(iters):
        dx = c[:, None, 0] - c[None, :, 0]
        dy = c[:, None, 1] - c[None, :, 1]
        ox = (w[:, None] + w[None, :]) / 2 - np.abs(dx)
        oy = (h[:, None] + h[None, :]) / 2 - np.abs(dy)
        overlap = (ox > 0) & (oy > 0)
        np.fill_diagonal(overlap, False)
        # fixed boxes: the label moves the whole overlap away (ties: up)
        fx = c[:, None, 0] - f[None, :, 0]
        fy = c[:, None, 1] - f[None, :, 1]
        fox = (w[:, None] + f[None, :, 2]) / 2 - np.abs(fx)
        foy = (h[:, None] + f[None, :, 3]) / 2 - np.abs(fy)
        hit = (fox > 0) & (foy > 0)
        if not overlap.any() and not hit.any():
            break
        # separate along the axis of least overlap, half each; ties broken by index order
        sx = np.where(dx == 0, tie, np.sign(dx))
        sy = np.where(dy == 0, tie, np.sign(dy))
        use_y = oy <= ox
        push_x = np.where(overlap & ~use_y, sx * (ox / 2 + 0.5), 0).sum(axis=1)
        push_y = np.where(overlap & use_y, sy * (oy / 2 + 0.5), 0).sum(axis=1)
        fuse_y = foy <= fox
        push_x = push_x + np.where(
            hit & ~fuse_y, np.where(fx == 0, 1, np.sign(fx)) * (fox + 1), 0
        ).sum(axis=1)
        push_y = push_y + np.where(
            hit & fuse_y, np.where(fy == 0, 1, np.sign(fy)) * (foy + 1), 0
        ).sum(axis=1)
        c = c + np.c_[push_x, push_y] * 0.6
        c = c + (anchors_disp - c) * 0.02  # gentle pull back to the anchor
        if bounds is not None:
            c[:, 0] = np.clip(c[:, 0], bounds[0] + w / 2, bounds[2] - w / 2)
            c[:, 1] = np.clip(c[:, 1], bounds[1] + h / 2, bounds[3] - h / 2)
    return c


NAMES_MAX = 40  # maps of more units carry numbers at their areas and a key of names below
LABEL_PT = 6.5  # label size; never below style's 6 pt
SMALL_AREA = 2.0  # an area under this many label boxes gets its label outside, with a leader


def choropleth(
    values: pd.Series,
    geojson_path: str | os.PathLike,
    *,
    names: dict[str, str] | None = None,
    title: str = "",
    cbar_label: str = "",
    lang: str = "zh",
    cmap: str | None = None,
    show_values: bool = True,
    labels: bool | None = None,
    illustrative: bool = False,
    groups: Mapping[str, str] | pd.Series | None = None,
    groups_label: str = "",
) -> Figure:
    """County map coloured by ``values`` (indexed by region code), labelled as schematic
    (``figures.schematic``).

    ``names`` maps code -> display name (default: the GeoJSON's name_zh / name_en).
    Labels show the name and, with ``show_values``, the value; they are placed without
    overlap. ``labels=None`` labels maps of up to 150 units. ``illustrative`` adds the
    illustrative-data mark (``style.mark_illustrative``).

    ``groups`` maps unit code -> the code of its group (the prefecture of a county, from
    ``analysis.analyses.levels.group_of``): each group's outline (the union of its units'
    areas, ``group_outlines``) is drawn over the fill in a thicker dark line, named
    ``groups_label`` in the legend; a map of numbered units lists them group by group in its
    key, under the group's name (from ``names``).
    """
    style.check_lang(lang)
    feats = read_features(geojson_path)
    grp = _groups(feats, groups)
    if grp is not None:  # number the units group by group (groups by code, stable inside)
        keyed = pd.DataFrame({"g": grp.fillna("~").to_numpy(), "k": np.arange(len(feats))})
        feats = feats.iloc[keyed.sort_values(["g", "k"], kind="stable")["k"]]
        feats = feats.reset_index(drop=True)
        grp = grp.reindex(feats["code"])
    v = values.copy()
    v.index = v.index.astype(str)
    extra = sorted(set(v.index) - set(feats["code"]))
    if extra:
        valid = [
            f"{c} {n}"
            for c, n in zip(feats["code"], feats.get("name_zh", feats["code"]), strict=True)
        ]
        raise unknown("kinds.region_code_in_the_map", extra, valid)
    if v.dropna().empty:
        raise user_error("figures.map_no_values")
    vals = v.reindex(feats["code"]).astype(float).to_numpy()
    if names is None:
        col = f"name_{lang}"
        names = dict(zip(feats["code"], feats[col] if col in feats else feats["code"], strict=True))

    if labels is None:
        labels = len(feats) <= 150
    numbered = bool(labels) and len(feats) > NAMES_MAX
    x0, y0, x1, y1 = shapely.total_bounds(feats["geometry"].to_numpy())
    ratio = (y1 - y0) / max((x1 - x0) * np.cos(np.deg2rad((y0 + y1) / 2)), 1e-9)  # height / width
    height_cm = 13.0 if ratio >= 0.8 else 11.0
    width_cm = float(np.clip(height_cm / ratio + 3.0, style.HALF_WIDTH_CM, style.FULL_WIDTH_CM))
    if numbered:  # the key of names takes the full width below the map
        width_cm = style.FULL_WIDTH_CM
    fig = style.new_figure(width_cm, height_cm=height_cm)
    ax = fig.add_subplot()
    paths = [_mpl_path(g) for g in feats["geometry"]]
    has = ~np.isnan(vals)
    cm = mpl.colormaps[cmap or style.SEQUENTIAL_CMAP]
    norm = mpl.colors.Normalize(np.nanmin(vals), np.nanmax(vals))
    pc = PatchCollection(
        [PathPatch(p) for p, k in zip(paths, has, strict=True) if k],
        cmap=cm,
        norm=norm,
        edgecolor="white",
        linewidth=0.8,
        zorder=1,
    )
    pc.set_array(vals[has])
    ax.add_collection(pc)
    handles: list[Artist] = []
    if grp is not None:
        for path in group_outlines(feats, grp):
            ax.add_patch(
                PathPatch(
                    _mpl_path(path),
                    facecolor="none",
                    edgecolor=OUTLINE_COLOUR,
                    linewidth=OUTLINE_WIDTH,
                    joinstyle="round",
                    zorder=2,
                    gid=OUTLINE_GID,
                )
            )
        if groups_label:
            handles.append(
                Line2D([], [], color=OUTLINE_COLOUR, linewidth=OUTLINE_WIDTH, label=groups_label)
            )
    if (~has).any():
        ax.add_collection(
            PatchCollection(
                [PathPatch(p) for p, k in zip(paths, has, strict=True) if not k],
                facecolor=style.LIGHT_GREY,
                edgecolor="white",
                hatch="////",
                linewidth=0.8,
                zorder=1,
            )
        )
        handles.append(
            Patch(
                facecolor=style.LIGHT_GREY,
                hatch="////",
                edgecolor="white",
                label=_t("no_data", lang),
            )
        )
    if handles:
        # under the map's lower right corner: never over an area
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.0), ncol=2)
    mx, my = (x1 - x0) * 0.03, (y1 - y0) * 0.03
    ax.set_xlim(x0 - mx, x1 + mx)
    ax.set_ylim(y0 - my, y1 + my)
    ax.set_aspect(1 / np.cos(np.deg2rad((y0 + y1) / 2)))  # equirectangular at the mean latitude
    ax.set_axis_off()
    from analysis.present.figures import colorbar_below

    cb = colorbar_below(fig, mpl.cm.ScalarMappable(norm=norm, cmap=cm), ax, cbar_label)
    shown = np.asarray(values, dtype=float)
    shown = shown[np.isfinite(shown)]
    if shown.size and np.all(shown == np.round(shown)):  # counts: whole-number ticks
        from matplotlib.ticker import MaxNLocator

        cb.locator = MaxNLocator(integer=True)
        cb.update_ticks()
    ax.text(
        0.0,
        0.0,
        _t("schematic", lang),
        transform=ax.transAxes,
        fontsize=8,
        ha="left",
        va="bottom",
        color="#333333",
    )
    ax.annotate(
        _t("north", lang),
        xy=(0.97, 0.98),
        xytext=(0.97, 0.88),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=8,
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 0.8},
    )
    if title:
        ax.set_title(title, loc="left")
    if illustrative:
        style.mark_illustrative(fig, lang)
    if numbered:
        _key(fig, feats, vals, names, show_values, lang, grp)
    if labels:
        _place_labels(fig, ax, feats, vals, names, show_values and not numbered, numbered)
    return fig


OUTLINE_GID = "group-outline"  # the outline patches of the groups (prefectures)
OUTLINE_COLOUR = "#1A1A1A"
OUTLINE_WIDTH = 1.6  # points; the units' own borders are 0.8 pt white
KEY_GID = "map-key"  # the texts of the key of a numbered map
KEY_MARGIN_IN = 0.08  # the key's margin at the figure's edges (inches)
KEY_LINE = 1.35  # line height of the key, in font sizes


def group_args(ds, lang: str = "zh") -> dict:
    """``choropleth`` keywords that outline the groups of a data set's units: the first level
    below its top (``levels.group_of``: the prefectures of a province), with the legend's name
    of the outlines (``figures.group_outline``); empty for a tree without such a level."""
    from analysis.analyses import levels
    from analysis.data import words

    level = levels.group_level(ds)
    if level is None:
        return {}
    groups = levels.group_of(ds, level).dropna()
    what = words.units_word(level, ds.regions.loc[ds.regions["level"] == level, "name_zh"], lang)
    return {"groups": groups, "groups_label": t("figures.group_outline", lang, groups=what)}


def _groups(feats: pd.DataFrame, groups) -> pd.Series | None:
    """``groups`` as a series by the features' codes (None without groups or with one)."""
    if groups is None:
        return None
    g = pd.Series(groups, dtype=object)
    g.index = g.index.astype(str)
    g = g.reindex(feats["code"]).astype(object)
    g = g.where(g.notna(), None)
    if g.dropna().nunique() < 2:  # a single group: its outline is the map's edge
        return None
    g.index = feats["code"].to_numpy()
    return g


def group_outlines(feats: pd.DataFrame, groups: pd.Series) -> list:
    """One (multi)polygon per group, groups by code: the union of its units' areas, small
    gaps between neighbouring areas (slivers of simplified boundaries, narrower than 0.2 %
    of the map's extent) closed by a buffer out and back in."""
    x0, y0, x1, y1 = shapely.total_bounds(feats["geometry"].to_numpy())
    eps = 0.001 * max(x1 - x0, y1 - y0)
    geoms = feats["geometry"].to_numpy()
    g = groups.reindex(feats["code"]).to_numpy(dtype=object)
    out = []
    for code in sorted({str(x) for x in g if x is not None and x == x}):
        members = geoms[g == code]
        grown = shapely.buffer(members, eps, join_style="mitre")
        out.append(shapely.buffer(shapely.union_all(grown), -eps, join_style="mitre"))
    return out


def _key_lines(
    feats: pd.DataFrame,
    vals: np.ndarray,
    names: dict,
    show_values: bool,
    lang: str,
    groups: pd.Series | None,
) -> list[tuple[str, bool]]:
    """The key's lines: (text, is a group heading); entries numbered as on the map."""
    from analysis.present.figures import format_values

    shown = format_values(vals)
    lines: list[tuple[str, bool]] = []
    last = object()
    for k, (code, val, txt) in enumerate(zip(feats["code"], vals, shown, strict=True)):
        if groups is not None and groups.get(code) != last:
            last = groups.get(code)
            if last is not None:
                lines.append((str(names.get(last, last)), True))
        entry = f"{k + 1} {names.get(code, code)}"
        if show_values:
            entry += f" {txt if not np.isnan(val) else _t('no_data', lang)}"
        lines.append((entry, False))
    return lines


def key_columns(widths: list[float], heads: list[bool], avail: float, gap: float) -> list[int]:
    """How many lines go into each column of the key: the fewest rows (most columns) whose
    columns, each as wide as its widest line plus ``gap``, fit ``avail`` (same unit as the
    widths); lines run down the columns, and a group heading never ends a column."""
    n = len(widths)
    for k in range(n, 0, -1):
        rows = -(-n // k)
        sizes, start = [], 0
        while start < n:
            stop = min(start + rows, n)
            if stop < n and heads[stop - 1] and stop - 1 > start:
                stop -= 1  # the heading moves to the top of the next column
            sizes.append(stop - start)
            start = stop
        if len(sizes) > k:
            continue
        total, start = 0.0, 0
        for size in sizes:
            total += max(widths[start : start + size]) + gap
            start += size
        if total - gap <= avail:
            return sizes
    return [n]


def _key(
    fig: Figure,
    feats: pd.DataFrame,
    vals: np.ndarray,
    names: dict,
    show_values: bool,
    lang: str,
    groups: pd.Series | None = None,
) -> None:
    """The key of a numbered map in a strip added below it: number, name (and value) of
    every area, under its group's name; columns as wide as their widest entry, measured with
    the renderer (``key_columns``), so no entry runs into the next."""
    lines = _key_lines(feats, vals, names, show_values, lang, groups)
    indent = LABEL_PT / 72 if groups is not None else 0.0  # inches: entries under a heading
    texts = [
        fig.text(
            0,
            0,
            text,
            transform=fig.dpi_scale_trans,
            ha="left",
            va="top",
            fontsize=LABEL_PT,
            color=style.BLACK if head else "#333333",
            gid=KEY_GID,
        )
        for text, head in lines
    ]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    heads = [head for _, head in lines]
    widths = [
        t.get_window_extent(renderer).width / fig.dpi + (0.0 if head else indent)
        for t, head in zip(texts, heads, strict=True)
    ]
    avail = fig.get_figwidth() - 2 * KEY_MARGIN_IN
    sizes = key_columns(widths, heads, avail, gap=LABEL_PT / 72)
    line_in = LABEL_PT * KEY_LINE / 72
    strip = max(sizes) * line_in + 2 * KEY_MARGIN_IN
    height = fig.get_figheight()
    fig.set_figheight(height + strip)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):  # the map above the strip
        x0, y0, w, h = engine.get()["rect"]  # keeps a strip at the top (style.mark_illustrative)
        bottom, top = y0 * height + strip, (y0 + h) * height + strip
        total = height + strip
        engine.set(rect=(x0, bottom / total, w, (top - bottom) / total))
    x, start = KEY_MARGIN_IN, 0
    for size in sizes:
        for row in range(size):
            k = start + row
            dx = 0.0 if heads[k] else indent
            texts[k].set_position((x + dx, strip - KEY_MARGIN_IN - row * line_in))
        x += max(widths[start : start + size]) + LABEL_PT / 72
        start += size


def _place_labels(
    fig,
    ax,
    feats: pd.DataFrame,
    vals: np.ndarray,
    names: dict,
    show_values: bool,
    numbered: bool = False,
) -> None:
    """Labels at the areas (names, or numbers of the key), pushed apart; a label whose area is
    smaller than ``SMALL_AREA`` label boxes is placed beside it with a leader line, and no
    label may cover a small area."""
    from analysis.present.figures import format_values

    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    texts = []
    shown = format_values(vals)
    for k, (code, x, y, val, txt) in enumerate(
        zip(feats["code"], feats["label_x"], feats["label_y"], vals, shown, strict=True)
    ):
        s = str(k + 1) if numbered else str(names.get(code, code))
        if show_values and not np.isnan(val):
            s = f"{s}\n{txt}"
        texts.append(
            ax.text(
                x,
                y,
                s,
                ha="center",
                va="center",
                fontsize=LABEL_PT,
                linespacing=1.1,
                path_effects=halo,
                zorder=4,
            )
        )
    fig.canvas.draw()  # settle the constrained layout, then freeze it so positions stay valid
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    anchors = ax.transData.transform(np.c_[feats["label_x"], feats["label_y"]])
    # areas in display pixels: which are smaller than their label
    boxes = np.array([t.get_window_extent(renderer).bounds for t in texts])
    polys = [_display_geom(g, ax) for g in feats["geometry"]]
    areas = np.array([p.area for p in polys])
    small = areas < SMALL_AREA * boxes[:, 2] * boxes[:, 3]
    fixed = np.array(
        [
            [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]]
            for b in (p.bounds for p, sm in zip(polys, small, strict=True) if sm)
        ]
    ).reshape(-1, 4)
    start = _beside(anchors, small, boxes)
    for txt, xy in zip(texts, ax.transData.inverted().transform(start), strict=True):
        txt.set_position(xy)
    bb = ax.get_window_extent(renderer)
    centres = _repel(
        texts, ax, fig, start, iters=600, fixed=fixed, bounds=(bb.x0, bb.y0, bb.x1, bb.y1)
    )
    data_xy = ax.transData.inverted().transform(centres)
    moved = (np.hypot(*(centres - anchors).T) > 14) | small  # pixels at figure dpi
    for txt, (x, y), far, (ax_, ay_) in zip(
        texts, data_xy, moved, feats[["label_x", "label_y"]].to_numpy(), strict=True
    ):
        txt.set_position((x, y))
        if far:
            ax.plot([ax_, x], [ay_, y], color="#333333", linewidth=0.5, zorder=3)
            ax.plot([ax_], [ay_], marker="o", markersize=1.5, color="#333333", zorder=3)


def _beside(anchors: np.ndarray, small: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Start positions (display pixels): the anchor, or for a small area a point on a ring
    around its group of small areas (those within 80 px), spread by the golden angle."""
    start = anchors.copy()
    idx = np.flatnonzero(small)
    for n, i in enumerate(idx):
        near = idx[np.hypot(*(anchors[idx] - anchors[i]).T) < 80]
        centre = anchors[near].mean(axis=0)
        spread = np.hypot(*(anchors[near] - centre).T).max(initial=0.0)
        d = anchors[i] - centre
        if np.hypot(*d) < 1.0 or len(near) > 1:  # a group: spread around its centre
            a = np.arctan2(d[1], d[0]) if np.hypot(*d) >= 1.0 else n * 2.39996
            d = np.array([np.cos(a), np.sin(a)])
        else:
            d = d / np.hypot(*d)
        start[i] = centre + d * (spread + np.hypot(boxes[i, 2], boxes[i, 3]) + 6)
    return start


def _display_geom(geom, ax):
    """``geom`` in display pixels (for areas and overlap checks)."""
    return shapely.transform(geom, lambda xy: ax.transData.transform(xy))
