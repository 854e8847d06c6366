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
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
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
) -> Figure:
    """County map coloured by ``values`` (indexed by region code), labelled as schematic
    (``figures.schematic``).

    ``names`` maps code -> display name (default: the GeoJSON's name_zh / name_en).
    Labels show the name and, with ``show_values``, the value; they are placed without
    overlap. ``labels=None`` labels maps of up to 150 units. ``illustrative`` adds the
    illustrative-data mark (``style.mark_illustrative``).
    """
    style.check_lang(lang)
    feats = read_features(geojson_path)
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
    key_rows = 0
    if numbered:  # the key of names takes the full width below the map
        width_cm = style.FULL_WIDTH_CM
        key_rows = -(-len(feats) // KEY_COLUMNS)
        height_cm += key_rows * LABEL_PT * 1.3 / 72 * 2.54 + 0.6
    fig = style.new_figure(width_cm, height_cm=height_cm)
    if numbered:
        ax, key_ax = fig.subplots(
            2, 1, height_ratios=[13.0, key_rows * LABEL_PT * 1.3 / 72 * 2.54 + 0.3]
        )
    else:
        ax, key_ax = fig.add_subplot(), None
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
        ax.legend(
            handles=[
                Patch(
                    facecolor=style.LIGHT_GREY,
                    hatch="////",
                    edgecolor="white",
                    label=_t("no_data", lang),
                )
            ],
            loc="lower right",
        )
    mx, my = (x1 - x0) * 0.03, (y1 - y0) * 0.03
    ax.set_xlim(x0 - mx, x1 + mx)
    ax.set_ylim(y0 - my, y1 + my)
    ax.set_aspect(1 / np.cos(np.deg2rad((y0 + y1) / 2)))  # equirectangular at the mean latitude
    ax.set_axis_off()
    from analysis.present.figures import colorbar_below

    colorbar_below(fig, mpl.cm.ScalarMappable(norm=norm, cmap=cm), ax, cbar_label)
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
    if numbered and key_ax is not None:
        _key(key_ax, feats, vals, names, show_values, lang)
    if labels:
        _place_labels(fig, ax, feats, vals, names, show_values and not numbered, numbered)
    return fig


KEY_COLUMNS = 5


def _key(ax, feats: pd.DataFrame, vals: np.ndarray, names: dict, show_values: bool, lang: str):
    """The key of a numbered map: number, name (and value) of every area, in columns."""
    from analysis.present.figures import format_values

    ax.set_axis_off()
    shown = format_values(vals)
    entries = []
    for k, (code, val, txt) in enumerate(zip(feats["code"], vals, shown, strict=True)):
        entry = f"{k + 1} {names.get(code, code)}"
        if show_values:
            entry += f" {txt if not np.isnan(val) else _t('no_data', lang)}"
        entries.append(entry)
    rows = -(-len(entries) // KEY_COLUMNS)
    for j in range(KEY_COLUMNS):
        col = entries[j * rows : (j + 1) * rows]
        if col:
            ax.text(
                j / KEY_COLUMNS,
                1.0,
                "\n".join(col),
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=LABEL_PT,
                linespacing=1.3,
            )


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
