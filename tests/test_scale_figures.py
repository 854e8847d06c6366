"""Figures at many units: the trends figure shows the laggards, ranked bars and heatmaps split
into legible panels, maps of 80+ units keep labels apart and off small areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.present import plan_figures

pytestmark = pytest.mark.cost(15)  # rough seconds: scheduled early (conftest.py)


@pytest.fixture(scope="module")
def ds20(tmp_path_factory):
    return load(write_dataset(tmp_path_factory.mktemp("s") / "d", n_units=20, seed=5))


def test_lagging_takes_the_lowest_or_for_lower_is_better_the_highest():
    latest = pd.Series([5.0, 1.0, np.nan, 3.0, 9.0, 2.0], index=list("abcdef"))
    # hand-sorted: ascending b(1) f(2) d(3) a(5) e(9), c has no value
    assert plan_figures.lagging(latest, n=3) == ["b", "f", "d"]
    assert plan_figures.lagging(latest, lower_is_better=True, n=3) == ["e", "a", "d"]
    assert plan_figures.lagging(latest, n=10) == ["b", "f", "d", "a", "e", "c"]


@pytest.mark.parametrize("ind", ["facility_area_per_100hh", "worker_avg_age"])
def test_trends_figure_panels_are_the_lagging_units(ds20, ind):
    ds = ds20
    assert len(ds.unit_codes) > plan_figures.MAX_PANELS
    lower = ds.indicator(ind)["direction"] == "lower"
    # independent truth: each unit's value in its latest observed year, by hand
    obs = ds.obs(ind, ds.unit_codes).dropna(subset=["value"])
    last = obs.sort_values("year").groupby("region_code")["value"].last()
    worst_first = sorted(last.index, key=lambda k: (-last[k] if lower else last[k], k))
    names = ds.names("en")
    expected = {names[k] for k in worst_first[: plan_figures.MAX_PANELS]}
    best = {names[k] for k in worst_first[plan_figures.MAX_PANELS :]}
    c = plan_figures._Ctx(ds, "en", 2020, None)
    item = plan_figures._small_multiples(c, ind)
    titles = {ax.get_title(loc="left").replace("\n", " ") for ax in item.figure.axes}
    titles.discard("")
    assert titles == expected
    assert not titles & best
    plan_figures.close([item])


# -- ranked bars and heatmaps at 12, 88 and 500 units ---------------------------------------
from matplotlib import pyplot as plt  # noqa: E402
from textboxes import (  # noqa: E402
    overlapping_among,
    overlapping_texts,
    texts_on_reference_lines,
    visible_texts,
)

from analysis.present import figures as F  # noqa: E402


def _values(n: int, seed: int = 1) -> pd.Series:
    rng = np.random.default_rng(seed)
    names = [f"黔{'东南西北中'[k % 5]}测试{k}县" for k in range(n)]
    v = pd.Series(5 + rng.permutation(n) * 40 / n, index=names)  # distinct: no ties
    v.iloc[3] = np.nan
    return v


def _tick_sizes(fig) -> list[float]:
    return [x.get_fontsize() for x in visible_texts(fig)]


@pytest.mark.parametrize("n", [12, 88, 500])
def test_ranked_bar_scales_legibly(n):
    values = _values(n)
    fig = F.ranked_bar(
        values, standard=30.0, title="T", xlabel="每百户居民社区综合服务设施面积（平方米/百户）"
    )
    assert min(_tick_sizes(fig)) >= F.MIN_FONT_PT
    assert overlapping_texts(fig) == []
    assert texts_on_reference_lines(fig) == []
    assert fig.get_figheight() * 2.54 <= F.MAX_HEIGHT_CM + 0.5  # one page
    shown = [lab.get_text() for ax in fig.axes for lab in ax.get_yticklabels()]
    ranked = values.dropna().sort_values(ascending=False)  # hand ranking, missing last
    if n <= F.PANEL_ROWS * F.MAX_FULL_PANELS:
        assert sorted(shown) == sorted(values.index)  # every unit drawn
        assert len(fig.axes) == -(-n // F.PANEL_ROWS)
        assert max(len(ax.get_yticklabels()) for ax in fig.axes) <= F.PANEL_ROWS
    else:  # the highest and the lowest EXTREMES; the unit without data is last
        e = F.EXTREMES
        expected = set(ranked.index[:e]) | set(ranked.index[-(e - 1) :]) | {values.index[3]}
        assert set(shown) == expected
        assert any(f"{n - 2 * e}" in x.get_text() for x in visible_texts(fig))  # omitted note
    plt.close(fig)


@pytest.mark.parametrize("n", [88, 500])  # 12 units: tests/test_figures.py
def test_heatmap_and_status_chart_scale_legibly(n):
    rng = np.random.default_rng(2)
    names = _values(n).index
    cols = [f"指标{j}（%）" for j in range(8)]
    m = pd.DataFrame(rng.uniform(0, 100, (n, 8)), index=names, columns=cols)
    fig = F.heatmap(m, annot=m.round(1) if n < 500 else None, title="T")  # (time)
    assert min(_tick_sizes(fig)) >= F.MIN_FONT_PT
    rows = [lab.get_text() for ax in fig.axes for lab in ax.get_yticklabels()]
    if n <= 2 * F.HEATMAP_ROWS:
        assert rows == list(names)
    else:
        h = F.HEATMAP_ROWS
        assert rows == list(names[:h]) + list(names[-h:])
    ticks = [x for ax in fig.axes for x in [*ax.get_yticklabels(), *ax.get_xticklabels()]]
    assert overlapping_among(fig, ticks) == []
    plt.close(fig)
    codes = np.array(["met", "on_track", "moderate", "limited", "backwards", "no_data"])
    status = pd.DataFrame(codes[rng.integers(0, 6, (n, 5))], index=names, columns=cols[:5])
    fig = F.status_dashboard(status, title="T")
    assert min(_tick_sizes(fig)) >= F.MIN_FONT_PT
    ticks = [x for ax in fig.axes for x in [*ax.get_yticklabels(), *ax.get_xticklabels()]]
    assert overlapping_among(fig, ticks) == []
    plt.close(fig)


def test_rank_panels_hand_checked():
    assert F.rank_panels(12) == [range(12)]
    assert F.rank_panels(88) == [range(0, 30), range(30, 60), range(60, 88)]
    assert F.rank_panels(500) == [range(40), range(460, 500)]


# -- maps of 80+ units ---------------------------------------------------------------------
import json  # noqa: E402

import shapely  # noqa: E402
from textboxes import map_label_overlaps  # noqa: E402

from analysis.present import maps  # noqa: E402


def _voronoi_map(path, n=88, cluster=14, seed=4):
    """``n`` Voronoi areas over a 3 x 2.4 degree box, ``cluster`` of them packed into a small
    city (tiny districts, like Guiyang's) - areas much smaller than a label."""
    rng = np.random.default_rng(seed)
    pts = np.r_[
        rng.uniform([105, 25], [108, 27.4], (n - cluster, 2)),
        rng.normal([106.6, 26.5], 0.04, (cluster, 2)),
    ]
    box = shapely.box(104.9, 24.9, 108.1, 27.5)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=box)
    feats = []
    for k, p in enumerate(pts):
        cell = next(c for c in shapely.get_parts(cells) if c.contains(shapely.Point(p)))
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "code": f"{520100 + k}",
                    "name_zh": f"测试{k}区",
                    "name_en": f"D{k}",
                },
                "geometry": json.loads(shapely.to_geojson(cell.intersection(box))),
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def test_map_of_88_units_numbers_every_area_legibly_without_hiding_any(tmp_path):
    geo = _voronoi_map(tmp_path / "v.geojson")
    f = maps.read_features(geo)
    values = pd.Series(np.linspace(10, 40, len(f)), index=f["code"])
    fig = maps.choropleth(values, geo, cbar_label="x", title="T")
    ax = fig.axes[0]
    labels = [x for x in ax.texts if x.get_zorder() == 4]
    assert sorted(int(x.get_text()) for x in labels) == list(range(1, 89))  # every area
    assert min(x.get_fontsize() for x in visible_texts(fig)) >= 6
    assert map_label_overlaps(fig) == 0
    assert overlapping_texts(fig) == []  # nor with the key, the notes, the colour bar
    key = "\n".join(x.get_text() for x in fig.texts if x.get_gid() == maps.KEY_GID)
    assert all(f"{k + 1} 测试{k}区" in key for k in range(88))
    renderer = fig.canvas.get_renderer()
    boxes = shapely.union_all([shapely.box(*x.get_window_extent(renderer).extents) for x in labels])
    small = 0
    for g in f["geometry"]:
        area = maps._display_geom(g, ax)
        seen = area.difference(boxes).area / area.area
        assert seen >= 0.5, seen  # no label hides an area
        small += area.area < 2 * 12 * 12
    assert small >= 5  # the test map does have areas smaller than a label
    plt.close(fig)


def test_plan_pages_of_a_long_heatmap_hand_checked():
    assert plan_figures.row_chunks(12) == [range(12)]
    assert plan_figures.row_chunks(88) == [range(0, 44), range(44, 88)]
    assert plan_figures.row_chunks(150) == [range(0, 50), range(50, 100), range(100, 150)]
    assert plan_figures.row_chunks(500) == [range(500)]  # one page: the figure shows the ends


def test_region_name_lookup_matches_the_table(ds20):
    from analysis.errors import UserError

    r = ds20.regions
    for lang in ("zh", "en"):
        for code, name in zip(r["code"], r[f"name_{lang}"], strict=True):
            assert ds20.name(code, lang) == str(name)
    with pytest.raises(UserError):
        ds20.name("000000")


def test_descendants_equal_the_regions_whose_ancestors_include_the_region(tmp_path):
    from analysis.data.synthetic import write_tree

    tree = load(write_tree(tmp_path / "t", levels=(3, 12)), derive=False)
    codes = tree.regions["code"].tolist()
    for code in codes:
        brute = {c for c in codes if code in tree.ancestors(c)}
        assert tree.descendants(code) == brute
    root = tree.regions.loc[tree.regions["parent_code"].fillna("") == "", "code"].iloc[0]
    assert len(tree.descendants(root)) == 3 + 12


def test_figures_show_at_full_resolution_with_their_print_width(monkeypatch):
    import struct
    from types import SimpleNamespace

    import IPython
    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from analysis.present import style

    fmt = DisplayFormatter()
    fmt.formatters["image/png"].for_type(Figure, lambda fig: b"inline backend, 100 dpi")
    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace(display_formatter=fmt))
    style.use()
    fig = F.ranked_bar(pd.Series([1.0, 2.0], index=["a", "b"]))
    data, md = fmt.format(fig)
    width, _ = struct.unpack(">II", data["image/png"][16:24])
    inches = fig.get_figwidth()
    assert md["image/png"]["width"] == round(inches * 96)  # shown at print size
    assert width == pytest.approx(inches * style.SCREEN_DPI, abs=2)  # with 2x the pixels
    assert width >= 2 * md["image/png"]["width"]
    plt.close(fig)
