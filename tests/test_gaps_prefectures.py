"""Report 02 at the prefecture level (issue 24, items 1, 2, 4): on the real Guizhou tree
(9 prefectures, 88 counties) the page shows each prefecture against the standards (its own
value, the aggregate of its counties, checked by hand from the CSV it writes), names the
grouping of the Theil decomposition, groups the county shortfalls by prefecture with
subtotals, folds its long county tables behind the lagging rows, and its findings name
prefectures and the most severe units first; on the default data (a prefecture's own
counties) none of this appears.

The page's sections are called in-process, as the notebook calls them, with what they show
captured as HTML and Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from html_checks import reader_table_problems

from analysis.analyses import levels
from analysis.present import chapter, figures
from analysis.present.reports import gaps as report

pytestmark = pytest.mark.cost(20)

SECTIONS = ("opening", "standards", "groups", "index", "tiers", "trend", "shortfall", "methods")


def _html(obj) -> str:
    if hasattr(obj, "to_html"):
        return obj.to_html()
    if isinstance(obj, plt.Figure):
        plt.close(obj)
        return "<figure/>"
    return str(getattr(obj, "data", obj))


def _page(data_dir: str, out: Path, monkeypatch) -> dict:
    """The sections of page 02, shown in order: outputs (HTML/Markdown strings), the report
    object and the folder of its CSV tables."""
    import IPython.display

    shown: list = []
    monkeypatch.setattr(chapter, "_show", shown.append)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    real = figures.ranked_bar

    def ranked_bar(values, **kw):  # the 88-unit bars are not under test here: not drawn
        return real(values, **kw) if len(values) <= 30 else plt.figure()

    monkeypatch.setattr(figures, "ranked_bar", ranked_bar)
    r = report.open(data_dir=data_dir, outputs_dir=str(out))
    for name in SECTIONS:
        getattr(report, name)(r)
    outputs = [_html(o) for o in shown]
    monkeypatch.undo()
    return {"outputs": outputs, "r": r, "csv": out / "data" / report.KIND}


@pytest.fixture(scope="module")
def guizhou(guizhou_dir, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        return _page(str(guizhou_dir), tmp_path_factory.mktemp("gz02"), mp)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        return _page("", tmp_path_factory.mktemp("def02"), mp)
    finally:
        mp.undo()


def _text(page: dict) -> str:
    return "\n".join(page["outputs"])


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", html)]


def _after(page: dict, caption: str) -> str:
    """The first table shown after the caption containing ``caption``."""
    out = page["outputs"]
    k = next(i for i, o in enumerate(out) if caption in o and o.startswith("**"))
    return next(o for o in out[k + 1 :] if "<table" in o)


def test_prefecture_table_rows_are_the_aggregates_of_their_counties(guizhou):
    ds, year = guizhou["r"].pg.ds, guizhou["r"].spec.year
    f = pd.read_csv(guizhou["csv"] / "prefecture_standards.csv", dtype={"region_code": str})
    groups = levels.group_of(ds)
    assert sorted(f["indicator"].unique()) == ["facility_area_per_100hh", "workers_per_10k_urban"]
    for ind, rows in f.groupby("indicator"):
        meta = ds.indicator(ind)
        num, scale = meta["numerator"], float(meta["scale"])
        std = float(rows["target"].iloc[0])
        v = ds.values([ind, num], year)  # county values and numerators
        den = v[num] * scale / v[ind]  # each county's denominator, from its own ratio
        subs = rows[rows["row"] == "subtotal"].set_index("region_code")
        assert sorted(subs.index) == sorted(set(groups))  # all 9 prefectures
        for g, row in subs.iterrows():
            kids = groups.index[groups == g]
            by_hand = v.loc[kids, num].sum() / den[kids].sum() * scale  # ratio of sums
            assert row["value"] == pytest.approx(by_hand, rel=1e-9), (ind, g)
            assert row["n"] == len(kids)
            assert row["n_below"] == int((v.loc[kids, ind] < std).sum())
            assert bool(row["below"]) == (by_hand < std)
        top = rows[rows["row"] == "total"].iloc[0]
        assert top["region_code"] == ds.top and top["n"] == 88
        assert top["n_below"] == int((v[ind] < std).sum())
    # the page shows the table: every prefecture with its value as on the page (1 decimal)
    table = _after(guizhou, "各市（州）每百户居民社区综合服务设施面积")
    cells = _cells(table)
    fac = f[f["indicator"] == "facility_area_per_100hh"]
    for _, row in fac.iterrows():
        name = ds.name(row["region_code"])
        k = cells.index(name)
        assert cells[k + 1] == str(int(row["n"]))
        assert cells[k + 2] == f"{row['value']:.1f}"
        assert cells[k + 3] == ("低于标准" if row["below"] else "达标")
        assert cells[k + 4] == str(int(row["n_below"]))


def test_the_page_names_the_grouping_of_the_decomposition(guizhou):
    text = _text(guizhou)
    assert "（二）各市（州）对照标准" in text
    assert "泰尔T市（州）间贡献率" in text  # the inequality table's column names its groups
    table = _after(guizhou, "泰尔指数分解：市（州）之间与市（州）内部")
    assert "市（州）之间" in table and "市（州）内部" in table
    # between + within = Theil T on every row, as shown (3 decimals)
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        c = _cells(row)
        if c and c[1] != "—":
            assert abs(float(c[2]) + float(c[3]) - float(c[1])) <= 0.0015, c


def test_county_shortfalls_grouped_by_prefecture_with_subtotals(guizhou):
    ds = guizhou["r"].pg.ds
    f = pd.read_csv(
        guizhou["csv"] / "shortfall_by_prefecture.csv",
        dtype={"region_code": str, "group": str},
        keep_default_na=False,
        na_values=[""],
    )
    groups = levels.group_of(ds)
    for _, rows in f.groupby("indicator", sort=False):
        units = rows[rows["row"] == "unit"]
        assert (units["region_code"].map(groups) == units["group"]).all()  # under its own
        for g, sub in rows[rows["row"] == "subtotal"].set_index("region_code").iterrows():
            mine = units[units["group"] == g]
            assert sub["n"] == len(mine)
            assert sub["quantity"] == pytest.approx(mine["quantity"].sum())
            assert sub["cost"] == pytest.approx(mine["cost"].sum())
        total = rows[rows["row"] == "total"].iloc[0]
        assert total["cost"] == pytest.approx(units["cost"].sum())
        # each subtotal row follows its units: the order is group by group
        seq = rows["group"].fillna("").tolist()
        assert seq[:-1] == sorted(seq[:-1])
    text = _text(guizhou)
    assert "各市（州）标准缺口小计" in text and "小计" in _after(guizhou, "按市（州）分组，含小计")


def test_long_county_tables_show_the_lagging_and_fold_the_rest(guizhou):
    r = guizhou["r"]
    ds = r.pg.ds
    lag = r.results["tiers"].index[r.results["tiers"]["index"] == "lagging"]
    names = {ds.name(c) for c in lag}
    out = guizhou["outputs"]
    k = next(i for i, o in enumerate(out) if "综合发展指数与排名敏感性" in o and o.startswith("**"))
    assert f"需关注的{len(lag)}行（共88行）" in out[k + 1]
    shown = _cells(out[k + 2])
    assert names == {c for c in shown if c in set(ds.names("zh").values())} - set(
        ds.name(g) for g in levels.codes_at(ds, "prefecture")
    )
    assert out[k + 3].startswith('<details class="full-table">')
    assert 'href="../data/02_county_gaps/index.csv" download' in out[k + 3]
    assert "市（州）" in out[k + 2]  # the prefecture column
    index_csv = pd.read_csv(guizhou["csv"] / "index.csv")
    assert "prefecture_code" in index_csv.columns and "region_code" in index_csv.columns
    nb = SimpleNamespace(cells=[{"outputs": [{"data": {"text/html": o}} for o in out]}])
    assert reader_table_problems(nb) == []


def test_findings_name_prefectures_and_the_worst_units_first(guizhou):
    r = guizhou["r"]
    ds, found = r.pg.ds, r.found
    tier, idx = r.results["tiers"], r.results["index"]
    dims = [c for c in tier.columns if c != "index"]
    lag = tier.index[tier["index"] == "lagging"]
    n_lag = (tier.loc[lag, dims] == "lagging").sum(axis=1)
    # by hand: most lagging dimensions first, then the lowest index
    worst = sorted(lag, key=lambda c: (-n_lag[c], idx.loc[c, "index"]))[:6]
    sentence = next(s for s in found["problems"] if "处于滞后档" in s)
    named = re.findall(r"([^、（]+)（6个维度中", sentence.split("即", 1)[1])
    assert named == [ds.name(c) for c in worst]
    assert sentence.count("、") <= 6 and "其余20个从略" in sentence
    # where the lagging units are, by prefecture, most first
    groups = levels.group_of(ds).reindex(lag).value_counts()
    where = next(s for s in found["problems"] if s.startswith("滞后档的"))
    first = re.search(r"依次为([^（]+)（(\d+)个中(\d+)个）", where)
    assert int(first.group(3)) == groups.max()
    assert ds.name(groups.idxmax()) == first.group(1) or groups.value_counts()[groups.max()] > 1
    assert any("按市（州）分解泰尔T指数" in s for s in found["problems"])
    # the prefectures below the facility standard as a whole, most lagging first
    act = next(s for s in found["actions"] if "整体低于标准的" in s)
    below = r.groups[(r.groups["below"]) & (r.groups["row"] == "subtotal")]
    below = below.sort_values("gap", ascending=False)
    assert f"整体低于标准的{'、'.join(ds.name(c) for c in below['region_code'])}，" in act


def test_no_prefecture_section_on_the_default_data(default):
    text = _text(default)
    r = default["r"]
    assert levels.group_level(r.pg.ds) is None
    assert "市（州）" not in text and "泰尔指数分解" not in text and "小计" not in text
    assert "（五）补齐标准的缺口与投入估算" in text  # the sub-sections keep their numbers
    assert "<details" not in text  # 12 counties: every table shown whole
    written = sorted(p.name for p in default["csv"].iterdir())
    assert not [n for n in written if "prefecture" in n]
    assert "prefecture_code" not in pd.read_csv(default["csv"] / "index.csv").columns
