"""Pages that travel alone: explore.html and a county profile page, copied to an empty
folder, carry a font with a glyph for every CJK character they can show (the explorer's
labels come from its JSON data, so every character of the file counts) and load no font
file from beside them."""

from __future__ import annotations

import re
import shutil

from html_checks import CJK, embedded_font

from analysis import paths
from analysis.present.explore.page import build_page
from analysis.runner import batch
from analysis.runner.config import Nav
from analysis.runner.fonts import FAMILY, covered, embed_all

MODULE = "analysis.present.profile_page"
URL = re.compile(r"url\(\s*[\"']?([^\"')]*)", re.I)
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def _alone(page, tmp_path) -> str:
    """The page copied to an empty folder, read back."""
    lone = tmp_path / "alone"
    lone.mkdir()
    shutil.copy(page, lone / page.name)
    assert [p.name for p in lone.iterdir()] == [page.name]
    return (lone / page.name).read_text(encoding="utf-8")


def _check(html: str) -> None:
    font = embedded_font(html)
    assert font is not None, "no embedded CJK font"
    have = covered(font)
    missing = {c for c in html if CJK.match(c) and ord(c) not in have}
    assert missing == set()
    css = "".join(STYLE.findall(html))
    assert [u for u in URL.findall(css) if not u.startswith("data:")] == []
    assert ".woff" not in html and ".otf" not in html and ".ttf" not in html


def test_explore_page_embeds_every_cjk_character_it_shows(ds, tmp_path):
    page = build_page(ds, tmp_path / "html", font=embed_all)
    html = _alone(page, tmp_path)
    _check(html)
    assert "\u90fd\u5300" in html  # a region name from the JSON data (都匀) is covered
    assert f"{FAMILY}, " in html and f'"{FAMILY}"' in html  # the chart font and the CSS


def test_profile_page_alone_in_a_folder_renders_every_cjk_character(tmp_path):
    run = {"data_dir": str(paths.data_dir(None)), "top": "", "level": "", "outputs_dir": ""}
    item = batch.Item("county_profile_522701", "522701", "\u90fd\u5300\u5e02", Nav())
    res = batch.render_chunk(MODULE, run, {"lang": "zh"}, [item])[0]
    assert res["ok"], res.get("error")
    page = tmp_path / "county_profile_522701.html"
    page.write_bytes(res["html"]["report"])
    _check(_alone(page, tmp_path))
