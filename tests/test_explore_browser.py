"""explore.html in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) opens the page from file:// with name resolution disabled, picks an
indicator and a county through the page's own controls, checks the rendered values against
the data, downloads the CSV, and checks that every request stayed on the machine.

Install: ``apt-get install -y chromium chromium-driver`` (``.ci/run`` does it).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.present.explore.export import num
from analysis.present.explore.page import build_page

pytestmark = pytest.mark.cost(9)  # rough seconds: scheduled early (conftest.py)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (dev dependency)")
if not (CHROMIUM and DRIVER):
    pytest.skip(
        "headless Chromium is absent: apt-get install -y chromium chromium-driver",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

LOCAL = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can go out
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1300,1400",
    ):
        opts.add_argument(arg)
    opts.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    drv.downloads = downloads  # type: ignore[attr-defined]
    yield drv
    drv.quit()


def _wait_ready(drv, part: str = "") -> str:
    def ready(d):
        v = d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") or ""
        return v if v and (not part or part in v.split("|")) else False

    return WebDriverWait(drv, 15).until(ready)


def _requests(drv) -> list[str]:
    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _fmt(v: float) -> str:
    r = round(float(v), 2)
    return str(int(r)) if r == int(r) else repr(r)


def test_page_in_headless_chromium(browser, ds, tmp_path):
    page = build_page(ds, tmp_path / "html")
    browser.get_log("performance")  # drop anything logged before
    browser.get(page.as_uri())
    _wait_ready(browser)

    # pick an indicator and a county through the page's own controls
    ind, code = "workers_per_10k_urban", ds.unit_codes[5]
    Select(browser.find_element(By.ID, "indicator")).select_by_value(ind)
    _wait_ready(browser, ind)
    Select(browser.find_element(By.ID, "county")).select_by_value(code)
    state = _wait_ready(browser, code)
    year = int(state.split("|")[1])
    expected = ds.values([ind], year)[ind]
    assert year == int(ds.obs(ind, ds.unit_codes)["year"].max())

    # the table shows every county's value and rank; the selected row is highlighted
    rows = browser.find_elements(By.CSS_SELECTOR, "#table tbody tr")
    shown = {r.get_attribute("data-code"): r for r in rows}
    assert set(shown) == set(ds.unit_codes)
    oriented = expected if ds.indicator(ind)["direction"] == "higher" else -expected
    rank = oriented.rank(ascending=False, method="min")
    for c, row in shown.items():
        assert row.find_element(By.CSS_SELECTOR, "td.v").text == _fmt(expected[c])
        assert row.find_element(By.CSS_SELECTOR, "td.r").text == str(int(rank[c]))
    assert shown[code].get_attribute("class") == "sel"
    sel = browser.find_element(By.ID, "selection")
    assert float(sel.get_attribute("data-value")) == pytest.approx(expected[code], rel=1e-5)
    assert ds.name(code) in sel.text

    # map hover texts and bar values are the same numbers, the selected county is outlined
    hover = browser.execute_script(
        "return document.getElementById('map').data.map(t => t.text).filter(Boolean)"
    )
    assert f"{ds.name(code)}\uff1a{_fmt(expected[code])}" in " ".join(hover)  # full-width colon
    bar = browser.execute_script(
        "var t = document.getElementById('bar').data[0]; return [t.y, t.x]"
    )
    got = dict(zip(bar[0], bar[1], strict=True))[ds.name(code)]
    assert got == pytest.approx(num(expected[code]))  # the JSON's significant digits
    trend = browser.execute_script("return document.getElementById('trend').data.map(t => t.name)")
    assert any(ds.name(code) in (n or "") for n in trend)
    # the observed line reaches the last year with a value (the target star drawn before it),
    # and no rotated y-axis title (the unit is in the chart's title)
    seen = browser.execute_script(
        "var d = document.getElementById('trend').data; return d[d.length - 1].x"
    )
    assert seen[-1] == int(ds.obs(ind, [code])["year"].max())
    ytitle = browser.execute_script(
        "var a = document.getElementById('trend').layout.yaxis; return a.title && a.title.text"
    )
    assert not ytitle

    # the CSV download: UTF-8 with BOM, the selected data, marked 示意数据
    browser.find_element(By.ID, "download").click()
    deadline = time.monotonic() + 10
    files: list[Path] = []
    while time.monotonic() < deadline and not files:
        files = [p for p in browser.downloads.glob("*.csv")]
        time.sleep(0.1)
    assert files, "no CSV was downloaded"
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head, body = table[0], table[1:]
    assert head[:3] == ["区划代码", "地区", "区域层级"]
    got = pd.Series({r[0]: float(r[head.index("数值")]) for r in body if r[head.index("数值")]})
    assert got.to_dict() == pytest.approx(expected.dropna().to_dict(), rel=1e-5)
    assert all(r[-1] == "示意数据" for r in body)

    # another region level: the prefecture's own figure
    Select(browser.find_element(By.ID, "indicator")).select_by_value("community_workers")
    _wait_ready(browser, "community_workers")
    Select(browser.find_element(By.ID, "year")).select_by_value("2020")
    _wait_ready(browser, "2020")
    Select(browser.find_element(By.ID, "level")).select_by_value("prefecture")
    _wait_ready(browser, "prefecture")
    rows = browser.find_elements(By.CSS_SELECTOR, "#table tbody tr")
    assert [r.get_attribute("data-code") for r in rows] == [ds.top]
    top = ds.values(["community_workers"], 2020, [ds.top]).iloc[0, 0]
    assert rows[0].find_element(By.CSS_SELECTOR, "td.v").text == _fmt(top)
    assert not browser.find_element(By.ID, "map").is_displayed()

    # the language switch
    browser.find_element(By.ID, "lang").click()
    _wait_ready(browser, "en")
    label = Select(browser.find_element(By.ID, "indicator")).first_selected_option.text
    assert label == ds.label("community_workers", "en")
    assert browser.find_element(By.CSS_SELECTOR, "#table th").text == "Code"

    # every request the page made was to a local file, data: or blob: URL
    urls = _requests(browser)
    assert any(u.startswith("file:") and "plotly-" in u for u in urls)
    assert [u for u in urls if not u.startswith(LOCAL)] == []


def test_prefecture_level_from_the_first_load_with_its_map(browser, tmp_path):
    """A province: the level picker offers every level at once, named with the data set's
    words, and the prefecture level draws its map (one region per prefecture)."""
    from analysis.data import load, synthetic

    root = synthetic.write_tree(tmp_path / "data", levels=(4, 24))
    synthetic.write_grid_map(root)
    ds = load(root)
    page = build_page(ds, tmp_path / "html")
    browser.get(page.as_uri())
    _wait_ready(browser)
    options = Select(browser.find_element(By.ID, "level")).options
    assert [o.get_attribute("value") for o in options] == ["county", "prefecture", "province"]
    assert [o.text for o in options] == ["县（市、区）", "市（州）", "全省"]
    Select(browser.find_element(By.ID, "level")).select_by_value("prefecture")
    _wait_ready(browser, "prefecture")
    assert browser.find_element(By.ID, "map").is_displayed()
    drawn = browser.execute_script(
        "return document.getElementById('map').data.map(t => t.name).filter(Boolean)"
    )
    prefectures = ds.regions.loc[ds.regions["level"] == "prefecture", "code"].tolist()
    assert sorted(set(drawn)) == sorted(prefectures)
    rows = browser.find_elements(By.CSS_SELECTOR, "#table tbody tr")
    assert sorted(r.get_attribute("data-code") for r in rows) == sorted(prefectures)
    assert "示意数据来源" in browser.find_element(By.ID, "data-note").text
