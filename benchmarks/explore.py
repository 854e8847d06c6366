"""Benchmark: the explorer's response time and the offline page's weight and load time.

Panel (``analysis.present.explore.explore``): time from a control change to every changed
figure rendered to PNG (what Jupyter displays), for the first change of each kind (nothing
cached), on the embedded data (12 counties) and on a synthetic 100-county set with a square
grid map. Goal: about a second.

Page (``outputs/html/explore.html``): build time, page weight (HTML with its data + the
Plotly asset) and load time in headless Chromium from file:// (navigation start to the
first render of the page script), for 12 and 88 counties.

    .venv/bin/python benchmarks/explore.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from analysis.data import load
from analysis.data.synthetic import write_dataset, write_grid_map
from analysis.present.explore import explore
from analysis.present.explore.page import build_page


def _render(view, before, names=("ranked", "map", "trend")) -> None:
    """Render figures that changed as Jupyter displays them (``_repr_png_``, 120 dpi)."""
    for name in names:
        fig = getattr(view, name)
        if fig is not None and (before is None or fig is not getattr(before, name)):
            fig._repr_png_()


def panel(ds, label: str) -> None:
    t0 = time.perf_counter()
    ex = explore(ds)
    _render(ex.view.compute_all(), None)
    start = time.perf_counter() - t0
    units = ds.unit_codes
    inds = [i for i in ex.indicators if len(ex.years(i)) > 4][:6]
    changes = {
        "indicator": [{"indicator": i} for i in inds[1:5]],
        "county": [{"county": c} for c in units[1:5]],
        "year": [{"year": -k} for k in (2, 3, 4)],  # the k-th latest year of the indicator
        "weighting": [{"weighting": w} for w in ("entropy", "theme")],
        "normalisation": [{"normalisation": n} for n in ("zscore", "target")],
        "level": [{"level": "prefecture"}, {"level": "county"}],
    }
    print(
        f"\npanel, {label} ({len(units)} counties): start {start:.2f} s;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for kind, steps in changes.items():
        visible, every = [], []
        for step in steps:
            if step.get("year", 0) < 0:
                step = {"year": ex.years(ex.state["indicator"])[step["year"]]}
            before = ex.view.compute_all()
            t0 = time.perf_counter()
            ex.set(**step)
            _render(ex.view, before, ("ranked",))  # the tab on screen
            visible.append(time.perf_counter() - t0)
            ex.view.compute_all()  # every other tab, as the user opens them
            _render(ex.view, before)
            every.append(time.perf_counter() - t0)
        print(
            f"  {kind:14s} visible tab: median {statistics.median(visible):.2f} s,"
            f" max {max(visible):.2f} s; all five views: median {statistics.median(every):.2f} s,"
            f" max {max(every):.2f} s ({len(steps)} changes)"
        )


def page(ds, label: str, out: Path) -> None:
    t0 = time.perf_counter()
    html = build_page(ds, out)
    build = time.perf_counter() - t0
    asset = next((out / "assets").iterdir())
    kb_html, kb_js = html.stat().st_size / 1024, asset.stat().st_size / 1024
    load_ms = browser_load(html)
    print(
        f"page, {label}: build {build:.1f} s; weight {kb_html:.0f} KB page + {kb_js:.0f} KB"
        f" plotly.js (shared asset) = {(kb_html + kb_js) / 1024:.1f} MB; load {load_ms}"
    )


def browser_load(html: Path, runs: int = 3) -> str:
    """Median time from navigation start to the page's first render, headless Chromium."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        return "not measured (apt-get install -y chromium chromium-driver)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver), options=opts)
    try:
        ms = []
        for _ in range(runs):
            drv.get(html.as_uri())
            body = WebDriverWait(drv, 30).until(
                lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ms]")
            )
            ms.append(int(body.get_attribute("data-ms")))
    finally:
        drv.quit()
    return f"{statistics.median(ms)} ms (median of {runs}, {min(ms)}-{max(ms)})"


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="explore-bench-"))
    try:
        ds12 = load()
        root100 = write_dataset(tmp / "d100", n_units=100)
        write_grid_map(root100)
        root88 = write_dataset(tmp / "d88", n_units=88)
        write_grid_map(root88)
        if "--page-only" not in sys.argv:
            panel(ds12, "embedded data")
            panel(load(root100), "synthetic, grid map")
        print()
        page(ds12, "12 counties (embedded)", tmp / "h12")
        page(load(root88), "88 counties (synthetic, 3 levels, grid map)", tmp / "h88")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
