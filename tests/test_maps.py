"""Choropleth from GeoJSON: schematic label, names without overlap, bad codes, holes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib import pyplot as plt
from matplotlib.text import Text
from textboxes import map_label_overlaps

from analysis.errors import UserError
from analysis.paths import data_dir
from analysis.present import maps, style

GEO = data_dir() / "geo" / "qiannan_counties.geojson"


def _grid_geojson(path, n=6, with_hole=True):
    """n x n unit squares with long names (crowded labels); square 0 has a hole."""
    feats = []
    for k in range(n * n):
        x, y = k % n * 0.1, k // n * 0.1
        ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
        rings = [ring]
        if with_hole and k == 0:
            rings.append(
                [
                    [x + 0.03, y + 0.03],
                    [x + 0.03, y + 0.07],
                    [x + 0.07, y + 0.07],
                    [x + 0.07, y + 0.03],
                    [x + 0.03, y + 0.03],
                ]
            )
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "code": f"{900000 + k}",
                    "name_zh": f"很长名字的县{k}",
                    "name_en": f"Long County Name {k}",
                },
                "geometry": {"type": "Polygon", "coordinates": rings},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_map_is_schematic_and_labels_do_not_overlap(lang):
    props = json.loads(GEO.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["code"] for f in props]
    values = pd.Series(np.linspace(10, 40, len(codes)), index=codes)
    with style.strict_glyphs():
        fig = maps.choropleth(values, GEO, cbar_label="x", lang=lang)
        style.check_glyphs(fig)
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert ("示意图" if lang == "zh" else "Schematic map") in texts
    name = props[0]["properties"][f"name_{lang}"]
    assert any(t.startswith(name) for t in texts)
    assert map_label_overlaps(fig) == 0
    plt.close(fig)


def test_crowded_labels_are_pushed_apart_and_holes_kept(tmp_path):
    geo = _grid_geojson(tmp_path / "grid.geojson")
    values = pd.Series(np.arange(36.0), index=[f"{900000 + k}" for k in range(36)])
    values.iloc[5] = np.nan
    fig = maps.choropleth(values, geo)
    assert map_label_overlaps(fig) == 0
    # the hole in square 0 is a second closed ring of its path: 5 + 5 vertices
    coll = fig.axes[0].collections[0]
    assert len(coll.get_paths()[0].vertices) == 10
    assert "无数据" in [t.get_text() for t in fig.findobj(Text)]
    plt.close(fig)


def test_unknown_codes_are_listed(tmp_path):
    geo = _grid_geojson(tmp_path / "g.geojson", n=2)
    with pytest.raises(UserError, match="(?s)未知的地图中的地区代码: 123456.*900000 很长名字的县0"):
        maps.choropleth(pd.Series([1.0], index=["123456"]), geo)
    with pytest.raises(UserError, match="地图文件不存在"):
        maps.choropleth(pd.Series([1.0], index=["900000"]), tmp_path / "nope.geojson")


def test_features_read_with_label_points():
    f = maps.read_features(GEO)
    assert len(f) == 12 and f["code"].is_unique
    assert f["geometry"].map(lambda g: g.contains(__import__("shapely").Point(0, 0))).sum() == 0
    inside = [
        g.buffer(0.01).contains(__import__("shapely").Point(x, y))
        for g, x, y in zip(f["geometry"], f["label_x"], f["label_y"], strict=True)
    ]
    assert all(inside)
