"""Figures that read at 88 units (issue 24, item 4): prefecture outlines on the map, map keys
whose entries never overlap, one colour scale across the pages of a split heatmap, no text
outside the figure (the third ranked-bar panel's axis label), below-standard bars coloured by
default, and page figures whose row labels are at least 8 pt where they are shown."""

from __future__ import annotations

import json
import struct

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib import pyplot as plt
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from textboxes import overlapping_among, overlapping_texts, visible_texts

from analysis.data import load
from analysis.present import figures as F
from analysis.present import maps, plan_figures, style

pytestmark = pytest.mark.cost(15)  # rough seconds: scheduled early (conftest.py)

LONG = "威宁彝族回族苗族自治县"  # the longest county name of Guizhou


@pytest.fixture(scope="module")
def gz(guizhou_dir):
    return load(guizhou_dir)


def _outside(fig) -> list[str]:
    """Texts whose rendered box leaves the figure (a clipped label)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    out = []
    for x in visible_texts(fig):
        b = x.get_window_extent(renderer)
        if b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > w + 0.5 or b.y1 > h + 0.5:
            out.append(x.get_text())
    return out


def _key_texts(fig) -> list:
    return [x for x in fig.texts if x.get_gid() == maps.KEY_GID]


# -- prefecture outlines -------------------------------------------------------------------
def test_guizhou_map_has_one_outline_per_prefecture(gz, guizhou_dir):
    ds = gz
    geo = guizhou_dir / "geo" / "grid.geojson"
    values = pd.Series(np.linspace(10.0, 40.0, len(ds.unit_codes)), index=ds.unit_codes)
    fig = maps.choropleth(values, geo, names=ds.names("zh"), **maps.group_args(ds, "zh"))
    # by hand from regions.csv: each county's parent is its prefecture
    r = ds.regions.astype({"code": str})
    parent = dict(zip(r["code"], r["parent_code"].fillna("").astype(str), strict=True))
    prefectures = sorted({parent[u] for u in ds.unit_codes})
    assert len(prefectures) == 9
    outlines = [p for p in fig.axes[0].patches if p.get_gid() == maps.OUTLINE_GID]
    assert len(outlines) == 9
    assert all(p.get_linewidth() > 0.8 for p in outlines)  # thicker than the units' borders
    feats = maps.read_features(geo).set_index("code")
    for patch, pref in zip(outlines, prefectures, strict=True):
        members = [u for u in ds.unit_codes if parent[u] == pref]
        # the outline is the union of its counties' squares (which only touch: the union's
        # area is the sum of theirs), nothing more and nothing less
        squares = feats.loc[members, "geometry"].to_numpy()
        union = shapely.union_all(squares)
        assert union.area == pytest.approx(sum(g.area for g in squares))
        outline = shapely.union_all([shapely.Polygon(v) for v in patch.get_path().to_polygons()])
        assert outline.symmetric_difference(union).area < 1e-6 * union.area, pref
    legend = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    assert "市（州）界" in legend
    # the key lists the counties prefecture by prefecture, under the prefecture's name
    key = [x.get_text() for x in _key_texts(fig)]
    names = ds.names("zh")
    heads = [k for k in key if not k[0].isdigit()]
    assert heads == [names[p] for p in prefectures]
    order = [u for p in prefectures for u in ds.unit_codes if parent[u] == p]
    entries = [k for k in key if k[0].isdigit()]
    assert [e.split()[1] for e in entries] == [names[u] for u in order]
    assert [int(e.split()[0]) for e in entries] == list(range(1, 89))
    plt.close(fig)


def _grid(path, n=6, long=False, rows=None):
    feats = []
    for k in range(n * (rows or n)):
        x, y = k % n, k // n
        ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
        name = f"{LONG}{k}" if long else f"测试{k}县"
        feats.append(
            {
                "type": "Feature",
                "properties": {"code": f"{900000 + k}", "name_zh": name, "name_en": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def test_synthetic_province_outlines_are_the_unions_of_their_units(tmp_path):
    geo = _grid(tmp_path / "g.geojson")  # 6 x 6 unit squares
    codes = [f"{900000 + k}" for k in range(36)]
    # three prefectures: the left half of rows 0-2, the right half of rows 0-2, rows 3-5
    groups = {
        c: ("A" if k < 18 and k % 6 < 3 else "B" if k < 18 else "C") for k, c in enumerate(codes)
    }
    fig = maps.choropleth(
        pd.Series(np.arange(36.0), index=codes), geo, groups=groups, groups_label="界"
    )
    outlines = [p for p in fig.axes[0].patches if p.get_gid() == maps.OUTLINE_GID]
    assert len(outlines) == 3
    # hand-computed: A = [0,3] x [0,3], B = [3,6] x [0,3], C = [0,6] x [3,6]
    expected = [shapely.box(0, 0, 3, 3), shapely.box(3, 0, 6, 3), shapely.box(0, 3, 6, 6)]
    for patch, box in zip(outlines, expected, strict=True):
        got = shapely.union_all([shapely.Polygon(v) for v in patch.get_path().to_polygons()])
        assert got.symmetric_difference(box).area < 1e-9
    plt.close(fig)
    # a single group, or none, draws no outline (its outline is the map's edge)
    one = maps.choropleth(pd.Series(1.0, index=codes), geo, groups=dict.fromkeys(codes, "A"))
    assert not [p for p in one.axes[0].patches if p.get_gid() == maps.OUTLINE_GID]
    plt.close(one)


def test_outlines_close_slivers_between_neighbours():
    # two squares 0.0001 apart (a simplified boundary): one outline, not two
    feats = pd.DataFrame(
        {
            "code": ["1", "2"],
            "geometry": [shapely.box(0, 0, 1, 1), shapely.box(1.0001, 0, 2, 1)],
        }
    )
    (out,) = maps.group_outlines(feats, pd.Series({"1": "A", "2": "A"}))
    assert isinstance(out, shapely.Polygon) and out.area == pytest.approx(2.0, abs=1e-3)


# -- map keys ------------------------------------------------------------------------------
def test_key_columns_hand_checked():
    # four entries of width 1, gap 0.5: 4 columns need 5.5, 3 need 2 rows -> 2 columns of 2
    assert maps.key_columns([1.0] * 4, [False] * 4, avail=2.5, gap=0.5) == [2, 2]
    assert maps.key_columns([1.0] * 4, [False] * 4, avail=10.0, gap=0.5) == [1, 1, 1, 1]
    # columns as wide as their widest entry: [3, 1 | 1, 1] needs 3 + 0.5 + 1 = 4.5
    assert maps.key_columns([3.0, 1.0, 1.0, 1.0], [False] * 4, avail=4.5, gap=0.5) == [2, 2]
    # a heading (index 1) never ends a column: it moves to the top of the next one
    assert maps.key_columns([1.0] * 5, [False, True, False, False, False], 4.0, 0.5) == [1, 2, 2]
    # too wide for any layout: one column
    assert maps.key_columns([9.0, 9.0], [False, False], avail=1.0, gap=0.5) == [2]


def test_map_key_entries_never_overlap_at_12_units(tmp_path, monkeypatch):
    """88 units: ``test_guizhou_map_key_at_88_units``."""
    monkeypatch.setattr(maps, "NAMES_MAX", 0)  # numbered with a key even at 12 units
    geo = _grid(tmp_path / "g.geojson", n=4, rows=3, long=True)
    codes = [f"{900000 + k}" for k in range(12)]
    values = pd.Series(np.linspace(12.345, 98.7, len(codes)), index=codes)
    groups = {c: f"P{k // 5}" for k, c in enumerate(codes)}
    names = {f"P{k}": f"{LONG[:4]}州{k}" for k in range(3)}
    for kw in ({}, {"groups": groups, "names": names}):
        fig = maps.choropleth(values, geo, **kw)
        key = _key_texts(fig)
        assert len(key) >= len(codes)
        assert overlapping_among(fig, key) == []
        assert _outside(fig) == []
        plt.close(fig)


def test_guizhou_map_key_at_88_units(gz, guizhou_dir):
    """The issue's case: '41 威宁彝族回族苗族自治县 21.5' ran into '59 册亨县'."""
    ds = gz
    values = pd.Series(np.linspace(10.0, 99.9, 88), index=ds.unit_codes)
    fig = maps.choropleth(
        values,
        guizhou_dir / "geo" / "grid.geojson",
        names=ds.names("zh"),
        illustrative=True,
        **maps.group_args(ds, "zh"),
    )
    key = _key_texts(fig)
    assert any(LONG in x.get_text() for x in key)
    assert overlapping_among(fig, key) == []
    assert overlapping_texts(fig) == []  # nor with the map, the colour bar or the marks
    assert _outside(fig) == []
    plt.close(fig)


# -- one colour scale across split panels --------------------------------------------------
def test_split_heatmap_pages_share_one_colour_scale(gz):
    c = plan_figures._Ctx(gz, "zh", plan_figures.default_year(gz), None)
    items = plan_figures._heatmap(c)
    assert len(items) == 2  # 88 rows: two Word pages of 44
    images = [a for it in items for ax in it.figure.axes for a in ax.get_images()]
    assert images and all(isinstance(a, AxesImage) for a in images)
    # min-max scores: every indicator column spans 0..100 over all 88 units (not per page)
    for a in images:
        assert (a.norm.vmin, a.norm.vmax) == pytest.approx((0.0, 100.0), abs=1e-9)
    assert len({(a.norm.vmin, a.norm.vmax) for a in images}) == 1
    page_ranges = [
        (float(np.nanmin(a.get_array())), float(np.nanmax(a.get_array()))) for a in images
    ]
    assert len(set(page_ranges)) > 1  # the pages' own ranges differ: the shared norm matters
    plan_figures.close(items)


def test_heatmap_panels_use_the_given_scale():
    m = pd.DataFrame({"a": [10.0, 20.0], "b": [30.0, 40.0]}, index=["x", "y"])
    fig = F.heatmap(m, vmin=0.0, vmax=100.0)
    (im,) = fig.axes[0].get_images()
    assert (im.norm.vmin, im.norm.vmax) == (0.0, 100.0)
    plt.close(fig)
    fig = F.heatmap(m)  # default: the matrix's own range
    (im,) = fig.axes[0].get_images()
    assert (im.norm.vmin, im.norm.vmax) == (10.0, 40.0)
    plt.close(fig)


# -- no clipped text -----------------------------------------------------------------------
def test_ranked_bars_in_three_panels_keep_every_label_inside():
    rng = np.random.default_rng(3)
    names = [f"测试{k}县" for k in range(88)]
    names[87] = LONG  # the last place: the third panel
    values = pd.Series(5 + rng.permutation(88) * 0.4, index=names)
    xlabel = "每百户居民社区综合服务设施面积（平方米/百户）"
    # a title as long as the pages': the legend once sat on it
    title = "每百户居民社区综合服务设施面积（2025年）"
    fig = F.ranked_bar(
        values, standard=30.0, standard_label="国家标准 30", xlabel=xlabel, title=title
    )
    assert [len(ax.get_yticklabels()) for ax in fig.axes] == [30, 30, 28]
    assert _outside(fig) == []
    assert overlapping_texts(fig) == []
    shown = [x.get_text().replace("\n", "") for x in visible_texts(fig)]
    assert shown.count(xlabel) == 1  # one axis label under the three panels
    plt.close(fig)


def test_guizhou_plan_ranked_bars_keep_every_label_inside(gz):
    c = plan_figures._Ctx(gz, "zh", plan_figures.default_year(gz), None)
    item = plan_figures._ranked(c, plan_figures.MAIN_INDICATOR)  # plan figure 1
    assert len(item.figure.axes) == 3
    assert _outside(item.figure) == []
    plan_figures.close([item])


# -- below-standard bars -------------------------------------------------------------------
def _orange(fig) -> set[str]:
    out = set()
    for ax in fig.axes:
        labels = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
        for bar in ax.patches:
            if isinstance(bar, Rectangle) and bar.get_facecolor()[:3] == pytest.approx(
                (0xE6 / 255, 0x9F / 255, 0x00 / 255)
            ):
                out.add(labels[round(bar.get_y() + bar.get_height() / 2)])
    return out


def test_units_short_of_the_standard_are_coloured_by_default():
    v = pd.Series([3.0, 1.0, 2.0, 2.5, np.nan], index=list("abcde"))
    fig = F.ranked_bar(v, standard=2.5, standard_label="国家标准 2.5")
    assert _orange(fig) == {"b", "c"}  # below 2.5 (2.5 itself meets it; no data is no bar)
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    assert "低于国家标准 2.5" in legend
    plt.close(fig)
    fig = F.ranked_bar(v, standard=2.5, lower_is_better=True, lang="en")
    assert _orange(fig) == {"a"}
    assert "Above Standard" in [x.get_text() for x in fig.legends[0].get_texts()]
    plt.close(fig)
    fig = F.ranked_bar(v, standard=2.5, highlight=())  # asked for none
    assert _orange(fig) == set()
    plt.close(fig)
    fig = F.ranked_bar(v)  # no standard: nothing is short of one
    assert _orange(fig) == set()
    plt.close(fig)


# -- page figures of many rows -------------------------------------------------------------
def _shown_pt(fig, size_pt: float) -> float:
    """A font size as shown on a page: the PNG is shown ``width`` CSS px wide (96 px/in)."""
    png, md = fig._repr_png_()
    width_px = struct.unpack(">II", png[16:24])[0]
    assert abs(width_px - fig.get_figwidth() * style.SCREEN_DPI) <= 1  # full resolution
    shown_in = md["width"] / style.CSS_PX_PER_INCH
    return size_pt * shown_in / fig.get_figwidth()


@pytest.mark.parametrize("n", [12, 88])
def test_page_heatmap_and_status_rows_are_at_least_8_pt_where_shown(n):
    rng = np.random.default_rng(n)
    names = [f"测试{k}县" for k in range(n)]
    cols = [f"指标{j}（%）" for j in range(8)]
    m = pd.DataFrame(rng.uniform(0, 100, (n, 8)), index=names, columns=cols)
    codes = np.array(["met", "on_track", "moderate", "limited", "backwards"])
    status = pd.DataFrame(codes[rng.integers(0, 5, (n, 5))], index=names, columns=cols[:5])
    row_cm = F.PAGE_FONT_PT / 0.75 / 72 * 2.54  # a row holds its label: 8 pt / 0.75
    # fixed parts (cm): column labels, colour bar or legend, margins (8 columns; 5 columns)
    annot = m.round(1) if n < 50 else None  # (time)
    for fig, fixed in ((F.heatmap(m, annot=annot), 6.0), (F.status_dashboard(status), 4.4)):
        sizes = [t.get_fontsize() for ax in fig.axes for t in ax.get_yticklabels()]
        assert len(sizes) == n and min(sizes) >= F.PAGE_FONT_PT
        if n < 50:  # shown at print size whatever the rows (rendering a tall one takes time)
            assert _shown_pt(fig, min(sizes)) >= 8.0 - 1e-9
        # the figure grows with its rows: height >= fixed part + n rows
        assert fig.get_figheight() * 2.54 >= fixed + n * row_cm - 1e-6
        ticks = [x for ax in fig.axes for x in ax.get_yticklabels()]
        assert overlapping_among(fig, ticks) == []
        # each row, as laid out, is at least as tall as its label
        ax = next(a for a in fig.axes if len(a.get_yticklabels()) == n)
        ys = ax.transData.transform(np.c_[np.zeros(n), np.arange(n)])[:, 1]
        pitch_pt = np.abs(np.diff(ys)).min() * 72 / fig.dpi
        assert pitch_pt >= F.PAGE_FONT_PT
        plt.close(fig)


def test_word_pages_of_a_long_heatmap_fit_one_page_at_6_pt_or_more():
    n = 44  # one Word page of the 88-row heatmap (plan_figures.row_chunks)
    m = pd.DataFrame(np.arange(n * 8.0).reshape(n, 8), index=[f"r{k}" for k in range(n)])
    fig = F.heatmap(m, min_font=F.MIN_FONT_PT)
    sizes = [t.get_fontsize() for t in fig.axes[0].get_yticklabels()]
    assert min(sizes) >= F.MIN_FONT_PT
    assert fig.get_figheight() * 2.54 <= F.MAX_HEIGHT_CM + 0.5
    plt.close(fig)
    # hand-checked rule: 50 rows in 22 - 6 cm leave 0.32 cm a row -> 0.32 / 2.54 * 72 * 0.75 pt
    height, font = F._rows(50, 6.0, 0.5)
    assert height == pytest.approx(22.0)
    assert font == pytest.approx(0.32 / 2.54 * 72 * 0.75)  # 6.80 pt
    assert F._rows(44, 6.0, 0.5)[1] == 7.5  # larger rows: the label stops at 7.5 pt
    height, font = F._rows(88, 6.0, 0.5, min_font=8.0)
    assert font == 8.0 and height == pytest.approx(6.0 + 88 * 8 / 0.75 / 72 * 2.54)
