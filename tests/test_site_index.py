"""The report index (outputs/html/index.html) of a tree with an intermediate level: reports
first, then the regions' pages grouped by the level below the common ancestor (a province's
county profiles under their prefectures), in code order, each group with its count; a search
box that works offline; the illustrative-data notice says 示意数据 once before the title."""

from __future__ import annotations

import re
import shutil

import pytest
from html_checks import external_resources

from analysis.messages import t
from analysis.runner import site as S

# P (province) -> A, B (prefectures) -> counties; Q is another province (a national tree)
TREE = {
    "P": ("", "省甲"),
    "A": ("P", "甲市"),
    "B": ("P", "乙州"),
    "a2": ("A", "二县"),
    "a1": ("A", "一区"),
    "b1": ("B", "三县"),
    "Q": ("", "省乙"),
}


def _rows(codes):
    reports = [
        {"name": "01_baseline", "title": "发展基础", "status": "built", "views": ["report"]},
        {"name": "02_gaps", "title": "发展差距", "status": "failed", "error": {"ename": "E"}},
    ]
    profiles = [
        {
            "name": f"county_profile_{c}",
            "title": f"{TREE[c][1]}概况",
            "status": "built",
            "parameters": {"region_code": c},
            "views": ["report"],
        }
        for c in codes
    ]
    return reports + profiles


def _group_rows(html: str) -> dict[str, list[str]]:
    out = {}
    for g, body in re.findall(
        r'<details class="group" data-group="([^"]+)">(.*?)</details>', html, re.S
    ):
        out[g] = re.findall(r"<td>county_profile_(\w+)</td>", body)
    return out


def test_profiles_grouped_by_prefecture_in_code_order_after_the_reports():
    html = S.index_html(_rows(["b1", "a2", "a1"]), tree=TREE)
    assert _group_rows(html) == {"A": ["a1", "a2"], "B": ["b1"]}
    first_group = html.index('<details class="group"')
    assert html.index("<td>01_baseline</td>") < html.index("<td>02_gaps</td>") < first_group
    summaries = re.findall(r"<summary>(.*?)</summary>", html, re.S)
    assert "甲市" in summaries[0] and t("site.group_count", "zh", n=2) in summaries[0]
    assert "乙州" in summaries[1] and t("site.group_count", "zh", n=1) in summaries[1]
    # each row can be found by its name, title, code and its group's name and code
    row = re.search(r'<tr data-find="([^"]+)"><td>county_profile_a2<', html).group(1)
    assert all(w in row for w in ("county_profile_a2", "二县概况", " a2 "))
    assert row.endswith("甲市 a")
    assert external_resources(html) == [] and '<input id="find"' in html


def test_units_under_one_parent_are_one_table_in_code_order():
    html = S.index_html(_rows(["a2", "a1"]), tree=TREE)
    assert "<details" not in html
    assert html.index("county_profile_a1") < html.index("county_profile_a2")


def test_groups_are_the_level_below_the_common_ancestor():
    tree = {**TREE, "q1": ("Q", "四县")}
    assert S.groups(["a1", "a2", "b1"], TREE) == {"a1": "A", "a2": "A", "b1": "B"}
    assert S.groups(["a1", "a2"], TREE) == {}  # one parent: no intermediate level
    # a tree without one root: the provinces group their counties
    tree["P"], tree["Q"] = ("N", "甲"), ("N", "乙")
    assert S.groups(["a1", "b1", "q1"], tree) == {"a1": "P", "b1": "P", "q1": "Q"}


def test_read_tree_from_regions_csv(tmp_path):
    (tmp_path / "regions.csv").write_text(
        "code,name_zh,name_en,level,parent_code\nP,省,P,province,\nA,市,A,prefecture,P\n",
        encoding="utf-8",
    )
    assert S.read_tree(tmp_path) == {"P": ("", "省"), "A": ("P", "市")}
    assert S.read_tree(tmp_path / "missing") == {}


def test_illustrative_notice_names_the_kind_once():
    word = t("common.illustrative", "zh")
    title = t("illustrate.source_title", "zh")
    assert title.startswith(word)
    notice = S.illustrative_notice([(title, "Illustrative data: a panel")])
    zh = notice[: notice.index("Note")]
    # once before the title (the title's own word), once in the closing 标注“示意数据”
    assert (
        zh.count(word) == 2 and f"{word}\uff1a{word}" not in zh and f"\uff09\uff1a{word}" not in zh
    )
    assert "Illustrative data: a panel" in notice
    # a title that does not say it gets the notice's own words
    assert S.illustrative_notice(["panel"]).startswith(
        t("site.illustrative_notice", "zh", listed="panel")
    )


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="headless Chromium is absent")
def test_search_box_filters_rows_and_groups_offline(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    page = tmp_path / "index.html"
    page.write_text(S.index_html(_rows(["b1", "a2", "a1"]), tree=TREE), encoding="utf-8")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        drv.get(page.as_uri())
        box = drv.find_element(By.ID, "find")

        def visible():
            return sorted(
                r.get_attribute("data-find").split()[0]
                for r in drv.find_elements(By.CSS_SELECTOR, "tr[data-find]")
                if r.is_displayed()
            )

        assert visible() == ["01_baseline", "02_gaps"]  # groups closed at first
        box.send_keys("二县")
        assert visible() == ["county_profile_a2"]
        groups = drv.find_elements(By.CSS_SELECTOR, "details.group")
        assert [g.is_displayed() for g in groups] == [True, False]
        assert drv.find_element(By.ID, "found").text.startswith(t("site.search_found", "zh", n=1))
        box.clear()
        box.send_keys("乙州")  # a group's name finds its rows
        assert visible() == ["county_profile_b1"]
    finally:
        drv.quit()
