"""The offline explorer page: its numbers equal the analysis results, it is written
deterministically with Plotly's JavaScript once in assets/, and it builds for other data sets
(88 counties, three levels, a map)."""

from __future__ import annotations

import json
import re

import pytest

from analysis.analyses import gaps
from analysis.analyses import targets as targets_mod
from analysis.data import load, synthetic
from analysis.data.synthetic import write_dataset
from analysis.present.explore import explore_data, write_explore_page
from analysis.present.explore.export import num, ranks
from analysis.present.explore.page import PAGE, build_page
from analysis.present.words import gaps as gap_words
from analysis.present.words import targets as target_words


def test_plotly_bundle_is_the_vendored_basic_one_and_covers_the_page():
    """The page loads the plotly.js basic bundle shipped with the package (MIT, unmodified
    npm file); every trace type page.js draws is one that bundle registers."""
    from analysis.present.explore import page

    name, src = page.plotly_js()
    assert name == "plotly-basic-4.1.1.min.js" and len(src) < 1_500_000
    assert "Licensed under the MIT license" in src[:300]
    assert (page.HERE / "plotly-LICENSE.txt").read_text().startswith("MIT License")
    js = (page.HERE / "page.js").read_text(encoding="utf-8")
    traces = set(re.findall(r'type: "(\w+)"', js)) - {"line"}  # "line": a layout shape
    assert traces and traces <= {"scatter", "bar", "pie"}
    assert "Plotly.react" in js


@pytest.fixture(scope="module")
def data(ds):
    return explore_data(ds)


def _unit_pos(data) -> list[int]:
    return [k for k, r in enumerate(data["regions"]) if r["level"] == data["levels"][0]]


def test_page_values_equal_the_ranked_bar_input_of_the_reports(data, ds):
    pos = _unit_pos(data)
    assert [data["regions"][k]["code"] for k in pos] == ds.unit_codes
    assert {i["id"] for i in data["indicators"]} >= set(gaps.index_indicators(ds))
    n = 0
    for ind, per_year in data["values"].items():
        for year, row in per_year.items():
            ref = gap_words.ranked_input(ds, ind, int(year), "zh")
            page = [row[k] for k in pos]
            assert page == [num(v) for v in ref["values"]], (ind, year)
            n += 1
    assert n > 100
    meta = {i["id"]: i for i in data["indicators"]}
    std = gaps.targets(ds)
    for ind, m in meta.items():
        assert m["standard"] == (num(std[ind]) if ind in std.index else None)
    # the top region's values sit in the same arrays
    top = [k for k, r in enumerate(data["regions"]) if r["code"] == ds.top][0]
    assert data["values"]["community_workers"]["2020"][top] == num(
        ds.values(["community_workers"], 2020, [ds.top]).iloc[0, 0]
    )


def test_page_ranks_and_gaps_equal_the_county_profile(data, ds):
    spec = gaps.resolve(ds)
    pos = _unit_pos(data)
    meta = {i["id"]: i for i in data["indicators"]}
    for code in ds.unit_codes[:4]:
        prof = gaps.profile(ds, code, spec)
        k = ds.unit_codes.index(code)
        for ind in prof.index:
            row = [data["values"][ind][str(spec.year)][p] for p in pos]
            assert ranks(row, meta[ind]["direction"])[k] == prof.loc[ind, "rank"]


def test_page_fan_and_index_equal_the_analysis(data, ds):
    view = targets_mod.prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
    assert set(data["fan"]) == set(view.indicators)
    for ind in view.indicators:
        for code in [ds.top, ds.unit_codes[0]]:
            f = target_words.fan_inputs(view, ind, code)
            page = data["fan"][ind].get(code)
            if f["history"].empty:
                assert page is None
                continue
            assert page["history"] == [[int(y), num(v)] for y, v in f["history"].items()]
            assert page["forecast"]["hi95"] == [num(v) for v in f["forecast"]["hi95"]]
            assert page["target"] == [f["target"][0], num(f["target"][1])]
    idx = gaps.development_index(ds, gaps.resolve(ds))
    rows = {r["code"]: r for r in data["index"]["rows"]}
    for code in ds.unit_codes:
        assert rows[code]["index"] == num(idx.loc[code, "index"])
        assert rows[code]["best_rank"] == idx.loc[code, "best_rank"]
        assert rows[code]["worst_rank"] == idx.loc[code, "worst_rank"]


def test_page_is_offline_deterministic_and_marks_illustrative_data(tmp_path, ds):
    html = tmp_path / "html"
    page = build_page(ds, html)
    first = page.read_bytes()
    assert build_page(ds, html).read_bytes() == first
    assets = sorted((html / "assets").iterdir())
    assert len(assets) == 1 and assets[0].name.startswith("plotly-")
    text = first.decode("utf-8")
    assert f'<script src="assets/{assets[0].name}">' in text
    assert text.count("Plotly") < 100  # the library is not inlined
    # nothing is loaded from elsewhere
    refs = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert refs == [f"assets/{assets[0].name}"]
    assert "示意数据" in text
    blob = re.search(
        r'<script id="explore-data" type="application/json">(.*?)</script>', text, re.S
    )
    assert json.loads(blob.group(1).replace("<\\/", "</"))["illustrative"] is True
    assert len(first) < 400_000


def test_write_explore_page_skips_when_up_to_date_and_bad_data(tmp_path, data_copy):
    out = tmp_path / "out"
    page = write_explore_page(data_copy, out)
    assert page == out / "html" / PAGE
    stamp = page.stat().st_mtime_ns
    assert write_explore_page(data_copy, out) == page and page.stat().st_mtime_ns == stamp
    # a changed observation file rebuilds it
    obs = sorted((data_copy / "observations").glob("*.csv"))[0]
    obs.write_text(obs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    write_explore_page(data_copy, out)
    assert page.stat().st_mtime_ns != stamp
    # a data set that does not load gives no page and a line in the log, no exception
    bad = tmp_path / "bad"
    (bad / "observations").mkdir(parents=True)
    (bad / "regions.csv").write_text("code,name_zh\n", encoding="utf-8")
    lines: list[str] = []
    assert write_explore_page(bad, tmp_path / "out2", log=lines.append) is None
    assert len(lines) == 1 and "explore.html" in lines[0]
    assert not (tmp_path / "out2" / "html" / PAGE).exists()


def test_88_counties_three_levels_with_a_map(tmp_path):
    root = write_dataset(tmp_path / "d88", n_units=88)
    synthetic.write_grid_map(root)
    sds = load(root)
    data = explore_data(sds)
    assert data["levels"] == ["county", "prefecture", "province"]
    assert len(data["geo"]) == 88
    assert sum(r["level"] == "county" for r in data["regions"]) == 88
    page = build_page(sds, tmp_path / "html")
    assert page.stat().st_size < 2_000_000


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """A synthetic province: 4 prefectures, 30 county units with districts, a grid map."""
    root = synthetic.write_tree(tmp_path_factory.mktemp("province") / "data", levels=(4, 30))
    synthetic.write_grid_map(root)
    return load(root)


def _area(ring) -> float:
    """Shoelace area of a closed ring."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return abs(sum(xs[k] * ys[k + 1] - xs[k + 1] * ys[k] for k in range(len(ring) - 1))) / 2


def test_prefecture_level_has_its_map_and_the_data_sets_level_words(province):
    from analysis.present.explore.page import _defaults

    ds = province
    data = explore_data(ds)
    assert data["levels"] == ["county", "prefecture", "province"]
    pref = ds.regions.loc[ds.regions["level"] == "prefecture", "code"].tolist()
    parent = dict(zip(ds.regions["code"], ds.regions["parent_code"], strict=True))
    # each prefecture drawn as the union of its counties' squares: same area, fewer rings
    for p in pref:
        mine = [c for c in ds.unit_codes if parent[c] == p]
        whole = sum(_area(r) for r in data["geo"][p])
        parts = sum(_area(r) for c in mine for r in data["geo"][c])
        assert whole == pytest.approx(parts, rel=1e-3) and len(data["geo"][p]) < len(mine)
    # level words of the data set (its units include districts), the top as a whole
    zh = data["labels"]["zh"]
    assert zh["level_county"] == ds.units_word("zh") == "县（市、区）"
    assert zh["level_prefecture"] == "市（州）" and zh["level_province"] == ds.whole_word("zh")
    assert data["labels"]["en"]["level_prefecture"] == "Prefectures"
    # the first view is of an indicator with values at every level
    ind = _defaults(data)["indicator"]
    row = data["values"][ind][max(data["values"][ind], key=int)]
    have = {r["level"] for r, v in zip(data["regions"], row, strict=True) if v is not None}
    assert have == set(data["levels"])


def test_data_note_quotes_the_data_sets_sources(province):
    """The note names the illustrative sources as sources.csv has them, and claims no
    calibration the data set does not state."""
    data = explore_data(province)
    src = province.sources.set_index("id")
    ill = src.index[src["kind"] == "illustrative"]
    assert set(data["sources"]) == set(ill)
    for sid in ill:
        assert data["sources"][sid]["zh"].startswith(src.loc[sid, "title"])
        assert str(src.loc[sid, "reference"]) in data["sources"][sid]["zh"]
    used = {s for i in data["indicators"] for s in i["sources"]}
    assert used and used <= set(ill)
    for lang in ("zh", "en"):
        note = data["labels"][lang]["illustrative_note"]
        assert "{listed}" in note and "校准" not in note and "calibrat" not in note


def test_first_indicator_shown_differs_between_units(data):
    """The page opens on an indicator the units differ on (the default data's first
    indicators are 100 % everywhere in 2025, where a rank would call every unit first)."""
    from analysis.present.explore.page import _defaults, _varies

    ind = _defaults(data)["indicator"]
    per = data["values"][ind]
    row = per[max(per, key=int)]
    units = [v for r, v in zip(data["regions"], row, strict=True) if r["level"] == "county"]
    assert len({v for v in units if v is not None}) > 1
    flat = [i["id"] for i in data["indicators"] if not _varies(data, i["id"])]
    assert flat  # the case is exercised: some indicator is equal everywhere
